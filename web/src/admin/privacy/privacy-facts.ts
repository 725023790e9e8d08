/**
 * Pure facts about the register of GDPR requests for the screen: how near a request's deadline is
 * in calendar days of the business's zone, the order open requests are worked in, the retention
 * settings' ranges and defaults (the server's), and the date a logged request was received.
 */

/** Where an open request stands against its one-month deadline (GDPR Art. 12(3)). */
export type DeadlineState = 'overdue' | 'today' | 'soon' | 'later';

export interface Deadline {
  state: DeadlineState;
  /** Whole calendar days to the due date (`later`, `soon`), or since it (`overdue`; 0 when it passed today). */
  days: number;
}

/** Days within which a deadline is "soon" (shown in amber): a week leaves time to answer. */
export const SOON_DAYS = 7;

/** `YYYY-MM-DD` of `instant` in `zone`. */
export function dayIn(instant: string | Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * How near an open request's due date is, in calendar days where the business is: the server's
 * `overdue` (open past its due instant) decides lateness, the calendar decides the count.
 */
export function deadlineOf(request: { due_at: string; overdue: boolean }, zone: string, now: Date = new Date()): Deadline {
  const days = daysBetween(dayIn(now, zone), dayIn(request.due_at, zone));
  if (request.overdue || Date.parse(request.due_at) <= now.getTime()) return { state: 'overdue', days: Math.max(0, -days) };
  if (days <= 0) return { state: 'today', days: 0 };
  return { state: days <= SOON_DAYS ? 'soon' : 'later', days };
}

/** Open requests in the order to work them: the earliest due first. */
export function byDueDate<T extends { due_at: string }>(requests: readonly T[]): T[] {
  return [...requests].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
}

/** The retention settings' ranges and defaults, as the server validates and applies them. */
export const RETENTION = {
  guestMonths: { min: 6, max: 120, fallback: 24 },
  consentYears: { min: 1, max: 10, fallback: 3 },
} as const;

/** A whole number within `range`, or null (empty, fractional or out of range). */
export function withinRange(value: number | string, range: { min: number; max: number }): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max ? value : null;
}

/** A stored setting when it is a number, else the default the server applies. */
export function settingOr(settings: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const value = settings?.[key];
  return typeof value === 'number' ? value : fallback;
}

/**
 * The instant to send as `received_at` for a date picked in the form: nothing for today (the
 * server takes now), midday in the browser's day otherwise (never in the future, never a day off).
 */
export function receivedAtFor(date: string, today: string): string | undefined {
  if (date === today) return undefined;
  return new Date(`${date}T12:00:00`).toISOString();
}
