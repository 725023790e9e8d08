import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { browserLanguage } from '../../platform/http/accept-language.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { assertResourceInScope } from '../../platform/http/location-scope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { requireTenant } from '../../platform/http/tenant.ts';
import { actorOf, type Actor } from './booking-deps.ts';
import type { BookingServices } from './booking-services.ts';
import {
  bookingBatchCreateSchema,
  bookingCreateSchema,
  bookingGroupSchema,
  bookingListQuerySchema,
  bookingPatchSchema,
  bookingResizeSchema,
  bookingSchema,
  idParamsSchema,
} from './booking.schemas.ts';
import { manageParamsSchema, managedBookingSchema, managePatchSchema, manageQuerySchema } from './manage.schemas.ts';
import {
  verificationCheckSchema,
  verificationRequestSchema,
  verificationSentSchema,
  verificationTokenSchema,
} from './verification.schemas.ts';

const tags = ['Bookings'];

/**
 * Public booking, or a credential allowed to create bookings; a location-scoped member books only
 * their locations' resources (another's is, for them, absent: 404).
 */
function creatingActor(request: FastifyRequest, resourceIds: readonly string[]): Actor {
  if (request.auth && !request.auth.can('create', 'Booking')) throw forbidden();
  for (const resourceId of resourceIds) assertResourceInScope(request.auth, resourceId);
  // The address bounds public bookings (see public-booking-guard.ts).
  return { ...actorOf(request.auth), ip: request.ip };
}

