/**
 * Where the platform's money for plans is collected. The billing module owns the subscription's
 * lifecycle, the invoices and their numbers; a provider only keeps the business's payment method
 * and charges an invoice's total off-session. Stripe does it in production (stripe-billing-provider.ts);
 * the sandbox does it in-process with Stripe's named test payment methods, so every flow runs locally.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/http/errors.ts';

export interface AttachedMethod {
  brand: string;
  last4: string;
  customerId: string;
}

export type ChargeResult = { status: 'succeeded'; paymentId: string } | { status: 'failed'; paymentId: string | null; failure: string };

/** A refund as the provider made it (Stripe's Refund: `re_…`, of a payment, in its currency). */
export interface RefundResult {
  id: string;
  paymentRef: string;
  amount: number;
  currency: string;
  /** Stripe answers `pending` for methods that settle later; either way the money is on its way back. */
  status: 'succeeded' | 'pending';
}

/**
 * A provider's event billing acts on, once its signature held: an invoice's charge settled or failed
 * (found by the tenant and invoice the charge carried), the customer's default payment method changed
 * at the provider (Stripe's customer portal), or anything else, acknowledged and ignored.
 */
export type BillingProviderEvent =
  | { kind: 'invoice.paid' | 'invoice.payment_failed'; id: string; tenantId: string; invoiceId: string; paymentId: string; failure: string | null }
  | { kind: 'customer.updated'; id: string; tenantId: string; customerId: string }
  | { kind: 'ignored'; id: string; type: string };

/** The payment method a customer is charged to at the provider now (the portal may have changed it). */
export interface DefaultMethod {
  paymentMethod: string;
  brand: string;
  last4: string;
}

export interface BillingProvider {
  readonly name: 'sandbox' | 'stripe';
  /** Saves `paymentMethod` for the business (refused with 402 PAYMENT_FAILED when the provider refuses it). */
  attachPaymentMethod(input: { tenantId: string; customerId: string | null; email: string | null; paymentMethod: string }): Promise<AttachedMethod>;
  /** Charges an invoice's total off-session; the idempotency key is the invoice and attempt, so a retried call charges once. */
  charge(input: {
    tenantId: string;
    /** Travels with the charge (Stripe: metadata), so the provider's later events find the invoice. */
    invoiceId: string;
    customerId: string;
    paymentMethod: string;
    amount: number;
    currency: string;
    idempotencyKey: string;
    description: string;
  }): Promise<ChargeResult>;
  /**
   * Gives back `amount` minor units of a payment (`paymentRef`: the charge's payment id), like Stripe's
   * `POST /v1/refunds` with `payment_intent` and `amount`. Refused (AppError REFUND_EXCEEDS_PAYMENT) beyond
   * what was charged and not yet refunded, or PAYMENT_FAILED when the provider will not refund the payment.
   * The idempotency key makes a retried call refund once.
   */
  refund(paymentRef: string, amount: number, currency: string, options: { idempotencyKey: string; reason?: string }): Promise<RefundResult>;
  /**
   * Hosted pages of the provider where the owner changes the card (Stripe's customer portal), creating the
   * business's customer first when it has none. Absent in the sandbox: its test methods are chosen in the dashboard.
   */
  portal?: {
    ensureCustomer(input: { tenantId: string; customerId: string | null; email: string | null }): Promise<string>;
    session(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
    /** The customer's default payment method as the provider has it now, or null without one. */
    defaultMethod(customerId: string): Promise<DefaultMethod | null>;
  };
  /**
   * Verifies a webhook on its raw body (throws AppError INVALID_SIGNATURE) and says what it is about.
   * Absent in the sandbox, which charges in-process and sends no events.
   */
  parseWebhook?(rawBody: string, signature: string | undefined): BillingProviderEvent;
}

type Behaviour = 'succeed' | 'decline' | 'fail_later' | 'refund_fails';

/**
 * Stripe's named test payment methods: a card that works, one refused when saved,
 * `pm_card_chargeCustomerFail`, which saves but declines every charge (a renewal that fails), and
 * `pm_card_refundFail`, whose charges succeed but whose refunds are refused.
 */
const SANDBOX_METHODS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; last4: string }> = new Map([
  ['pm_card_visa', { behaviour: 'succeed', brand: 'visa', last4: '4242' }],
  ['pm_card_mastercard', { behaviour: 'succeed', brand: 'mastercard', last4: '4444' }],
  ['pm_card_chargeDeclined', { behaviour: 'decline', brand: 'visa', last4: '0002' }],
  ['pm_card_chargeCustomerFail', { behaviour: 'fail_later', brand: 'visa', last4: '0341' }],
  ['pm_card_refundFail', { behaviour: 'refund_fails', brand: 'visa', last4: '5126' }],
]);

