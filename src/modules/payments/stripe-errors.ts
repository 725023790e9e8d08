import Stripe from 'stripe';
import { PaymentDeclinedError, ProviderUnavailableError } from './payment-provider.ts';

/** Runs an SDK call, turning Stripe's errors into the provider-neutral ones. */
export async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return rethrow(error);
  }
}

export function rethrow(error: unknown): never {
  if (error instanceof Stripe.errors.StripeCardError) {
    // A decline during confirmation: the intent exists, in requires_payment_method with the error.
    throw new PaymentDeclinedError(error.decline_code ?? error.code ?? 'card_declined', error.message);
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && (error.code === 'resource_missing' || error.param === 'payment_method')) {
    throw new PaymentDeclinedError('invalid_payment_method', 'The payment method is not valid for this payment');
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    throw new ProviderUnavailableError('Stripe is unavailable; retry with the same idempotency key', { cause: error });
  }
  throw error;
}
