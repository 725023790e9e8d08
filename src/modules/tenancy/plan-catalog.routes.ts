import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { FastifyRequest } from 'fastify';
import { actorOf, annotateAudit } from '../audit/index.ts';
import { planCreateBodySchema, planIdParams, planPatchBodySchema, platformPlanSchema } from './plan-catalog.schemas.ts';
import * as plans from './plan-catalog.service.ts';

const tags = ['Platform administration'];
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;

/** The editor as the audit log names it; the route records its own entry (in the edit's transaction). */
function editorOf(request: FastifyRequest): plans.PlanEditor {
  annotateAudit(request, { skip: true });
  return { ...actorOf(request.auth), ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

const GRANDFATHERING =
  'A price change does not change what existing subscribers pay: each subscription keeps the price version it signed up at, and its renewals and ' +
  'upgrade prorations are charged at it. With `apply_to_existing: true` every subscriber moves to the current price at their next renewal (never ' +
  'in the middle of a paid period). Limits (bookings per month, users), the transaction fee, support, visibility and order are not versioned: ' +
  'they apply to every subscriber at once.';

/** The platform's plans editor (platform administrators only). */
export function registerPlanCatalogRoutes(api: ApiRouter, deps: { db: Db }): void {
  const { db } = deps;

  api.get(
    '/platform/plans',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Every plan, public or hidden, with how many businesses subscribe to it',
        response: { 200: envelopeSchema(z.array(platformPlanSchema)) },
      },
    },
    async () => ok(await withPlatform(db, (trx) => plans.listPlatformPlans(trx))),
  );

  api.post(
    '/platform/plans',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Create a plan',
        description: 'Amounts in minor units of `currency`. 409 CONFLICT when the id is taken; 400 VALIDATION_ERROR for negative amounts, a fee over 100 % or a yearly price without a monthly one.',
        body: planCreateBodySchema,
        response: { 201: envelopeSchema(platformPlanSchema) },
      },
    },
    async (request, reply) => {
      const editor = editorOf(request);
      const created = await withPlatform(db, (trx) => plans.createPlan(trx, request.body, editor));
      return reply.code(201).send(ok(created));
    },
  );

  api.patch(
    '/platform/plans/:id',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "Change a plan's name, prices, limits, fee, support, visibility or order",
        description: `${GRANDFATHERING} 404 for an unknown plan; 400 VALIDATION_ERROR for negative amounts, a fee over 100 % or a yearly price without a monthly one.`,
        params: planIdParams,
        body: planPatchBodySchema,
        response: { 200: envelopeSchema(platformPlanSchema) },
      },
    },
    async (request) => {
      const editor = editorOf(request);
      return ok(await withPlatform(db, (trx) => plans.updatePlan(trx, request.params.id, request.body, editor)));
    },
  );
}
