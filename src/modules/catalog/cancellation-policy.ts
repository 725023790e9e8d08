/**
 * A service's cancellation policy: what the catalog API accepts and stores for
 * each service (specification §4.1.2 `BookingRules`, §4.2.3 refunds, §2.1.5
 * stricter terms for guests), and what its refund tiers mean. The booking module
 * applies it (`booking-policy.ts`: windows, refunds, no-shows, reschedules).
 */
import { z } from 'zod';
import { moneySchema } from '../../platform/money.ts';

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
 *   be at least as strict as the base terms (specification §2.1.5). Without it,
 *   guests get `defaultGuestTerms` (stricter than the base terms), not the base terms.
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

/** Hours of a policy as milliseconds (policies allow fractions of an hour). */
export const hoursToMs = (hours: number): number => Math.round(hours * MS_PER_HOUR);

/**
 * Refund percentage for cancelling with `noticeMs` to spare. Same semantics
 * as the specification's `calculate_refund`: the first rule whose `min_hours`
 * is not above the notice wins, rules taken by `min_hours` descending. Sorted
 * here rather than trusting stored order, so the result never depends on how
 * the JSON was written.
 */
export function percentageForNotice(rules: readonly RefundRule[], noticeMs: number): number {
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

/** The notice a guest must give where a customer with an account gives `hours`: twice as much, and at least a day more. */
function guestNotice(hours: number): number {
  return Math.min(MAX_POLICY_HOURS, Math.max(hours * 2, hours + 24));
}

/**
 * Guests' terms when a service sets no `guest` block: the specification asks for stricter
 * cancellation terms for customers without an account (§2.1.5), so the window and every refund
 * tier need twice the notice, and at least 24 hours more (a window of 2 h becomes 26 h; 24 h
 * becomes 48 h). A tier is never worth more to a guest than the base terms give at the same
 * notice (rules that refund more the later one cancels would otherwise turn generous once
 * stretched): both step functions are compared at every breakpoint of either, which is exact.
 */
export function defaultGuestTerms(policy: Pick<CancellationPolicy, 'window_hours' | 'rules'>): { window_hours: number; rules: RefundRule[] } {
  const stretched = policy.rules.map((rule) => ({ min_hours: guestNotice(rule.min_hours), refund_percentage: rule.refund_percentage }));
  const breakpoints = [...new Set([...stretched, ...policy.rules].map((rule) => rule.min_hours))].sort((a, b) => b - a);
  const rules = breakpoints.map((hours) => ({
    min_hours: hours,
    refund_percentage: Math.min(percentageForNotice(stretched, hoursToMs(hours)), percentageForNotice(policy.rules, hoursToMs(hours))),
  }));
  return { window_hours: guestNotice(policy.window_hours), rules };
}

/**
 * The policy with its guest terms spelled out: the service's own `guest` block completed from the
 * base terms it leaves out, or `defaultGuestTerms` when it has none. What guests are held to.
 */
export function withGuestTerms(policy: CancellationPolicy): CancellationPolicy & { guest: { window_hours: number; rules: RefundRule[] } } {
  const guest = policy.guest === undefined
    ? defaultGuestTerms(policy)
    : { window_hours: policy.guest.window_hours ?? policy.window_hours, rules: policy.guest.rules ?? policy.rules };
  return { ...policy, guest };
}
