import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  BOOKING_ACTIONS,
  BOOKING_API_ACTIONS,
  BOOKING_STATUSES,
  type BookingAction,
  type BookingStatus,
  type TransitionResult,
  allowedActions,
  holdsSlot,
  isBookingApiAction,
  isBookingStatus,
  isTerminal,
  transition,
  transitionsForApiAction,
} from './booking-state.ts';

/**
 * The specification's diagram (§4.1.2) written out again by hand, edge by
 * edge, plus the check-in/check-out decisions. Every pair not listed here must
 * be refused.
 */
const EXPECTED_EDGES: ReadonlyArray<readonly [BookingStatus, BookingAction, BookingStatus]> = [
  ['draft', 'require_payment', 'pending_payment'],
  ['draft', 'confirm', 'confirmed'],
  ['pending_payment', 'confirm', 'confirmed'],
  ['pending_payment', 'payment_timeout', 'expired'],
  ['confirmed', 'reschedule', 'rescheduled'],
  ['confirmed', 'cancel', 'cancelled'],
  ['confirmed', 'mark_no_show', 'no_show'],
  ['confirmed', 'complete', 'completed'],
  ['confirmed', 'check_in', 'confirmed'],
  ['confirmed', 'check_out', 'completed'],
  ['rescheduled', 'confirm', 'confirmed'],
];

const EXPECTED_TERMINAL: readonly BookingStatus[] = ['cancelled', 'no_show', 'completed', 'expired'];
const EXPECTED_SLOT_HOLDERS: readonly BookingStatus[] = ['pending_payment', 'confirmed', 'rescheduled'];

function expectedTarget(from: BookingStatus, action: BookingAction): BookingStatus | undefined {
  return EXPECTED_EDGES.find(([f, a]) => f === from && a === action)?.[2];
}

const allPairs = BOOKING_STATUSES.flatMap((from) => BOOKING_ACTIONS.map((action) => [from, action] as const));

describe('transition table', () => {
  it('covers 8 statuses × 9 actions', () => {
    expect(allPairs).toHaveLength(72);
  });

  it.each(allPairs)('%s + %s matches the diagram', (from, action) => {
    const expected = expectedTarget(from, action);
    const result = transition(from, action);
    if (expected === undefined) {
      expect(result, `${from} + ${action} must be refused`).toMatchObject({ ok: false });
    } else {
      expect(result, `${from} + ${action} must lead to ${expected}`).toMatchObject({ ok: true, to: expected });
    }
  });

  it('refuses pending_payment + cancel: an abandoned payment ends expired, not cancelled', () => {
    const result = transition('pending_payment', 'cancel');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('Cannot cancel a booking that is pending_payment');
  });

  it('explains that a final status cannot change', () => {
    const result = transition('completed', 'cancel');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/completed, a final status/);
  });

  it('records one status change per edge', () => {
    expect(transition('confirmed', 'cancel')).toEqual({
      ok: true,
      to: 'cancelled',
      steps: [{ from: 'confirmed', to: 'cancelled', action: 'cancel' }],
      records: [],
    });
  });

  it('check-in keeps the booking confirmed, records no status change and asks for the actual start', () => {
    expect(transition('confirmed', 'check_in')).toEqual({ ok: true, to: 'confirmed', steps: [], records: ['actual_start_time'] });
  });

  it('check-out completes the booking and asks for the actual end', () => {
    expect(transition('confirmed', 'check_out')).toEqual({
      ok: true,
      to: 'completed',
      steps: [{ from: 'confirmed', to: 'completed', action: 'check_out' }],
      records: ['actual_end_time'],
    });
  });

  it.each(BOOKING_STATUSES)('isTerminal(%s) matches the diagram', (status) => {
    expect(isTerminal(status)).toBe(EXPECTED_TERMINAL.includes(status));
  });

  it.each(BOOKING_STATUSES)('holdsSlot(%s): only pending_payment, confirmed and rescheduled hold a slot', (status) => {
    expect(holdsSlot(status)).toBe(EXPECTED_SLOT_HOLDERS.includes(status));
  });

  it('ACTIVE_STATUSES lists exactly the slot holders', () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual([...EXPECTED_SLOT_HOLDERS].sort());
  });

  it.each(BOOKING_STATUSES)('allowedActions(%s) lists the diagram edges', (status) => {
    const expected = EXPECTED_EDGES.filter(([from]) => from === status).map(([, action]) => action);
    expect([...allowedActions(status)].sort()).toEqual([...expected].sort());
  });

  it('narrows strings from the outside', () => {
    expect(isBookingStatus('no_show')).toBe(true);
    expect(isBookingStatus('refunded')).toBe(false);
    expect(isBookingApiAction('reschedule')).toBe(true);
    expect(isBookingApiAction('payment_timeout')).toBe(false);
    expect(isBookingApiAction('require_payment')).toBe(false);
  });
});

