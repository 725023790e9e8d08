import type { Executor } from '../../platform/db/database.ts';
import { AvailabilityRepository } from './availability.repository.ts';
import { workingHoursForRange, type Interval } from './working-hours.ts';

/** A resource's working intervals (real time, epoch milliseconds) on one local date of its location. */
export interface WorkingIntervals {
  resourceId: string;
  locationId: string;
  /** The location's IANA zone, in which `date` is a local date. */
  timeZone: string;
  date: string;
  intervals: Interval[];
}

/** A resource's working (available) minutes on one local date of its location. */
export interface WorkingMinutes {
  resourceId: string;
  locationId: string;
  date: string;
  minutes: number;
}

const calendars = new AvailabilityRepository();

/**
 * The minutes each active resource works on each local date from `from` to `to` (inclusive),
 * from the same calendars the availability engine reads (schedules, exceptions, holidays and
 * location closures) and the same working-hours rule, in the location's zone: a 09:00–17:00 day
 * is 480 minutes, a holiday 0, and a day whose clock changes counts its real elapsed time.
 * Dates without working time are left out.
 */
export async function workingMinutesByDay(
  executor: Executor,
  tenantId: string,
  input: { resourceIds: readonly string[]; from: string; to: string },
): Promise<WorkingMinutes[]> {
  const result: WorkingMinutes[] = [];
  for (const day of await workingIntervalsByDay(executor, tenantId, input)) {
    const milliseconds = day.intervals.reduce((sum, interval) => sum + (interval.end - interval.start), 0);
    result.push({ resourceId: day.resourceId, locationId: day.locationId, date: day.date, minutes: Math.round(milliseconds / 60_000) });
  }
  return result;
}

/**
 * The working intervals of each active resource on each local date from `from` to `to`
 * (inclusive), by the same calendars and rule as `workingMinutesByDay`, for callers that need
 * to know when in the day the time falls (a utilisation heat map by hour). Dates without
 * working time are left out.
 */
export async function workingIntervalsByDay(
  executor: Executor,
  tenantId: string,
  input: { resourceIds: readonly string[]; from: string; to: string },
): Promise<WorkingIntervals[]> {
  const rows = await calendars.calendars(executor, tenantId, { resourceIds: input.resourceIds, alsoAtSameLocations: false, from: input.from, to: input.to });
  const result: WorkingIntervals[] = [];
  for (const calendar of rows) {
    const days = workingHoursForRange({
      schedules: calendar.schedules,
      exceptions: calendar.exceptions,
      closures: calendar.closures,
      timeZone: calendar.timezone,
      from: input.from,
      to: input.to,
    });
    for (const day of days) {
      const intervals = day.intervals.filter((interval) => interval.end > interval.start);
      if (intervals.length > 0) result.push({ resourceId: calendar.id, locationId: calendar.location_id, timeZone: calendar.timezone, date: day.date, intervals });
    }
  }
  return result;
}
