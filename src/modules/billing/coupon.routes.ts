import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { callerOf } from '../../platform/http/access.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { actorOf, annotateAudit } from '../audit/index.ts';
import { getTenant } from '../tenancy/index.ts';
import { appliedCouponSchema, couponBodySchema, couponSchema, redeemCouponBodySchema } from './coupon.schemas.ts';
import { archiveCoupon, createCoupon, listCoupons, redeemCoupon, removeCoupon, type CouponRow, type runningCoupon } from './coupons.ts';

const platformTags = ['Platform administration'];
const platformOnly = { access: { permission: ['manage', 'Platform'] as ['manage', 'Platform'] } };
const iso = (value: Date | null) => (value ? value.toISOString() : null);
const amountOff = (coupon: CouponRow) => (coupon.amount_off !== null && coupon.currency !== null ? { amount: Number(coupon.amount_off), currency: coupon.currency.trim() } : null);

function couponView(coupon: CouponRow): z.infer<typeof couponSchema> {
  return {
    id: coupon.id,
    code: coupon.code,
    name: coupon.name,
    percent_off: coupon.percent_off,
    amount_off: amountOff(coupon),
    duration: coupon.duration,
    duration_months: coupon.duration_months,
    max_redemptions: coupon.max_redemptions,
    times_redeemed: coupon.times_redeemed,
    redeem_by: iso(coupon.redeem_by),
    plan_ids: coupon.plan_ids,
    archived_at: iso(coupon.archived_at),
    created_at: coupon.created_at.toISOString(),
  };
}

export function appliedCouponView(running: NonNullable<Awaited<ReturnType<typeof runningCoupon>>>): z.infer<typeof appliedCouponSchema> {
  const { coupon, redemption } = running;
  return {
    code: coupon.code,
    name: coupon.name,
    percent_off: coupon.percent_off,
    amount_off: amountOff(coupon),
    duration: coupon.duration,
    redeemed_at: redemption.redeemed_at.toISOString(),
    ends_at: iso(redemption.ends_at),
  };
}

const REFUSALS =
  '404 NOT_FOUND for an unknown code; 422 COUPON_EXPIRED past its redemption date or archived, COUPON_EXHAUSTED at its redemption cap, ' +
  "COUPON_NOT_FOR_PLAN for another plan (or an amount off in another currency than the plan's); 409 COUPON_ALREADY_ACTIVE while another coupon runs.";
const idParams = z.object({ id: z.uuid() });

/** Coupons: the platform's catalogue (administrators only, audited in the platform's log) and their redemption. */
export function registerCouponRoutes(api: ApiRouter, deps: { db: Db }): void {
  const { db } = deps;

  api.get(
    '/platform/coupons',
    { config: platformOnly, schema: { tags: platformTags, summary: 'Every coupon, running ones first, with how often each was redeemed', response: { 200: envelopeSchema(z.array(couponSchema)) } } },
    async () => ok((await withPlatform(db, (trx) => listCoupons(trx))).map(couponView)),
  );

  api.post(
    '/platform/coupons',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: 'Create a coupon',
        description:
          'A percentage or an amount off (minor units of its currency); `once` discounts the next invoice, `repeating` the invoices of ' +
          '`duration_months` months from redemption, `forever` every invoice. The discount is a line of its own, before tax. ' +
          '409 CONFLICT when the code is taken; 400 VALIDATION_ERROR for both or neither of percent_off and amount_off, or an unknown plan.',
        body: couponBodySchema,
        response: { 201: envelopeSchema(couponSchema) },
      },
    },
    async (request, reply) => {
      const created = await withPlatform(db, (trx) => createCoupon(trx, request.body));
      annotateAudit(request, { action: 'coupon.created', entityType: 'coupon', entityId: created.id, newValues: couponView(created) });
      return reply.code(201).send(ok(couponView(created)));
    },
  );

  api.post(
    '/platform/coupons/:id/archive',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: 'Archive a coupon: no new redemptions; subscriptions that have it keep it for its duration',
        params: idParams,
        response: { 200: envelopeSchema(couponSchema) },
      },
    },
    async (request) => {
      const archived = await withPlatform(db, (trx) => archiveCoupon(trx, request.params.id));
      annotateAudit(request, { action: 'coupon.archived', entityType: 'coupon', entityId: archived.id, newValues: { code: archived.code } });
      return ok(couponView(archived));
    },
  );

  api.post(
    '/platform/tenants/:id/billing/coupon',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: "Apply a coupon to a business's subscription",
        description: `${REFUSALS} Recorded in the platform's audit log and the business's.`,
        params: idParams,
        body: redeemCouponBodySchema,
        response: { 200: envelopeSchema(appliedCouponSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = request.params.id;
      const applied = await withTenant(db, tenantId, async (trx) => {
        if (!(await getTenant(trx, tenantId))) throw notFound('Tenant');
        return redeemCoupon(trx, tenantId, request.body.code, actorOf(auth));
      });
      annotateAudit(request, { action: 'subscription.coupon_applied', entityType: 'tenant', entityId: tenantId, newValues: { coupon: applied.coupon.code } });
      return ok(appliedCouponView(applied));
    },
  );

  api.delete(
    '/platform/tenants/:id/billing/coupon',
    {
      config: platformOnly,
      schema: {
        tags: platformTags,
        summary: "Take the running coupon off a business's subscription (invoices already issued keep their discount)",
        description: '404 when no coupon runs.',
        params: idParams,
        response: { 200: envelopeSchema(z.object({ removed: z.literal(true) })) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = request.params.id;
      await withTenant(db, tenantId, async (trx) => {
        if (!(await getTenant(trx, tenantId))) throw notFound('Tenant');
        await removeCoupon(trx, tenantId, actorOf(auth));
      });
      annotateAudit(request, { action: 'subscription.coupon_removed', entityType: 'tenant', entityId: tenantId });
      return ok({ removed: true as const });
    },
  );

  api.post(
    '/billing/coupon',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags: ['Billing'],
        summary: 'Apply a coupon code to the subscription',
        description: `The next invoices it covers show its discount as a line before tax. ${REFUSALS}`,
        body: redeemCouponBodySchema,
        response: { 200: envelopeSchema(appliedCouponSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const applied = await withTenant(db, auth.tenantId, (trx) => redeemCoupon(trx, auth.tenantId, request.body.code, actorOf(auth)));
      // The redemption wrote the business's audit record in its transaction.
      annotateAudit(request, { skip: true });
      return ok(appliedCouponView(applied));
    },
  );
}
