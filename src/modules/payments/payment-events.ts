import type { Executor } from '../../platform/db/database.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { PaymentRow, RefundRow } from './payments.repository.ts';

/**
 * The events payments publishes. The booking module confirms or expires a
 * booking from `payment.succeeded` / `payment.failed` (never by a call back);
 * notifications and outgoing webhooks read all three. Every one carries
 * `booking_id`, `payment_id`, `amount` and `currency` (minor units).
 *
 * A success that arrives after the booking expired (its intent was cancelled)
 * is never announced as `payment.succeeded`: the money is refunded at once and
 * only `payment.refunded` (reason `booking_expired`) is published.
 */
export type PaymentEventType = 'payment.succeeded' | 'payment.failed' | 'payment.refunded';

function paymentData(payment: PaymentRow): Record<string, unknown> {
  return {
    booking_id: payment.booking_id,
    payment_id: payment.id,
    customer_id: payment.customer_id,
    type: payment.type,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    platform_fee: payment.platform_fee,
    provider: payment.provider,
  };
}

export async function publishPaymentSucceeded(executor: Executor, payment: PaymentRow): Promise<void> {
  await publishEvent(executor, {
    tenantId: payment.tenant_id,
    type: 'payment.succeeded',
    aggregateType: 'payment',
    aggregateId: payment.id,
    data: paymentData(payment),
  });
}

export async function publishPaymentFailed(executor: Executor, payment: PaymentRow): Promise<void> {
  await publishEvent(executor, {
    tenantId: payment.tenant_id,
    type: 'payment.failed',
    aggregateType: 'payment',
    aggregateId: payment.id,
    data: { ...paymentData(payment), failure_reason: payment.failure_reason },
  });
}

export async function publishPaymentRefunded(
  executor: Executor,
  payment: PaymentRow,
  refund: RefundRow,
  refundedTotal: number,
): Promise<void> {
  await publishEvent(executor, {
    tenantId: payment.tenant_id,
    type: 'payment.refunded',
    aggregateType: 'payment',
    aggregateId: payment.id,
    data: {
      ...paymentData(payment),
      refund_id: refund.id,
      refund_amount: refund.amount,
      refunded_total: refundedTotal,
      reason: refund.reason,
    },
  });
}
