import { z } from 'zod';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { DomainEvent, EventSubscriber } from '../../platform/events/outbox.ts';
import { defineJob, type JobDefinition, type JobOutcome } from '../../platform/jobs/job-definition.ts';
import { cancelPendingJobs, enqueue } from '../../platform/jobs/queue.ts';
import { bookingEvents } from '../booking/index.ts';
import {
  LIVE_BOOKING_STATUSES,
  PROJECTED_BOOKING_EVENTS,
  findCalendarEntry,
  parseBookingEventData,
  type BookingEventData,
  type CalendarEntryRow,
} from '../calendar/index.ts';
import { paymentEvents } from '../payments/index.ts';
import { composeMessages, type ComposerDeps } from './message-composer.ts';
import { formatAmount, previousVariables, type BookingSnapshot } from './message-content.ts';
import type { TemplateKey } from './notification-catalogue.ts';
import { bookingReminderJob, notificationEventJob } from './notification-jobs.ts';
import * as repo from './notifications.repository.ts';
import { reminderKey, reminderKeyPrefix, reminderOffsetsFor, reminderSchedule } from './reminders.ts';


/** Hands each relevant event to the planning job; idempotent through the job's dedupe key (the event id). */
export const notificationsSubscriber: EventSubscriber = {
  name: 'notifications.plan',
  events: [...PROJECTED_BOOKING_EVENTS, paymentEvents.succeeded, paymentEvents.failed, paymentEvents.refunded],
  async handle(event: DomainEvent, executor) {
    await enqueue(executor, notificationEventJob, { event_id: event.id }, { tenantId: event.tenantId, dedupeKey: `event:${event.id}` });
  },
};

export function snapshotFromEvent(booking: BookingEventData): BookingSnapshot {
  return {
    id: booking.id,
    number: booking.bookingNumber,
    startTime: booking.startTime,
    endTime: booking.endTime,
    timezone: booking.timezone,
    serviceName: booking.service.name,
    resourceName: booking.resource.name,
    locationName: booking.locationName,
    manageUrl: booking.manageUrl,
  };
}

export function snapshotFromEntry(entry: CalendarEntryRow): BookingSnapshot {
  return {
    id: entry.booking_id,
    number: entry.booking_number,
    startTime: entry.start_time,
    endTime: entry.end_time,
    timezone: entry.timezone,
    serviceName: entry.service_name,
    resourceName: entry.resource_name,
    locationName: entry.location_name,
    manageUrl: null,
  };
}

/**
 * Re-plans a booking's reminders after a change: cancels the pending ones
 * and, while the booking still takes place, schedules one per offset. Only
 * the newest event applied to the calendar projection does this, so events
 * handled out of order never resurrect stale reminders.
 */
async function reconcileReminders(trx: Trx, tenantId: string, eventId: string, bookingId: string): Promise<void> {
  const entry = await findCalendarEntry(trx, tenantId, bookingId);
  if (!entry || entry.last_event_id !== eventId) return;
  await cancelPendingJobs(trx, bookingReminderJob.name, reminderKeyPrefix(bookingId));
  if (!LIVE_BOOKING_STATUSES.has(entry.status) || entry.status === 'pending_payment') return;
  const settings = await repo.findSettings(trx, tenantId);
  for (const reminder of reminderSchedule(entry.start_time, reminderOffsetsFor(settings, entry.service_id), new Date())) {
    await enqueue(
      trx,
      bookingReminderJob,
      { booking_id: bookingId, offset_minutes: reminder.offsetMinutes, start_time: entry.start_time.toISOString() },
      { tenantId, runAt: reminder.runAt, dedupeKey: reminderKey(bookingId, reminder.offsetMinutes, entry.sequence) },
    );
  }
}

/** The message an event sends to the booking's customer, if any. */
function bookingMessageKey(event: repo.StoredEvent, booking: BookingEventData): TemplateKey | null {
  switch (event.type) {
    case bookingEvents.created.name:
      return booking.status === 'confirmed' ? 'booking.confirmed' : booking.status === 'pending_payment' ? 'booking.pending_payment' : null;
    case bookingEvents.confirmed.name:
      // A held booking confirmed by its payment (the booking module also publishes booking.updated, which sends nothing).
      return 'booking.confirmed';
    case bookingEvents.rescheduled.name:
      return 'booking.rescheduled';
    case bookingEvents.cancelled.name:
      return 'booking.cancelled';
    case bookingEvents.completed.name:
      return 'booking.completed';
    case bookingEvents.noShow.name:
      return 'booking.no_show';
    default:
      return null;
  }
}

