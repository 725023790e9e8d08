import type { Executor } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { PaymentsContext } from './payments-context.ts';
import { bookingPaymentAfterExpiry } from './payments.events.ts';
import { isSettled } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import { refundPayment } from './refunds.service.ts';

/** The key of "refund a success that came too late": shared with `cancelPendingForBooking`, so only one refund happens. */
export const lateSuccessKey = (paymentId: string): string => `late-success:${paymentId}`;

/** Refunds what is left of a payment under the late-success key, unless that refund exists or nothing is left. */
export async function refundLateSuccess(context: PaymentsContext, trx: Executor, tenantId: string, paymentId: string): Promise<void> {
  const payment = await repo.lockPayment(trx, tenantId, paymentId);
  if (!payment || payment.type === 'penalty' || !isSettled(payment.status)) return;
  if (await repo.findRefundByIdempotencyKey(trx, tenantId, lateSuccessKey(paymentId))) return;
  const totals = await repo.refundTotals(trx, tenantId, paymentId);
  if (payment.amount - totals.reserved <= 0) return;
  await refundPayment(context, trx, tenantId, paymentId, { reason: 'booking_expired', idempotencyKey: lateSuccessKey(paymentId) });
}

/**
 * Booking answers a `payment.succeeded` for a booking whose hold had already
 * expired with `booking.payment_after_expiry`: the booking stays expired and
 * the money goes back in full. Idempotent (at-least-once fan-out).
 */
export function latePaymentSubscriber(context: PaymentsContext): EventSubscriber {
  return {
    name: 'payments.refund_after_expiry',
    events: [bookingPaymentAfterExpiry],
    async handle(event, executor) {
      const data = bookingPaymentAfterExpiry.data.safeParse(event.data);
      if (!data.success) return;
      // The fan-out runs in the event's tenant transaction: locks hold until it commits.
      const trx = executor;
      const paymentIds = data.data.payment_id
        ? [data.data.payment_id]
        : (await repo.paymentsOfBooking(trx, event.tenantId, data.data.booking_id)).map((payment) => payment.id);
      for (const paymentId of paymentIds) await refundLateSuccess(context, trx, event.tenantId, paymentId);
    },
  };
}
