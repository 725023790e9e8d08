import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getCustomerForBooking, getCustomersForBooking, type CustomerForBooking } from '../customers/index.ts';
import { formatInstant } from '../scheduling/index.ts';
import type { BookingRow, HistoryRow } from './booking.repository.ts';
import type { BookingView } from './booking.schemas.ts';

export type CustomerSummary = BookingView['customer'];

export function customerSummary(customer: CustomerForBooking): CustomerSummary {
  return {
    id: customer.id,
    type: customer.type,
    first_name: customer.first_name,
    last_name: customer.last_name,
    email: customer.email,
    phone: customer.phone,
  };
}

/**
 * The customer shown on a booking. An erased or merged-away customer no longer
 * has personal data; the booking (a financial record) still shows, anonymised.
 */
export async function loadCustomerSummary(trx: Trx, keyRing: KeyRing, tenantId: string, customerId: string): Promise<CustomerSummary> {
  try {
    return customerSummary(await getCustomerForBooking(trx, keyRing, tenantId, customerId));
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') {
      return anonymised(customerId);
    }
    throw error;
  }
}

const anonymised = (customerId: string): CustomerSummary => ({ id: customerId, type: 'guest', first_name: '', last_name: null, email: null, phone: null });

/** `loadCustomerSummary` for a page of bookings: every customer in one read; look each one up by id. */
export async function loadCustomerSummaries(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerIds: readonly string[],
): Promise<(customerId: string) => CustomerSummary> {
  const found = await getCustomersForBooking(trx, keyRing, tenantId, customerIds);
  return (customerId) => {
    const customer = found.get(customerId);
    return customer ? customerSummary(customer) : anonymised(customerId);
  };
}

export interface ViewOptions {
  /** Staff-side callers see internal notes; customers and public callers never do. */
  staff: boolean;
  manageUrl?: string | undefined;
  extras?: Pick<BookingView, 'payment' | 'refund' | 'history' | 'payments'>;
}

const iso = (value: Date | null, timeZone: string): string | null => (value === null ? null : formatInstant(value.getTime(), timeZone));

/** A booking as the API returns it; every instant in the location's offset. */
export function toBookingView(row: BookingRow, customer: CustomerSummary, options: ViewOptions): BookingView {
  const tz = row.time_zone;
  return {
    id: row.id,
    booking_number: row.booking_number,
    status: row.status,
    group_id: row.group_id,
    service: { id: row.service_id, name: row.service_name },
    resource: { id: row.resource_id, name: row.resource_name, type: row.resource_type },
    location_id: row.location_id,
    customer,
    start_time: formatInstant(row.start_time.getTime(), tz),
    end_time: formatInstant(row.end_time.getTime(), tz),
    actual_start_time: iso(row.actual_start_time, tz),
    actual_end_time: iso(row.actual_end_time, tz),
    time_zone: tz,
    pricing: {
      base_price: row.base_price,
      total_price: row.total_price,
      deposit_required: row.deposit_required,
      deposit_paid: row.deposit_paid,
      currency: row.currency,
    },
    notes: row.notes,
    ...(options.staff ? { internal_notes: row.internal_notes } : {}),
    source: row.source,
    reschedule_count: row.reschedule_count,
    cancellation_reason: row.cancellation_reason,
    cancelled_at: iso(row.cancelled_at, tz),
    payment_expires_at: iso(row.payment_expires_at, tz),
    ...(options.extras ?? {}),
    ...(options.manageUrl === undefined ? {} : { manage_url: options.manageUrl }),
    created_at: formatInstant(row.created_at.getTime(), tz),
    updated_at: formatInstant(row.updated_at.getTime(), tz),
  };
}

export function toHistoryView(row: HistoryRow, timeZone: string): NonNullable<BookingView['history']>[number] {
  return {
    action: row.action,
    from: row.from_status,
    to: row.to_status,
    actor: { type: row.actor_type, id: row.actor_id },
    reason: row.reason,
    details: row.details,
    time: formatInstant(row.created_at.getTime(), timeZone),
  };
}
