/**
 * Coupons on the platform's plans, with Stripe's semantics kept in our tables: the platform creates
 * and archives them; the platform or the business's owner applies one to the subscription; the
 * invoices it covers get its discount as a line of their own, before tax and account credit.
 */
import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { percentOf } from '../../platform/money.ts';
import { lockLiveSubscription } from '../tenancy/index.ts';
import type { CouponDuration, CouponRedemptionsTable, CouponsTable, StoredInvoiceLine } from './billing.tables.ts';
import { audit, pricesAt, type Actor } from './lifecycle-support.ts';
import { addInterval } from './periods.ts';

export type CouponRow = Selectable<CouponsTable>;
type RedemptionRow = Selectable<CouponRedemptionsTable>;

export interface NewCoupon {
  code: string;
  name: string;
  percent_off?: number | undefined;
  amount_off?: { amount: number; currency: string } | undefined;
  duration: CouponDuration;
  duration_months?: number | undefined;
  max_redemptions?: number | undefined;
  redeem_by?: string | undefined;
  plan_ids?: string[] | undefined;
}

export async function listCoupons(executor: Executor): Promise<CouponRow[]> {
  return executor.selectFrom('coupons').selectAll().orderBy('archived_at', (order) => order.desc().nullsFirst()).orderBy('created_at', 'desc').execute();
}

