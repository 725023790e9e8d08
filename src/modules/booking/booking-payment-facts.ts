import type { Executor } from '../../platform/db/database.ts';
import { BookingRepository } from './booking.repository.ts';

const repository = new BookingRepository();

/**
 * What payments needs to start a payment for a booking (`POST /payments/intent`
 * on a booking without a payment yet): the amount due and whether the booking
 * still awaits it. Matches payments' `BookingLookup`.
 */
export async function bookingPaymentFacts(executor: Executor, tenantId: string, bookingId: string, options: { lock?: boolean } = {}) {
  const row = options.lock ? await repository.lockById(executor, tenantId, bookingId) : await repository.findById(executor, tenantId, bookingId);
  if (!row) return null;
  const due = row.deposit_required > 0 ? row.deposit_required : row.total_price;
  return {
    bookingId: row.id,
    customerId: row.customer_id,
    resourceId: row.resource_id,
    awaitingPayment: row.status === 'pending_payment',
    amountDue: { amount: Math.max(0, due - row.deposit_paid), currency: row.currency },
    status: row.status,
    totalPrice: { amount: row.total_price, currency: row.currency },
    type: row.deposit_required > 0 && row.deposit_required < row.total_price ? ('deposit' as const) : ('full_payment' as const),
    description: `${row.service_name} ${row.booking_number}`,
  };
}
