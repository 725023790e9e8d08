import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { bookingFactsSource, bookingPlacesSource } from '../booking/index.ts';
import { paymentTotalsByBooking } from '../payments/index.ts';

/**
 * The rollups' SQL. Every rollup row is a pure function of the raw tables (booking's and
 * payments' read contracts): a recomputation deletes the rows of its unit and inserts them
 * again from those sources, under a transaction-scoped advisory lock on the unit, so
 * recomputing twice, or after a later change, or in any order, leaves the same rows — the
 * rollups are idempotent and order-independent by construction, and a rebuild is the same
 * statement over every unit at once.
 *
 * Units: `analytics_daily` and `analytics_hourly` by (tenant, resource, local days), `analytics_customer_days` by
 * (tenant, customer). The local day of a booking is its start's date in its location's zone
 * (`bookings.time_zone`), which PostgreSQL computes with the zone's rules (DST included).
 */

const LOCAL_DAY = sql`(f.start_time at time zone f.time_zone)::date`;
/** Statuses that hold the resource's time (a no-show held it too). */
const OCCUPYING = sql`('pending_payment', 'confirmed', 'rescheduled', 'completed', 'no_show')`;
/** Statuses of a booking still to be paid for: its unpaid deposit is outstanding. */
const OPEN = sql`('pending_payment', 'confirmed', 'rescheduled')`;
/** Statuses that count as a visit (retention, cohorts, rebooking). */
export const VISIT_STATUSES = ['confirmed', 'rescheduled', 'completed'] as const;

/** Whole minutes of an interval; per booking, so sums are sums of whole minutes. */
const minutesOf = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) => sql`round(extract(epoch from (${to} - ${from})) / 60)::bigint`;

/** The insert of `analytics_daily` rows for the bookings `where` selects (alias `b`) whose local day `dayFilter` accepts. */
function dailyRowsInsert(where: RawBuilder<unknown>, dayFilter: RawBuilder<unknown>): RawBuilder<unknown> {
  const timed = sql`f.actual_start_time is not null and f.actual_end_time is not null and f.actual_end_time > f.actual_start_time`;
  return sql`
    with f as (
      select facts.*, (facts.start_time at time zone facts.time_zone)::date as day
      from (${bookingFactsSource(where)}) facts
    ),
    kept as (select * from f where ${dayFilter}),
    money as (${paymentTotalsByBooking(sql`select tenant_id, id from kept`)})
    insert into analytics_daily (
      tenant_id, resource_id, day, service_id, location_id, currency, business_id,
      bookings, pending_payment, confirmed, rescheduled, completed, cancelled, no_show, expired,
      src_web, src_widget, src_admin, src_api, src_manage_link, src_waitlist, src_seed,
      booked_minutes, lead_seconds, service_revenue, collected, refunded, no_show_fees, platform_fees, outstanding_deposits,
      timed_bookings, actual_minutes, planned_minutes)
    select f.tenant_id, f.resource_id, f.day, f.service_id, f.location_id, f.currency, f.business_id,
      count(*),
      count(*) filter (where f.status = 'pending_payment'),
      count(*) filter (where f.status = 'confirmed'),
      count(*) filter (where f.status = 'rescheduled'),
      count(*) filter (where f.status = 'completed'),
      count(*) filter (where f.status = 'cancelled'),
      count(*) filter (where f.status = 'no_show'),
      count(*) filter (where f.status = 'expired'),
      count(*) filter (where f.source = 'web'),
      count(*) filter (where f.source = 'widget'),
      count(*) filter (where f.source = 'admin'),
      count(*) filter (where f.source = 'api'),
      count(*) filter (where f.source = 'manage_link'),
      count(*) filter (where f.source = 'waitlist'),
      count(*) filter (where f.source = 'seed'),
      coalesce(sum(${minutesOf(sql`f.start_time`, sql`f.end_time`)}) filter (where f.status in ${OCCUPYING}), 0),
      coalesce(sum(greatest(0, floor(extract(epoch from (f.start_time - f.created_at))))::bigint), 0),
      coalesce(sum(f.total_price) filter (where f.status = 'completed'), 0),
      coalesce(sum(m.collected), 0),
      coalesce(sum(m.refunded), 0),
      coalesce(sum(m.no_show_fees), 0),
      coalesce(sum(m.platform_fees), 0),
      coalesce(sum(greatest(f.deposit_required - f.deposit_paid, 0)) filter (where f.status in ${OPEN}), 0),
      count(*) filter (where ${timed}),
      coalesce(sum(${minutesOf(sql`f.actual_start_time`, sql`f.actual_end_time`)}) filter (where ${timed}), 0),
      coalesce(sum(${minutesOf(sql`f.start_time`, sql`f.end_time`)}) filter (where ${timed}), 0)
    from kept f
    left join money m on m.tenant_id = f.tenant_id and m.booking_id = f.id
    group by f.tenant_id, f.resource_id, f.day, f.service_id, f.location_id, f.currency, f.business_id`;
}

/**
 * The insert of `analytics_hourly` rows for the bookings `where` selects that hold their
 * resource and whose local day `dayFilter` accepts. Each booking is cut at every quarter hour
 * of elapsed time: every zone's offset is a whole number of quarter hours, so each piece lies
 * in one local hour, which PostgreSQL names with the zone's rules (DST included).
 */
