import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { assertResourceInScope, locationScopeOf, mayReachResource } from '../../platform/http/location-scope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { actorOf } from './booking-deps.ts';
import type { BookingServices } from './booking-services.ts';
import { bookingSchema, idParamsSchema } from './booking.schemas.ts';
import { offerTokenParamsSchema, waitlistEntrySchema, waitlistJoinSchema, waitlistListQuerySchema, waitlistOfferNowSchema } from './waitlist.schemas.ts';

const tags = ['Bookings: waitlist'];
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Waitlist entries name customers and what they wait for across every resource: reading them takes
 * the business-wide booking and customer reads, not a staff member's grant on their own resources'
 * bookings; removing one takes the business-wide booking update. A location-scoped member's "whole"
 * is their locations: they need the grant on every resource there, and see only the entries waiting
 * for those resources or for any resource of a service (`waitlistEntryVisible`).
 */
function assertWholeWaitlist(auth: AuthContext | null, action: 'read' | 'update'): void {
  const scope = locationScopeOf(auth);
  const everyBooking =
    auth !== null &&
    (scope === null
      ? auth.can(action, 'Booking', { resource_id: NIL_UUID, customer_id: NIL_UUID })
      : auth.can(action, 'Booking') && scope.resourceIds.every((resourceId) => auth.can(action, 'Booking', { resource_id: resourceId, customer_id: NIL_UUID })));
  const customers = auth !== null && (action === 'update' || auth.can('read', 'Customer', { id: NIL_UUID }));
  if (!everyBooking || !customers) throw forbidden('The waitlist takes permission over every booking and customer of the business');
}

/** An entry for one resource is seen by those who reach it; one for any resource of a service by everyone with the waitlist. */
function waitlistEntryVisible(auth: AuthContext | null, resourceId: string | null): boolean {
  return resourceId === null || mayReachResource(auth, resourceId);
}

export function registerWaitlistRoutes(api: ApiRouter, services: BookingServices): void {
  api.post(
    '/waitlist',
    {
      schema: { tags, summary: 'Join the waitlist of a service', body: waitlistJoinSchema, response: { 201: envelopeSchema(waitlistEntrySchema) } },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request, reply) => {
      if (request.auth && !request.auth.can('create', 'Booking')) throw forbidden();
      return reply.code(201).send(ok(await services.waitlist.join(requireTenant(request), request.body, actorOf(request.auth))));
    },
  );

  api.get(
    '/waitlist',
    {
      schema: { tags, summary: 'List waitlist entries (priority, then arrival); needs read on every booking and on customers', querystring: waitlistListQuerySchema, response: { 200: envelopeSchema(z.array(waitlistEntrySchema)) } },
      config: { access: { permission: ['read', 'Booking'] } },
    },
    async (request) => {
      assertWholeWaitlist(request.auth, 'read');
      const entries = await services.waitlist.list(requireTenant(request), request.query);
      return ok(entries.filter((entry) => waitlistEntryVisible(request.auth, entry.resource_id)));
    },
  );

  api.delete(
    '/waitlist/:id',
    {
      schema: { tags, summary: 'Remove a waitlist entry', params: idParamsSchema },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request, reply) => {
      assertWholeWaitlist(request.auth, 'update');
      await services.waitlist.remove(requireTenant(request), request.params.id, (resourceId) => waitlistEntryVisible(request.auth, resourceId));
      return reply.code(204).send();
    },
  );

  api.post(
    '/waitlist/:id/offer',
    {
      schema: {
        tags,
        summary: 'Offer a slot to a waiting entry now (staff)',
        description:
          'Holds the slot for the entry and sends the customer the same offer as a freed slot (claim link, expiry after ' +
          '`waitlist_offer_minutes`). 409 CONFLICT unless the entry is waiting; 409 SLOT_UNAVAILABLE with the reason when the slot is not bookable.',
        params: idParamsSchema,
        body: waitlistOfferNowSchema,
        response: { 201: envelopeSchema(waitlistEntrySchema) },
      },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request, reply) => {
      assertWholeWaitlist(request.auth, 'update');
      assertResourceInScope(request.auth, request.body.resource_id);
      return reply.code(201).send(ok(await services.waitlist.offerNow(requireTenant(request), request.params.id, request.body)));
    },
  );

  api.post(
    '/waitlist/offers/:token/claim',
    {
      schema: { tags, summary: 'Claim an offered slot (the token from the offer message)', params: offerTokenParamsSchema, response: { 201: envelopeSchema(bookingSchema) } },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request, reply) => reply.code(201).send(ok(await services.waitlist.claim(requireTenant(request), request.params.token))),
  );
}
