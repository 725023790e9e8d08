import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import { callerOf, requestMeta } from './http-context.ts';
import type { InvitationsService } from './invitations.service.ts';
import { idParams } from './team.schemas.ts';

const pendingInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  custom_role_id: z.string().nullable(),
  location_ids: z.array(z.string()).nullable().describe('The locations the person will work at; null: every location'),
  invited_by: z.string().nullable().describe('The member who sent it'),
  created_at: z.string(),
  expires_at: z.string(),
});

/** The business's pending invitations: list, send again, take back (each audited by the service). */
export function registerInvitationRoutes(api: ApiRouter, invitations: InvitationsService): void {
  api.get(
    '/users/invitations',
    {
      config: { access: { permission: ['read', 'User'] } },
      schema: { tags: ['Team'], summary: 'Invitations not yet accepted and not expired, newest first', response: { 200: envelopeSchema(z.array(pendingInvitationSchema)) } },
    },
    async (request) => ok(await invitations.list(callerOf(request))),
  );

  api.post(
    '/users/invitations/:id/resend',
    {
      config: { access: { permission: ['create', 'User'] } },
      schema: {
        tags: ['Team'],
        summary: 'Send an invitation again: a fresh link valid for 7 days; the previous link stops working',
        params: idParams,
        response: { 200: envelopeSchema(pendingInvitationSchema.pick({ id: true, email: true, expires_at: true })) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await invitations.resend(callerOf(request), request.params.id, requestMeta(request)));
    },
  );

  api.delete(
    '/users/invitations/:id',
    {
      config: { access: { permission: ['create', 'User'] } },
      schema: { tags: ['Team'], summary: 'Take an invitation back: its link stops working at once', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      annotateAudit(request, { skip: true });
      await invitations.revoke(callerOf(request), request.params.id, requestMeta(request));
      return reply.code(204).send(null);
    },
  );
}
