import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import type { CustomerBookingsPort } from './customer-account-ports.ts';
import { customerCaller } from './customer-account-caller.ts';
import {
  accountBookingChangeSchema,
  accountBookingCreateSchema,
  accountBookingQuerySchema,
  accountBookingSchema,
  accountBookingsQuerySchema,
  bookingIdParamsSchema,
  rebookSchema,
  type AccountBooking,
} from './customer-account.schemas.ts';

const ACCOUNT_TAGS = ['Customer accounts: my account'];
const signedIn = { access: { authenticated: true } } as const;
/** Routes that create bookings also count in the booking SLO (`booking_attempts_total`). */
const signedInBooking = { ...signedIn, attempt: 'booking' } as const;

/** Booking writes from the account are audited by ids and status only (notes may hold personal data). */
function auditBooking(request: FastifyRequest, action: string, booking: AccountBooking, extra: Record<string, unknown> = {}): void {
  annotateAudit(request, {
    skip: false,
    action,
    entityType: 'booking',
    entityId: booking.id,
    newValues: { booking_number: booking.booking_number, status: booking.status, service_id: booking.service.id, start_time: booking.start_time, ...extra },
  });
}

/**
 * `/me/bookings`: the signed-in customer's bookings — list, book, change (cancel or reschedule) and
 * rebook — through the booking module's implementation of `CustomerBookingsPort`. Registered inside
 * the customer-account plugin (customer-account.routes.ts), whose hook skips the generic audit.
 */
export function registerAccountBookingRoutes(scoped: ApiRouter, bookings: CustomerBookingsPort): void {
  scoped.get(
    '/me/bookings',
    {
      schema: {
        tags: ACCOUNT_TAGS,
        summary: 'My bookings, upcoming or past',
        querystring: accountBookingsQuerySchema,
        response: { 200: envelopeSchema(z.array(accountBookingSchema)) },
      },
      config: signedIn,
    },
    async (request) => {
      const caller = customerCaller(request);
      const page = await bookings.list(caller.auth, request.query);
      return ok(page.items, page.pagination);
    },
  );

  scoped.post(
    '/me/bookings',
    {
      schema: {
        tags: ACCOUNT_TAGS,
        summary: 'Book as myself',
        description:
          'As POST /bookings, always for the signed-in customer: confirmed, or pending_payment with `payment` when a deposit ' +
          'is due (charged at once with `payment_method_id`). 409 SLOT_UNAVAILABLE when the time is taken.',
        body: accountBookingCreateSchema,
        response: { 201: envelopeSchema(accountBookingSchema) },
      },
      config: signedInBooking,
    },
    async (request, reply) => {
      const caller = customerCaller(request);
      const booking = await bookings.book(caller.auth, request.body, idempotencyKeyOf(request));
      auditBooking(request, 'customer_account.booking_created', booking);
      return reply.code(201).send(ok(booking));
    },
  );

  scoped.get(
    '/me/bookings/:id',
    {
      schema: {
        tags: ACCOUNT_TAGS,
        summary: 'One of my bookings, with its payments',
        description: '`?preview=cancel` adds what cancelling now would refund under the service\'s policy, without cancelling.',
        params: bookingIdParamsSchema,
        querystring: accountBookingQuerySchema,
        response: { 200: envelopeSchema(accountBookingSchema) },
      },
      config: signedIn,
    },
    async (request) => {
      const caller = customerCaller(request);
      return ok(await bookings.get(caller.auth, request.params.id, request.query));
    },
  );

  scoped.patch(
    '/me/bookings/:id',
    {
      schema: {
        tags: ACCOUNT_TAGS,
        summary: 'Cancel or reschedule one of my bookings',
        description: 'The service\'s policy applies (422 POLICY_VIOLATION outside its window); cancel returns `refund` when money goes back.',
        params: bookingIdParamsSchema,
        body: accountBookingChangeSchema,
        response: { 200: envelopeSchema(accountBookingSchema) },
      },
      config: signedIn,
    },
    async (request) => {
      const caller = customerCaller(request);
      const booking = await bookings.change(caller.auth, request.params.id, request.body);
      auditBooking(request, `customer_account.booking_${request.body.action === 'cancel' ? 'cancelled' : 'rescheduled'}`, booking);
      return ok(booking);
    },
  );

  scoped.post(
    '/me/bookings/:id/rebook',
    {
      schema: {
        tags: ACCOUNT_TAGS,
        summary: 'Book the same service again (one-click rebooking)',
        description: 'A new booking of the booking\'s service for me at `start_time`, with the same resource unless `resource_id` names another.',
        params: bookingIdParamsSchema,
        body: rebookSchema,
        response: { 201: envelopeSchema(accountBookingSchema) },
      },
      config: signedInBooking,
    },
    async (request, reply) => {
      const caller = customerCaller(request);
      const booking = await bookings.rebook(caller.auth, request.params.id, request.body, idempotencyKeyOf(request));
      auditBooking(request, 'customer_account.booking_rebooked', booking, { rebooked_from: request.params.id });
      return reply.code(201).send(ok(booking));
    },
  );
}