describe('transitionsForApiAction', () => {
  it('reschedule on a confirmed booking records confirmed → rescheduled → confirmed', () => {
    expect(transitionsForApiAction('confirmed', 'reschedule')).toEqual({
      ok: true,
      to: 'confirmed',
      steps: [
        { from: 'confirmed', to: 'rescheduled', action: 'reschedule' },
        { from: 'rescheduled', to: 'confirmed', action: 'confirm' },
      ],
      records: [],
    });
  });

  it.each(BOOKING_STATUSES.filter((s) => s !== 'confirmed'))('reschedule is refused on a %s booking', (status) => {
    expect(transitionsForApiAction(status, 'reschedule').ok).toBe(false);
  });

  it.each(
    BOOKING_STATUSES.flatMap((from) =>
      BOOKING_API_ACTIONS.filter((a) => a !== 'reschedule').map((action) => [from, action] as const),
    ),
  )('%s + %s is the single edge of the table', (from, action) => {
    expect(transitionsForApiAction(from, action)).toEqual(transition(from, action));
  });
});

/** Checks the steps of a successful result form a chain from `from` to `to`. */
function chainIsConsistent(from: BookingStatus, result: TransitionResult & { ok: true }): boolean {
  if (result.steps.length === 0) return result.to === from;
  let current = from;
  for (const step of result.steps) {
    if (step.from !== current || step.from === step.to) return false;
    current = step.to;
  }
  return current === result.to;
}

describe('random action sequences from draft', () => {
  const actionSequence = fc.array(fc.constantFrom(...BOOKING_ACTIONS), { maxLength: 30 });

  it('keep every invariant of the lifecycle', () => {
    fc.assert(
      fc.property(actionSequence, (actions) => {
        let status: BookingStatus = 'draft';
        for (const action of actions) {
          const result = transition(status, action);
          if (isTerminal(status)) {
            // A final status never changes, whatever is asked.
            expect(result.ok).toBe(false);
            continue;
          }
          if (!result.ok) continue;
          expect(BOOKING_STATUSES).toContain(result.to);
          expect(chainIsConsistent(status, result)).toBe(true);
          // Nothing ever goes back to draft.
          expect(result.to).not.toBe('draft');
          status = result.to;
          if (holdsSlot(status)) expect(ACTIVE_STATUSES).toContain(status);
          if (isTerminal(status)) expect(holdsSlot(status)).toBe(false);
        }
      }),
    );
  });

  it('driven through the API and system events, a booking never rests in rescheduled', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('api' as const), action: fc.constantFrom(...BOOKING_API_ACTIONS) }),
      fc.record({
        kind: fc.constant('system' as const),
        action: fc.constantFrom('require_payment' as const, 'payment_timeout' as const),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let status: BookingStatus = 'draft';
        for (const { kind, action } of steps) {
          const result: TransitionResult =
            kind === 'api' ? transitionsForApiAction(status, action) : transition(status, action);
          if (!result.ok) continue;
          expect(chainIsConsistent(status, result)).toBe(true);
          status = result.to;
          expect(status).not.toBe('rescheduled');
        }
      }),
    );
  });
});
