import { randomUUID } from 'node:crypto';
import type { Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { BookingRefundRequest, RefundResult } from './payments-port.ts';
import { providerKey, providerOf, type PaymentsContext } from './payments-context.ts';
import { PaymentDeclinedError, ProviderUnavailableError } from './payment-provider.ts';
import { publishPaymentRefunded } from './payments.events.ts';
import { isSettled, statusAfterRefunds } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow, RefundRow } from './payments.repository.ts';

export interface RefundCommand {
  /** Minor units; omitted: everything still refundable. */
  amount?: number | undefined;
  reason: string;
  idempotencyKey: string;
}

function exceeds(requested: number, remaining: number, currency: string): AppError {
  return new AppError(
    'REFUND_EXCEEDS_PAYMENT',
    remaining === 0
      ? 'Nothing is left to refund on this payment'
      : `At most ${remaining} (minor units of ${currency}) can still be refunded`,
    { requested, remaining, currency },
  );
}

/**
 * Refunds part or all of one payment, never more than paid minus what is
 * refunded or being refunded: the payment row is locked, so two concurrent
 * refunds cannot both take the last remainder. The provider gets a key derived
 * from ours, so a retried request refunds once.
 */
export async function refundPayment(
  context: PaymentsContext,
  trx: Executor,
  tenantId: string,
  paymentId: string,
  command: RefundCommand,
): Promise<RefundRow> {
  const payment = await repo.lockPayment(trx, tenantId, paymentId);
  if (!payment) throw notFound('Payment');
  const replay = await repo.findRefundByIdempotencyKey(trx, tenantId, command.idempotencyKey);
  if (replay) {
    if (replay.payment_id !== paymentId) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This key was used for a refund of another payment');
    }
    return replay;
  }
  const totals = await repo.refundTotals(trx, tenantId, paymentId);
  const remaining = isSettled(payment.status) ? payment.amount - totals.reserved : 0;
  const requested = command.amount ?? remaining;
  if (requested <= 0 || requested > remaining) throw exceeds(requested, Math.max(0, remaining), payment.currency);
  return executeRefund(context, trx, payment, requested, command);
}

async function executeRefund(
  context: PaymentsContext,
  trx: Executor,
  payment: PaymentRow,
  amount: number,
  command: RefundCommand,
): Promise<RefundRow> {
  const tenantId = payment.tenant_id;
  const pending = await repo.insertRefund(trx, {
    tenant_id: tenantId,
    payment_id: payment.id,
    amount,
    currency: payment.currency,
    reason: command.reason,
    status: 'pending',
    provider_refund_id: null,
    idempotency_key: command.idempotencyKey,
    failure_reason: null,
    processed_at: null,
  });
  if (payment.method !== 'online') {
    // Taken at the front desk, given back at the desk: the provider never held this money.
    const recorded = await repo.updateRefund(trx, tenantId, pending.id, { status: 'succeeded', processed_at: new Date() });
    await settleRefund(trx, payment, recorded);
    return recorded;
  }
  if (payment.provider_payment_id === null) throw new Error(`payment ${payment.id} is settled without a provider id`);
  let refund: RefundRow;
  try {
    const result = await providerOf(context, payment.provider).refund({
      intentId: payment.provider_payment_id,
      amount: { amount, currency: payment.currency },
      reason: command.reason,
      connected: typeof payment.metadata.connected_account === 'string',
      metadata: { reservehub_payment_id: payment.id, reservehub_refund_id: pending.id, reservehub_tenant_id: tenantId },
      idempotencyKey: providerKey(tenantId, 'refund', command.idempotencyKey),
    });
    refund = await repo.updateRefund(trx, tenantId, pending.id, {
      status: result.status,
      provider_refund_id: result.id,
      failure_reason: result.failureReason,
      processed_at: result.status === 'pending' ? null : new Date(),
    });
  } catch (error) {
    if (error instanceof ProviderUnavailableError) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable; retry with the same Idempotency-Key', undefined, {
        'retry-after': '30',
      });
    }
    if (!(error instanceof PaymentDeclinedError)) throw error;
    refund = await repo.updateRefund(trx, tenantId, pending.id, {
      status: 'failed',
      failure_reason: error.code,
      processed_at: new Date(),
    });
  }
  if (refund.status === 'succeeded') await settleRefund(trx, payment, refund);
  return refund;
}

