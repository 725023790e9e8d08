/**
 * Cancellation, refund, no-show and reschedule rules of a service's
 * cancellation policy (specification §4.1.2 `BookingRules`, §4.2.3 refunds,
 * §2.1.5 stricter terms for guests). Pure: times are epoch milliseconds, money
 * is integer minor units of the booking's currency.
 */
import { z } from 'zod';
import { type Money, assertMinorAmount, moneySchema, percentOf } from '../../platform/money.ts';

const MS_PER_HOUR = 3_600_000;

/** Upper bound for any hour count in a policy (ten years): catches unit mix-ups such as minutes. */
export const MAX_POLICY_HOURS = 87_840;

const hoursSchema = z.number().min(0).max(MAX_POLICY_HOURS);

/** One refund tier: cancelling at least `min_hours` before the start refunds `refund_percentage` %. */
export const refundRuleSchema = z.strictObject({
  min_hours: hoursSchema,
  refund_percentage: z.int().min(0).max(100),
});

export type RefundRule = z.infer<typeof refundRuleSchema>;

const refundRulesSchema = z
  .array(refundRuleSchema)
  .max(20)
  // Two tiers at the same notice would make the refund depend on stored order.
  .refine((rules) => new Set(rules.map((rule) => rule.min_hours)).size === rules.length, {
    message: 'Each refund rule needs a different min_hours',
  });

// Zod runs refinements after non-aborting field issues (a number out of range,
// say); the guest comparison only makes sense on an otherwise valid policy.
const onlyWhenFieldsValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/**
 * A service's cancellation policy, as the catalog API accepts and stores it.
 *
 * - `window_hours`: customers may cancel only this long or longer before the
 *   start (a `cancel_anytime` permission overrides it).
 * - `rules`: refund tiers; the tier with the largest `min_hours` not above the
 *   notice given applies; no tier applies → no refund.
 * - `guest`: replaces `window_hours` and/or `rules` for guest customers. It must
 *   be at least as strict as the base terms (specification §2.1.5).
 * - `no_show`: whether the deposit is kept (default yes) and an optional fee.
 * - `reschedule`: minimum notice (defaults to the cancellation window) and a
 *   maximum number of reschedules (default unlimited).
 *
 * API.md's `{window_hours, rules}` is a valid policy; the rest is optional.
 */
export const cancellationPolicySchema = z
  .strictObject({
    window_hours: hoursSchema,
    rules: refundRulesSchema,
    guest: z
      .strictObject({
        window_hours: hoursSchema.optional(),
        rules: refundRulesSchema.optional(),
      })
      .optional(),
    no_show: z
      .strictObject({
        keep_deposit: z.boolean(),
        fee: moneySchema.optional(),
      })
      .optional(),
    reschedule: z
      .strictObject({
        min_hours_before: hoursSchema.optional(),
        max_reschedules: z.int().min(0).max(1_000).optional(),
      })
      .optional(),
  })
  .superRefine((policy, ctx) => {
    // Guest terms must be at least as strict as the general ones (§2.1.5).
    if (policy.guest === undefined) return;
    const guestWindow = policy.guest.window_hours ?? policy.window_hours;
    if (guestWindow < policy.window_hours) {
      ctx.addIssue({
        code: 'custom',
        path: ['guest', 'window_hours'],
        message: 'The guest cancellation window cannot be shorter than the general one',
      });
    }
    const guestRules = policy.guest.rules;
    if (guestRules !== undefined && !isAtMostAsGenerous(guestRules, policy.rules)) {
      ctx.addIssue({
        code: 'custom',
        path: ['guest', 'rules'],
        message: 'Guest refund rules cannot refund more than the general rules at any notice',
      });
    }
  }, onlyWhenFieldsValid);

export type CancellationPolicy = z.infer<typeof cancellationPolicySchema>;

/** Registered customers have an account; guests booked with contact details only. */
export type CustomerType = 'registered' | 'guest';

const hoursToMs = (hours: number): number => Math.round(hours * MS_PER_HOUR);

/** Window and rules that apply to this customer type (guest overrides replace the base values). */
function termsFor(policy: CancellationPolicy, customerType: CustomerType): { windowMs: number; rules: readonly RefundRule[] } {
  const guest = customerType === 'guest' ? policy.guest : undefined;
  return {
    windowMs: hoursToMs(guest?.window_hours ?? policy.window_hours),
    rules: guest?.rules ?? policy.rules,
  };
}

/**
 * Refund percentage for cancelling with `noticeMs` to spare. Same semantics
 * as the specification's `calculate_refund`: the first rule whose `min_hours`
 * is not above the notice wins, rules taken by `min_hours` descending. Sorted
 * here rather than trusting stored order, so the result never depends on how
 * the JSON was written.
 */
function percentageForNotice(rules: readonly RefundRule[], noticeMs: number): number {
  const descending = [...rules].sort((a, b) => b.min_hours - a.min_hours);
  return descending.find((rule) => hoursToMs(rule.min_hours) <= noticeMs)?.refund_percentage ?? 0;
}

/**
 * Whether `candidate` refunds no more than `reference` at every notice. Both
 * are step functions that change only at a rule's `min_hours`, so comparing
 * at every breakpoint of either covers all notices.
 */
function isAtMostAsGenerous(candidate: readonly RefundRule[], reference: readonly RefundRule[]): boolean {
  const breakpoints = [...candidate, ...reference].map((rule) => hoursToMs(rule.min_hours));
  return breakpoints.every((ms) => percentageForNotice(candidate, ms) <= percentageForNotice(reference, ms));
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
