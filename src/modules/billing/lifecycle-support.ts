/**
 * What the subscription lifecycle is built from: its retry schedule, the port its e-mails go
 * through, who acts, and the small steps every change shares (prices, invoice lines, the locked
 * subscription, the audit record).
 */
import type { Trx } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordAudit, type AuditEntry } from '../audit/index.ts';
import { findPlan, findPlanVersion, lockLiveSubscription, type ActiveUserCounter, type BillingInterval, type PlanRow, type PlanVersionRow, type SubscriptionRow } from '../tenancy/index.ts';
import type { BillingProvider } from './billing-provider.ts';
import type { StoredInvoiceLine } from './billing.tables.ts';
import type { InvoiceRow, Seller } from './invoices.ts';

/** Days after a failed renewal at which it is charged again; after the last failure the subscription is unpaid and the business suspended. */
export const RETRY_SCHEDULE_DAYS = [3, 5, 7] as const;
/** What the tenant's suspension says when billing suspended it (paying lifts only this one). */
export const UNPAID_SUSPENSION_REASON = 'unpaid';

export type BillingNotice =
  | { kind: 'payment_failed'; invoice: InvoiceRow; nextAttemptAt: Date | null }
  | { kind: 'suspended'; invoice: InvoiceRow }
  | { kind: 'payment_succeeded'; invoice: InvoiceRow; restored: boolean };

/** Where billing tells the business's owners what happened (notifications implements it). */
export interface BillingMessagesPort {
  /** `to`: the billing e-mail the business gave, or null for the business's own address. */
  queueBillingNotice(trx: Trx, tenantId: string, notice: BillingNotice & { to: string | null; billingUrl: string }): Promise<void>;
}

export interface LifecycleDeps {
  provider: BillingProvider;
  seller: Seller;
  countUsers: ActiveUserCounter;
  messages: BillingMessagesPort | null;
  /** The dashboard's billing screen, linked from the e-mails. */
  billingUrl: string;
}

/** Who asks for a change (a person, an API key, or the platform's support), as the audit records it. */
export type Actor = Pick<AuditEntry, 'actor' | 'userId' | 'impersonatedBy'>;

export const DAY = 86_400_000;

/** The plan's price for `interval` at one of its price versions. */
export function priceOf(plan: PlanRow, interval: BillingInterval, prices: PlanPrices): number {
  const amount = interval === 'year' ? prices.annual_price_amount : prices.price_amount;
  if (amount === null) throw new AppError('CONFLICT', `The ${plan.name} plan is priced by contract: contact sales`, { reason: 'contact_sales' });
  return Number(amount);
}

export type PlanPrices = Pick<PlanVersionRow, 'price_amount' | 'annual_price_amount' | 'price_currency'>;

/** One price version of a plan (the subscription's foreign key guarantees it exists). */
export async function pricesAt(executor: Trx, planId: string, version: number): Promise<PlanPrices> {
  const found = await findPlanVersion(executor, planId, version);
  if (!found) throw new Error(`plan ${planId} has no price version ${version}`);
  return found;
}

/**
 * Grandfathering: the price version a period starting now is charged at. Staying on its plan, a
 * subscription keeps the version it signed up at, or the one the platform applied to existing
 * subscribers for their next renewal; moving to another plan, it takes that plan's current prices.
 */
export function versionFor(subscription: SubscriptionRow, plan: PlanRow): number {
  return plan.id === subscription.plan_id ? (subscription.renewal_plan_version ?? subscription.plan_version) : plan.price_version;
}

export function planLine(plan: PlanRow, interval: BillingInterval, amount: number, start: Date, end: Date, what: 'period' | 'unused' | 'remaining'): StoredInvoiceLine {
  const es = { month: 'mensual', year: 'anual' }[interval];
  const en = { month: 'monthly', year: 'yearly' }[interval];
  const description =
    what === 'unused'
      ? { es: `Tiempo no usado del plan ${plan.name} (${es})`, en: `Unused time on ${plan.name} (${en})` }
      : what === 'remaining'
        ? { es: `Tiempo restante del plan ${plan.name} (${es})`, en: `Remaining time on ${plan.name} (${en})` }
        : { es: `Plan ${plan.name} (${es})`, en: `${plan.name} plan (${en})` };
  return { description, quantity: 1, unit_amount: amount, amount, period_start: start.toISOString(), period_end: end.toISOString() };
}

export async function live(executor: Trx, tenantId: string): Promise<SubscriptionRow> {
  const subscription = await lockLiveSubscription(executor, tenantId);
  if (!subscription) throw notFound('Subscription');
  return subscription;
}

export async function plan(executor: Trx, planId: string): Promise<PlanRow> {
  const found = await findPlan(executor, planId);
  if (!found) throw new AppError('VALIDATION_ERROR', `Unknown plan "${planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
  return found;
}

export async function audit(executor: Trx, tenantId: string, actor: Actor | null, action: string, oldValues: Record<string, unknown> | null, newValues: Record<string, unknown> | null) {
  await recordAudit(executor, {
    tenantId,
    userId: actor?.userId ?? null,
    actor: actor?.actor ?? { type: 'system', id: 'billing' },
    impersonatedBy: actor?.impersonatedBy ?? null,
    action,
    entityType: 'subscription',
    entityId: tenantId,
    oldValues,
    newValues,
  });
}

export const snapshot = (subscription: SubscriptionRow) => ({
  plan_id: subscription.plan_id,
  plan_version: subscription.plan_version,
  status: subscription.status,
  billing_interval: subscription.billing_interval,
  pending_plan_id: subscription.pending_plan_id,
  cancel_at_period_end: subscription.cancel_at_period_end,
});

export interface PlanChange {
  subscription: SubscriptionRow;
  invoice: InvoiceRow | null;
  /** `now`: the plan changed; `period_end`: it changes at the next renewal. */
  effective: 'now' | 'period_end';
}
