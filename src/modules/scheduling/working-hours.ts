import rrulePackage from 'rrule';
import { Temporal } from 'temporal-polyfill';
import { dateOfEpochDay, epochDayOf, localDay, normaliseDate, wallMinuteToEpoch, weekdayOfEpochDay, type LocalDay } from './zone-days.ts';

// rrule ships a CommonJS (UMD) build whose named exports Node cannot detect,
// so a named ESM import fails at run time; the default import is the CJS
// `module.exports`, which does carry `RRule`.
const { RRule } = rrulePackage;

/** A half-open span of real time `[start, end)` in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** A wall-clock range on one local date; `end` may be `'24:00'` (next local midnight). */
export interface WallTimeRange {
  /** `HH:MM`, `00:00`–`23:59`. */
  start: string;
  /** `HH:MM`, `00:01`–`24:00`; must be later than `start`. */
  end: string;
}

/** A weekly time slot of a schedule: the wall-clock range applies on the listed ISO weekdays. */
export interface TimeSlot extends WallTimeRange {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
}

/** A resource's schedule, as stored. */
export interface Schedule {
  /** First local date the schedule applies to (`YYYY-MM-DD`), also the rule's DTSTART. */
  start_date: string;
  /** Last local date the schedule applies to (inclusive), or open-ended. */
  end_date: string | null;
  /**
   * RFC 5545 RRULE body (`FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE`, an `RRULE:` prefix is
   * tolerated). When present, a date is a working date only if the rule yields it.
   */
  recurrence_rule: string | null;
  time_slots: readonly TimeSlot[];
  is_active: boolean;
}

export type ScheduleExceptionType = 'unavailable' | 'holiday' | 'custom_hours';

/** A one-day override of a resource's schedules. */
export interface ScheduleException {
  exception_date: string;
  type: ScheduleExceptionType;
  /** Only read for `custom_hours`: the day's hours instead of the schedules'. */
  custom_hours: readonly WallTimeRange[] | null;
}

export interface WorkingHoursInput {
  schedules: readonly Schedule[];
  exceptions: readonly ScheduleException[];
  /** Local dates (`YYYY-MM-DD`) on which the whole location is closed. */
  closures: readonly string[];
  /** IANA time zone of the location, e.g. `Europe/Madrid`. */
  timeZone: string;
  /** First local date, inclusive. */
  from: string;
  /** Last local date, inclusive. */
  to: string;
}

/** The working intervals of one local date, sorted, merged and non-empty. */
export interface DayWorkingHours {
  date: string;
  intervals: Interval[];
}

export type TimeSlotIssueCode = 'invalid_time' | 'end_not_after_start' | 'invalid_day' | 'no_days';

export interface TimeSlotIssue {
  /** Position of the offending slot in the list that was validated. */
  index: number;
  field: 'start' | 'end' | 'days';
  code: TimeSlotIssueCode;
  message: string;
}

const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTES_PER_DAY = 24 * 60;

