/** Numbers, money, rates and dates of the reports in the reader's language. */

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

export const formatCount = (locale: string, value: number) => numberFormat(locale, { maximumFractionDigits: 0 }).format(value);

/** An amount in minor units (cents) of `currency`, with the currency's own number of decimals. */
export function formatMoney(locale: string, minor: number, currency: string): string {
  const format = numberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Basis points (1 % = 100) as a percentage; an em dash when there was nothing to divide by. */
export function formatBps(locale: string, bps: number | null, fractionDigits = 1): string {
  if (bps === null) return '—';
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: fractionDigits }).format(bps / 10_000);
}

/** Minutes as hours with one decimal ("12.5 h"). */
export const formatHours = (locale: string, minutes: number) => `${numberFormat(locale, { maximumFractionDigits: 1 }).format(minutes / 60)} h`;

/** A local date (YYYY-MM-DD) as a short date ("3 Mar"). */
export function formatDay(locale: string, date: string, withYear = false): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** The name of an ISO weekday (1 = Monday), short. */
export function weekdayName(locale: string, weekday: number, width: 'short' | 'long' = 'short'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

/** A local hour (0–23) as a clock time in the reader's convention. */
export function hourLabel(locale: string, hour: number): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1, hour)));
}

/** Change against the previous period as a signed percentage; null when the previous was zero. */
export function changeOf(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) * 10_000) / previous);
}
