/** Month arithmetic for the calendar, on plain "YYYY-MM" / "YYYY-MM-DD" strings (no time zone). */

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function shiftMonth(month: string, by: number): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  const shifted = new Date(Date.UTC(year, index - 1 + by, 1));
  return shifted.toISOString().slice(0, 7);
}

export function lastDayOf(month: string): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, index, 0)).toISOString().slice(0, 10);
}

/** The month's dates, with nulls before the 1st so weeks start on Monday. */
export function monthCells(month: string): (string | null)[] {
  const [year, index] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, index - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const days = Number(lastDayOf(month).slice(8, 10));
  return [...Array.from({ length: lead }, () => null), ...Array.from({ length: days }, (_, day) => `${month}-${String(day + 1).padStart(2, '0')}`)];
}

/** A calendar date as Intl sees it (noon UTC, shown in UTC: never shifted by the viewer's zone). */
export function dateValue(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}
