import type { BookingStatus } from './use-desk.ts';

/** The statuses a person filters the desk by (draft exists only inside the creating transaction). */
export const BOOKING_STATUSES_SHOWN: readonly BookingStatus[] = ['confirmed', 'pending_payment', 'completed', 'no_show', 'cancelled', 'expired'];
