import type { EnvelopeData, paths } from '@reservehub/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminKeys } from '../admin-keys.ts';
import { adminApi } from '../session/session.ts';
import type { Booking } from './use-desk.ts';

export type Payment = EnvelopeData<paths['/api/v1/payments']['get']['responses']['200']['content']['application/json']>[number];
type DeskBody = NonNullable<paths['/api/v1/bookings/{id}/payments/desk']['post']['requestBody']>['content']['application/json'];
export type DeskMethod = DeskBody['method'];
export const DESK_METHODS: readonly DeskMethod[] = ['cash', 'card_terminal', 'other'];

/** Statuses whose price the desk still collects (the server's rule). */
const PAYABLE = new Set(['confirmed', 'rescheduled', 'completed']);
const SETTLED = new Set(['succeeded', 'partially_refunded', 'refunded']);

/** Under the booking's key: whatever refreshes the booking refreshes its payments too. */
const paymentsKey = (bookingId: string) => [...adminKeys.booking(bookingId), 'payments'] as const;

/** GET /payments?booking_id=: every payment of the booking, online and at the desk, for roles that read payments. */
export function useBookingPayments(bookingId: string, enabled: boolean) {
  return useQuery({
    queryKey: paymentsKey(bookingId),
    enabled,
    queryFn: () => adminApi.get('/api/v1/payments', { params: { query: { booking_id: bookingId, limit: 100 } } }),
  });
}

/**
 * What the customer still owes: the price less what the payments keep (refunds deducted), as the
 * server counts it; without the payments list, the price less what the booking records as paid.
 */
export function balanceDue(booking: Booking, payments: readonly Payment[] | undefined): number {
  const kept = payments
    ? payments.filter((payment) => payment.type !== 'penalty' && SETTLED.has(payment.status)).reduce((sum, payment) => sum + payment.amount - payment.refunded_amount, 0)
    : booking.pricing.deposit_paid;
  return Math.max(0, booking.pricing.total_price - kept);
}

export const takesDeskPayment = (booking: Booking): boolean => PAYABLE.has(booking.status);

/**
 * POST /bookings/{id}/payments/desk. `key` is kept for one opening of the form, so pressing
 * again after a lost answer records the payment once. The booking and its payments refresh
 * (its paid amount follows once the payment's event reached it).
 */
export function useTakeDeskPayment(bookingId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: DeskBody; key: string }) =>
      adminApi.post('/api/v1/bookings/{id}/payments/desk', { params: { path: { id: bookingId } }, body, headers: { 'idempotency-key': key } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.booking(bookingId) });
      void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
    },
  });
}

/**
 * The hosted payment page of the booking's open online payment (a deposit the customer has not
 * paid yet), through POST /payments/intent, which reuses that intent: the desk copies the link
 * and sends it to the customer. Null when no payment is open.
 */
export function usePaymentLink(bookingId: string) {
  return useMutation({
    mutationFn: async () => (await adminApi.post('/api/v1/payments/intent', { body: { booking_id: bookingId } })).payment_page_url,
  });
}