/** A refund went through: the payment becomes (partially) refunded and `payment.refunded` is announced. */
export async function settleRefund(trx: Executor, payment: PaymentRow, refund: RefundRow): Promise<void> {
  const totals = await repo.refundTotals(trx, payment.tenant_id, payment.id);
  const updated = await repo.updatePayment(trx, payment.tenant_id, payment.id, {
    status: statusAfterRefunds(payment.amount, totals.succeeded),
  });
  await publishPaymentRefunded(trx, updated, refund, totals.succeeded);
}

export const toRefundResult = (refund: RefundRow): RefundResult => ({
  id: refund.id,
  amount: refund.amount,
  currency: refund.currency,
  status: refund.status,
});

/**
 * Refunds money paid for a booking (deposits and prepayments, oldest first;
 * penalties are not part of a booking's price). `amount` omitted refunds all
 * that remains; null when nothing remains. Several payments give several
 * refund rows; the result sums them under the first one's id.
 */
export async function refundBooking(
  context: PaymentsContext,
  trx: Executor,
  request: BookingRefundRequest,
): Promise<RefundResult | null> {
  const payments = (await repo.lockPaymentsOfBooking(trx, request.tenantId, request.bookingId)).filter(
    (payment) => payment.type !== 'penalty' && isSettled(payment.status),
  );
  const replayed: RefundRow[] = [];
  for (const payment of payments) {
    const previous = await repo.findRefundByIdempotencyKey(trx, request.tenantId, `${request.idempotencyKey}:${payment.id}`);
    if (previous) replayed.push(previous);
  }
  if (replayed.length > 0) return summarize(replayed);
  const remainders: Array<{ payment: PaymentRow; remaining: number }> = [];
  for (const payment of payments) {
    const totals = await repo.refundTotals(trx, request.tenantId, payment.id);
    if (payment.amount - totals.reserved > 0) remainders.push({ payment, remaining: payment.amount - totals.reserved });
  }
  const available = remainders.reduce((sum, entry) => sum + entry.remaining, 0);
  if (request.amount === undefined && available === 0) return null;
  let toRefund = request.amount ?? available;
  if (toRefund === 0) return null;
  if (toRefund > available) throw exceeds(toRefund, available, payments[0]?.currency ?? 'XXX');
  const refunds: RefundRow[] = [];
  for (const { payment, remaining } of remainders) {
    if (toRefund === 0) break;
    const amount = Math.min(remaining, toRefund);
    toRefund -= amount;
    refunds.push(
      await executeRefund(context, trx, payment, amount, {
        reason: request.reason,
        idempotencyKey: `${request.idempotencyKey}:${payment.id}`,
      }),
    );
  }
  return summarize(refunds);
}

function summarize(refunds: RefundRow[]): RefundResult | null {
  const [first] = refunds;
  if (!first) return null;
  const status = refunds.some((refund) => refund.status === 'failed')
    ? 'failed'
    : refunds.some((refund) => refund.status === 'pending')
      ? 'pending'
      : 'succeeded';
  return { id: first.id, amount: refunds.reduce((sum, refund) => sum + refund.amount, 0), currency: first.currency, status };
}

/** `POST /payments/{id}/refund` by permitted staff: full or partial, in its own transaction. */
export async function refundPaymentAsStaff(
  context: PaymentsContext,
  tenantId: string,
  paymentId: string,
  body: { amount?: number | undefined; reason?: string | undefined; reversal_reason?: string | undefined },
  clientKey: string | null,
): Promise<RefundRow> {
  return withTenant(context.db, tenantId, (trx) =>
    refundPayment(context, trx, tenantId, paymentId, {
      amount: body.amount,
      reason: body.reason ?? body.reversal_reason ?? 'requested_by_staff',
      idempotencyKey: clientKey ?? `staff:${randomUUID()}`,
    }),
  );
}
