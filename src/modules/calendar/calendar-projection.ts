import type { DomainEvent, EventSubscriber } from '../../platform/events/outbox.ts';
import type { Executor } from '../../platform/db/database.ts';
import { findResourcesWithZones, findServiceSnapshot } from '../catalog/index.ts';
import { applyCalendarEntry } from './calendar-entries.repository.ts';
import { parseBookingEventData, PROJECTED_BOOKING_EVENTS } from './booking-event.ts';

/**
 * Keeps `calendar_entries` in step with booking events, in the fan-out's
 * transaction. Idempotent and order-proof: an event already applied, or older
 * than the one applied, changes nothing.
 */
export const calendarProjectionSubscriber: EventSubscriber = {
  name: 'calendar.projection',
  events: PROJECTED_BOOKING_EVENTS,
  async handle(event: DomainEvent, executor: Executor): Promise<void> {
    const booking = parseBookingEventData(event.data);
    if (booking === null) return;
    // Booking events carry ids; names and the location's zone come from the catalog.
    const [resource] =
      booking.resource.id !== null && (booking.resource.name === null || !booking.zoneGiven)
        ? await findResourcesWithZones(executor, event.tenantId, [booking.resource.id])
        : [];
    const service =
      booking.service.id !== null && booking.service.name === null
        ? await findServiceSnapshot(executor, event.tenantId, booking.service.id)
        : undefined;
    await applyCalendarEntry(executor, event.tenantId, {
      bookingId: booking.id,
      bookingNumber: booking.bookingNumber,
      status: booking.status,
      startTime: booking.startTime,
      endTime: booking.endTime,
      timezone: booking.zoneGiven ? booking.timezone : (resource?.timezone ?? booking.timezone),
      serviceId: booking.service.id,
      serviceName: booking.service.name ?? service?.name ?? null,
      resourceId: booking.resource.id,
      resourceName: booking.resource.name ?? resource?.name ?? null,
      customerId: booking.customerId,
      locationName: booking.locationName,
      eventAt: new Date(event.createdAt),
      eventId: event.id,
    });
  },
};
