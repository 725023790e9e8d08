/** What the working-hours tests share: instants written independently of Temporal, schedules, and the DST case check. */
import { expect } from 'vitest';
import { workingHoursForRange, type Schedule, type ScheduleException, type TimeSlot } from './working-hours.ts';

// Expected instants are written as ISO 8601 strings with the offset the location's
// clock shows, and parsed with Date.parse: an independent path from Temporal.
export const at = (iso: string): number => Date.parse(iso);
export const utc = (ms: number): string => new Date(ms).toISOString();
export const HOUR_MS = 3_600_000;
export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
export const WEEKDAYS = [1, 2, 3, 4, 5];

export function slot(start: string, end: string, days: readonly number[] = EVERY_DAY): TimeSlot {
  return { start, end, days };
}

export function schedule(timeSlots: TimeSlot[], overrides: Partial<Schedule> = {}): Schedule {
  return { start_date: '2018-01-01', end_date: null, recurrence_rule: null, time_slots: timeSlots, is_active: true, ...overrides };
}

export function intervalsOn(date: string, timeZone: string, schedules: Schedule[], exceptions: ScheduleException[] = [], closures: string[] = []) {
  const [day] = workingHoursForRange({ schedules, exceptions, closures, timeZone, from: date, to: date });
  return day?.intervals ?? [];
}

export function workingDates(from: string, to: string, schedules: Schedule[]): string[] {
  return workingHoursForRange({ schedules, exceptions: [], closures: [], timeZone: 'Europe/Madrid', from, to })
    .filter((day) => day.intervals.length > 0)
    .map((day) => day.date);
}

export interface WorkingHoursCase {
  name: string;
  timeZone: string;
  date: string;
  schedules: Schedule[];
  exceptions?: ScheduleException[];
  closures?: string[];
  /** Working intervals as [start, end] local ISO strings with the offset in force. */
  expected: [string, string][];
  /** Real working time, stated to make the DST arithmetic explicit. */
  realHours?: number;
}

export function expectWorkingHours({ name, timeZone, date, schedules, exceptions = [], closures = [], expected, realHours }: WorkingHoursCase): void {
  const intervals = intervalsOn(date, timeZone, schedules, exceptions, closures);
  const describeAll = (list: { start: number; end: number }[]) => list.map((i) => `${utc(i.start)} – ${utc(i.end)}`);
  expect(describeAll(intervals), `${name} (${timeZone} ${date}), shown in UTC`).toEqual(
    describeAll(expected.map(([start, end]) => ({ start: at(start), end: at(end) }))),
  );
  if (realHours !== undefined) {
    const total = intervals.reduce((sum, i) => sum + i.end - i.start, 0);
    expect(total / HOUR_MS, `${name}: real working hours`).toBe(realHours);
  }
}
