/**
 * Recurring exceptions written as RFC 5545 RRULEs from a friendly form ("every other Friday off",
 * "the first Monday of every month"). The API keeps exceptions one local date each, so a series is
 * the dates its rule yields from the start date (DTSTART) to UNTIL, created one by one; each carries
 * the rule at the end of its reason (`Formación [RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270601]`), so
 * the list can show the series as one line, in words, and remove it at once.
 */

export type Frequency = 'weekly' | 'monthly';
/** Which weekday of the month: 1st … 4th, or the last (-1). */
export type Ordinal = 1 | 2 | 3 | 4 | -1;

export interface RecurrenceForm {
  frequency: Frequency;
  /** Weeks between occurrences (weekly). */
  interval: number;
  /** ISO weekdays (weekly). */
  days: number[];
  ordinal: Ordinal;
  /** ISO weekday (monthly). */
  weekday: number;
  /** First local date, inclusive (DTSTART). */
  start: string;
  /** Last local date, inclusive (UNTIL). */
  until: string;
}

const CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** At most this many dates in one series (a year of weekly dates, twice a week). */
export const MAX_OCCURRENCES = 106;
/** A series may run at most this many days from its start. */
export const MAX_SPAN_DAYS = 366;

const DAY_MS = 86_400_000;
const epochDay = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** ISO weekday (1 = Monday) of a local date. */
export const isoWeekday = (date: string): number => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
export const addDays = (date: string, days: number): string => dateOf(epochDay(date) + days);
export const daysBetween = (from: string, to: string): number => epochDay(to) - epochDay(from);

/** The RRULE of the form (DTSTART is the start date, given apart). */
export function ruleOf(form: RecurrenceForm): string {
  const until = `UNTIL=${form.until.replaceAll('-', '')}`;
  if (form.frequency === 'monthly') return `RRULE:FREQ=MONTHLY;BYDAY=${form.ordinal}${CODES[form.weekday - 1] ?? 'MO'};${until}`;
  const days = [...form.days].sort((a, b) => a - b).map((day) => CODES[day - 1]).join(',');
  return `RRULE:FREQ=WEEKLY;${form.interval > 1 ? `INTERVAL=${form.interval};` : ''}BYDAY=${days};${until}`;
}

/** The series' DTSTART: for a weekly rule the first chosen weekday on or after the start (null when none is chosen). */
export function seriesStart(form: RecurrenceForm): string | null {
  if (form.frequency !== 'weekly') return form.start;
  if (form.days.length === 0) return null;
  for (let offset = 0; offset < 7; offset += 1) {
    const date = addDays(form.start, offset);
    if (form.days.includes(isoWeekday(date))) return date;
  }
  return null;
}

/** The local dates the form's rule yields, in order (at most MAX_OCCURRENCES + 1, to tell "too many"). */
export function occurrences(form: RecurrenceForm): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.start) || !/^\d{4}-\d{2}-\d{2}$/.test(form.until) || form.until < form.start) return [];
  const found: string[] = [];
  if (form.frequency === 'weekly') {
    // DTSTART is the first chosen weekday on or after the start: "every other Friday" from a Saturday
    // starts on the coming Friday (counting weeks from the start's own week would skip it).
    const first = seriesStart(form);
    if (first === null) return [];
    const firstMonday = epochDay(first) - (isoWeekday(first) - 1);
    for (let day = epochDay(first); day <= epochDay(form.until) && found.length <= MAX_OCCURRENCES; day += 1) {
      const date = dateOf(day);
      const week = Math.floor((day - firstMonday) / 7);
      if (week % Math.max(1, form.interval) === 0 && form.days.includes(isoWeekday(date))) found.push(date);
    }
    return found;
  }
  let year = Number(form.start.slice(0, 4));
  let month = Number(form.start.slice(5, 7));
  while (found.length <= MAX_OCCURRENCES) {
    const date = nthWeekday(year, month, form.weekday, form.ordinal);
    if (date > form.until && `${year}-${String(month).padStart(2, '0')}` > form.until.slice(0, 7)) break;
    if (date >= form.start && date <= form.until) found.push(date);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return found;
}

/** The `ordinal` ISO `weekday` of a month (-1: the last). */
function nthWeekday(year: number, month: number, weekday: number, ordinal: Ordinal): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  if (ordinal > 0) return addDays(first, ((weekday - isoWeekday(first) + 7) % 7) + (ordinal - 1) * 7);
  const nextFirst = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const last = addDays(nextFirst, -1);
  return addDays(last, -((isoWeekday(last) - weekday + 7) % 7));
}

/** The parts of a rule this screen writes, read back from a reason's tag (null for anything else). */
export function parseRule(rule: string): Omit<RecurrenceForm, 'start'> | null {
  const parts = new Map(
    rule
      .replace(/^RRULE:/, '')
      .split(';')
      .map((part) => part.split('=') as [string, string]),
  );
  const untilText = parts.get('UNTIL') ?? '';
  if (!/^\d{8}$/.test(untilText)) return null;
  const until = `${untilText.slice(0, 4)}-${untilText.slice(4, 6)}-${untilText.slice(6, 8)}`;
  const byDay = parts.get('BYDAY') ?? '';
  if (parts.get('FREQ') === 'WEEKLY') {
    const days = byDay.split(',').map((code) => CODES.indexOf(code) + 1);
    if (days.some((day) => day < 1)) return null;
    return { frequency: 'weekly', interval: Number(parts.get('INTERVAL') ?? '1') || 1, days, ordinal: 1, weekday: days[0] ?? 1, until };
  }
  const match = /^(-1|\+?[1-4])([A-Z]{2})$/.exec(byDay);
  if (parts.get('FREQ') === 'MONTHLY' && match) {
    const weekday = CODES.indexOf(match[2] ?? '') + 1;
    if (weekday < 1) return null;
    return { frequency: 'monthly', interval: 1, days: [weekday], ordinal: Number(match[1]) as Ordinal, weekday, until };
  }
  return null;
}

const TAG = /\s*\[(RRULE:[A-Z0-9=;,+-]+)\]$/;

/** A reason with its series tag. */
export function taggedReason(reason: string, rule: string): string {
  const text = reason.trim();
  return text ? `${text} [${rule}]` : `[${rule}]`;
}

/** A stored reason split into the words people typed and the series rule, if any. */
export function splitReason(reason: string | null): { text: string; rule: string | null } {
  if (!reason) return { text: '', rule: null };
  const match = TAG.exec(reason);
  return match ? { text: reason.slice(0, match.index).trim(), rule: match[1] ?? null } : { text: reason, rule: null };
}

/** "viernes" / "Friday": the weekday's name in the language. */
export function weekdayName(day: number, language: string, width: 'long' | 'short' = 'long'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(language, { weekday: width, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

/** "mié, 6 ene 2027": a local date in words (no zone shift: the date is the location's). */
export function dateWords(date: string, language: string, withWeekday = true): string {
  return new Intl.DateTimeFormat(language, { timeZone: 'UTC', ...(withWeekday ? { weekday: 'short' } : {}), day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${date}T00:00:00Z`));
}
