/**
 * The booking lifecycle of the specification (§4.1.2) as one transition table.
 *
 * ```
 * [*] → draft
 * draft           → pending_payment   require_payment   (deposit due)
 * draft           → confirmed         confirm           (no deposit due)
 * pending_payment → confirmed         confirm           (payment succeeded)
 * pending_payment → expired           payment_timeout
 * confirmed       → rescheduled       reschedule
 * confirmed       → cancelled         cancel
 * confirmed       → no_show           mark_no_show
 * confirmed       → completed         complete | check_out
 * confirmed       ↺ confirmed         check_in          (records the actual start; no status change)
 * rescheduled     → confirmed         confirm
 * cancelled, no_show, completed, expired: terminal
 * ```
 *
 * Kept strictly to the diagram: there is no pending_payment → cancelled. A
 * customer who abandons payment ends `expired` when the hold times out, which
 * frees the slot just the same.
 */

/** Every booking status, in lifecycle order (matches the `booking_status` SQL enum). */
export const BOOKING_STATUSES = [
  'draft',
  'pending_payment',
  'confirmed',
  'rescheduled',
  'cancelled',
  'no_show',
  'completed',
  'expired',
] as const;

export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Every event or command the state machine understands. */
export const BOOKING_ACTIONS = [
  'require_payment',
  'confirm',
  'payment_timeout',
  'reschedule',
  'cancel',
  'mark_no_show',
  'complete',
  'check_in',
  'check_out',
] as const;

export type BookingAction = (typeof BOOKING_ACTIONS)[number];

/**
 * Actions a caller may ask for through `PATCH /bookings/{id}` (and, a subset,
 * through the customer's manage link). `require_payment` and `payment_timeout`
 * are system events and never come from a request.
 */
export const BOOKING_API_ACTIONS = [
  'cancel',
  'reschedule',
  'confirm',
  'mark_no_show',
  'complete',
  'check_in',
  'check_out',
] as const satisfies readonly BookingAction[];

export type BookingApiAction = (typeof BOOKING_API_ACTIONS)[number];

/**
 * Statuses in which a booking occupies its resource's time: the slot is held
 * while payment is pending, while confirmed, and during the instant a
 * reschedule is in flight. `draft` holds nothing (it exists only inside the
 * creating transaction); terminal statuses have released the slot. The
 * database's no-overlap constraint must cover exactly these statuses.
 */
export const ACTIVE_STATUSES = ['pending_payment', 'confirmed', 'rescheduled'] as const satisfies readonly BookingStatus[];

/** A booking timestamp column an action fills in besides (or instead of) a status change. */
export type RecordedTime = 'actual_start_time' | 'actual_end_time';

interface Edge {
  readonly to: BookingStatus;
  readonly records?: RecordedTime;
}

/**
 * The one table every question about the lifecycle is answered from. A status
 * with no entries is terminal.
 */
const TRANSITIONS: Readonly<Record<BookingStatus, Readonly<Partial<Record<BookingAction, Edge>>>>> = {
  draft: {
    require_payment: { to: 'pending_payment' },
    confirm: { to: 'confirmed' },
  },
  pending_payment: {
    confirm: { to: 'confirmed' },
    payment_timeout: { to: 'expired' },
  },
  confirmed: {
    reschedule: { to: 'rescheduled' },
    cancel: { to: 'cancelled' },
    mark_no_show: { to: 'no_show' },
    complete: { to: 'completed' },
    check_in: { to: 'confirmed', records: 'actual_start_time' },
    check_out: { to: 'completed', records: 'actual_end_time' },
  },
  rescheduled: {
    confirm: { to: 'confirmed' },
  },
  cancelled: {},
  no_show: {},
  completed: {},
  expired: {},
};

/** One status change, as it is written to the booking's history. */
export interface StatusChange {
  readonly from: BookingStatus;
  readonly to: BookingStatus;
  readonly action: BookingAction;
}

/** Outcome of asking the state machine for an action. */
export type TransitionResult =
  | {
      readonly ok: true;
      /** Status the booking ends in. */
      readonly to: BookingStatus;
      /**
       * Status changes to record, in order. Empty for `check_in`, which
       * changes no status.
       */
      readonly steps: readonly StatusChange[];
      /** Timestamps the caller must set (actual start on check-in, actual end on check-out). */
      readonly records: readonly RecordedTime[];
    }
  | { readonly ok: false; readonly reason: string };

const statusSet: ReadonlySet<string> = new Set(BOOKING_STATUSES);
const actionSet: ReadonlySet<string> = new Set(BOOKING_ACTIONS);
const apiActionSet: ReadonlySet<string> = new Set(BOOKING_API_ACTIONS);
const activeSet: ReadonlySet<string> = new Set(ACTIVE_STATUSES);

/** Narrows a string (e.g. a database value) to a `BookingStatus`. */
export function isBookingStatus(value: string): value is BookingStatus {
  return statusSet.has(value);
}

/** Narrows a string to a `BookingAction`. */
export function isBookingAction(value: string): value is BookingAction {
  return actionSet.has(value);
}

/** Narrows a string to an action a request may ask for. */
export function isBookingApiAction(value: string): value is BookingApiAction {
  return apiActionSet.has(value);
}

/** Whether no action can ever leave `status` (cancelled, no_show, completed, expired). */
export function isTerminal(status: BookingStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}

/** Whether a booking in `status` occupies its slot; see `ACTIVE_STATUSES`. */
export function holdsSlot(status: BookingStatus): boolean {
  return activeSet.has(status);
}

/** Actions the state machine accepts from `status`, in `BOOKING_ACTIONS` order. */
export function allowedActions(status: BookingStatus): BookingAction[] {
  const edges = TRANSITIONS[status];
  return BOOKING_ACTIONS.filter((action) => edges[action] !== undefined);
}

/**
 * Applies one edge of the diagram. `check_in` succeeds on a confirmed booking
 * without a status change (no steps) and asks the caller to record the
 * actual start.
 */
export function transition(from: BookingStatus, action: BookingAction): TransitionResult {
  const edge = TRANSITIONS[from][action];
  if (edge === undefined) {
    return {
      ok: false,
      reason: isTerminal(from)
        ? `Booking is ${from}, a final status; ${action} is not possible`
        : `Cannot ${action} a booking that is ${from}`,
    };
  }
  return {
    ok: true,
    to: edge.to,
    steps: edge.to === from ? [] : [{ from, to: edge.to, action }],
    records: edge.records === undefined ? [] : [edge.records],
  };
}

/**
 * What an API action does to a booking in `from`: the full chain of status
 * changes to record. Most actions are one edge; `reschedule` is two, because
 * the service moves the booking to its new time and confirms it again in the
 * same transaction (`confirmed → rescheduled → confirmed`), so the history
 * shows the reschedule while the booking never rests in `rescheduled`.
 */
export function transitionsForApiAction(from: BookingStatus, action: BookingApiAction): TransitionResult {
  const first = transition(from, action);
  if (!first.ok || action !== 'reschedule') return first;
  const second = transition(first.to, 'confirm');
  if (!second.ok) return second;
  return {
    ok: true,
    to: second.to,
    steps: [...first.steps, ...second.steps],
    records: [...first.records, ...second.records],
  };
}
