import { Temporal } from 'temporal-polyfill';

/**
 * Utilisation by local weekday and hour: booked and available minutes of the resources in
 * scope, each minute counted in the local hour (of its location's zone) in which it falls. A
 * booking from 09:30 to 10:30 puts 30 minutes in 09:00 and 30 in 10:00; on a spring-forward
 * day the skipped hour holds nothing and on a fall-back day the repeated hour holds both.
 * Booked time comes from the `analytics_hourly` rollup (cut the same way, in SQL); available
 * time from the resources' working intervals.
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

  /** Bookings starting in a cell and the seconds bookings hold in it (a row of the hourly rollup). */
  addBooked(weekday: number, hour: number, bookings: number, seconds: number): void {
    const cell = this.#cell(weekday, hour);
    cell.bookings += bookings;
    cell.booked += seconds * 1000;
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