/** Minutes since local midnight of an `HH:MM` wall time, or `null` if malformed. */
function parseWallTime(text: string, allowEndOfDay: boolean): number | null {
  if (allowEndOfDay && text === '24:00') return MINUTES_PER_DAY;
  const match = WALL_TIME.exec(text);
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Checks wall-clock ranges (schedule time slots or custom hours) and returns every
 * problem found; an empty list means the ranges are valid.
 *
 * `start` is `HH:MM` from `00:00` to `23:59`; `end` may also be `24:00`, meaning the
 * next local midnight, and must be later than `start` on the wall clock (a range that
 * crosses midnight is two ranges on two days). When `days` is present it must hold at
 * least one ISO weekday (1–7).
 */
export function validateTimeSlots(
  slots: readonly (WallTimeRange & { days?: readonly number[] })[],
): TimeSlotIssue[] {
  const issues: TimeSlotIssue[] = [];
  slots.forEach((slot, index) => {
    const start = parseWallTime(slot.start, false);
    const end = parseWallTime(slot.end, true);
    if (start === null) {
      issues.push({ index, field: 'start', code: 'invalid_time', message: `start "${slot.start}" is not a HH:MM time from 00:00 to 23:59` });
    }
    if (end === null) {
      issues.push({ index, field: 'end', code: 'invalid_time', message: `end "${slot.end}" is not a HH:MM time from 00:00 to 24:00` });
    }
    if (start !== null && end !== null && end <= start) {
      issues.push({ index, field: 'end', code: 'end_not_after_start', message: `end ${slot.end} is not after start ${slot.start}` });
    }
    if (slot.days !== undefined) {
      if (slot.days.length === 0) {
        issues.push({ index, field: 'days', code: 'no_days', message: 'days lists no weekday' });
      }
      for (const day of slot.days) {
        if (!Number.isInteger(day) || day < 1 || day > 7) {
          issues.push({ index, field: 'days', code: 'invalid_day', message: `day ${day} is not an ISO weekday 1-7` });
        }
      }
    }
  });
  return issues;
}

function assertValidTimeSlots(slots: readonly (WallTimeRange & { days?: readonly number[] })[], owner: string): void {
  const [first] = validateTimeSlots(slots);
  // Stored data is validated on write; reaching this means corrupt data, and silently
  // skipping it would show customers wrong availability.
  if (first) throw new RangeError(`${owner}: time slot ${first.index}: ${first.message}`);
}

/**
 * Every local date from `from` to `to`, both inclusive, as `YYYY-MM-DD`.
 *
 * @throws RangeError when a date is malformed or `to` is before `from`.
 */
export function localDateRange(from: string, to: string): string[] {
  const first = Temporal.PlainDate.from(from);
  const last = Temporal.PlainDate.from(to);
  if (Temporal.PlainDate.compare(first, last) > 0) {
    throw new RangeError(`date range ends (${to}) before it starts (${from})`);
  }
  const dates: string[] = [];
  for (let date = first; Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    dates.push(date.toString());
  }
  return dates;
}

/**
 * Sorts intervals and merges those that overlap or touch, dropping empty ones.
 * Touching intervals merge because a resource working 09:00–12:00 and 12:00–14:00
 * works continuously; a slot may span the seam.
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((interval) => interval.end > interval.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) {
      last.end = Math.max(last.end, interval.end);
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

/**
 * Converts a wall-clock range on a local date to real time.
 *
 * The day's bounds come from `startOfDay` semantics (`PlainDate.toZonedDateTime`), never
 * from assuming 00:00 exists: in America/Santiago or Asia/Beirut midnight is skipped on
 * the spring-forward day, so `00:00` and `24:00` mean "when the local day starts/ends".
 * (For a gap that opens at midnight 'compatible' would land on the same instant; the
 * explicit bound also stays right for a gap straddling midnight, which tzdata since 1970
 * does not contain but nothing rules out.)
 * Any other wall time goes through `disambiguation: 'compatible'`: a time in a skipped
 * hour moves forward by the gap, a repeated time takes its first occurrence. The range is
 * clamped to the local day, and one that collapses (e.g. 02:30–03:15 on Madrid's
 * spring-forward day, whose 02:30 becomes 03:30) yields `null`.
 *
 * Days without a transition (all but a handful a year) are plain arithmetic on the
 * memoised day (zone-days.ts); the others go through Temporal.
 */
function wallRangeToInterval(day: LocalDay, startMinutes: number, endMinutes: number, timeZone: string): Interval | null {
  const start = Math.max(day.start, wallMinuteToEpoch(timeZone, day, startMinutes));
  const end = Math.min(day.end, wallMinuteToEpoch(timeZone, day, endMinutes));
  return end > start ? { start, end } : null;
}

/** A wall-clock range already parsed to minutes of the day. */
interface MinuteRange {
  start: number;
  end: number;
}

function minuteRange(range: WallTimeRange): MinuteRange {
  const start = parseWallTime(range.start, false);
  const end = parseWallTime(range.end, true);
  if (start === null || end === null) throw new RangeError(`invalid wall time range ${range.start}-${range.end}`);
  return { start, end };
}

/** Midnight UTC of a local date: rrule computes in "floating" UTC, which keeps it off any real zone. */
function floatingUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/**
 * The local dates in `[from, to]` that a schedule's recurrence rule yields, counted from
 * the schedule's `start_date` as DTSTART, or `null` when the schedule has no rule.
 */
function recurrenceDates(schedule: Schedule, from: string, to: string): ReadonlySet<string> | null {
  if (schedule.recurrence_rule === null) return null;
  const key = `${schedule.recurrence_rule}\u0000${schedule.start_date}\u0000${from}\u0000${to}`;
  const known = recurrenceMemo.get(key);
  if (known !== undefined) return known;
  const dates = expandRecurrence(schedule.recurrence_rule, schedule.start_date, from, to);
  if (recurrenceMemo.size >= 1000) recurrenceMemo.clear();
  recurrenceMemo.set(key, dates);
  return dates;
}

/** Expansions of recurrence rules by (rule, DTSTART, range): rrule parsing costs more than all the rest of a day. */
const recurrenceMemo = new Map<string, ReadonlySet<string>>();

function expandRecurrence(recurrenceRule: string, startDate: string, from: string, to: string): ReadonlySet<string> {
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(recurrenceRule.trim().replace(/^RRULE:/i, ''));
  } catch (error) {
    throw new RangeError(`invalid recurrence rule "${recurrenceRule}"`, { cause: error });
  }
  if (options.freq === undefined) {
    throw new RangeError(`recurrence rule "${recurrenceRule}" has no FREQ`);
  }
  // DTSTART is the schedule's start date whatever the text says, and tzid stays null so
  // rrule does not shift the floating dates through a real zone.
  const rule = new RRule({ ...options, dtstart: floatingUtc(startDate), tzid: null });
  const dates = rule.between(floatingUtc(from), floatingUtc(to), true);
  return new Set(dates.map((date) => date.toISOString().slice(0, 10)));
}

