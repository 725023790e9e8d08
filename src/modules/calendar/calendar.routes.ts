import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { assertResourceInScope, locationScopeOf, mayReachResource } from '../../platform/http/location-scope.ts';
import type { CalendarFeedsService } from './calendar-feeds.service.ts';
import {
  createdFeedSchema,
  createFeedBodySchema,
  feedIdParamsSchema,
  feedSchema,
  listFeedsQuerySchema,
} from './calendar.schemas.ts';

const tags = ['Calendar feeds'];

export function registerCalendarRoutes(api: ApiRouter, feeds: CalendarFeedsService): void {
  api.post(
    '/calendar/feeds',
    {
      schema: {
        tags,
        summary: 'Create an ICS feed for a resource or a customer (token shown once)',
        body: createFeedBodySchema,
        response: { 201: envelopeSchema(createdFeedSchema) },
      },
      config: { access: { permission: ['manage', 'Booking'] } },
    },
    async (request, reply) => {
      // A feed's token is standing read access: write-impersonation must not leave one behind.
      if (request.auth?.attributes.impersonatedBy) throw forbidden('An impersonation session cannot create calendar feeds');
      // A customer's feed shows their bookings at every location: beyond a location-scoped member's reach.
      if (locationScopeOf(request.auth) !== null) {
        if (request.body.kind !== 'resource' || request.body.resource_id === undefined) throw forbidden('A member limited to some locations creates feeds of their resources only');
        assertResourceInScope(request.auth, request.body.resource_id);
      }
      return reply.code(201).send(ok(await feeds.create(requireTenant(request), request.body)));
    },
  );

  api.get(
    '/calendar/feeds',
    {
      schema: { tags, summary: 'List ICS feeds', querystring: listFeedsQuerySchema, response: { 200: envelopeSchema(z.array(feedSchema)) } },
      config: { access: { permission: ['read', 'Booking'] } },
    },
    async (request) => {
      const page = await feeds.list(requireTenant(request), request.query);
      const scoped = locationScopeOf(request.auth) !== null;
      const items = scoped ? page.items.filter((feed) => feed.resource_id !== null && mayReachResource(request.auth, feed.resource_id)) : page.items;
      return ok(items, page.pagination);
    },
  );

  api.delete(
    '/calendar/feeds/:id',
    {
      schema: { tags, summary: 'Revoke an ICS feed', params: feedIdParamsSchema },
      config: { access: { permission: ['manage', 'Booking'] } },
    },
    async (request, reply) => {
      await feeds.revoke(requireTenant(request), request.params.id);
      return reply.code(204).send();
    },
  );

  api.get(
    '/calendar/feeds/:token.ics',
    {
      schema: {
        tags,
        summary: 'An ICS feed (RFC 5545), for calendar subscriptions; the token is the credential',
        params: z.object({ token: z.string().max(200) }),
      },
      config: { access: { public: true, tenant: 'none' } },
    },
    async (request, reply) => {
      if (!request.params.token.startsWith('rhcal_')) throw notFound('Calendar feed');
      const ics = await feeds.render(request.params.token);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('content-disposition', 'inline; filename="bookings.ics"')
        .send(ics);
    },
  );
}
