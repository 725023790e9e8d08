import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import type {
  BookingPaymentSummary,
  CancelPendingResult,
  DepositRequest,
  DepositResult,
  NoShowRequest,
  NoShowResult,
  PaymentsPort,
  RefundResult,
} from './payments-port.ts';
import { providerKey, providerOf, type PaymentsContext } from './payments-context.ts';
import { ProviderUnavailableError } from './payment-provider.ts';
import { isOpen, isSettled, outcomeOfIntent } from './payment-status.ts';
import { applyIntentOutcome } from './payment-updates.ts';
import { startCharge, toDepositResult } from './charges.service.ts';
import { checkedReturnUrl } from './payment-access.ts';
import * as repo from './payments.repository.ts';
import { refundBooking, toRefundResult } from './refunds.service.ts';
import { lateSuccessKey, refundLateSuccess } from './late-payment.subscriber.ts';

/**
 * Leaves a booking's open intents unable to take money when the booking
 * expires, and gives back money that arrived anyway. Whatever order the
 * customer's success and the expiry take, the outcome is the same: the
 * booking is expired and nothing is kept.
 * - An open intent is cancelled at the provider; if the provider says it
 *   already succeeded, that success is applied and refunded at once.
 * - A payment that succeeded just before the expiry took its lock is refunded
 *   in full (reason `booking_expired`).
 * Call it only for bookings that end unpaid (expiry, abandoned checkout), not
 * for cancellations of paid bookings, which follow the policy (`refundBooking`).
 */
async function cancelPendingForBooking(
  context: PaymentsContext,
  trx: Executor,
  tenantId: string,
  bookingId: string,
): Promise<CancelPendingResult> {
  const result: CancelPendingResult = { cancelled: 0, refunds: [] };
  for (const payment of await repo.lockPaymentsOfBooking(trx, tenantId, bookingId)) {
    if (isOpen(payment.status) && payment.provider_payment_id !== null) {
      const intent = await providerOf(context, payment.provider)
        .cancelIntent(payment.provider_payment_id, providerKey(tenantId, 'cancel', payment.id))
        .catch((error: unknown) => {
          // Unreachable provider: cancel on our side; a success reported later is refunded as a late one.
          if (error instanceof ProviderUnavailableError) return null;
          throw error;
        });
      const cancelled = await repo.updatePayment(trx, tenantId, payment.id, { status: 'cancelled', next_action_url: null });
      result.cancelled += 1;
      if (intent && outcomeOfIntent(intent) === 'succeeded') {
        const settled = await applyIntentOutcome(context, trx, cancelled, 'succeeded', null);
        result.refunds.push(...(await refundsOf(trx, tenantId, settled.id)));
      }
    } else if (isSettled(payment.status) && payment.type !== 'penalty') {
      const totals = await repo.refundTotals(trx, tenantId, payment.id);
      if (payment.amount - totals.reserved > 0) {
        await refundLateSuccess(context, trx, tenantId, payment.id);
        result.refunds.push(...(await refundsOf(trx, tenantId, payment.id)));
      }
    }
  }
  return result;
}

async function refundsOf(trx: Executor, tenantId: string, paymentId: string): Promise<RefundResult[]> {
  const refund = await repo.findRefundByIdempotencyKey(trx, tenantId, lateSuccessKey(paymentId));
  return refund ? [toRefundResult(refund)] : [];
}

/**
 * No-show: the deposit is kept (nothing to do but report it) and/or a fee is
 * charged off-session to the customer's saved payment method. A missing saved
 * method or a refused charge is reported as `failed` with the reason, not
 * thrown: the booking still becomes a no-show.
 */
async function settleNoShow(context: PaymentsContext, trx: Executor, request: NoShowRequest): Promise<NoShowResult> {
  const payments = await repo.paymentsOfBooking(trx, request.tenantId, request.bookingId);
  const depositKept = request.keepDeposit
    ? payments
        .filter((payment) => payment.type !== 'penalty' && isSettled(payment.status))
        .reduce((sum, payment) => sum + payment.amount - payment.refunded_amount, 0)
    : 0;
  if (!request.fee || request.fee.amount === 0) return { depositKept, fee: null };
  const saved = await repo.latestSavedMethod(trx, request.tenantId, request.customerId, context.provider.name);
  if (!saved) {
    return {
      depositKept,
      fee: { paymentId: '', status: 'failed', amount: request.fee, failureReason: 'no_saved_payment_method' },
    };
  }
  let payment: repo.PaymentRow;
  try {
    payment = await startCharge(context, trx, {
      tenantId: request.tenantId,
      bookingId: request.bookingId,
      customerId: request.customerId,
      amount: request.fee,
      type: 'penalty',
      paymentMethodId: saved.id,
      offSession: true,
      idempotencyKey: request.idempotencyKey,
      description: 'No-show fee',
    });
  } catch (error) {
    // The business's account cannot take charges (any more): the no-show stands, the fee is reported unpaid.
    if (error instanceof AppError && error.code === 'PAYMENTS_NOT_CONFIGURED') {
      return { depositKept, fee: { paymentId: '', status: 'failed', amount: request.fee, failureReason: 'payments_not_configured' } };
    }
    throw error;
  }
  const status = payment.status === 'succeeded' ? 'succeeded' : 'failed';
  return {
    depositKept,
    fee: {
      paymentId: payment.id,
      status,
      amount: request.fee,
      failureReason: status === 'failed' ? (payment.failure_reason ?? payment.status) : null,
    },
  };
}

/** The `PaymentsPort` the booking module calls inside its own transactions. */
export function createPaymentsPort(context: PaymentsContext): PaymentsPort {
  return {
    async startDeposit(trx: Executor, request: DepositRequest): Promise<DepositResult> {
      // The provider sends the customer back here after 3-D Secure: only to the business's own origins.
      const returnUrl = await checkedReturnUrl(context, trx, request.tenantId, request.returnUrl);
      const payment = await startCharge(context, trx, { ...request, returnUrl });
      return toDepositResult(context, payment);
    },
    refundBooking: (trx, request) => refundBooking(context, trx, request),
    settleNoShow: (trx, request) => settleNoShow(context, trx, request),
    async paymentsOfBooking(trx, tenantId, bookingId): Promise<BookingPaymentSummary[]> {
      const rows = await repo.paymentsOfBooking(trx, tenantId, bookingId);
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        method: row.method,
        status: row.status,
        amount: row.amount,
        currency: row.currency,
        refunded_amount: row.refunded_amount,
      }));
    },
    cancelPendingForBooking: (trx, tenantId, bookingId) => cancelPendingForBooking(context, trx, tenantId, bookingId),
  };
}
