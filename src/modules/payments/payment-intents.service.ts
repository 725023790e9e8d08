import { randomUUID } from 'node:crypto';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import type { PaymentsContext } from './payments-context.ts';
import { confirmCharge, pageUrlOf, startCharge } from './charges.service.ts';
import { nextActionOf } from './next-action.ts';
import { checkedReturnUrl, mayPayBooking, paymentNotAllowed, type PayerCredentials } from './payment-access.ts';
import { isOpen, isSettled } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow } from './payments.repository.ts';
import type { IntentCreateBody, IntentResponse } from './payments.schemas.ts';

function assertSameAmount(body: IntentCreateBody, due: { amount: number; currency: string }): void {
  const issues = [
    ...(body.amount !== undefined && body.amount !== due.amount
      ? [{ field: 'amount', message: `must equal the amount due, ${due.amount} minor units of ${due.currency}` }]
      : []),
    ...(body.currency !== undefined && body.currency !== due.currency ? [{ field: 'currency', message: `must be ${due.currency}` }] : []),
  ];
  if (issues.length > 0) throw validationError(issues, 'The amount does not match what the booking owes');
}

/**
 * `POST /payments/intent`: the intent that pays what a booking owes. An open
 * intent of the booking is reused (and confirmed with the given payment
 * method: a retry after a decline, or the card chosen in the browser), so one
 * booking never gets two live charges; otherwise a new one is started for the
 * amount the booking module says is due. A client amount is only a check.
 * A decline is committed (the attempt is on record) and then answered 402.
 * Only the booking's payer may call it (`payment-access.ts`), and the return
 * URL must stay on the business's own origins.
 */
export async function createIntentForBooking(
  context: PaymentsContext,
  tenantId: string,
  body: IntentCreateBody,
  clientKey: string | null,
  caller: PayerCredentials,
): Promise<PaymentRow> {
  const payment = await withTenant(context.db, tenantId, async (trx) => {
    const facts = context.bookingLookup ? await context.bookingLookup(trx, tenantId, body.booking_id) : null;
    if (!facts || !mayPayBooking(context, tenantId, caller, facts)) {
      // Staff who may read bookings learn that it does not exist; anyone else hears the same refusal either way.
      const staff = caller.auth !== null && caller.auth.actor.type !== 'customer' && caller.auth.can('read', 'Booking');
      if (!facts && staff) throw notFound('Booking');
      throw paymentNotAllowed(
        'Send the booking\'s manage_token, or sign in as its customer or as staff who may change it',
        'not_booking_payer',
      );
    }
    const returnUrl = await checkedReturnUrl(context, trx, tenantId, body.return_url);
    const payments = await repo.lockPaymentsOfBooking(trx, tenantId, body.booking_id);
    const charges = payments.filter((payment) => payment.type !== 'penalty');
    if (charges.some((payment) => isSettled(payment.status))) {
      throw new AppError('CONFLICT', 'This booking is already paid');
    }
    const open = charges.find((payment) => isOpen(payment.status));
    if (open) {
      assertSameAmount(body, { amount: open.amount, currency: open.currency });
      if (body.payment_method_id === undefined) return open;
      return confirmCharge(context, trx, open, {
        paymentMethodId: body.payment_method_id,
        returnUrl,
        idempotencyKey: clientKey ?? randomUUID(),
      });
    }
    if (!facts.awaitingPayment) throw new AppError('CONFLICT', 'This booking is not awaiting a payment');
    assertSameAmount(body, facts.amountDue);
    return startCharge(context, trx, {
      tenantId,
      bookingId: facts.bookingId,
      customerId: facts.customerId,
      amount: facts.amountDue,
      type: facts.type,
      paymentMethodId: body.payment_method_id,
      savePaymentMethod: body.save_payment_method,
      returnUrl,
      // One intent per booking and attempt series, whatever key the client sends.
      idempotencyKey: `booking-intent:${facts.bookingId}:${charges.length}`,
      description: facts.description,
    });
  });
  if (payment.status === 'failed') {
    throw new AppError('PAYMENT_FAILED', 'The payment was declined; try another payment method', {
      payment_id: payment.id,
      reason: payment.failure_reason,
    });
  }
  return payment;
}

export function toIntentResponse(context: PaymentsContext, payment: PaymentRow): IntentResponse {
  const nextAction = nextActionOf(payment);
  return {
    intent_id: payment.provider_payment_id ?? payment.id,
    payment_id: payment.id,
    client_secret: payment.client_secret,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    ...(nextAction ? { next_action: nextAction } : {}),
    payment_page_url: pageUrlOf(context, payment),
  };
}
