import { z } from 'zod';
import { bookingEvents } from '../booking/index.ts';

/**
 * The part of a booking event's data (the booking's API representation) that
 * calendars and notifications read. Parsed leniently: extra fields are kept
 * out, missing optional ones are null, so a richer payload never breaks us.
 */
const namedRef = z
  .object({ id: z.string().nullish(), name: z.string().nullish() })
  .nullish()
  .transform((value) => ({ id: value?.id ?? null, name: value?.name ?? null }));

export const bookingEventDataSchema = z
  .object({
    id: z.string().uuid(),
    booking_number: z.string().nullish(),
    status: z.string(),
    start_time: z.string().datetime({ offset: true }),
    end_time: z.string().datetime({ offset: true }),
    service: namedRef,
    resource: namedRef,
    customer: z
      .object({ id: z.string().nullish(), first_name: z.string().nullish() })
      .nullish(),
    customer_id: z.string().nullish(),
    service_id: z.string().nullish(),
    resource_id: z.string().nullish(),
    location_id: z.string().nullish(),
    timezone: z.string().nullish(),
    location: z.object({ name: z.string().nullish(), timezone: z.string().nullish() }).nullish(),
    manage_url: z.string().nullish(),
    refund: z.object({ amount: z.number().int(), currency: z.string() }).nullish(),
    cancellation_reason: z.string().nullish(),
  })
  .transform((data) => ({
    id: data.id,
    bookingNumber: data.booking_number ?? null,
    status: data.status,
    startTime: new Date(data.start_time),
    endTime: new Date(data.end_time),
    /** The location's IANA zone: given explicitly, else UTC (instants stay right either way). */
    timezone: validZone(data.location?.timezone ?? data.timezone ?? null) ?? 'UTC',
    // The booking module sends flat ids; a richer representation nests them with names.
    service: { id: data.service.id ?? data.service_id ?? null, name: data.service.name },
    resource: { id: data.resource.id ?? data.resource_id ?? null, name: data.resource.name },
    locationId: data.location_id ?? null,
    /** True when the event named the zone itself (else it is looked up from the resource). */
    zoneGiven: validZone(data.location?.timezone ?? data.timezone ?? null) !== null,
    customerId: data.customer?.id ?? data.customer_id ?? null,
    locationName: data.location?.name ?? null,
    manageUrl: data.manage_url ?? null,
    refund: data.refund ?? null,
  }));

export type BookingEventData = z.output<typeof bookingEventDataSchema>;

/** The booking events calendars and notifications react to (a check-in also publishes `booking.updated`). */
export const PROJECTED_BOOKING_EVENTS = [
  bookingEvents.created,
  bookingEvents.updated,
  bookingEvents.confirmed,
  bookingEvents.expired,
  bookingEvents.rescheduled,
  bookingEvents.cancelled,
  bookingEvents.completed,
  bookingEvents.noShow,
] as const;

/** Statuses in which a booking still takes place (shown, reminded). */
export const LIVE_BOOKING_STATUSES: ReadonlySet<string> = new Set(['confirmed', 'rescheduled', 'pending_payment']);

/** The booking in an event's data, or null when the data is not a booking we can read. */
export function parseBookingEventData(data: unknown): BookingEventData | null {
  const parsed = bookingEventDataSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

function validZone(zone: string | null): string | null {
  if (zone === null) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}
