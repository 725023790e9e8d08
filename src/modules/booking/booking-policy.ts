/**
 * Cancellation, refund, no-show and reschedule rules of a service's
 * cancellation policy (specification §4.1.2 `BookingRules`, §4.2.3 refunds,
 * §2.1.5 stricter terms for guests). Pure: times are epoch milliseconds, money
 * is integer minor units of the booking's currency.
 */
import { type Money, assertMinorAmount, percentOf } from '../../platform/money.ts';
import { hoursToMs, percentageForNotice, withGuestTerms, type CancellationPolicy, type RefundRule } from '../catalog/index.ts';

/** Registered customers have an account; guests booked with contact details only. */
export type CustomerType = 'registered' | 'guest';

/**
 * Window and rules that apply to this customer type: guests are held to the service's guest terms,
 * or to the stricter default ones when it sets none (catalog's `withGuestTerms`, §2.1.5).
 */
function termsFor(policy: CancellationPolicy, customerType: CustomerType): { windowMs: number; rules: readonly RefundRule[] } {
  const terms = customerType === 'guest' ? withGuestTerms(policy).guest : policy;
  return { windowMs: hoursToMs(terms.window_hours), rules: terms.rules };
}

/** Why a cancellation or reschedule is allowed or refused; stable strings for APIs and logs. */
export type CancelReason = 'within_window' | 'admin_override' | 'outside_window' | 'already_started';

export interface CancelDecision {
  readonly allowed: boolean;
  readonly reason: CancelReason;
}

/** Inputs shared by the time-based rules. */
export interface PolicyClock {
  /** Booked start, epoch ms. */
  readonly startTime: number;
  /** Evaluation time, epoch ms. */
  readonly now: number;
  readonly policy: CancellationPolicy;
  readonly customerType: CustomerType;
}

/**
 * Whether the booking may be cancelled now (specification `can_cancel`).
 * Inside the window (less notice than `window_hours`) only an actor with the
 * `cancel_anytime` permission may cancel; exactly `window_hours` before the
 * start is still within the window. Does not check the booking's status: the
 * state machine does that.
 */
export function canCancel(input: PolicyClock & { readonly actorCanCancelAnytime: boolean }): CancelDecision {
  const noticeMs = input.startTime - input.now;
  const { windowMs } = termsFor(input.policy, input.customerType);
  if (noticeMs >= windowMs) return { allowed: true, reason: 'within_window' };
  if (input.actorCanCancelAnytime) return { allowed: true, reason: 'admin_override' };
  return { allowed: false, reason: noticeMs < 0 ? 'already_started' : 'outside_window' };
}

/**
 * Percentage (0–100) of the amount paid that cancelling now gives back: 0
 * once the booking has started, otherwise the matching refund rule's
 * percentage. For showing the customer what they would get before they cancel.
 */
export function refundPercentage(input: PolicyClock): number {
  const noticeMs = input.startTime - input.now;
  if (noticeMs < 0) return 0;
  return percentageForNotice(termsFor(input.policy, input.customerType).rules, noticeMs);
}

/**
 * Minor units to refund when the booking is cancelled now: `paidAmount` ×
 * `refundPercentage`, rounded half up (see `percentOf`). Zero after the start
 * or when no rule matches. Independent of the window, as in the specification:
 * an overriding admin's cancellation still refunds by the rules.
 */
export function refundForCancellation(input: PolicyClock & { readonly paidAmount: number }): number {
  assertMinorAmount(input.paidAmount, 'paidAmount');
  return percentOf(input.paidAmount, refundPercentage(input) * 100);
}

/** What happens to the money when a booking is marked no-show. */
export interface NoShowSettlement {
  /** Minor units to refund: 0 when the deposit is kept. */
  readonly refund: number;
  /** Fee to charge on top of any kept deposit, or null. */
  readonly penalty: Money | null;
}

/**
 * Settles a no-show. The specification refunds nothing on a no-show, so the
 * deposit is kept unless the policy says `keep_deposit: false`, in which case
 * all of it goes back. A configured fee is charged in addition (a `penalty`
 * payment); its currency is the service's, checked where the service is saved.
 */
export function noShowSettlement(input: { readonly paidAmount: number; readonly policy: CancellationPolicy }): NoShowSettlement {
  assertMinorAmount(input.paidAmount, 'paidAmount');
  const noShow = input.policy.no_show;
  const keepDeposit = noShow?.keep_deposit ?? true;
  return {
    refund: keepDeposit ? 0 : input.paidAmount,
    penalty: noShow?.fee ?? null,
  };
}

export type RescheduleReason =
  | 'allowed'
  | 'admin_override'
  | 'already_started'
  | 'too_close_to_start'
  | 'max_reschedules_reached';

export interface RescheduleDecision {
  readonly allowed: boolean;
  readonly reason: RescheduleReason;
}

/**
 * Whether the booking may be moved now.
 *
 * The minimum notice defaults to the cancellation window: otherwise a customer
 * inside the window could reschedule to a later date and cancel from there
 * with a refund, walking around the window. `rescheduleCount` is how many
 * times the booking was already moved. An actor allowed to reschedule anytime
 * (staff rearranging the calendar, a late customer moved back) bypasses every
 * limit.
 */
export function canReschedule(
  input: PolicyClock & { readonly rescheduleCount: number; readonly actorCanRescheduleAnytime?: boolean },
): RescheduleDecision {
  if (input.actorCanRescheduleAnytime === true) return { allowed: true, reason: 'admin_override' };
  const noticeMs = input.startTime - input.now;
  if (noticeMs < 0) return { allowed: false, reason: 'already_started' };
  const limits = input.policy.reschedule;
  const minNoticeMs =
    limits?.min_hours_before === undefined
      ? termsFor(input.policy, input.customerType).windowMs
      : hoursToMs(limits.min_hours_before);
  if (noticeMs < minNoticeMs) return { allowed: false, reason: 'too_close_to_start' };
  if (limits?.max_reschedules !== undefined && input.rescheduleCount >= limits.max_reschedules) {
    return { allowed: false, reason: 'max_reschedules_reached' };
  }
  return { allowed: true, reason: 'allowed' };
}

/** Actions that close a booking as attended or not: they only make sense once its time has come. */
export type ClosingAction = 'complete' | 'check_out' | 'mark_no_show';

/**
 * Whether a booking may be completed, checked out or marked a no-show now: not before its start
 * (a no-show fee charged days ahead, or a visit "completed" that has not happened, is a desk
 * mistake the server refuses). Exactly at the start is allowed.
 */
export function mayClose(input: { readonly startTime: number; readonly now: number }): boolean {
  return input.now >= input.startTime;
}

/**
 * Minor units to give back when the booking is cancelled now. A cancellation by the business
 * (staff, or the system acting for it) refunds everything paid: the refund tiers are the
 * customer's terms for their own cancellations, not a fee the business keeps for cancelling on
 * them. A customer's own cancellation refunds by the policy's tiers (all of it without a policy).
 */
export function cancellationRefund(
  input: Omit<PolicyClock, 'policy'> & { readonly policy: CancellationPolicy | null; readonly paidAmount: number; readonly byBusiness: boolean },
): number {
  assertMinorAmount(input.paidAmount, 'paidAmount');
  if (input.byBusiness || input.policy === null) return input.paidAmount;
  return refundForCancellation({ ...input, policy: input.policy });
}