async function planBookingEvent(trx: Trx, deps: ComposerDeps, tenantId: string, event: repo.StoredEvent): Promise<void> {
  const booking = parseBookingEventData(event.data);
  if (booking === null) return;
  const key = bookingMessageKey(event, booking);
  if (key !== null && booking.customerId !== null) {
    const entry = await findCalendarEntry(trx, tenantId, booking.id);
    const previousStart = typeof event.previous_attributes?.start_time === 'string' ? new Date(event.previous_attributes.start_time) : null;
    const pricing = z
      .object({ payment: z.object({ amount: z.number().int() }).nullish(), pricing: z.object({ currency: z.string().length(3) }).nullish() })
      .safeParse(event.data);
    // A held booking's message links to its payment page (only messages to the customer: events never carry it).
    const paymentPageUrl = key === 'booking.pending_payment' && deps.paymentPageUrlFor ? await deps.paymentPageUrlFor(trx, tenantId, booking.id) : null;
    await composeMessages(trx, deps, tenantId, {
      key,
      dedupeBase: `event:${event.id}`,
      eventId: event.id,
      recipient: { kind: 'customer', customerId: booking.customerId },
      booking: entry ? { ...snapshotFromEntry(entry), startTime: booking.startTime, endTime: booking.endTime, manageUrl: booking.manageUrl } : snapshotFromEvent(booking),
      invitation:
        key === 'booking.confirmed' || key === 'booking.rescheduled'
          ? { method: 'REQUEST', sequence: entry?.sequence ?? 0 }
          : key === 'booking.cancelled'
            ? { method: 'CANCEL', sequence: entry?.sequence ?? 0 }
            : undefined,
      extra: (language) => ({
        ...(previousStart && !Number.isNaN(previousStart.getTime()) ? previousVariables(previousStart, booking.timezone, language) : {}),
        refund: booking.refund
          ? { amount: formatAmount(booking.refund.amount, booking.refund.currency, language), present: booking.refund.amount > 0 }
          : { amount: '', present: false },
        cancellation: { reason: typeof event.data.cancellation_reason === 'string' ? event.data.cancellation_reason : '' },
        payment: {
          amount:
            pricing.success && pricing.data.payment && pricing.data.pricing
              ? formatAmount(pricing.data.payment.amount, pricing.data.pricing.currency, language)
              : '',
          page_url: paymentPageUrl ?? '',
        },
      }),
    });
  }
  await reconcileReminders(trx, tenantId, event.id, booking.id);
}

/** A payment event's payment, its message and the amount it tells as refunded, read with the schemas payments declares; null for anything else. */
function paymentMessageOf(event: repo.StoredEvent) {
  if (event.type === paymentEvents.refunded.name) {
    const parsed = paymentEvents.refunded.data.safeParse(event.data);
    return parsed.success ? { payment: parsed.data, key: 'payment.refunded' as const, refundAmount: parsed.data.refund_amount } : null;
  }
  const descriptor = event.type === paymentEvents.succeeded.name ? paymentEvents.succeeded : event.type === paymentEvents.failed.name ? paymentEvents.failed : null;
  if (descriptor === null) return null;
  const parsed = descriptor.data.safeParse(event.data);
  return parsed.success ? { payment: parsed.data, key: descriptor.name, refundAmount: parsed.data.amount } : null;
}

async function planPaymentEvent(trx: Trx, deps: ComposerDeps, tenantId: string, event: repo.StoredEvent): Promise<void> {
  const message = paymentMessageOf(event);
  if (message === null) return;
  const { payment, key, refundAmount } = message;
  const entry = await findCalendarEntry(trx, tenantId, payment.booking_id);
  const customerId = payment.customer_id;
  const currency = payment.currency;
  await composeMessages(trx, deps, tenantId, {
    key,
    dedupeBase: `event:${event.id}`,
    eventId: event.id,
    recipient: { kind: 'customer', customerId },
    booking: entry ? snapshotFromEntry(entry) : undefined,
    extra: (language) => ({
      payment: { amount: formatAmount(payment.amount, currency, language) },
      refund: { amount: formatAmount(refundAmount, currency, language), present: refundAmount > 0 },
    }),
  });
}

/**
 * Plans the messages and reminders of one event, exactly once: the receipt
 * commits with the messages, so a re-run after a crash finds it and stops.
 */
export function createNotificationEventJob(deps: ComposerDeps): JobDefinition<typeof notificationEventJob.payload> {
  return defineJob({
    ...notificationEventJob,
    async handle(payload, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'event without tenant' };
      return withTenant(context.db, tenantId, async (trx) => {
        if (!(await repo.claimEventReceipt(trx, tenantId, payload.event_id))) return { outcome: 'done', note: 'already planned' };
        const event = await repo.findEvent(trx, tenantId, payload.event_id);
        if (!event) return { outcome: 'done', note: 'event gone' };
        if (event.type.startsWith('booking.')) await planBookingEvent(trx, deps, tenantId, event);
        else if (event.type.startsWith('payment.')) await planPaymentEvent(trx, deps, tenantId, event);
        return { outcome: 'done' };
      });
    },
  });
}

/**
 * Sends a reminder when it comes due, if the booking still takes place at
 * the time the reminder was planned for (a moved or cancelled booking's
 * leftover reminder does nothing).
 */
export function createBookingReminderJob(deps: ComposerDeps): JobDefinition<typeof bookingReminderJob.payload> {
  return defineJob({
    ...bookingReminderJob,
    async handle(payload, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'reminder without tenant' };
      return withTenant(context.db, tenantId, async (trx) => {
        const entry = await findCalendarEntry(trx, tenantId, payload.booking_id);
        const plannedStart = new Date(payload.start_time).getTime();
        if (
          !entry ||
          !LIVE_BOOKING_STATUSES.has(entry.status) ||
          entry.status === 'pending_payment' ||
          entry.start_time.getTime() !== plannedStart ||
          entry.customer_id === null
        ) {
          return { outcome: 'done', note: 'booking moved, ended or unknown' };
        }
        await composeMessages(trx, deps, tenantId, {
          key: 'booking.reminder',
          dedupeBase: `booking:${entry.booking_id}:reminder:${payload.offset_minutes}:${Math.floor(plannedStart / 1000)}`,
          eventId: null,
          recipient: { kind: 'customer', customerId: entry.customer_id },
          booking: snapshotFromEntry(entry),
          extra: () => ({
            reminder: { hours_before: Math.round(payload.offset_minutes / 60), minutes_before: payload.offset_minutes },
          }),
        });
        return { outcome: 'done' };
      });
    },
  });
}
