/**
 * Where the platform's money for plans is collected. The billing module owns the subscription's
 * lifecycle, the invoices and their numbers; a provider only keeps the business's payment method
 * and charges an invoice's total off-session. The sandbox does it in-process with Stripe's named
 * test payment methods, so every flow runs locally.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/http/errors.ts';

export interface AttachedMethod {
  brand: string;
  last4: string;
  customerId: string;
}

export type ChargeResult = { status: 'succeeded'; paymentId: string } | { status: 'failed'; paymentId: string | null; failure: string };

export interface BillingProvider {
  readonly name: 'sandbox' | 'stripe';
  /** Saves `paymentMethod` for the business (refused with 402 PAYMENT_FAILED when the provider refuses it). */
  attachPaymentMethod(input: { tenantId: string; customerId: string | null; email: string | null; paymentMethod: string }): Promise<AttachedMethod>;
  /** Charges an invoice's total off-session; the idempotency key is the invoice and attempt, so a retried call charges once. */
  charge(input: { customerId: string; paymentMethod: string; amount: number; currency: string; idempotencyKey: string; description: string }): Promise<ChargeResult>;
}

type Behaviour = 'succeed' | 'decline' | 'fail_later';

/**
 * Stripe's named test payment methods: a card that works, one refused when saved, and
 * `pm_card_chargeCustomerFail`, which saves but declines every charge (a renewal that fails).
 */
const SANDBOX_METHODS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; last4: string }> = new Map([
  ['pm_card_visa', { behaviour: 'succeed', brand: 'visa', last4: '4242' }],
  ['pm_card_mastercard', { behaviour: 'succeed', brand: 'mastercard', last4: '4444' }],
  ['pm_card_chargeDeclined', { behaviour: 'decline', brand: 'visa', last4: '0002' }],
  ['pm_card_chargeCustomerFail', { behaviour: 'fail_later', brand: 'visa', last4: '0341' }],
]);

export const SANDBOX_PAYMENT_METHODS = [...SANDBOX_METHODS.keys()];

export function createSandboxBillingProvider(): BillingProvider {
  const charged = new Map<string, ChargeResult>();
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
    async charge({ paymentMethod, idempotencyKey }) {
      const earlier = charged.get(idempotencyKey);
      if (earlier) return earlier;
      const behaviour = SANDBOX_METHODS.get(paymentMethod)?.behaviour;
      const result: ChargeResult =
        behaviour === 'succeed' ? { status: 'succeeded', paymentId: `py_sbx_${randomUUID()}` } : { status: 'failed', paymentId: null, failure: 'card_declined' };
      charged.set(idempotencyKey, result);
      return result;
    },
  };
}
