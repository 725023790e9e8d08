import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { Executor } from '../../platform/db/database.ts';
import { bookingFactsSource } from '../booking/index.ts';
import type { ReportScope } from './reports.repository.ts';

/**
 * Utilisation by local weekday and hour: booked and available minutes of the resources in
 * scope, each minute counted in the local hour (of its location's zone) in which it falls. A
 * booking from 09:30 to 10:30 puts 30 minutes in 09:00 and 30 in 10:00; on a spring-forward
 * day the skipped hour holds nothing and on a fall-back day the repeated hour holds both.
 */

/** A cell of the heat map: ISO weekday (1 = Monday) and local hour (0–23). */
export interface HeatmapCell {
  weekday: number;
  hour: number;
  /** Bookings holding the resource's time that start in this cell. */
  bookings: number;
  booked_minutes: number;
  available_minutes: number;
}

const HOUR_MS = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Statuses that hold the resource's time, as in the daily rollup's booked minutes. */
const OCCUPYING = ['pending_payment', 'confirmed', 'rescheduled', 'completed', 'no_show'] as const;

/** Accumulates milliseconds per (weekday, hour) cell. */
export class HeatmapGrid {
  readonly #cells = new Map<number, { bookings: number; booked: number; available: number }>();

  #cell(weekday: number, hour: number) {
    const key = weekday * 24 + hour;
    let cell = this.#cells.get(key);
    if (!cell) {
      cell = { bookings: 0, booked: 0, available: 0 };
      this.#cells.set(key, cell);
    }
    return cell;
  }

  /** Splits `[start, end)` at the local hour boundaries of `timeZone` and adds each part to its cell. */
  #spread(start: number, end: number, timeZone: string, add: (cell: { booked: number; available: number }, ms: number) => void): void {
    let at = start;
    while (at < end) {
      const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone);
      const hourStart = local.round({ smallestUnit: 'hour', roundingMode: 'floor' }).epochMilliseconds;
      // The next hour boundary in real time (an hour is an hour of elapsed time, whatever the clock does).
      const next = Math.min(end, hourStart + HOUR_MS);
      add(this.#cell(local.dayOfWeek, local.hour), next - at);
      at = next;
    }
  }

  addAvailable(start: number, end: number, timeZone: string): void {
    this.#spread(start, end, timeZone, (cell, ms) => (cell.available += ms));
  }

  addBooking(start: number, end: number, timeZone: string): void {
    const local = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(timeZone);
    this.#cell(local.dayOfWeek, local.hour).bookings += 1;
    this.#spread(start, end, timeZone, (cell, ms) => (cell.booked += ms));
  }

  /** Cells with any booking or available time, by weekday then hour, in whole minutes. */
  cells(): HeatmapCell[] {
    return [...this.#cells.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, cell]) => ({
        weekday: Math.floor(key / 24),
        hour: key % 24,
        bookings: cell.bookings,
        booked_minutes: Math.round(cell.booked / 60_000),
        available_minutes: Math.round(cell.available / 60_000),
      }));
  }
}

/**
 * The bookings in scope that hold their resource's time, by the local day of their start (as
 * the daily rollup counts them): start, end and zone. Read through booking's start-time index
 * with a day's margin either side of the local dates.
 */
export async function occupyingBookings(
  executor: Executor,
  tenantId: string,
  scope: ReportScope,
): Promise<Array<{ start: number; end: number; timeZone: string }>> {
  const windowStart = new Date(Date.parse(`${scope.from}T00:00:00Z`) - MS_PER_DAY).toISOString();
  const windowEnd = new Date(Date.parse(`${scope.to}T00:00:00Z`) + 2 * MS_PER_DAY).toISOString();
  const parts = [
    sql`b.tenant_id = ${tenantId}`,
    sql`b.business_id = ${scope.businessId}`,
    sql`b.start_time >= ${windowStart}::timestamptz and b.start_time < ${windowEnd}::timestamptz`,
    sql`b.status in (${sql.join(OCCUPYING.map((status) => sql`${status}`))})`,
  ];
  if (scope.locationId) parts.push(sql`b.location_id = ${scope.locationId}`);
  if (scope.resourceId) parts.push(sql`b.resource_id = ${scope.resourceId}`);
  if (scope.serviceId) parts.push(sql`b.service_id = ${scope.serviceId}`);
  if (scope.resourceIds) {
    parts.push(scope.resourceIds.length === 0 ? sql`false` : sql`b.resource_id in (${sql.join(scope.resourceIds.map((id) => sql`${id}::uuid`))})`);
  }
  const result = await sql<{ start_time: Date | string; end_time: Date | string; time_zone: string }>`
    select f.start_time, f.end_time, f.time_zone
    from (${bookingFactsSource(sql.join(parts, sql` and `))}) f
    where (f.start_time at time zone f.time_zone)::date between ${scope.from}::date and ${scope.to}::date`.execute(executor);
  return result.rows.map((row) => ({ start: new Date(row.start_time).getTime(), end: new Date(row.end_time).getTime(), timeZone: row.time_zone }));
}
