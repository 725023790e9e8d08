import type { Trx } from '../../platform/db/database.ts';
import { checkEvent } from '../../platform/events/event-descriptor.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import { AppError } from '../../platform/http/errors.ts';
import { transition, transitionsForApiAction, type BookingAction, type BookingApiAction, type BookingStatus, type StatusChange, type TransitionResult } from './booking-state.ts';
import type { Actor } from './booking-deps.ts';
import type { BookingRepository, BookingRow } from './booking.repository.ts';
import { bookingEventData, bookingEvents, bookingPreviousAttributes } from './booking.events.ts';

type BookingEvent = (typeof bookingEvents)[keyof typeof bookingEvents];

/** The event each action publishes besides `booking.updated`. */
const EVENT_OF_ACTION: Partial<Record<BookingAction, BookingEvent>> = {
  cancel: bookingEvents.cancelled,
  complete: bookingEvents.completed,
  check_out: bookingEvents.completed,
  mark_no_show: bookingEvents.noShow,
  reschedule: bookingEvents.rescheduled,
  payment_timeout: bookingEvents.expired,
  confirm: bookingEvents.confirmed,
  check_in: bookingEvents.checkedIn,
};

export function invalidTransition(result: Extract<TransitionResult, { ok: false }>, from: BookingStatus, action: string): AppError {
  return new AppError('INVALID_TRANSITION', result.reason, { from, action });
}

/** The steps of an API action from `from`, or 409 INVALID_TRANSITION. */
export function stepsForApiAction(from: BookingStatus, action: BookingApiAction): Extract<TransitionResult, { ok: true }> {
  const result = transitionsForApiAction(from, action);
  if (!result.ok) throw invalidTransition(result, from, action);
  return result;
}

/** The steps of a system action (require_payment, payment_timeout, confirm), or 409. */
export function stepsForSystemAction(from: BookingStatus, action: BookingAction): Extract<TransitionResult, { ok: true }> {
  const result = transition(from, action);
  if (!result.ok) throw invalidTransition(result, from, action);
  return result;
}

/**
 * Writes the history of a change (one row per status step, or one row for a
 * change without a status step such as check-in) and its events, in the
 * caller's transaction: the change, its history and its events commit together.
 */
export async function recordChange(
  trx: Trx,
  repository: BookingRepository,
  input: {
    tenantId: string;
    booking: BookingRow;
    previous: BookingRow | null;
    action: BookingAction | 'create' | 'update_notes' | 'payment_recorded' | 'resize';
    steps: readonly StatusChange[];
    actor: Actor;
    reason?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const { tenantId, booking, actor } = input;
  const base = {
    booking_id: booking.id,
    actor_type: actor.type,
    actor_id: actor.id,
    reason: input.reason ?? null,
    details: JSON.stringify(input.details ?? {}),
  };
  const rows =
    input.steps.length > 0
      ? input.steps.map((step) => ({ ...base, action: step.action, from_status: step.from, to_status: step.to }))
      : [{ ...base, action: input.action, from_status: input.previous?.status ?? null, to_status: booking.status }];
  const data = bookingEventData(booking, input.details);
  const previousAttributes = input.previous ? bookingPreviousAttributes(input.previous) : undefined;
  const events = new Set<BookingEvent>();
  if (input.action === 'create') events.add(bookingEvents.created);
  else {
    // Notes, late payments and a new length have no event of their own: `booking.updated` says it.
    const specific = input.action === 'update_notes' || input.action === 'payment_recorded' || input.action === 'resize' ? undefined : EVENT_OF_ACTION[input.action];
    if (specific) events.add(specific);
    events.add(bookingEvents.updated);
  }
  // The history rows and the events go in one statement: one round trip per change.
  await publishEvents(
    trx,
    [...events].map((descriptor) =>
      checkEvent(descriptor, { tenantId, aggregateId: booking.id, data, ...(previousAttributes ? { previousAttributes } : {}) }),
    ),
    { alongside: repository.historyInsert(trx, tenantId, rows) },
  );
}