export function registerBookingRoutes(api: ApiRouter, services: BookingServices): void {
  api.post(
    '/bookings',
    {
      schema: {
        tags,
        summary: 'Create a booking',
        description:
          'Public with X-Tenant (guests) or authenticated. No deposit due → confirmed; deposit due → pending_payment with ' +
          '`payment` (or charged at once with `payment_method_id`). 409 SLOT_UNAVAILABLE when the time is taken or outside availability; ' +
          '403 VERIFICATION_REQUIRED when the business verifies guests and no valid verification_token is given.',
        body: bookingCreateSchema,
        response: { 201: envelopeSchema(bookingSchema) },
      },
      config: { access: { public: true, tenant: 'required' }, attempt: 'booking' },
    },
    async (request, reply) => {
      const view = await services.create.create(
        requireTenant(request),
        request.body,
        creatingActor(request, [request.body.resource_id]),
        idempotencyKeyOf(request),
      );
      return reply.code(201).send(ok(view));
    },
  );

  api.post(
    '/bookings/batch',
    {
      schema: {
        tags,
        summary: 'Book several at once (all or nothing)',
        description:
          'Several services back to back for one person (`sequence`), or one service for several people (`party`: several customers, ' +
          'or one guest booking the same start more than once for their family) (RF5.8). Public with X-Tenant (guests) or authenticated. ' +
          'Any slot taken → 409 SLOT_UNAVAILABLE and nothing is booked. When the business verifies guests, the request\'s ' +
          '`verification_token` proves the request\'s customer and each other guest needs their own on the item (403 VERIFICATION_REQUIRED). ' +
          'Each booking with a deposit due is pending_payment with its own `payment`.',
        body: bookingBatchCreateSchema,
        response: { 201: envelopeSchema(bookingGroupSchema) },
      },
      config: { access: { public: true, tenant: 'required' }, attempt: 'booking' },
    },
    async (request, reply) => {
      const group = await services.create.createBatch(
        requireTenant(request),
        request.body,
        creatingActor(request, request.body.items.map((item) => item.resource_id)),
        idempotencyKeyOf(request),
      );
      return reply.code(201).send(ok(group));
    },
  );

  api.get(
    '/bookings',
    {
      schema: { tags, summary: 'List bookings', querystring: bookingListQuerySchema, response: { 200: envelopeSchema(z.array(bookingSchema)) } },
      config: { access: { permission: ['read', 'Booking'] } },
    },
    async (request) => {
      const page = await services.query.list(requireTenant(request), request.query, actorOf(request.auth));
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/bookings/:id',
    {
      schema: { tags, summary: 'Get a booking with its history and payments', params: idParamsSchema, response: { 200: envelopeSchema(bookingSchema) } },
      config: { access: { permission: ['read', 'Booking'] } },
    },
    async (request) => ok(await services.query.get(requireTenant(request), request.params.id, actorOf(request.auth))),
  );

  api.patch(
    '/bookings/:id',
    {
      schema: {
        tags,
        summary: 'Act on a booking',
        description:
          'Actions follow the state machine (409 INVALID_TRANSITION otherwise). Cancel applies the cancellation policy ' +
          '(422 POLICY_VIOLATION outside the window unless the caller may cancel_anytime) and returns `refund` when money goes back. ' +
          'Reschedule is atomic: the old slot is kept if the new one is taken (409 SLOT_UNAVAILABLE).',
        params: idParamsSchema,
        body: bookingPatchSchema,
        response: { 200: envelopeSchema(bookingSchema) },
      },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const actor = actorOf(request.auth);
      if (request.body.new_resource_id !== undefined) assertResourceInScope(request.auth, request.body.new_resource_id);
      const outcome = await services.actions.patch(tenantId, request.params.id, request.body, actor);
      const view = await services.query.get(tenantId, outcome.row.id, actor);
      return ok(outcome.refund ? { ...view, refund: { ...outcome.refund } } : view);
    },
  );

  api.post(
    '/bookings/:id/resize',
    {
      schema: {
        tags,
        summary: 'Change how long a booking lasts',
        description:
          'Staff only (`update Booking`; staff only on their own resources, 404 otherwise, as PATCH). The start, resource and price stay; ' +
          'the end moves to `end_time` or to `duration_minutes` after the start (5 minutes to 12 hours). Only a booking that holds time ' +
          '(pending_payment, confirmed, rescheduled; 409 INVALID_TRANSITION otherwise). The new time, buffers included, must fall inside ' +
          'the resource\'s working hours and overlap no other booking (409 SLOT_UNAVAILABLE with `details.reason` outside_hours or taken; ' +
          'the booking is then left as it was). Recorded in the history as `resize` and published as `booking.updated`.',
        params: idParamsSchema,
        body: bookingResizeSchema,
        response: { 200: envelopeSchema(bookingSchema) },
      },
      config: { access: { permission: ['update', 'Booking'] } },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const actor = actorOf(request.auth);
      const row = await services.resize.resize(tenantId, request.params.id, request.body, actor);
      return ok(await services.query.get(tenantId, row.id, actor));
    },
  );

  api.get(
    '/manage/:token',
    {
      schema: {
        tags: ['Bookings: self-service'],
        summary: 'The customer\'s booking through their signed link',
        description: 'No account needed: the signed token names the booking. `?preview=cancel` shows what cancelling now would refund.',
        params: manageParamsSchema,
        querystring: manageQuerySchema,
        response: { 200: envelopeSchema(managedBookingSchema) },
      },
      config: { access: { public: true, tenant: 'optional' } },
    },
    async (request) => ok(await services.manage.get(request.params.token, request.query.preview)),
  );

  api.patch(
    '/manage/:token',
    {
      schema: {
        tags: ['Bookings: self-service'],
        summary: 'Cancel or reschedule through the signed link',
        description: 'Within the service\'s policy (guest terms for guests). Cancel returns `refund` when money goes back.',
        params: manageParamsSchema,
        body: managePatchSchema,
        response: { 200: envelopeSchema(managedBookingSchema) },
      },
      config: { access: { public: true, tenant: 'optional' } },
    },
    async (request) => ok(await services.manage.patch(request.params.token, request.body)),
  );

  api.post(
    '/verifications',
    {
      schema: {
        tags: ['Bookings: guest verification'],
        summary: 'Send a one-time code to a guest',
        description:
          'Six digits, valid 10 minutes, 5 attempts. `destination` is one e-mail address (no name, list or comment) or one E.164 phone; ' +
          'SMS only to the countries the business enables (422 SMS_COUNTRY_NOT_ALLOWED). 429 TOO_MANY_CODES with Retry-After past a send ' +
          'budget: per destination 3 at once then waits doubling from 30 s (20 a day, 10 a day at one business), 30 an hour per IP, ' +
          '1,000 an hour per business (100 while free or on trial).',
        body: verificationRequestSchema,
        response: { 202: envelopeSchema(verificationSentSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request, reply) => {
      const language = request.body.language ?? browserLanguage(request.headers['accept-language']);
      return reply.code(202).send(ok(await services.verification.request(requireTenant(request), { ...request.body, language }, request.ip)));
    },
  );

  api.post(
    '/verifications/verify',
    {
      schema: {
        tags: ['Bookings: guest verification'],
        summary: 'Check a code; returns the verification_token a booking carries',
        description: 'Wrong or expired code → 400 INVALID_CODE; too many attempts → 429.',
        body: verificationCheckSchema,
        response: { 200: envelopeSchema(verificationTokenSchema) },
      },
      config: { access: { public: true, tenant: 'required' } },
    },
    async (request) => ok(await services.verification.verify(requireTenant(request), request.body)),
  );
}

