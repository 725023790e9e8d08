/**
 * A signed-in customer's own bookings, for their account (`/api/v1/me/bookings`): the booking
 * module's implementation of the customers module's `CustomerBookingsPort`. Lists are read here;
 * everything else goes through the booking services the staff API uses (creation, actions,
 * query), with the customer as the actor, so the same rules apply: slot checks, deposits,
 * cancellation and reschedule policies of customers, and `actorMaySee` (the customer role reads and
 * changes only bookings whose customer_id is theirs — another customer's booking is NOT_FOUND).
 */
import { sql } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage, type CursorPosition } from '../../platform/http/pagination.ts';
import type { AccountBooking, AccountBookingCreate, CustomerBookingsPort } from '../customers/index.ts';
import { actorMaySee } from './booking-actions.service.ts';
import { actorOf } from './booking-deps.ts';
import type { BookingServices } from './booking-services.ts';
import { ACTIVE_STATUSES } from './booking-state.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';
import type { BookingView } from './booking.schemas.ts';
import { toBookingView } from './booking-view.ts';

export type CustomerBookingScope = 'upcoming' | 'past';

/**
 * SQL of a customer's own list. `upcoming`: still on (pending payment, confirmed, rescheduled)
 * and not over yet, soonest first; `past`: every other booking of theirs, newest first.
 */
export class CustomerBookingsRepository {
  async page(
    executor: Executor,
    tenantId: string,
    customerId: string,
    scope: CustomerBookingScope,
    now: Date,
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<BookingRow[]> {
    const upcoming = sql<boolean>`(status in (${sql.join([...ACTIVE_STATUSES])}) and end_time > ${now})`;
    const descending = scope === 'past';
    return executor
      .selectFrom('bookings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .where(scope === 'upcoming' ? upcoming : sql<boolean>`not ${upcoming}`)
      .$if(after !== undefined, (query) =>
        query.where((eb) =>
          eb(eb.refTuple('start_time', 'id'), descending ? '<' : '>', eb.tuple(sql<Date>`${after?.value ?? ''}::timestamptz`, after?.id ?? '')),
        ),
      )
      .orderBy('start_time', descending ? 'desc' : 'asc')
      .orderBy('id', descending ? 'desc' : 'asc')
      .limit(limit + 1)
      .execute();
  }
}

/** The customer a credential signs in as; anything else (staff, API keys) has no bookings of its own. */
function customerOf(auth: AuthContext): string {
  const customerId = auth.attributes.customerId;
  if (auth.actor.type !== 'customer' || typeof customerId !== 'string') throw forbidden('Only a customer account has bookings of its own');
  return customerId;
}

/** A booking as its customer sees it: no staff notes, no customer block (it is them), no history of staff actors. */
export function toAccountBooking(view: BookingView): AccountBooking {
  return {
    id: view.id,
    booking_number: view.booking_number,
    status: view.status,
    service: view.service,
    resource: view.resource,
    location_id: view.location_id,
    start_time: view.start_time,
    end_time: view.end_time,
    time_zone: view.time_zone,
    pricing: view.pricing,
    notes: view.notes,
    reschedule_count: view.reschedule_count,
    cancellation_reason: view.cancellation_reason,
    cancelled_at: view.cancelled_at,
    payment_expires_at: view.payment_expires_at,
    ...(view.payment
      ? {
          payment: {
            intent_id: view.payment.intent_id,
            client_secret: view.payment.client_secret,
            amount: view.payment.amount,
            currency: view.payment.currency,
            status: view.payment.status,
            payment_page_url: view.payment.payment_page_url ?? null,
          },
        }
      : {}),
    ...(view.refund ? { refund: view.refund } : {}),
    ...(view.payments ? { payments: view.payments } : {}),
    created_at: view.created_at,
    updated_at: view.updated_at,
  };
}

export function createCustomerBookings(deps: { db: Db }, services: BookingServices): CustomerBookingsPort {
  const repository = new CustomerBookingsRepository();
  const bookings = new BookingRepository();

  async function book(auth: AuthContext, input: AccountBookingCreate, idempotencyKey: string | null): Promise<AccountBooking> {
    const customerId = customerOf(auth);
    const view = await services.create.create(
      auth.tenantId,
      {
        service_id: input.service_id,
        resource_id: input.resource_id,
        start_time: input.start_time,
        customer: { customer_id: customerId },
        notes: input.notes,
        payment_method_id: input.payment_method_id,
        source: 'web',
      },
      actorOf(auth),
      idempotencyKey,
    );
    return toAccountBooking(view);
  }

  return {
    async list(auth, query) {
      const customerId = customerOf(auth);
      const now = new Date();
      return withTenant(deps.db, auth.tenantId, async (trx) => {
        const rows = await repository.page(trx, auth.tenantId, customerId, query.scope, now, decodeCursor(query.cursor), query.limit);
        const page = toPage(rows, query.limit, (row) => ({ value: row.start_time.toISOString(), id: row.id }));
        // The customer block is dropped from the account's view, so no customer data is loaded for it.
        const self = { id: customerId, type: 'registered', first_name: '', last_name: null, email: null, phone: null };
        return { items: page.items.map((row) => toAccountBooking(toBookingView(row, self, { staff: false }))), pagination: page.pagination };
      });
    },

    async get(auth, bookingId, query = {}) {
      customerOf(auth);
      const actor = actorOf(auth);
      if (query.preview !== 'cancel') return toAccountBooking(await services.query.get(auth.tenantId, bookingId, actor));
      // The manage link's preview, with the customer's own credential: same policy, same refund rule.
      return withTenant(deps.db, auth.tenantId, async (trx) => {
        const row = await bookings.findById(trx, auth.tenantId, bookingId);
        if (!row || !actorMaySee(actor, row, 'read')) throw notFound('Booking');
        const view = toAccountBooking(await services.query.detailed(trx, auth.tenantId, row, false));
        const outcome = await services.actions.previewRefund(trx, auth.tenantId, row, actor);
        return {
          ...view,
          preview: { action: 'cancel' as const, allowed: outcome.allowed, reason: outcome.reason, refund: { amount: outcome.amount, currency: row.currency } },
        };
      });
    },

    book,

    async rebook(auth, bookingId, input, idempotencyKey) {
      customerOf(auth);
      // Reading it first proves it is the customer's own (NOT_FOUND otherwise).
      const original = await services.query.get(auth.tenantId, bookingId, actorOf(auth));
      return book(
        auth,
        {
          service_id: original.service.id,
          resource_id: input.resource_id ?? original.resource.id,
          start_time: input.start_time,
          notes: input.notes,
          payment_method_id: input.payment_method_id,
        },
        idempotencyKey,
      );
    },

    async change(auth, bookingId, change) {
      customerOf(auth);
      const actor = actorOf(auth);
      const outcome = await services.actions.patch(
        auth.tenantId,
        bookingId,
        {
          action: change.action,
          new_start_time: change.new_start_time,
          new_resource_id: change.new_resource_id,
          cancellation_reason: change.cancellation_reason,
        },
        actor,
      );
      const view = await services.query.get(auth.tenantId, outcome.row.id, actor);
      return toAccountBooking(outcome.refund ? { ...view, refund: { ...outcome.refund } } : view);
    },
  };
}
