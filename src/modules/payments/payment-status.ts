import type { ProviderIntent } from './payment-provider.ts';
import type { PaymentStatus } from './payments.tables.ts';

/** What an intent's provider-side state means for our payment. */
export type IntentOutcome = 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

/** A declined attempt leaves a Stripe intent in `requires_payment_method` with an error: for us it failed. */
export function outcomeOfIntent(intent: Pick<ProviderIntent, 'status' | 'failure'>): IntentOutcome {
  switch (intent.status) {
    case 'requires_payment_method':
      return intent.failure ? 'failed' : 'requires_payment_method';
    case 'requires_confirmation':
      return 'requires_payment_method';
    case 'requires_action':
      return 'requires_action';
    case 'processing':
      return 'processing';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'cancelled';
  }
}

/**
 * - `none`: nothing changes (a repeated or stale report);
 * - `moved`: the status changes without anything to announce;
 * - `succeeded` / `failed`: announce `payment.succeeded` / `payment.failed`;
 * - `late_success`: money arrived for a payment we had cancelled (its booking
 *   expired): keep nothing, refund it in full.
 */
export type TransitionEffect = 'none' | 'moved' | 'succeeded' | 'failed' | 'late_success';

export interface Transition {
  next: PaymentStatus;
  effect: TransitionEffect;
}

const OPEN: ReadonlySet<PaymentStatus> = new Set(['requires_payment_method', 'requires_action', 'processing', 'failed']);
const SETTLED: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'refunded', 'partially_refunded']);

/**
 * How a report about the intent moves our payment. Reports may arrive twice, late
 * or out of order (webhooks, the synchronous answer, reconciliation), so the
 * rules only move forward: once money is settled no report undoes it, a stale
 * "requires action" never overrides "processing", and success after our own
 * cancellation is refunded rather than silently kept or lost.
 */
export function transitionFor(current: PaymentStatus, outcome: IntentOutcome): Transition {
  const stay: Transition = { next: current, effect: 'none' };
  if (SETTLED.has(current)) return stay;
  if (current === 'cancelled') return outcome === 'succeeded' ? { next: 'succeeded', effect: 'late_success' } : stay;
  if (!OPEN.has(current)) return stay;
  switch (outcome) {
    case 'succeeded':
      return { next: 'succeeded', effect: 'succeeded' };
    case 'failed':
      return current === 'failed' ? stay : { next: 'failed', effect: 'failed' };
    case 'cancelled':
      return { next: 'cancelled', effect: 'moved' };
    case 'processing':
      return current === 'processing' ? stay : { next: 'processing', effect: 'moved' };
    case 'requires_action':
      return current === 'processing' || current === 'requires_action' ? stay : { next: 'requires_action', effect: 'moved' };
    case 'requires_payment_method':
      // The customer is asked for a (new) method: nothing we hold changes.
      return stay;
  }
}

/** Status of a settled payment from what has been refunded (pending refunds count as not yet returned). */
export function statusAfterRefunds(amount: number, refundedSucceeded: number): PaymentStatus {
  if (refundedSucceeded <= 0) return 'succeeded';
  return refundedSucceeded >= amount ? 'refunded' : 'partially_refunded';
}

/** Whether money was collected on a payment in this status (refundable, counts as paid). */
export function isSettled(status: PaymentStatus): boolean {
  return SETTLED.has(status);
}

/** Whether the intent may still be confirmed or cancelled. */
export function isOpen(status: PaymentStatus): boolean {
  return OPEN.has(status);
}
