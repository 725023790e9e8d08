import { adminKeys } from '../admin-keys.ts';

/**
 * The customers screen's query keys. A customer's bookings sit under the dashboard's booking key,
 * so an action on a booking (desk, calendar, the drawer opened from a profile) refreshes them too.
 */
export const customerKeys = {
  all: ['admin', 'customers'] as const,
  list: (search: string) => ['admin', 'customers', 'list', search] as const,
  byBookingNumber: (number: string) => ['admin', 'customers', 'booking-number', number] as const,
  detail: (id: string) => ['admin', 'customers', 'detail', id] as const,
  consents: (id: string) => ['admin', 'customers', 'consents', id] as const,
  bookings: (id: string) => [...adminKeys.bookings, 'customer', id] as const,
};
