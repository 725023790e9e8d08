/**
 * Calendar: a projection of bookings fed by booking events (what ICS feeds and
 * reminders read) and RFC 5545 feeds per resource and per customer behind
 * revocable tokens. Other modules use only what this file exports.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { createCalendarFeedsService } from './calendar-feeds.service.ts';
import { calendarProjectionSubscriber } from './calendar-projection.ts';
import { registerCalendarRoutes } from './calendar.routes.ts';
import { calendarCustomerData } from './calendar-customer-data.ts';
import type { CustomerDataHolder } from '../customers/index.ts';
import './calendar.tables.ts';

export { findCalendarEntry, type CalendarEntryRow } from './calendar-entries.repository.ts';
export {
  LIVE_BOOKING_STATUSES,
  PROJECTED_BOOKING_EVENTS,
  parseBookingEventData,
  type BookingEventData,
} from './booking-event.ts';
export { bookingUid, buildBookingsIcs, type IcsBooking } from './ics.ts';

export interface CalendarModuleDeps {
  db: Db;
  keyRing: KeyRing;
  publicUrl: string;
}

export interface CalendarModule {
  registerRoutes(api: ApiRouter): void;
  subscribers: EventSubscriber[];
  /** The customer's calendar feeds in their export, erasure and merges. */
  customerData: CustomerDataHolder;
}

export function createCalendarModule(deps: CalendarModuleDeps): CalendarModule {
  const feeds = createCalendarFeedsService(deps);
  return {
    registerRoutes: (api) => registerCalendarRoutes(api, feeds),
    subscribers: [calendarProjectionSubscriber],
    customerData: calendarCustomerData,
  };
}