/** Creates a coupon (platform connection). 409 CONFLICT when its code is taken, archived coupons included. */
export async function createCoupon(executor: Executor, input: NewCoupon): Promise<CouponRow> {
  const taken = await executor.selectFrom('coupons').select('id').where('code', '=', input.code).executeTakeFirst();
  if (taken) throw new AppError('CONFLICT', `The code ${input.code} is taken`, { reason: 'code_taken' });
  if (input.plan_ids && input.plan_ids.length > 0) {
    const known = await executor.selectFrom('plans').select('id').where('id', 'in', input.plan_ids).execute();
    const unknown = input.plan_ids.filter((id) => !known.some((row) => row.id === id));
    if (unknown.length > 0) throw new AppError('VALIDATION_ERROR', `Unknown plan "${unknown[0]}"`, [{ field: 'plan_ids', message: 'unknown plan' }]);
  }
  return executor
    .insertInto('coupons')
    .values({
      code: input.code,
      name: input.name,
      percent_off: input.percent_off ?? null,
      amount_off: input.amount_off?.amount ?? null,
      currency: input.amount_off?.currency ?? null,
      duration: input.duration,
      duration_months: input.duration === 'repeating' ? (input.duration_months ?? null) : null,
      max_redemptions: input.max_redemptions ?? null,
      redeem_by: input.redeem_by ?? null,
      plan_ids: JSON.stringify(input.plan_ids ?? []),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Archiving stops new redemptions; subscriptions that have it keep it for its duration. */
export async function archiveCoupon(executor: Executor, id: string, now = new Date()): Promise<CouponRow> {
  const coupon = await executor.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst();
  if (!coupon) throw notFound('Coupon');
  if (coupon.archived_at) return coupon;
  return executor.updateTable('coupons').set({ archived_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The coupon running on a business's subscription, if any (a repeating one past its months has stopped). */
export async function runningCoupon(executor: Executor, tenantId: string, now = new Date()): Promise<{ redemption: RedemptionRow; coupon: CouponRow } | null> {
  const redemption = await executor.selectFrom('coupon_redemptions').selectAll().where('tenant_id', '=', tenantId).where('ended_at', 'is', null).executeTakeFirst();
  if (!redemption || (redemption.ends_at !== null && redemption.ends_at <= now)) return null;
  const coupon = await executor.selectFrom('coupons').selectAll().where('id', '=', redemption.coupon_id).executeTakeFirstOrThrow();
  return { redemption, coupon };
}

const refuse = (code: 'COUPON_EXPIRED' | 'COUPON_EXHAUSTED' | 'COUPON_NOT_FOR_PLAN' | 'COUPON_ALREADY_ACTIVE', message: string) => new AppError(code, message);

/**
 * Applies the coupon with `code` to the business's live subscription, in the caller's tenant
 * transaction: 404 for an unknown code; COUPON_EXPIRED past its date or archived, COUPON_EXHAUSTED
 * at its redemption cap, COUPON_NOT_FOR_PLAN for another plan (or an amount in another currency),
 * COUPON_ALREADY_ACTIVE while another coupon still runs. Audited in the business's log.
 */
export async function redeemCoupon(executor: Trx, tenantId: string, code: string, actor: Actor, now = new Date()): Promise<{ redemption: RedemptionRow; coupon: CouponRow }> {
  const subscription = await lockLiveSubscription(executor, tenantId);
  if (!subscription) throw notFound('Subscription');
  // Locked: two businesses redeeming the last use of a capped coupon wait for each other.
  const coupon = await executor.selectFrom('coupons').selectAll().where('code', '=', code.trim().toUpperCase()).forUpdate().executeTakeFirst();
  if (!coupon) throw notFound('Coupon');
  if (coupon.archived_at !== null || (coupon.redeem_by !== null && coupon.redeem_by <= now)) throw refuse('COUPON_EXPIRED', `The coupon ${coupon.code} has expired`);
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) throw refuse('COUPON_EXHAUSTED', `The coupon ${coupon.code} has been used up`);
  if (coupon.plan_ids.length > 0 && !coupon.plan_ids.includes(subscription.plan_id)) throw refuse('COUPON_NOT_FOR_PLAN', `The coupon ${coupon.code} is not for this plan`);
  if (coupon.currency !== null) {
    const prices = await pricesAt(executor, subscription.plan_id, subscription.plan_version);
    if (prices.price_currency.trim() !== coupon.currency.trim()) throw refuse('COUPON_NOT_FOR_PLAN', `The coupon ${coupon.code} is in ${coupon.currency}, the plan in ${prices.price_currency}`);
  }
  const running = await executor.selectFrom('coupon_redemptions').selectAll().where('tenant_id', '=', tenantId).where('ended_at', 'is', null).executeTakeFirst();
  if (running && (running.ends_at === null || running.ends_at > now)) throw refuse('COUPON_ALREADY_ACTIVE', 'A coupon is already applied to this subscription');
  if (running) await executor.updateTable('coupon_redemptions').set({ ended_at: running.ends_at }).where('tenant_id', '=', tenantId).where('id', '=', running.id).execute();

  await executor.updateTable('coupons').set({ times_redeemed: coupon.times_redeemed + 1 }).where('id', '=', coupon.id).execute();
  const redemption = await executor
    .insertInto('coupon_redemptions')
    .values({ tenant_id: tenantId, coupon_id: coupon.id, redeemed_at: now, ends_at: coupon.duration === 'repeating' ? addInterval(now, 'month', coupon.duration_months ?? 1) : null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(executor, tenantId, actor, 'subscription.coupon_applied', null, { coupon: coupon.code, ends_at: redemption.ends_at?.toISOString() ?? null });
  return { redemption, coupon: { ...coupon, times_redeemed: coupon.times_redeemed + 1 } };
}

/** The platform takes a running coupon off a subscription (the invoices already issued keep their discount). */
export async function removeCoupon(executor: Trx, tenantId: string, actor: Actor, now = new Date()): Promise<void> {
  const running = await runningCoupon(executor, tenantId, now);
  if (!running) throw notFound('Coupon');
  await executor.updateTable('coupon_redemptions').set({ ended_at: now }).where('tenant_id', '=', tenantId).where('id', '=', running.redemption.id).execute();
  await audit(executor, tenantId, actor, 'subscription.coupon_removed', { coupon: running.coupon.code }, null);
}

export interface Discount {
  code: string;
  amount: number;
  line: StoredInvoiceLine;
}

/**
 * The discount the running coupon gives an invoice of `lines`, or null. A percentage applies to the
 * invoice's net (a proration's charge less its credit, both at full price, so the discounted
 * difference is what a discounted subscriber owes); an amount off is for a whole period, so it
 * applies to invoices that start one (`startsPeriod`), never beyond their net. A coupon for other
 * plans or in another currency gives nothing; a `once` coupon ends with the invoice it discounts.
 */
export async function couponDiscount(
  executor: Executor,
  tenantId: string,
  invoice: { lines: StoredInvoiceLine[]; currency: string; planId: string | null; startsPeriod: boolean },
  now: Date,
): Promise<Discount | null> {
  const running = await runningCoupon(executor, tenantId, now);
  if (!running) return null;
  const { coupon, redemption } = running;
  const net = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
  if (net <= 0) return null;
  if (coupon.plan_ids.length > 0 && (invoice.planId === null || !coupon.plan_ids.includes(invoice.planId))) return null;
  let amount: number;
  if (coupon.percent_off !== null) amount = percentOf(net, coupon.percent_off * 100);
  else if (coupon.currency?.trim() === invoice.currency && invoice.startsPeriod) amount = Math.min(Number(coupon.amount_off), net);
  else return null;
  if (amount <= 0) return null;
  if (coupon.duration === 'once') await executor.updateTable('coupon_redemptions').set({ ended_at: now }).where('tenant_id', '=', tenantId).where('id', '=', redemption.id).execute();
  const off = coupon.percent_off !== null ? `${coupon.percent_off} %` : null;
  return {
    code: coupon.code,
    amount,
    line: {
      description: { es: `Descuento ${coupon.code}${off ? ` (${off})` : ''}`, en: `Discount ${coupon.code}${off ? ` (${off} off)` : ''}` },
      quantity: 1,
      unit_amount: -amount,
      amount: -amount,
      period_start: null,
      period_end: null,
    },
  };
}
