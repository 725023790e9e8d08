import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import { buildVtimezone } from './vtimezone.ts';

/** One booking as a calendar event. */
export interface IcsBooking {
  bookingId: string;
  /** RFC 5545 SEQUENCE: higher on every change, so clients replace their copy. */
  sequence: number;
  status: string;
  startTime: Date;
  endTime: Date;
  /** The location's IANA zone: times are written as local times with this TZID. */
  timezone: string;
  summary: string;
  description?: string | undefined;
  location?: string | undefined;
  /** When this version was made (DTSTAMP). */
  stamp: Date;
}

export interface IcsOptions {
  name: string;
  /** REQUEST/CANCEL for an emailed invitation; none for a subscribed feed. */
  method?: 'REQUEST' | 'CANCEL' | undefined;
  organizer?: { name: string; email: string } | undefined;
  /** Feed refresh hint for subscribing clients. */
  ttlSeconds?: number | undefined;
}

/** The UID of a booking in every calendar we produce (feeds and invitations share it). */
export function bookingUid(bookingId: string): string {
  return `${bookingId}@reservehub`;
}

/**
 * An RFC 5545 calendar of bookings: each event at its location's local time
 * with TZID and a generated VTIMEZONE, cancelled ones as STATUS:CANCELLED
 * (same UID, higher SEQUENCE).
 */
export function buildBookingsIcs(bookings: readonly IcsBooking[], options: IcsOptions): string {
  const years = bookings.flatMap((booking) => [booking.startTime.getUTCFullYear(), booking.endTime.getUTCFullYear()]);
  const fromYear = years.length > 0 ? Math.min(...years) : new Date().getUTCFullYear();
  const toYear = years.length > 0 ? Math.max(...years) : fromYear;
  const calendar = ical({
    name: options.name,
    prodId: '//ReserveHub//Bookings//EN',
    timezone: { name: null, generator: (zone) => buildVtimezone(zone, fromYear, toYear) },
    ...(options.method ? { method: options.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST } : {}),
    ...(options.ttlSeconds ? { ttl: options.ttlSeconds } : {}),
  });
  for (const booking of bookings) {
    const cancelled = booking.status === 'cancelled' || options.method === 'CANCEL';
    calendar.createEvent({
      id: bookingUid(booking.bookingId),
      sequence: booking.sequence,
      stamp: booking.stamp,
      start: localTime(booking.startTime, booking.timezone),
      end: localTime(booking.endTime, booking.timezone),
      timezone: booking.timezone,
      summary: booking.summary,
      ...(booking.description ? { description: booking.description } : {}),
      ...(booking.location ? { location: booking.location } : {}),
      ...(options.organizer ? { organizer: options.organizer } : {}),
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

/** The wall-clock time of an instant in a zone, as ical-generator expects it when a TZID is set. */
function localTime(instant: Date, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(zone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'second' });
}
