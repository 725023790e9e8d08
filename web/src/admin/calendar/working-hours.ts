/**
 * A resource's working hours on a local date, as the calendar shades them: its active schedules
 * (weekly time slots, date range, recurrence rule), then that date's exception (a day off, a
 * holiday or other hours), then the location's closures. The same order of precedence as the
 * server's availability engine (src/modules/scheduling/working-hours.ts); the server decides what
 * is bookable, this only draws it.
 *
 * Recurrence rules: FREQ=DAILY / WEEKLY (with BYDAY) / MONTHLY / YEARLY with INTERVAL and UNTIL are
 * evaluated; other parts (COUNT, BYSETPOS, BYMONTHDAY lists…) are not, and such a schedule is drawn
 * on every date its time slots name (the server still refuses what its rule excludes).
 */
import { isoWeekday, startOfWeek, wallMinutes, type MinuteRange } from './calendar-time.ts';

export interface ScheduleLike {
  resource_id: string;
  start_date: string;
  end_date: string | null;
  recurrence_rule: string | null;
  time_slots: readonly { start: string; end: string; days: readonly number[] }[];
  is_active: boolean;
}

export interface ExceptionLike {
  resource_id: string;
  exception_date: string;
  type: 'unavailable' | 'custom_hours' | 'holiday';
  custom_hours: readonly { start: string; end: string }[] | null;
  reason: string | null;
}

export interface ClosureLike {
  closure_date: string;
  reason: string | null;
}

/** Why a whole day (or its usual hours) is different: shown on the column. */
export type DayNote =
  | { kind: 'closure'; reason: string | null }
  | { kind: 'unavailable' | 'holiday' | 'custom_hours'; reason: string | null };

export interface ColumnHours {
  /** Working ranges of the day, sorted and merged (empty: the resource is off). */
  ranges: MinuteRange[];
  note: DayNote | null;
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

function ruleParts(rule: string): Map<string, string> {
  const body = rule.replace(/^RRULE:/i, '');
  return new Map(body.split(';').map((part) => {
    const [key, value] = part.split('=');
    return [(key ?? '').trim().toUpperCase(), (value ?? '').trim().toUpperCase()] as const;
  }));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Whether a schedule's recurrence rule yields `date` (DTSTART is the schedule's start date). */
export function ruleYields(rule: string | null, startDate: string, date: string): boolean {
  if (!rule) return true;
  const parts = ruleParts(rule);
  const interval = Math.max(1, Number(parts.get('INTERVAL') ?? '1') || 1);
  const until = parts.get('UNTIL');
  if (until && /^\d{8}/.test(until) && date.replaceAll('-', '') > until.slice(0, 8)) return false;
  const byDay = parts.get('BYDAY');
  if (byDay && /^[A-Z,]+$/.test(byDay) && !byDay.split(',').includes(WEEKDAYS[isoWeekday(date) - 1] ?? '')) return false;
  switch (parts.get('FREQ')) {
    case 'DAILY':
      return daysBetween(startDate, date) % interval === 0;
    case 'WEEKLY': {
      const weeks = daysBetween(startOfWeek(startDate), startOfWeek(date)) / 7;
      return weeks % interval === 0 && (byDay !== undefined || isoWeekday(date) === isoWeekday(startDate));
    }
    case 'MONTHLY': {
      const months = (Number(date.slice(0, 4)) - Number(startDate.slice(0, 4))) * 12 + Number(date.slice(5, 7)) - Number(startDate.slice(5, 7));
      return months % interval === 0 && (byDay !== undefined || date.slice(8) === startDate.slice(8));
    }
    case 'YEARLY':
      return (Number(date.slice(0, 4)) - Number(startDate.slice(0, 4))) % interval === 0 && date.slice(5) === startDate.slice(5);
    default:
      return true;
  }
}

function merge(ranges: MinuteRange[]): MinuteRange[] {
  const sorted = ranges.filter((range) => range.end > range.start).sort((a, b) => a.start - b.start);
  const merged: MinuteRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The working hours of `resourceId` on `date`. */
export function columnHours(
  resourceId: string,
  date: string,
  input: { schedules: readonly ScheduleLike[]; exceptions: readonly ExceptionLike[]; closures: readonly ClosureLike[] },
): ColumnHours {
  const closure = input.closures.find((candidate) => candidate.closure_date === date);
  if (closure) return { ranges: [], note: { kind: 'closure', reason: closure.reason } };
  const exception = input.exceptions.find((candidate) => candidate.resource_id === resourceId && candidate.exception_date === date);
  if (exception && exception.type !== 'custom_hours') return { ranges: [], note: { kind: exception.type, reason: exception.reason } };
  if (exception) {
    const ranges = merge((exception.custom_hours ?? []).map((range) => ({ start: wallMinutes(range.start), end: wallMinutes(range.end) })));
    return { ranges, note: { kind: 'custom_hours', reason: exception.reason } };
  }
  const weekday = isoWeekday(date);
  const ranges = input.schedules
    .filter((schedule) => schedule.is_active && schedule.resource_id === resourceId)
    .filter((schedule) => schedule.start_date <= date && (schedule.end_date === null || date <= schedule.end_date))
    .filter((schedule) => ruleYields(schedule.recurrence_rule, schedule.start_date, date))
    .flatMap((schedule) => schedule.time_slots.filter((slot) => slot.days.includes(weekday)))
    .map((slot) => ({ start: wallMinutes(slot.start), end: wallMinutes(slot.end) }));
  return { ranges: merge(ranges), note: null };
}

/** The hours the grid shows: an hour before the earliest work to an hour after the latest, 08:00–20:00 when nobody works. */
export function gridBounds(hours: readonly ColumnHours[], bookingMinutes: readonly MinuteRange[] = []): MinuteRange {
  const all = [...hours.flatMap((column) => column.ranges), ...bookingMinutes];
  if (all.length === 0) return { start: 8 * 60, end: 20 * 60 };
  const start = Math.max(0, Math.floor(Math.min(...all.map((range) => range.start)) / 60) * 60 - 60);
  const end = Math.min(1440, Math.ceil(Math.max(...all.map((range) => range.end)) / 60) * 60 + 60);
  return { start, end };
}
