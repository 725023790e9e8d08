/**
 * Billing periods and proration, pure. Periods run in UTC from the moment a subscription started:
 * a month later is the same day and time of the next month, clamped to its last day (31 January →
 * 28 or 29 February), a year later the same date (29 February → 28 February).
 */
import type { BillingInterval } from '../tenancy/index.ts';

export function addInterval(start: Date, interval: BillingInterval, count = 1): Date {
  const months = interval === 'year' ? 12 * count : count;
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
  );
}

/** Share of a period still ahead at `now`, in parts per million (0 at or after its end, 1,000,000 at or before its start). */
export function remainingShare(periodStart: Date, periodEnd: Date, now: Date): number {
  const length = periodEnd.getTime() - periodStart.getTime();
  if (length <= 0) return 0;
  const left = Math.min(Math.max(periodEnd.getTime() - now.getTime(), 0), length);
  return Math.round((left * 1_000_000) / length);
}

/** `amount` × share (ppm), rounded half up to a whole minor unit. */
export function prorate(amount: number, sharePpm: number): number {
  return Math.floor((amount * sharePpm + 500_000) / 1_000_000);
}

/**
 * An upgrade in the middle of a period: the unused part of the old price is credited and the new
 * price charged for what is left of the period. Both rounded on their own, as they print.
 */
export function upgradeProration(input: { oldAmount: number; newAmount: number; periodStart: Date; periodEnd: Date; now: Date }): {
  credit: number;
  charge: number;
  sharePpm: number;
} {
  const sharePpm = remainingShare(input.periodStart, input.periodEnd, input.now);
  return { credit: prorate(input.oldAmount, sharePpm), charge: prorate(input.newAmount, sharePpm), sharePpm };
}
