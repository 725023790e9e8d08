import type { Executor } from '../../platform/db/database.ts';
import { AvailabilityRepository } from './availability.repository.ts';
import { workingHoursForRange } from './working-hours.ts';

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
  const rows = await calendars.calendars(executor, tenantId, { resourceIds: input.resourceIds, alsoAtSameLocations: false, from: input.from, to: input.to });
  const result: WorkingMinutes[] = [];
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
      const milliseconds = day.intervals.reduce((sum, interval) => sum + (interval.end - interval.start), 0);
      if (milliseconds > 0) result.push({ resourceId: calendar.id, locationId: calendar.location_id, date: day.date, minutes: Math.round(milliseconds / 60_000) });
    }
  }
  return result;
}
