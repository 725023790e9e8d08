import { z } from 'zod';
import type { Executor } from '../../platform/db/database.ts';
import { defineEvent, type EventDataOf } from '../../platform/events/event-descriptor.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import type { PaymentRow, RefundRow } from './payments.repository.ts';
import type { PaymentStatus, PaymentType } from './payments.tables.ts';

/**
 * The events payments publishes, their payload schemas and the functions that build and
 * publish them. The booking module confirms or expires a booking from `payment.succeeded`
 * (never by a call back); notifications and outgoing webhooks read all three. Every one
 * carries `booking_id`, `payment_id`, `amount` and `currency` (minor units).
 *
 * A success that arrives after the booking expired (its intent was cancelled) is never
 * announced as `payment.succeeded`: the money is refunded at once and only
 * `payment.refunded` (reason `booking_expired`) is published.
 */

// `satisfies` and `paymentData` below keep these lists and the table's types equal.
const PAYMENT_TYPES = ['deposit', 'full_payment', 'penalty'] as const satisfies readonly PaymentType[];
const PAYMENT_STATUSES = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const satisfies readonly PaymentStatus[];

const paymentFields = {
  booking_id: z.guid(),
  payment_id: z.guid(),
  customer_id: z.guid(),
  type: z.enum(PAYMENT_TYPES),
  status: z.enum(PAYMENT_STATUSES).describe('status after the change'),
  amount: z.int().nonnegative().describe('minor units'),
  currency: z.string().length(3).describe('ISO 4217'),
  platform_fee: z.int().nonnegative().describe("the platform's fee, minor units"),
  provider: z.string().describe('`stripe` or `sandbox`; `desk` for a payment taken at the front desk (cash, card terminal, other)'),
};

const paymentEvent = <const Name extends string, Data extends z.ZodType<Record<string, unknown>>>(name: Name, description: string, data: Data) =>
  defineEvent({ name, aggregateType: 'payment', description, webhook: true, data });

/** The payment events, by what happened. */
export const paymentEvents = {
  succeeded: paymentEvent('payment.succeeded', 'A payment succeeded; a booking pending this payment is confirmed by it.', z.strictObject(paymentFields)),
  failed: paymentEvent(
    'payment.failed',
    'A payment failed (declined, or 3-D Secure not completed).',
    z.strictObject({ ...paymentFields, failure_reason: z.string().nullable() }),
  ),
  refunded: paymentEvent(
    'payment.refunded',
    'Money went back to the customer (all or part of a payment).',
    z.strictObject({
      ...paymentFields,
      refund_id: z.guid(),
      refund_amount: z.int().nonnegative().describe('this refund, minor units'),
      refunded_total: z.int().nonnegative().describe('all succeeded refunds of the payment, minor units'),
      reason: z.string().nullable().describe('why (`requested_by_customer`, `booking_expired`, …)'),
    }),
  ),
} as const;

/**
 * An event the booking module publishes for payments to act on: a payment succeeded after
 * its booking had expired (or was cancelled unpaid), so payments refunds it in full.
 * Payments declares it, as a consumer declares a port, because booking depends on payments
 * and payments may not import booking; booking reads it from payments' `index.ts`.
 */
export const bookingPaymentAfterExpiry = defineEvent({
  name: 'booking.payment_after_expiry',
  aggregateType: 'booking',
  description: 'Published by booking: a payment succeeded for a booking that had already expired or was cancelled unpaid; payments refunds it in full.',
  webhook: false,
  data: z.strictObject({
    booking_id: z.guid(),
    payment_id: z.guid().nullable().describe('the payment to refund; null: every payment of the booking'),
    amount: z.int().nonnegative().nullable().describe('what arrived, minor units'),
    currency: z.string().length(3),
    action: z.literal('refund'),
  }),
});

/** Every event payments declares, in the order of the docs. */
export const PAYMENT_EVENTS = [paymentEvents.succeeded, paymentEvents.failed, paymentEvents.refunded, bookingPaymentAfterExpiry] as const;

function paymentData(payment: PaymentRow): EventDataOf<typeof paymentEvents.succeeded> {
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
  await publishEvent(executor, paymentEvents.succeeded, { tenantId: payment.tenant_id, aggregateId: payment.id, data: paymentData(payment) });
}

export async function publishPaymentFailed(executor: Executor, payment: PaymentRow): Promise<void> {
  await publishEvent(executor, paymentEvents.failed, {
    tenantId: payment.tenant_id,
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
  await publishEvent(executor, paymentEvents.refunded, {
    tenantId: payment.tenant_id,
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
