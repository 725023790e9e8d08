import { z } from 'zod';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { callerOf, type AuthContext } from '../../platform/http/access.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import {
  businessIdParams,
  businessPatchSchema,
  businessSchema,
  limitsSchema,
  planSchema,
  tenantIdParams,
  tenantPatchSchema,
  tenantSchema,
  upgradeBodySchema,
  usageSchema,
} from './tenancy.schemas.ts';
import * as tenancy from './tenancy.service.ts';
import * as planUsage from './plan-usage.service.ts';
import * as tenantAccess from './tenant-access.service.ts';

/** A tenant id in the path must be the caller's own tenant; anything else is 404. */
export function ownTenant(auth: AuthContext, tenantId: string): string {
  if (tenantId !== auth.tenantId) throw notFound('Tenant');
  return tenantId;
}

/**
 * How a plan change is made when billing runs (billing implements it): charged and prorated, a
 * downgrade at the period's end. Without it the plan changes at once and free (tests of tenancy alone).
 */
export interface PlanChangePort {
  changePlan(trx: Trx, tenantId: string, planId: string, auth: AuthContext): Promise<void>;
}

export function registerTenancyRoutes(api: ApiRouter, deps: { db: Db; countActiveUsers: tenancy.ActiveUserCounter; planChanges?: PlanChangePort | undefined }): void {
  const { db } = deps;

  api.get(
    '/plans',
    {
      config: { access: { public: true, tenant: 'none' } },
      schema: { tags: ['Tenancy'], summary: 'The plans on offer and their limits (hidden plans are not listed)', response: { 200: envelopeSchema(z.array(planSchema)) } },
    },
    async () => ok(await withPlatform(db, (trx) => tenancy.listPlans(trx, { publicOnly: true }))),
  );

  api.get(
    '/tenants/:id',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags: ['Tenancy'], summary: 'The tenant', params: tenantIdParams, response: { 200: envelopeSchema(tenantSchema) } },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = ownTenant(auth, request.params.id);
      const tenant = await withTenant(db, tenantId, (trx) => tenancy.getTenant(trx, tenantId));
      if (!tenant) throw notFound('Tenant');
      return ok(tenant);
    },
  );

  api.patch(
    '/tenants/:id',
    {
      config: { access: { permission: ['update', 'Settings'] } },
      schema: {
        tags: ['Tenancy'],
        summary: "Change the tenant's security and retention settings (require MFA for admins; how long guests and consent evidence are kept)",
        params: tenantIdParams,
        body: tenantPatchSchema,
        response: { 200: envelopeSchema(tenantSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = ownTenant(auth, request.params.id);
      const body = request.body;
      const updated = await withTenant(db, tenantId, async (trx) => {
        const before = await tenancy.getTenant(trx, tenantId);
        if (!before) throw notFound('Tenant');
        const after = await tenantAccess.updateTenantSettings(trx, tenantId, body.settings ?? {});
        annotateAudit(request, { entityType: 'tenant', entityId: tenantId, oldValues: before.settings, newValues: after.settings });
        return after;
      });
      return ok(updated);
    },
  );

  api.get(
    '/tenants/:id/limits',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: { tags: ['Tenancy'], summary: "The plan's limits", params: tenantIdParams, response: { 200: envelopeSchema(limitsSchema) } },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      return ok(await withTenant(db, tenantId, (trx) => planUsage.tenantLimits(trx, tenantId)));
    },
  );

  api.get(
    '/tenants/:id/usage',
    {
      config: { access: { permission: ['read', 'Tenant'] } },
      schema: {
        tags: ['Tenancy'],
        summary: 'Usage this month against the plan',
        params: tenantIdParams,
        response: { 200: envelopeSchema(usageSchema) },
      },
    },
    async (request) => {
      const tenantId = ownTenant(callerOf(request), request.params.id);
      return ok(await withTenant(db, tenantId, (trx) => planUsage.tenantUsage(trx, tenantId, deps.countActiveUsers)));
    },
  );

  api.post(
    '/tenants/:id/upgrade',
    {
      config: { access: { permission: ['update', 'Tenant'] } },
      schema: {
        tags: ['Tenancy'],
        summary: 'Change plan (the billing interval stays; see POST /billing/subscription/change)',
        description:
          'Changes plan as `POST /billing/subscription/change` does with the current interval: free and at once during a trial; ' +
          'once paid, a dearer plan at once with the prorated difference charged (402 PAYMENT_FAILED when declined), a cheaper one at ' +
          'the period end. Answers the limits in force afterwards. A downgrade is refused with 409 CONFLICT ' +
          '(`details.excesses` lists each metric over the lower limit) while usage exceeds the lower plan.',
        params: tenantIdParams,
        body: upgradeBodySchema,
        response: { 200: envelopeSchema(limitsSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const tenantId = ownTenant(auth, request.params.id);
      const planChanges = deps.planChanges;
      const { before, after } = await withTenant(db, tenantId, async (trx) => {
        if (!planChanges) return planUsage.changePlan(trx, tenantId, request.body.plan_id, deps.countActiveUsers);
        const previous = (await planUsage.tenantLimits(trx, tenantId)).plan.id;
        await planChanges.changePlan(trx, tenantId, request.body.plan_id, auth);
        return { before: previous, after: await planUsage.tenantLimits(trx, tenantId) };
      });
      annotateAudit(request, {
        action: 'tenant.plan_changed',
        entityType: 'tenant',
        entityId: tenantId,
        oldValues: { plan_id: before },
        newValues: { plan_id: after.plan.id },
      });
      return ok(after);
    },
  );

  api.get(
    '/businesses',
    {
      config: { access: { permission: ['read', 'Business'] } },
      schema: { tags: ['Tenancy'], summary: "The tenant's businesses", response: { 200: envelopeSchema(z.array(businessSchema)) } },
    },
    async (request) => {
      const auth = callerOf(request);
      return ok(await withTenant(db, auth.tenantId, (trx) => tenancy.listBusinesses(trx, auth.tenantId)));
    },
  );

  api.get(
    '/businesses/:id',
    {
      config: { access: { permission: ['read', 'Business'] } },
      schema: { tags: ['Tenancy'], summary: 'One business', params: businessIdParams, response: { 200: envelopeSchema(businessSchema) } },
    },
    async (request) => {
      const auth = callerOf(request);
      const business = await withTenant(db, auth.tenantId, (trx) => tenancy.getBusiness(trx, auth.tenantId, request.params.id));
      if (!business) throw notFound('Business');
      return ok(business);
    },
  );

  api.patch(
    '/businesses/:id',
    {
      config: { access: { permission: ['update', 'Business'] } },
      schema: {
        tags: ['Tenancy'],
        summary: 'Update a business (profile, time zone, currency, settings such as guest_verification)',
        params: businessIdParams,
        body: businessPatchSchema,
        response: { 200: envelopeSchema(businessSchema) },
      },
    },
    async (request) => {
      const auth = callerOf(request);
      const { before, after } = await withTenant(db, auth.tenantId, (trx) =>
        tenancy.updateBusiness(trx, auth.tenantId, request.params.id, request.body),
      );
      annotateAudit(request, { entityType: 'business', entityId: after.id, oldValues: before, newValues: after });
      return ok(after);
    },
  );
}
