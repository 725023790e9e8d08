/**
 * "Add to calendar" for a confirmed booking: an iCalendar file (RFC 5545) any calendar app opens,
 * and a Google Calendar link. Times are UTC instants (`Z`), so no calendar can misplace them
 * across time zones or a daylight-saving change; the business's zone is named in the text.
 */
export interface CalendarBooking {
  id: string;
  number: string;
  start: string;
  end: string;
  service: string;
  business: string;
  location: string | null;
  manageUrl: string | null;
  /** The other bookings of the same visit (several services, or a party), each with its own link. */
  more?: Array<{ number: string; manageUrl: string | null }>;
}

/** What the calendar needs of a booking the API returned. */
export interface BookedForCalendar {
  id: string;
  group_id?: string | null;
  booking_number: string;
  start_time: string;
  end_time: string;
  service: { name: string };
  manage_url?: string | undefined;
}

/**
 * One calendar event for one visit: from the first start to the last end, "Corte + Coloración"
 * for services one after another, "Corte × 3" for a party; every booking number and link in it.
 */
export function visitEvent(bookings: readonly BookedForCalendar[], business: string, location: string | null): CalendarBooking {
  const [first, ...rest] = bookings;
  if (!first) throw new RangeError('A visit has at least one booking');
  const names = [...new Set(bookings.map((booking) => booking.service.name))];
  const party = names.length === 1 && bookings.length > 1 && new Set(bookings.map((booking) => Date.parse(booking.start_time))).size === 1;
  const earliest = bookings.reduce((min, booking) => (Date.parse(booking.start_time) < Date.parse(min) ? booking.start_time : min), first.start_time);
  const latest = bookings.reduce((max, booking) => (Date.parse(booking.end_time) > Date.parse(max) ? booking.end_time : max), first.end_time);
  return {
    id: first.group_id ?? first.id,
    number: first.booking_number,
    start: earliest,
    end: latest,
    service: party ? `${names[0]} × ${bookings.length}` : names.join(' + '),
    business,
    location,
    manageUrl: first.manage_url ?? null,
    ...(rest.length > 0 ? { more: rest.map((booking) => ({ number: booking.booking_number, manageUrl: booking.manage_url ?? null })) } : {}),
  };
}

/** 2026-03-29T01:30:00.000Z → 20260329T013000Z */
function utcStamp(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Text escaped for an iCalendar value (backslash, semicolon, comma, newline). */
function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (continued on the next line after a space). */
function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const character of line) {
    if (new TextEncoder().encode(current + character).length > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += character;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function describe(booking: CalendarBooking, manageLabel: string): string {
  if (!booking.more) return [booking.number, booking.manageUrl ? `${manageLabel}: ${booking.manageUrl}` : null].filter(Boolean).join('\n');
  return [{ number: booking.number, manageUrl: booking.manageUrl }, ...booking.more]
    .map((one) => (one.manageUrl ? `${one.number} · ${manageLabel}: ${one.manageUrl}` : one.number))
    .join('\n');
}

export function icsFor(booking: CalendarBooking, manageLabel: string, now: Date = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ReserveHub//Booking page//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${booking.id}@reservehub`,
    `DTSTAMP:${utcStamp(now.toISOString())}`,
    `DTSTART:${utcStamp(booking.start)}`,
    `DTEND:${utcStamp(booking.end)}`,
    `SUMMARY:${icsText(`${booking.service} · ${booking.business}`)}`,
    `DESCRIPTION:${icsText(describe(booking, manageLabel))}`,
    ...(booking.location ? [`LOCATION:${icsText(booking.location)}`] : []),
    ...(booking.manageUrl && !booking.more ? [`URL:${booking.manageUrl}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

export function googleCalendarUrl(booking: CalendarBooking, manageLabel: string): string {
  const query = new URLSearchParams({
    action: 'TEMPLATE',
    text: `${booking.service} · ${booking.business}`,
    dates: `${utcStamp(booking.start)}/${utcStamp(booking.end)}`,
    details: describe(booking, manageLabel),
  });
  if (booking.location) query.set('location', booking.location);
  return `https://calendar.google.com/calendar/render?${query.toString()}`;
}
