import { ratioBps } from './report-figures.ts';
import type { VisitRow } from './reports.repository.ts';

/**
 * Customer figures from visits (a customer's bookings that took place or will, one per
 * resource and local day): plain functions over the rows `visitsInScope` reads.
 */

export interface CustomerFigures {
  customers: number;
  /** Customers whose first visit at the business falls in the period. */
  new_customers: number;
  returning_customers: number;
  /** Visits that follow an earlier one. */
  repeat_visits: number;
  /** …of which with the same professional (resource) as the customer's previous visit. */
  same_professional_visits: number;
  same_professional_rate_bps: number | null;
}

export function customerFigures(visits: readonly VisitRow[], from: string): CustomerFigures {
  const customers = new Map<string, boolean>();
  let repeat = 0;
  let same = 0;
  for (const visit of visits) {
    customers.set(visit.customer_id, visit.first_day >= from);
    if (visit.previous_resource_id !== null) {
      repeat += 1;
      if (visit.previous_resource_id === visit.resource_id) same += 1;
    }
  }
  const fresh = [...customers.values()].filter(Boolean).length;
  return {
    customers: customers.size,
    new_customers: fresh,
    returning_customers: customers.size - fresh,
    repeat_visits: repeat,
    same_professional_visits: same,
    same_professional_rate_bps: ratioBps(same, repeat),
  };
}

/** Per resource: visits in the period, and those after which the customer's next visit was with the same resource. */
export function rebookingByResource(visits: readonly VisitRow[]): Map<string, { visits: number; rebooked: number }> {
  const byResource = new Map<string, { visits: number; rebooked: number }>();
  for (const visit of visits) {
    const entry = byResource.get(visit.resource_id) ?? byResource.set(visit.resource_id, { visits: 0, rebooked: 0 }).get(visit.resource_id)!;
    entry.visits += 1;
    if (visit.next_resource_id === visit.resource_id) entry.rebooked += 1;
  }
  return byResource;
}

export interface Cohort {
  /** First month, `YYYY-MM`. */
  cohort: string;
  customers: number;
  /** Month 0 is the first month; each later month counts the cohort's customers who came back that month. */
  months: Array<{ offset: number; customers: number; rate_bps: number | null }>;
}

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/** Retention cohorts from (cohort month, activity month, customers) rows, up to `lastMonth`. */
export function cohortsOf(rows: ReadonlyArray<{ cohort: string; month: string; customers: number }>, lastMonth: string): Cohort[] {
  const cohorts = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const offsets = cohorts.get(row.cohort) ?? cohorts.set(row.cohort, new Map()).get(row.cohort)!;
    offsets.set(monthIndex(row.month) - monthIndex(row.cohort), row.customers);
  }
  return [...cohorts.entries()].map(([cohort, offsets]) => {
    const size = offsets.get(0) ?? 0;
    const span = monthIndex(lastMonth) - monthIndex(cohort);
    return {
      cohort: cohort.slice(0, 7),
      customers: size,
      months: Array.from({ length: Math.max(0, span) + 1 }, (_, offset) => ({
        offset,
        customers: offsets.get(offset) ?? 0,
        rate_bps: ratioBps(offsets.get(offset) ?? 0, size),
      })),
    };
  });
}
