import type { PaymentRow } from './payments.repository.ts';
import type { NextActionView } from './payments.schemas.ts';

/**
 * The customer's next step for a payment, in the API's one shape (see
 * `nextActionSchema`): both `POST /payments/intent` and the booking's
 * `payment.next_action` are built here. Only a payment waiting for the customer
 * (3-D Secure, status `requires_action`) has one.
 */
export function nextActionOf(payment: Pick<PaymentRow, 'status' | 'next_action_url' | 'return_url'>): NextActionView | null {
  if (payment.status !== 'requires_action' || payment.next_action_url === null) return null;
  return { type: 'redirect_to_url', redirect: { url: payment.next_action_url, return_url: payment.return_url } };
}
