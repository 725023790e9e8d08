import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { callerOf, requestMeta } from './http-context.ts';
import type { PlatformAdminService } from './platform-admin.service.ts';
import {
  idParams,
  impersonationBodySchema,
  impersonationSchema,
  limitsSchema,
  maintenanceBodySchema,
  maintenanceSchema,
  planChangeBodySchema,
  platformTenantsQuerySchema,
  suspendBodySchema,
  tenantSchema,
  usageSchema,
} from './team.schemas.ts';

const tags = ['Platform administration'];
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;

/** Platform administrators only (a user flag; their tokens carry the platform tenant). */
export function registerPlatformAdminRoutes(api: ApiRouter, admin: PlatformAdminService): void {
  api.get(
    '/platform/tenants',
    {
      config: platformOnly,
      schema: { tags, summary: 'List and search tenants', querystring: platformTenantsQuerySchema, response: { 200: envelopeSchema(z.array(tenantSchema)) } },
    },
    async (request) => {
      const page = await admin.searchTenants(request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/platform/tenants/:id',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'A tenant with its usage against its plan’s limits (its settings say whether it is in maintenance, and with what message)',
        params: idParams,
        response: { 200: envelopeSchema(tenantSchema.extend({ usage: usageSchema })) },
      },
    },
    async (request) => ok(await admin.getTenant(request.params.id)),
  );

  api.post(
    '/platform/tenants/:id/suspend',
    {
      config: platformOnly,
      schema: { tags, summary: 'Suspend a tenant (public booking refused; staff keep read access)', params: idParams, body: suspendBodySchema, response: { 200: envelopeSchema(tenantSchema) } },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await admin.setStatus(callerOf(request), request.params.id, 'suspended', request.body.reason, requestMeta(request)));
    },
  );

  api.post(
    '/platform/tenants/:id/reactivate',
    {
      config: platformOnly,
      schema: { tags, summary: 'Reactivate a suspended tenant', params: idParams, response: { 200: envelopeSchema(tenantSchema) } },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await admin.setStatus(callerOf(request), request.params.id, 'active', null, requestMeta(request)));
    },
  );

  api.post(
    '/platform/tenants/:id/plan',
    {
      config: platformOnly,
      schema: { tags, summary: 'Change a tenant’s plan (no downgrade check)', params: idParams, body: planChangeBodySchema, response: { 200: envelopeSchema(limitsSchema) } },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await admin.changePlan(callerOf(request), request.params.id, request.body.plan_id, requestMeta(request)));
    },
  );

  api.get(
    '/platform/maintenance',
    {
      config: platformOnly,
      schema: { tags, summary: 'Whether the whole platform is in maintenance, and its message', response: { 200: envelopeSchema(maintenanceSchema) } },
    },
    async () => ok(await admin.platformMaintenance()),
  );

  api.put(
    '/platform/maintenance',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Maintenance mode for one tenant or the whole platform (public booking answers 503 MAINTENANCE)',
        body: maintenanceBodySchema,
        response: { 200: envelopeSchema(maintenanceSchema) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await admin.setMaintenance(callerOf(request), request.body, requestMeta(request)));
    },
  );

  api.post(
    '/platform/impersonations',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Start a support impersonation: read-only by default, at most 60 minutes, reason mandatory, audited',
        body: impersonationBodySchema,
        response: { 201: envelopeSchema(impersonationSchema) },
      },
    },
    async (request, reply) => {
      annotateAudit(request, { skip: true });
      return reply.code(201).send(ok(await admin.impersonate(callerOf(request), request.body, requestMeta(request))));
    },
  );
}
