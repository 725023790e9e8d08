import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** What a report looks at: one business, local dates `from`–`to` (inclusive), optionally one location, resource or service. */
export interface ReportScope {
  businessId: string;
  from: string;
  to: string;
  locationId?: string | undefined;
  resourceId?: string | undefined;
  serviceId?: string | undefined;
  /** Staff see only their own resources: the rows are limited to these when given. */
  resourceIds?: readonly string[] | undefined;
}

/** The summed columns of `analytics_daily`, one row per dimension value and currency. */
export const SUMMED_COLUMNS = [
  'bookings',
  'pending_payment',
  'confirmed',
  'rescheduled',
  'completed',
  'cancelled',
  'no_show',
  'expired',
  'src_web',
  'src_widget',
  'src_admin',
  'src_api',
  'src_manage_link',
  'src_waitlist',
  'src_seed',
  'booked_minutes',
  'lead_seconds',
  'service_revenue',
  'collected',
  'refunded',
  'no_show_fees',
  'platform_fees',
  'outstanding_deposits',
  'timed_bookings',
  'actual_minutes',
  'planned_minutes',
] as const;
export type SummedColumn = (typeof SUMMED_COLUMNS)[number];
export type DailySums = Record<SummedColumn, number> & { key: string; currency: string };

export type Dimension = 'total' | 'service' | 'resource' | 'day' | 'location';

const DIMENSION_COLUMN: Record<Dimension, RawBuilder<unknown>> = {
  total: sql`''`,
  service: sql`service_id::text`,
  resource: sql`resource_id::text`,
  location: sql`location_id::text`,
  day: sql`day::text`,
};

const resourceSet = (ids: readonly string[]) =>
  ids.length === 0 ? sql`false` : sql`resource_id in (${sql.join(ids.map((id) => sql`${id}::uuid`))})`;

/** The scope's filter on a rollup table holding business_id, day, location_id, resource_id and service_id. */
function scopeFilter(tenantId: string, scope: ReportScope): RawBuilder<unknown> {
  const parts = [
    sql`tenant_id = ${tenantId}`,
    sql`business_id = ${scope.businessId}`,
    sql`day between ${scope.from}::date and ${scope.to}::date`,
  ];
  if (scope.locationId) parts.push(sql`location_id = ${scope.locationId}`);
  if (scope.resourceId) parts.push(sql`resource_id = ${scope.resourceId}`);
  if (scope.serviceId) parts.push(sql`service_id = ${scope.serviceId}`);
  if (scope.resourceIds) parts.push(resourceSet(scope.resourceIds));
  return sql.join(parts, sql` and `);
}

/** Sums of the daily rollup over the scope, by `dimension` and currency. */
export async function sumDaily(executor: Executor, tenantId: string, scope: ReportScope, dimension: Dimension): Promise<DailySums[]> {
  const key = DIMENSION_COLUMN[dimension];
  const sums = sql.join(SUMMED_COLUMNS.map((column) => sql`coalesce(sum(${sql.ref(column)}), 0)::bigint as ${sql.ref(column)}`));
  const result = await sql<Record<string, string | number>>`
    select ${key} as key, currency, ${sums}
    from analytics_daily
    where ${scopeFilter(tenantId, scope)}
    group by 1, currency
    order by 1, currency`.execute(executor);
  return result.rows.map((row) => {
    const sumsRow = { key: String(row.key), currency: String(row.currency).trim() } as DailySums;
    for (const column of SUMMED_COLUMNS) sumsRow[column] = Number(row[column]);
    return sumsRow;
  });
}

/** Bookings starting and seconds held per local weekday and hour over the scope, from the hourly rollup. */
export async function sumHourly(
  executor: Executor,
  tenantId: string,
  scope: ReportScope,
): Promise<Array<{ weekday: number; hour: number; bookings: number; booked_seconds: number }>> {
  const result = await sql<{ weekday: number; hour: number; bookings: string | number; booked_seconds: string | number }>`
    select weekday, hour, coalesce(sum(bookings), 0)::bigint as bookings, coalesce(sum(booked_seconds), 0)::bigint as booked_seconds
    from analytics_hourly
    where ${scopeFilter(tenantId, scope)}
    group by weekday, hour
    order by weekday, hour`.execute(executor);
  return result.rows.map((row) => ({ weekday: Number(row.weekday), hour: Number(row.hour), bookings: Number(row.bookings), booked_seconds: Number(row.booked_seconds) }));
}

/** A visit (customer, local day, resource) in the scope with the resource of the customer's visits before and after it at the business. */
export interface VisitRow {
  customer_id: string;
  day: string;
  resource_id: string;
  first_day: string;
  previous_resource_id: string | null;
  next_resource_id: string | null;
}

/**
 * The scope's visits, each with the customer's first visit at the business and the resources
 * of their previous and next visits (over all time, any location), in one read of the
 * customer rollup. Service filters do not apply to visits.
 */
export async function visitsInScope(executor: Executor, tenantId: string, scope: ReportScope): Promise<VisitRow[]> {
  const result = await sql<VisitRow>`
    with visits as (
      select customer_id, day, resource_id, location_id,
             min(day) over (partition by customer_id) as first_day,
             lag(resource_id) over ordered as previous_resource_id,
             lead(resource_id) over ordered as next_resource_id
      from analytics_customer_days
      where tenant_id = ${tenantId} and business_id = ${scope.businessId}
      window ordered as (partition by customer_id order by day, resource_id)
    )
    select customer_id, day::text as day, resource_id, first_day::text as first_day, previous_resource_id, next_resource_id
    from visits
    where day between ${scope.from}::date and ${scope.to}::date
      ${scope.locationId ? sql`and location_id = ${scope.locationId}` : sql``}
      ${scope.resourceId ? sql`and resource_id = ${scope.resourceId}` : sql``}
      ${scope.resourceIds ? sql`and ${resourceSet(scope.resourceIds)}` : sql``}
    order by customer_id, day`.execute(executor);
  return result.rows;
}

/** Customers per first-visit month (from `fromMonth`) and the months after in which they came back. */
export async function cohortActivity(
  executor: Executor,
  tenantId: string,
  businessId: string,
  fromMonth: string,
  toMonth: string,
): Promise<Array<{ cohort: string; month: string; customers: number }>> {
  // One scan of the business's visits: each row knows its customer's first month through a window.
  const result = await sql<{ cohort: string; month: string; customers: string | number }>`
    select cohort::date::text as cohort, month::date::text as month, count(distinct customer_id) as customers
    from (
      select customer_id, date_trunc('month', day) as month, date_trunc('month', min(day) over (partition by customer_id)) as cohort
      from analytics_customer_days
      where tenant_id = ${tenantId} and business_id = ${businessId}
    ) visits
    where cohort between ${fromMonth}::date and ${toMonth}::date
    group by cohort, month
    order by 1, 2`.execute(executor);
  return result.rows.map((row) => ({ cohort: row.cohort, month: row.month, customers: Number(row.customers) }));
}
