/**
 * The calendar's arithmetic on local dates and wall-clock minutes of a location's zone, whatever
 * the browser's zone (Intl only). A grid row is a wall-clock minute of the location's day: on a
 * daylight-saving day the hour that does not exist is an empty row, the repeated one is drawn once.
 */
import { offsetMinutes, zonedDate, zonedParts } from '../../shared/time/slot-time.ts';

export const MINUTES_PER_DAY = 1440;
/** The grid's step: drops and clicks snap to it. */
export const SNAP_MINUTES = 15;

/** A wall-clock range of a local day, in minutes since its midnight ([start, end)). */
export interface MinuteRange {
  start: number;
  end: number;
}

/** `date` (YYYY-MM-DD) plus `days`. */
export function addDays(date: string, days: number): string {
  const epoch = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(epoch).toISOString().slice(0, 10);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week of `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The local dates a view shows: one for the day view, Monday to Sunday for the week view. */
export function visibleDates(anchor: string, view: 'day' | 'week'): string[] {
  if (view === 'day') return [anchor];
  const monday = startOfWeek(anchor);
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

/** "HH:MM" (an end may be "24:00") → minutes since midnight. */
export function wallMinutes(wall: string): number {
  const [hours, minutes] = wall.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** The local date and wall-clock minute of `instant` in `zone`. */
export function zonedMinute(instant: Date | string, zone: string): { date: string; minute: number } {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = zonedParts(at, zone);
  return { date: zonedDate(at, zone), minute: parts.hour * 60 + parts.minute };
}

/** The instant of wall-clock `minute` on local `date` in `zone` (a minute skipped by DST reads as the one after the gap). */
export function instantOf(date: string, minute: number, zone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  return new Date(wall - offsetMinutes(new Date(guess), zone) * 60_000);
}

/** ISO 8601 with the zone's offset at that instant ("2026-03-12T10:30:00+01:00"), as the API prefers. */
export function isoWithOffset(instant: Date, zone: string): string {
  const offset = offsetMinutes(instant, zone);
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** Rounds to the grid's step. */
export function snap(minute: number, step: number = SNAP_MINUTES): number {
  return Math.round(minute / step) * step;
}

/** "09:30" from minutes. */
export function minuteLabel(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** A wall-clock minute as the language reads it ("17:00", "5:00 PM"). */
export function clockLabel(minute: number, language: string): string {
  let format = clocks.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
    clocks.set(language, format);
  }
  return format.format(new Date(Date.UTC(2000, 0, 1, 0, minute)));
}

/** A time select's choices from `first` to `last` (both included), one snap apart, each with its clock label. */
export function clockOptions(first: number, last: number, language: string): { value: string; label: string }[] {
  const options: { value: string; label: string }[] = [];
  for (let at = first; at <= last; at += SNAP_MINUTES) options.push({ value: String(at), label: clockLabel(at, language) });
  return options;
}

/** The gaps of `ranges` inside [from, to): what a column shades as time off. */
export function complement(ranges: readonly MinuteRange[], from: number, to: number): MinuteRange[] {
  const gaps: MinuteRange[] = [];
  let cursor = from;
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    if (range.start > cursor) gaps.push({ start: cursor, end: Math.min(range.start, to) });
    cursor = Math.max(cursor, range.end);
    if (cursor >= to) break;
  }
  if (cursor < to) gaps.push({ start: cursor, end: to });
  return gaps.filter((gap) => gap.end > gap.start);
}
