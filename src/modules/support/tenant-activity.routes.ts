import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { customerPaymentSchema, peopleSchema, recentErrorsSchema, type TenantActivity } from './tenant-activity.ts';

const tags = ['Platform administration'];
const platformOnly = { access: { permission: ['manage', 'Platform'] } } as const;
const params = z.object({ id: z.uuid() });

/** The business page's people, payments and recent errors (platform administrators only; reads, not audited as changes). */
export function registerTenantActivityRoutes(api: ApiRouter, activity: TenantActivity): void {
  api.get(
    '/platform/tenants/:id/people',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "A business's members (role, status, second factor, last activity) and its pending invitations",
        params,
        response: { 200: envelopeSchema(peopleSchema) },
      },
    },
    async (request) => ok(await activity.people(request.params.id)),
  );

  api.get(
    '/platform/tenants/:id/payments',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "A business's latest customer payments, newest first, with their booking numbers",
        params,
        querystring: pageQuerySchema,
        response: { 200: envelopeSchema(z.array(customerPaymentSchema)) },
      },
    },
    async (request) => {
      const page = await activity.payments(request.params.id, request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/platform/tenants/:id/errors',
    {
      config: platformOnly,
      schema: {
        tags,
        summary: "A business's recent errors (7 days): failed jobs, webhook deliveries and messages, newest first, without personal data",
        params,
        response: { 200: envelopeSchema(recentErrorsSchema) },
      },
    },
    async (request) => ok(await activity.errors(request.params.id)),
  );
}
