/**
 * Payments taken at the front desk (issue 15): the balance after a deposit, or any part of the
 * price, paid in cash, on the business's own card terminal or otherwise. The money never passes
 * through the provider, so the payment is recorded as succeeded at once, with how it was paid and
 * who recorded it, and announced with the same `payment.succeeded` an online payment publishes:
 * booking raises the booking's paid amount from that event (its late-payment path), webhooks and
 * notifications see a payment like any other. Refunds of it are recorded, never sent to the
 * provider (`refunds.service.ts`).
 */
import { randomUUID } from 'node:crypto';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import { paymentNotAllowed } from './payment-access.ts';
import type { PaymentsContext } from './payments-context.ts';
import { toPaymentView } from './payments-list.service.ts';
import { publishPaymentSucceeded } from './payments.events.ts';
import { isSettled } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import type { DeskPaymentCreateBody, DeskPaymentView } from './payments.schemas.ts';

/** Statuses whose price is still being collected; the others take no payment at the desk. */
const PAYABLE = new Set(['confirmed', 'rescheduled', 'completed']);

/** The provider name desk payments carry: no provider holds them. */
export const DESK_PROVIDER = 'desk';

/** What the booking keeps of its payments (deposits and prepayments, less refunds given or under way). */
const keptOf = (payments: repo.PaymentWithRefunds[]): number =>
  payments
    .filter((payment) => payment.type !== 'penalty' && isSettled(payment.status))
    .reduce((sum, payment) => sum + payment.amount - Number(payment.refund_reserved), 0);

/**
 * `POST /bookings/{id}/payments/desk`. Staff who may change the booking (`update Booking` on its
 * resource, the rule of paying a booking online) record it; the booking's payments are locked, so
 * two receptionists cannot both take the last of the balance. A retry with the same
 * `Idempotency-Key` returns the payment recorded the first time.
 */
export async function recordDeskPayment(
  context: PaymentsContext,
  tenantId: string,
  bookingId: string,
  body: DeskPaymentCreateBody,
  auth: AuthContext | null,
  clientKey: string | null,
): Promise<DeskPaymentView> {
  return withTenant(context.db, tenantId, async (trx) => {
    // Locked like every state change of the booking: a cancellation running now either ends first
    // (and this payment is refused) or waits for it (and its refund counts this money).
    const facts = context.bookingLookup ? await context.bookingLookup(trx, tenantId, bookingId, { lock: true }) : null;
    if (!facts?.totalPrice || facts.status === undefined) throw notFound('Booking');
    if (!auth?.can('update', 'Booking', { resource_id: facts.resourceId, customer_id: facts.customerId })) {
      throw paymentNotAllowed('Only staff who may change this booking take payments for it', 'not_booking_staff');
    }
    const idempotencyKey = `desk:${clientKey ?? randomUUID()}`;
    await repo.lockPaymentsOfBooking(trx, tenantId, bookingId);
    const replay = await repo.findPaymentByIdempotencyKey(trx, tenantId, idempotencyKey);
    if (replay && replay.booking_id !== bookingId) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This key was used for a payment of another booking');
    }
    const price = facts.totalPrice;
    if (!replay) {
      if (!PAYABLE.has(facts.status)) {
        throw new AppError('BOOKING_NOT_PAYABLE', `A ${facts.status} booking takes no payment at the desk`, { reason: `booking_${facts.status}` });
      }
      if (body.currency !== undefined && body.currency !== price.currency) {
        throw validationError([{ field: 'currency', message: `must be the booking's currency, ${price.currency}` }]);
      }
      const balance = Math.max(0, price.amount - keptOf(await repo.paymentsOfBooking(trx, tenantId, bookingId)));
      if (body.amount > balance) {
        throw new AppError(
          'PAYMENT_EXCEEDS_BALANCE',
          balance === 0 ? 'Nothing is left to pay on this booking' : `At most ${balance} (minor units of ${price.currency}) is still due`,
          { requested: body.amount, balance_due: balance, currency: price.currency },
        );
      }
      const payment = await repo.insertPayment(trx, {
        tenant_id: tenantId,
        booking_id: bookingId,
        customer_id: facts.customerId,
        type: 'full_payment',
        status: 'succeeded',
        amount: body.amount,
        currency: price.currency,
        // The platform's fee is charged on what passes through the provider; this money did not.
        platform_fee: 0,
        provider: DESK_PROVIDER,
        idempotency_key: idempotencyKey,
        description: facts.description,
        method: body.method,
        recorded_by: auth.userId,
        reference: body.reference ?? null,
        note: body.note ?? null,
        processed_at: new Date(),
      });
      await publishPaymentSucceeded(trx, payment);
    }
    const payments = await repo.paymentsOfBooking(trx, tenantId, bookingId);
    const recorded = payments.find((payment) => payment.idempotency_key === idempotencyKey);
    if (!recorded) throw new Error(`desk payment ${idempotencyKey} vanished in its own transaction`);
    const paid = keptOf(payments);
    return { payment: toPaymentView(recorded), total_price: price.amount, paid, balance_due: Math.max(0, price.amount - paid) };
  });
}
