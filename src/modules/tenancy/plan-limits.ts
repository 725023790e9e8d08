import type { PlanRow } from './tenancy.repository.ts';

/** The metered or counted quantities a plan limits. */
export const PLAN_METRICS = ['bookings_per_month', 'users'] as const;
export type PlanMetric = (typeof PLAN_METRICS)[number];

/** The plan's limit for a metric; null means unlimited. */
export function limitOf(plan: PlanRow, metric: PlanMetric): number | null {
  return metric === 'bookings_per_month' ? plan.bookings_per_month : plan.users;
}

/** First day (UTC) of the calendar month holding `at`: the period monthly usage is counted in. */
export function usagePeriodStart(at: Date = new Date()): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export function usagePeriodEnd(at: Date = new Date()): string {
  const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return usagePeriodStart(next);
}

export interface LimitExcess {
  metric: PlanMetric;
  limit: number;
  current: number;
}

/**
 * Metrics whose current value would not fit in `plan`: a downgrade is refused while
 * this list is not empty (the tenant would be over its limits the moment it lands).
 */
export function excessesUnder(plan: PlanRow, usage: Record<PlanMetric, number>): LimitExcess[] {
  return PLAN_METRICS.flatMap((metric) => {
    const limit = limitOf(plan, metric);
    return limit !== null && usage[metric] > limit ? [{ metric, limit, current: usage[metric] }] : [];
  });
}
