/**
 * The Reports page's view as URL query parameters, so a reload or a shared link shows the same
 * figures: `period` (a preset or `custom` with `from` and `to`), `location`, `service`, `staff`.
 * Dates are local dates (YYYY-MM-DD) of the business's location.
 */
export const PRESETS = ['last7', 'last30', 'last90', 'this_month', 'last_month', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET = 'last30' satisfies Preset;
/** The longest period a report covers (the API's limit). */
export const MAX_DAYS = 366;

export interface ReportView {
  preset: Preset;
  from: string;
  to: string;
  locationId: string | null;
  serviceId: string | null;
  resourceId: string | null;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const toDate = (epochDay: number) => new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
const epochDay = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const addDays = (date: string, days: number) => toDate(epochDay(date) + days);
export const daysBetween = (from: string, to: string) => epochDay(to) - epochDay(from);

const validDate = (value: string | null): value is string => value !== null && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/** Today's date in a time zone (the location's), YYYY-MM-DD. */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The local dates a preset covers, ending today (or last month's whole month). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  switch (preset) {
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'last90':
      return { from: addDays(today, -89), to: today };
    case 'this_month':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'last_month': {
      const lastDay = addDays(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
  }
}

/** The view a query string asks for; anything unreadable falls back to the default (never an error page). */
export function readView(params: URLSearchParams, today: string): ReportView {
  const id = (name: string) => {
    const value = params.get(name);
    return value && /^[0-9a-f-]{36}$/i.test(value) ? value : null;
  };
  const filters = { locationId: id('location'), serviceId: id('service'), resourceId: id('staff') };
  const asked = params.get('period');
  const from = params.get('from');
  const to = params.get('to');
  if (asked === 'custom' && validDate(from) && validDate(to) && from <= to && daysBetween(from, to) < MAX_DAYS) {
    return { preset: 'custom', from, to, ...filters };
  }
  const preset: Exclude<Preset, 'custom'> = PRESETS.includes(asked as Preset) && asked !== 'custom' ? (asked as Exclude<Preset, 'custom'>) : 'last30';
  return { preset, ...presetRange(preset, today), ...filters };
}

/** The query string of a view: only what differs from the default, plus the dates of a custom range. */
export function writeView(view: ReportView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.preset !== DEFAULT_PRESET) params.set('period', view.preset);
  if (view.preset === 'custom') {
    params.set('from', view.from);
    params.set('to', view.to);
  }
  if (view.locationId) params.set('location', view.locationId);
  if (view.serviceId) params.set('service', view.serviceId);
  if (view.resourceId) params.set('staff', view.resourceId);
  return params;
}

/** Every local date from `from` to `to` (inclusive). */
export function datesOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = epochDay(from); day <= epochDay(to); day += 1) dates.push(toDate(day));
  return dates;
}