export const SANDBOX_PAYMENT_METHODS = [...SANDBOX_METHODS.keys()];

/** What the sandbox charged, by payment id: refunds are checked against it. */
interface SandboxPayment {
  amount: number;
  currency: string;
  refunded: number;
  refundable: boolean;
}

export function createSandboxBillingProvider(): BillingProvider {
  const charged = new Map<string, ChargeResult>();
  const payments = new Map<string, SandboxPayment>();
  const refunds = new Map<string, RefundResult>();
  return {
    name: 'sandbox',
    async attachPaymentMethod({ tenantId, customerId, paymentMethod }) {
      const method = SANDBOX_METHODS.get(paymentMethod);
      if (!method) {
        throw new AppError('VALIDATION_ERROR', `The sandbox accepts only its test payment methods: ${SANDBOX_PAYMENT_METHODS.join(', ')}`, [
          { field: 'payment_method', message: 'not a sandbox test payment method' },
        ]);
      }
      if (method.behaviour === 'decline') throw new AppError('PAYMENT_FAILED', 'The card was declined', { reason: 'card_declined' });
      return { brand: method.brand, last4: method.last4, customerId: customerId ?? `cus_sbx_${tenantId.replaceAll('-', '').slice(0, 24)}` };
    },
    async charge({ paymentMethod, idempotencyKey, amount, currency }) {
      const earlier = charged.get(idempotencyKey);
      if (earlier) return earlier;
      const behaviour = SANDBOX_METHODS.get(paymentMethod)?.behaviour;
      const succeeds = behaviour === 'succeed' || behaviour === 'refund_fails';
      const result: ChargeResult = succeeds ? { status: 'succeeded', paymentId: `py_sbx_${randomUUID()}` } : { status: 'failed', paymentId: null, failure: 'card_declined' };
      if (result.status === 'succeeded') payments.set(result.paymentId, { amount, currency, refunded: 0, refundable: behaviour === 'succeed' });
      charged.set(idempotencyKey, result);
      return result;
    },
    async refund(paymentRef, amount, currency, { idempotencyKey }) {
      const earlier = refunds.get(idempotencyKey);
      if (earlier) return earlier;
      const payment = payments.get(paymentRef);
      // The sandbox keeps its payments in memory: one charged before this process started is unknown to it.
      if (!payment) throw new AppError('PAYMENT_FAILED', `The provider has no payment ${paymentRef} to refund`, { reason: 'payment_unknown' });
      if (!payment.refundable) throw new AppError('PAYMENT_FAILED', 'The provider refused the refund', { reason: 'refund_failed' });
      if (currency !== payment.currency) throw new AppError('VALIDATION_ERROR', `Payment ${paymentRef} was charged in ${payment.currency}, not ${currency}`, [{ field: 'currency', message: 'not the payment currency' }]);
      const left = payment.amount - payment.refunded;
      if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
        throw new AppError('REFUND_EXCEEDS_PAYMENT', `Payment ${paymentRef} has ${left} ${currency} minor units left to refund`, { refundable: left });
      }
      payment.refunded += amount;
      const result: RefundResult = { id: `re_sbx_${randomUUID()}`, paymentRef, amount, currency, status: 'succeeded' };
      refunds.set(idempotencyKey, result);
      return result;
    },
  };
}
