/** "10:30" in the booking's own zone (the location's), whatever the browser's. */
export function timeIn(instant: string | Date, zone: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/** "jue, 12 mar, 10:30" in the booking's zone. */
export function dateTimeIn(instant: string | Date, zone: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/** Today's date (YYYY-MM-DD) in `zone`. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
