/**
 * How a slot's time reads to a customer: in their own time zone, with the location's time
 * beside it when the two differ at that instant (so "10:00 en Madrid · 04:00 en tu hora"
 * is right on both sides of a daylight-saving change). Pure: Intl only, no Date.now().
 */

export type DayPeriod = 'morning' | 'afternoon' | 'evening';

export interface SlotTime {
  /** The start in the customer's zone ("04:00" / "4:00 AM"). */
  customer: string;
  /** The start in the location's zone, or null when both zones have the same offset then. */
  location: string | null;
  /** Morning (before 12:00), afternoon (before 18:00) or evening, in the customer's zone. */
  period: DayPeriod;
  /** The customer's calendar date of the start (YYYY-MM-DD). */
  customerDate: string;
}

export interface SlotTimeOptions {
  customerZone: string;
  locationZone: string;
  /** The page's language ("es", "en"): the 12/24-hour clock follows it. */
  locale: string;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function numericParts(zone: string): Intl.DateTimeFormat {
  let format = partsCache.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(zone, format);
  }
  return format;
}

/** The wall-clock fields of `instant` in `zone`. */
export function zonedParts(instant: Date, zone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = Object.fromEntries(numericParts(zone).formatToParts(instant).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute) };
}

/** The zone's UTC offset at `instant`, in minutes (Madrid in winter: 60; New York in summer: -240). */
export function offsetMinutes(instant: Date, zone: string): number {
  const p = zonedParts(instant, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  const utcMinute = Math.floor(instant.getTime() / 60_000) * 60_000;
  return Math.round((wall - utcMinute) / 60_000);
}

/** The calendar date (YYYY-MM-DD) of `instant` in `zone`. */
export function zonedDate(instant: Date, zone: string): string {
  const p = zonedParts(instant, zone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function clock(instant: Date, zone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(instant);
}

/** `start` is an ISO 8601 instant with an offset, as the availability API gives it. */
export function slotTime(start: string, options: SlotTimeOptions): SlotTime {
  const instant = new Date(start);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not an instant: ${start}`);
  const sameOffset = offsetMinutes(instant, options.customerZone) === offsetMinutes(instant, options.locationZone);
  const hour = zonedParts(instant, options.customerZone).hour;
  return {
    customer: clock(instant, options.customerZone, options.locale),
    location: sameOffset ? null : clock(instant, options.locationZone, options.locale),
    period: hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening',
    customerDate: zonedDate(instant, options.customerZone),
  };
}

/** The zone's short city name for labels: "Europe/Madrid" → "Madrid", "America/New_York" → "New York". */
export function zoneCity(zone: string): string {
  const last = zone.split('/').pop() ?? zone;
  return last.replaceAll('_', ' ');
}

/** The customer's zone as the browser reports it (UTC when it cannot tell). */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The instant a local date (YYYY-MM-DD) begins in `zone` (its midnight; DST-aware). */
export function startOfZonedDay(date: string, zone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const first = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  // Again at the guess: the offset at midnight may differ from the one at the wall time's UTC reading.
  return new Date(wall - offsetMinutes(new Date(first), zone) * 60_000);
}