function hourlyRowsInsert(where: RawBuilder<unknown>, dayFilter: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    with kept as (
      select facts.*, (facts.start_time at time zone facts.time_zone)::date as day
      from (${bookingFactsSource(where)}) facts
      where facts.status in ${OCCUPYING} and facts.end_time > facts.start_time
    ),
    pieces as (
      select k.tenant_id, k.resource_id, k.day, k.service_id, k.location_id, k.business_id, k.time_zone,
        greatest(k.start_time, q.at) as piece_start, least(k.end_time, q.at + interval '15 minutes') as piece_end,
        q.at <= k.start_time as first_piece
      from kept k
      cross join lateral generate_series(date_bin('15 minutes', k.start_time, timestamptz '2000-01-01 00:00:00+00'), k.end_time - interval '1 microsecond', interval '15 minutes') as q(at)
      where ${dayFilter}
    )
    insert into analytics_hourly (tenant_id, resource_id, day, service_id, location_id, weekday, hour, business_id, bookings, booked_seconds)
    select tenant_id, resource_id, day, service_id, location_id,
      extract(isodow from piece_start at time zone time_zone)::smallint,
      extract(hour from piece_start at time zone time_zone)::smallint,
      min(business_id::text)::uuid,
      count(*) filter (where first_piece),
      sum(extract(epoch from (piece_end - piece_start)))::bigint
    from pieces
    group by 1, 2, 3, 4, 5, 6, 7`;
}

function customerRowsInsert(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into analytics_customer_days (tenant_id, customer_id, day, resource_id, location_id, business_id, visits)
    select f.tenant_id, f.customer_id, ${LOCAL_DAY}, f.resource_id, f.location_id, min(f.business_id::text)::uuid, count(*)
    from (${bookingFactsSource(sql`${where} and b.status in (${sql.join(VISIT_STATUSES.map((status) => sql`${status}`))})`)}) f
    group by f.tenant_id, f.customer_id, ${LOCAL_DAY}, f.resource_id, f.location_id`;
}

const MS_PER_DAY = 86_400_000;
const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Serialises recomputations of one unit (two jobs on the same resource and day, or a job and itself retried). */
async function lockUnit(executor: Executor, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(executor);
}

/**
 * Recomputes the `analytics_daily` and `analytics_hourly` rows of a resource for local days `from`–`to` (inclusive)
 * from the raw tables. Bookings are read through booking's start-time index: every instant of
 * a local date lies within a day of that date's UTC midnight.
 */
export async function recomputeResourceDays(executor: Executor, tenantId: string, resourceId: string, from: string, to: string): Promise<void> {
  await lockUnit(executor, `analytics:daily:${tenantId}:${resourceId}`);
  await sql`delete from analytics_daily where tenant_id = ${tenantId} and resource_id = ${resourceId} and day between ${from}::date and ${to}::date`.execute(
    executor,
  );
  const windowStart = new Date(utcMidnight(from) - MS_PER_DAY).toISOString();
  const windowEnd = new Date(utcMidnight(to) + 2 * MS_PER_DAY).toISOString();
  const bookings = sql`b.tenant_id = ${tenantId} and b.resource_id = ${resourceId} and b.start_time >= ${windowStart}::timestamptz and b.start_time < ${windowEnd}::timestamptz`;
  await dailyRowsInsert(bookings, sql`f.day between ${from}::date and ${to}::date`).execute(executor);
  await sql`delete from analytics_hourly where tenant_id = ${tenantId} and resource_id = ${resourceId} and day between ${from}::date and ${to}::date`.execute(
    executor,
  );
  await hourlyRowsInsert(bookings, sql`k.day between ${from}::date and ${to}::date`).execute(executor);
}

/** Recomputes a customer's `analytics_customer_days` rows from the raw tables. */
export async function recomputeCustomer(executor: Executor, tenantId: string, customerId: string): Promise<void> {
  await lockUnit(executor, `analytics:customer:${tenantId}:${customerId}`);
  await sql`delete from analytics_customer_days where tenant_id = ${tenantId} and customer_id = ${customerId}`.execute(executor);
  await customerRowsInsert(sql`b.tenant_id = ${tenantId} and b.customer_id = ${customerId}`).execute(executor);
}

/** Where a booking is now: its resource, the local day of its start, and its customer; null when it does not exist. */
export async function bookingPlace(
  executor: Executor,
  tenantId: string,
  bookingId: string,
): Promise<{ resourceId: string; day: string; customerId: string } | null> {
  const result = await sql<{ resource_id: string; day: string; customer_id: string }>`
    select f.resource_id, ${LOCAL_DAY}::text as day, f.customer_id
    from (${bookingPlacesSource(sql`b.tenant_id = ${tenantId} and b.id = ${bookingId}`)}) f`.execute(executor);
  const row = result.rows[0];
  return row ? { resourceId: row.resource_id, day: row.day, customerId: row.customer_id } : null;
}

/**
 * Rebuilds every rollup from scratch, for one tenant or all (the platform connection, which
 * Row-Level Security does not restrict), in the caller's transaction. Returns the rows written.
 */
export async function rebuildRollups(executor: Executor, tenantId: string | null): Promise<{ dailyRows: number; hourlyRows: number; customerRows: number }> {
  const tenantFilter = tenantId === null ? sql`true` : sql`tenant_id = ${tenantId}`;
  const bookingFilter = tenantId === null ? sql`true` : sql`b.tenant_id = ${tenantId}`;
  await sql`delete from analytics_daily where ${tenantFilter}`.execute(executor);
  await sql`delete from analytics_hourly where ${tenantFilter}`.execute(executor);
  await sql`delete from analytics_customer_days where ${tenantFilter}`.execute(executor);
  const daily = await dailyRowsInsert(bookingFilter, sql`true`).execute(executor);
  const hourly = await hourlyRowsInsert(bookingFilter, sql`true`).execute(executor);
  const customers = await customerRowsInsert(bookingFilter).execute(executor);
  return { dailyRows: Number(daily.numAffectedRows ?? 0), hourlyRows: Number(hourly.numAffectedRows ?? 0), customerRows: Number(customers.numAffectedRows ?? 0) };
}
