import type { BookingPageService } from '../../shared/api/use-booking-page.ts';

type Policy = NonNullable<BookingPageService['cancellation_policy']>;

/** What a guest agrees to by booking this service, in the order the page says it. */
export type Term =
  | { kind: 'cancel_anytime' }
  | { kind: 'cancel_until'; hours: number }
  | { kind: 'refund_all' }
  | { kind: 'refund_tier'; hours: number; percent: number }
  | { kind: 'refund_none_after'; hours: number }
  | { kind: 'refund_none' };

/**
 * The cancellation and refund terms that apply to a guest (the policy's `guest` terms replace the
 * base ones, as the server applies them). Refund terms only when something is paid up front.
 * No policy: cancel any time, a deposit comes back in full (the server's rule).
 */
export function guestTerms(policy: Policy | null, paysUpFront: boolean): Term[] {
  if (policy === null) return paysUpFront ? [{ kind: 'cancel_anytime' }, { kind: 'refund_all' }] : [{ kind: 'cancel_anytime' }];
  const windowHours = policy.guest?.window_hours ?? policy.window_hours;
  const rules = [...(policy.guest?.rules ?? policy.rules)].sort((a, b) => b.min_hours - a.min_hours);
  const terms: Term[] = [windowHours > 0 ? { kind: 'cancel_until', hours: windowHours } : { kind: 'cancel_anytime' }];
  if (!paysUpFront) return terms;
  const refunding = rules.filter((rule) => rule.refund_percentage > 0);
  if (refunding.length === 0) return [...terms, { kind: 'refund_none' }];
  for (const rule of refunding) terms.push({ kind: 'refund_tier', hours: rule.min_hours, percent: rule.refund_percentage });
  const last = refunding.at(-1);
  if (last && last.min_hours > 0) terms.push({ kind: 'refund_none_after', hours: last.min_hours });
  return terms;
}

/** "48 hours", "3 days" (whole days when the hours make them). */
export function formatNotice(hours: number, language: string): string {
  const inDays = hours >= 48 && hours % 24 === 0;
  return new Intl.NumberFormat(language, { style: 'unit', unit: inDays ? 'day' : 'hour', unitDisplay: 'long' }).format(inDays ? hours / 24 : hours);
}