/**
 * The working intervals of a resource for each local date of `[from, to]`.
 *
 * Rules, strongest first: a location closure, then an `unavailable` or `holiday`
 * exception, removes the whole day; `custom_hours` exceptions replace the day's hours
 * (they can also open a day no schedule covers; null or empty custom hours mean no
 * hours); otherwise the active schedules whose date bounds, recurrence rule and weekdays
 * match are unioned. Wall times are converted in `timeZone` (see the DST rule on
 * {@link wallRangeToInterval}), so an interval's length is the real elapsed time: a
 * 00:00–06:00 day is 5 h on Madrid's spring-forward day and 7 h on its fall-back day.
 *
 * A local date spans `[start of D, start of D+1)` as Temporal defines it, so every instant
 * belongs to exactly one date, even when a clock turned back across midnight replays the
 * previous date's last hour inside it (Antarctica/Casey on 2010-03-05).
 *
 * @throws RangeError on malformed dates, time slots, recurrence rules or time zone.
 */
export function workingHoursForRange(input: WorkingHoursInput): DayWorkingHours[] {
  const { from, to, timeZone } = input;
  const firstDay = epochDayOf(from);
  const lastDay = epochDayOf(to);
  if (firstDay > lastDay) throw new RangeError(`date range ends (${to}) before it starts (${from})`);
  const closures = new Set(input.closures);

  const schedules = input.schedules
    .filter((schedule) => schedule.is_active)
    .map((schedule) => {
      assertValidTimeSlots(schedule.time_slots, `schedule starting ${schedule.start_date}`);
      // Per ISO weekday (index 1–7), the schedule's ranges that day, parsed once.
      const byWeekday: MinuteRange[][] = [[], [], [], [], [], [], [], []];
      for (const slot of schedule.time_slots) {
        const range = minuteRange(slot);
        for (const weekday of new Set(slot.days)) byWeekday[weekday]?.push(range);
      }
      return {
        // Normalised so the string comparisons below are date comparisons.
        firstDate: normaliseDate(schedule.start_date),
        lastDate: schedule.end_date === null ? null : normaliseDate(schedule.end_date),
        ruleDates: recurrenceDates(schedule, from, to),
        byWeekday,
      };
    });

  const exceptionsByDate = new Map<string, ScheduleException[]>();
  for (const exception of input.exceptions) {
    if (exception.type === 'custom_hours' && exception.custom_hours) {
      assertValidTimeSlots(exception.custom_hours, `exception on ${exception.exception_date}`);
    }
    const sameDay = exceptionsByDate.get(exception.exception_date) ?? [];
    sameDay.push(exception);
    exceptionsByDate.set(exception.exception_date, sameDay);
  }

  const days: DayWorkingHours[] = [];
  for (let epochDay = firstDay; epochDay <= lastDay; epochDay += 1) {
    const date = dateOfEpochDay(epochDay);
    const exceptions = exceptionsByDate.get(date);
    const dayOff = closures.has(date) || (exceptions !== undefined && exceptions.some((exception) => exception.type !== 'custom_hours'));
    if (dayOff) {
      days.push({ date, intervals: [] });
      continue;
    }

    const ranges: MinuteRange[] = [];
    if (exceptions !== undefined && exceptions.length > 0) {
      // Only custom_hours exceptions are left here; several on one day are unioned.
      for (const exception of exceptions) for (const range of exception.custom_hours ?? []) ranges.push(minuteRange(range));
    } else {
      const weekday = weekdayOfEpochDay(epochDay);
      for (const { firstDate, lastDate, ruleDates, byWeekday } of schedules) {
        if (firstDate <= date && (lastDate === null || date <= lastDate) && (ruleDates === null || ruleDates.has(date))) {
          for (const range of byWeekday[weekday] ?? []) ranges.push(range);
        }
      }
    }
    if (ranges.length === 0) {
      days.push({ date, intervals: [] });
      continue;
    }

    const day = localDay(timeZone, epochDay);
    const intervals: Interval[] = [];
    for (const range of ranges) {
      const interval = wallRangeToInterval(day, range.start, range.end, timeZone);
      if (interval !== null) intervals.push(interval);
    }
    days.push({ date, intervals: mergeIntervals(intervals) });
  }
  return days;
}
