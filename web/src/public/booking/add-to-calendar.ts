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
  return [booking.number, booking.manageUrl ? `${manageLabel}: ${booking.manageUrl}` : null].filter(Boolean).join('\n');
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
    ...(booking.manageUrl ? [`URL:${booking.manageUrl}`] : []),
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
