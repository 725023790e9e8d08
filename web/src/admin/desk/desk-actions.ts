import type { Me } from '../session/use-session.ts';
import { can } from '../session/use-session.ts';
import type { Booking, DeskAction } from './use-desk.ts';

/** What the desk may do with a booking now, and what waits for its start. */
export interface OfferedActions {
  /** Actions to show as buttons, in the order of a visit. */
  offered: DeskAction[];
  /** Shown disabled until the booking starts (the server refuses them before). */
  waitingForStart: DeskAction[];
}

/**
 * The state machine's staff actions for the booking's status (confirmed: check in, complete,
 * no-show, cancel), for a role that may update bookings; completing and no-show only from the
 * start time, as the server rules. A checked-in booking completes with `check_out`, which records
 * the actual end time. A role without `update:Booking` is offered nothing.
 */
export function deskActions(booking: Booking, me: Me | undefined, now: number = Date.now()): OfferedActions {
  if (!can(me, 'update', 'Booking') || booking.status !== 'confirmed') return { offered: [], waitingForStart: [] };
  const started = now >= Date.parse(booking.start_time);
  const checkedIn = booking.actual_start_time !== null;
  const closing: DeskAction[] = [checkedIn ? 'check_out' : 'complete', ...(checkedIn ? [] : (['mark_no_show'] as const))];
  return {
    offered: [...(checkedIn ? [] : (['check_in'] as const)), ...(started ? closing : []), 'cancel'],
    waitingForStart: started ? [] : closing,
  };
}

/** The words of an action: `check_out` reads as completing. */
export function actionLabelKey(action: DeskAction): 'check_in' | 'complete' | 'mark_no_show' | 'cancel' | 'confirm' {
  if (action === 'check_out') return 'complete';
  if (action === 'reschedule') return 'confirm';
  return action;
}
