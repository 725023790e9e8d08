import type { FastifyRequest } from 'fastify';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { forbidden } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { actorOf } from './booking-deps.ts';
import type { SetupStatusService } from './setup-status.ts';
import { setupStatusSchema } from './setup-status.schemas.ts';

const tags = ['Business'];

/** The business's own people only: customers may read the business's public catalogue, not its set-up. */
function staffTenant(request: FastifyRequest): string {
  if (!actorOf(request.auth).staff) throw forbidden('The set-up checklist is for the business’s team');
  return requireTenant(request);
}

export function registerSetupStatusRoutes(api: ApiRouter, setup: SetupStatusService): void {
  api.get(
    '/business/setup-status',
    {
      schema: {
        tags,
        summary: 'The first-run checklist: which set-up steps are done, up to the first booking',
        response: { 200: envelopeSchema(setupStatusSchema) },
      },
      config: { access: { permission: ['read', 'Business'] } },
    },
    async (request) => ok(await setup.status(staffTenant(request))),
  );

  api.post(
    '/business/setup-status/booking-page-shared',
    {
      schema: {
        tags,
        summary: 'Record that the booking page was opened or its link copied from the dashboard (the checklist step); returns the new status',
        response: { 200: envelopeSchema(setupStatusSchema) },
      },
      config: { access: { permission: ['read', 'Business'] } },
    },
    async (request) => ok(await setup.markBookingPageShared(staffTenant(request))),
  );
}
