import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { consistencyReportSchema, repairResultSchema, type ConsistencyTools } from './consistency.ts';
import { diagnosticsSchema, tenantDiagnostics } from './diagnostics.ts';
import { BULK_RESEND_LIMIT, bulkResendBodySchema, bulkResendSchema, replayedDeliverySchema, resentMessageSchema, type SupportActions } from './support-actions.ts';
import type { SupportCaller } from './support-audit.ts';

const tags = ['Platform administration'];
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;
const tenantParams = z.object({ id: z.uuid() });

/** The acting platform administrator; the route's own audit records replace the automatic one. */
function supportCaller(request: FastifyRequest): SupportCaller {
  annotateAudit(request, { skip: true });
  return { userId: request.auth?.userId ?? null, ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

/** The platform console's support tools on one business (RF6.2): platform administrators only. */
export function registerSupportRoutes(api: ApiRouter, deps: { db: Db; actions: SupportActions; consistency: ConsistencyTools }): void {
  api.get(
    '/platform/tenants/:id/diagnostics',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "A business's diagnostics: unbookable configuration, failed payments, failing webhooks, undelivered messages (30 days)",
        params: tenantParams,
        response: { 200: envelopeSchema(diagnosticsSchema) },
      },
    },
    async (request) => ok(await tenantDiagnostics(deps.db, request.params.id)),
  );

  api.post(
    '/platform/tenants/:id/notifications/:notificationId/resend',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "Send one of a business's messages again (the outbox's own resend), audited in both logs",
        params: tenantParams.extend({ notificationId: z.uuid() }),
        response: { 202: envelopeSchema(resentMessageSchema) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(ok(await deps.actions.resendMessage(supportCaller(request), request.params.id, request.params.notificationId))),
  );

  api.post(
    '/platform/tenants/:id/notifications/resend-failed',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: `Send again every message of a business that failed or bounced in the last N days (at most ${BULK_RESEND_LIMIT} at a time), audited in both logs`,
        params: tenantParams,
        body: bulkResendBodySchema,
        response: { 202: envelopeSchema(bulkResendSchema) },
      },
    },
    async (request, reply) => reply.code(202).send(ok(await deps.actions.resendFailedMessages(supportCaller(request), request.params.id, request.body.days))),
  );

  api.post(
    '/platform/tenants/:id/webhook-deliveries/:deliveryId/replay',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "Replay one of a business's webhook deliveries (the Developers screen's own replay), audited in both logs",
        params: tenantParams.extend({ deliveryId: z.uuid() }),
        response: { 202: envelopeSchema(replayedDeliverySchema) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(ok(await deps.actions.replayDelivery(supportCaller(request), request.params.id, request.params.deliveryId))),
  );

  api.get(
    '/platform/tenants/:id/consistency',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "Check a business's bookings against their occupancy and payments",
        params: tenantParams,
        response: { 200: envelopeSchema(consistencyReportSchema) },
      },
    },
    async (request) => ok(await deps.consistency.check(request.params.id)),
  );

  api.post(
    '/platform/tenants/:id/consistency/repair',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: 'Repair what is safe (idempotent; one transaction per booking, audited in both logs) and check again',
        params: tenantParams,
        response: { 200: envelopeSchema(repairResultSchema) },
      },
    },
    async (request) => ok(await deps.consistency.repair(supportCaller(request), request.params.id)),
  );
}
