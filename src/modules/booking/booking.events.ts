import { z } from 'zod';
import { defineEvent, type EventDataOf } from '../../platform/events/event-descriptor.ts';
import { BOOKING_STATUSES } from './booking-state.ts';
import type { BookingRow } from './booking.repository.ts';

/**
 * The events the booking module publishes: their names, payload schemas and the one
 * function that builds the payload. Every booking event carries the same data, the
 * booking's ids, status, times and pricing (no personal data: webhooks fan it out), plus
 * `change` for what a change recorded besides its status (a refund amount, the payment
 * that confirmed it, the source of a booking). Consumers import these through the
 * module's `index.ts`; the webhook event list and `docs/events.md` are generated from them.
 */

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 instant');

const bookingEventDataSchema = z.strictObject({
  id: z.guid().describe('booking id'),
  booking_number: z.string().describe('human booking number (`BK-…`)'),
  status: z.enum(BOOKING_STATUSES).describe('status after the change'),
  group_id: z.guid().nullable().describe('the group of a multi-booking, or null'),
  service_id: z.guid(),
  resource_id: z.guid(),
  location_id: z.guid(),
  customer_id: z.guid(),
  start_time: instant,
  end_time: instant,
  pricing: z.strictObject({
    total_price: z.int().nonnegative().describe('minor units'),
    deposit_required: z.int().nonnegative().describe('minor units'),
    deposit_paid: z.int().nonnegative().describe('minor units'),
    currency: z.string().length(3).describe('ISO 4217'),
  }),
  change: z.record(z.string(), z.unknown()).optional().describe("what the change recorded besides its status (the history entry's details)"),
});

const bookingPreviousAttributesSchema = z.strictObject({
  status: z.enum(BOOKING_STATUSES),
  start_time: instant,
  end_time: instant,
  resource_id: z.guid(),
});

/** The data of every booking event. */
export type BookingEventPayload = EventDataOf<typeof bookingEvents.created>;

/** The event payload of a booking: ids, status and times, no personal data (webhooks fan it out). */
export function bookingEventData(row: BookingRow, change?: Record<string, unknown>): BookingEventPayload {
  return {
    id: row.id,
    booking_number: row.booking_number,
    status: row.status,
    group_id: row.group_id,
    service_id: row.service_id,
    resource_id: row.resource_id,
    location_id: row.location_id,
    customer_id: row.customer_id,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time.toISOString(),
    pricing: {
      total_price: row.total_price,
      deposit_required: row.deposit_required,
      deposit_paid: row.deposit_paid,
      currency: row.currency,
    },
    ...(change ? { change } : {}),
  };
}

/** What a change moved: the booking as it was before (status, times, resource). */
export function bookingPreviousAttributes(row: BookingRow): z.input<typeof bookingPreviousAttributesSchema> {
  return {
    status: row.status,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time.toISOString(),
    resource_id: row.resource_id,
  };
}

const bookingEvent = <const Name extends string, const Webhook extends boolean>(name: Name, webhook: Webhook, description: string) =>
  defineEvent({
    name,
    aggregateType: 'booking',
    description,
    webhook,
    data: bookingEventDataSchema,
    previousAttributes: bookingPreviousAttributesSchema,
  });

/** The booking events, by what happened. */
export const bookingEvents = {
  created: bookingEvent('booking.created', true, 'A booking was made (confirmed, or pending its payment).'),
  updated: bookingEvent('booking.updated', true, 'Any change to a booking; published together with the specific event of the change, if any.'),
  confirmed: bookingEvent('booking.confirmed', false, 'A booking was confirmed (by its payment, or by staff).'),
  checkedIn: bookingEvent('booking.checked_in', false, 'The customer checked in.'),
  cancelled: bookingEvent('booking.cancelled', true, 'The booking was cancelled; `change.refund_amount` is what goes back.'),
  completed: bookingEvent('booking.completed', true, 'The booking took place (completed or checked out).'),
  noShow: bookingEvent('booking.no_show', true, 'The customer did not come.'),
  rescheduled: bookingEvent('booking.rescheduled', false, 'The booking moved to another time or resource; `previous_attributes` holds the old ones.'),
  expired: bookingEvent('booking.expired', false, 'A booking pending its payment expired unpaid; its time is free again.'),
} as const;

/** Every event the booking module publishes, in the order of the docs. */
export const BOOKING_EVENTS = Object.values(bookingEvents);
