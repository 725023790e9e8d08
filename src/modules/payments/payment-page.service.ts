import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Money } from '../../platform/money.ts';
import type { PaymentsContext } from './payments-context.ts';
import { confirmCharge } from './charges.service.ts';
import { cardExpired } from './payment-methods.service.ts';
import { paymentPageUrl, verifyPaymentPageToken } from './payment-page-link.ts';
import { isOpen } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow } from './payments.repository.ts';
import type { PaymentStatus } from './payments.tables.ts';
import { NotATestCardError, type SandboxProvider } from './sandbox-provider.ts';

/** What the hosted payment page shows about one payment. */
export interface PaymentPageView {
  pageUrl: string;
  status: PaymentStatus;
  /** Whether the customer can still pay here (open, and held by this deployment's provider). */
  payable: boolean;
  amount: Money;
  description: string | null;
  /** For Stripe.js in the page body (never in a URL); null with the sandbox, whose form posts to us. */
  clientSecret: string | null;
  /** 3-D Secure still to do: the page links to it. */
  nextActionUrl: string | null;
  /** Why the last attempt failed (`card_declined`, ...), when it did. */
  failureReason: string | null;
}

function toPageView(context: PaymentsContext, payment: PaymentRow): PaymentPageView {
  const payable = isOpen(payment.status) && payment.provider === context.provider.name;
  return {
    pageUrl: paymentPageUrl(context.publicUrl, context.pageKey, payment.tenant_id, payment.id),
    status: payment.status,
    payable,
    amount: { amount: payment.amount, currency: payment.currency },
    description: payment.description,
    clientSecret: payable && context.publishableKey !== null ? payment.client_secret : null,
    nextActionUrl: payment.status === 'requires_action' ? payment.next_action_url : null,
    failureReason: payment.status === 'failed' ? payment.failure_reason : null,
  };
}

/** The payment a page token names, or null for a forged token or a payment that does not exist. */
export async function loadPaymentPage(context: PaymentsContext, token: string): Promise<PaymentPageView | null> {
  const ids = verifyPaymentPageToken(context.pageKey, token);
  if (!ids) return null;
  const payment = await withTenant(context.db, ids.tenantId, (trx) => repo.findPayment(trx, ids.tenantId, ids.paymentId));
  return payment ? toPageView(context, payment) : null;
}

/** The sandbox page's form. Only ever parsed, checked and mapped to a test method: never stored, logged or echoed. */
const cardFormSchema = z.object({
  card_number: z.string().regex(/^[0-9 -]{12,23}$/),
  card_exp: z.string().regex(/^\s*(0?[1-9]|1[0-2])\s*\/\s*(\d{2}|\d{4})\s*$/),
  card_cvc: z.string().regex(/^\d{3,4}$/),
});

export type TestCardOutcome =
  | { kind: 'invalid'; message: string }
  | { kind: 'declined'; message: string }
  | { kind: 'closed' }
  | { kind: 'authenticate'; url: string }
  | { kind: 'done' };

const NOT_A_TEST_CARD =
  'This is a test payment page: only the sandbox test cards are accepted (4242 4242 4242 4242 pays, ' +
  '4000 0000 0000 0002 is declined, 4000 0027 6000 3184 asks for 3-D Secure).';

/**
 * The sandbox page's card form: the number must be one of the sandbox's test
 * cards, which stands for a named test method (`pm_card_visa`, ...); the open
 * payment is then confirmed with it exactly as `POST /payments/intent` with
 * `payment_method_id` would, with this page as the 3-D Secure return URL.
 */
export async function payWithTestCard(
  context: PaymentsContext,
  sandbox: SandboxProvider,
  token: string,
  form: unknown,
): Promise<TestCardOutcome | null> {
  const ids = verifyPaymentPageToken(context.pageKey, token);
  if (!ids) return null;
  const parsed = cardFormSchema.safeParse(form);
  if (!parsed.success) return { kind: 'invalid', message: 'Enter the card number, its expiry date (MM/YY) and its 3 or 4 digit security code.' };
  const [monthText = '', yearText = ''] = parsed.data.card_exp.split('/').map((part) => part.trim());
  const expMonth = Number(monthText);
  const expYear = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (cardExpired(expMonth, expYear, new Date())) return { kind: 'invalid', message: 'This card has expired.' };
  let method: string;
  try {
    method = sandbox.testMethodForCard({ number: parsed.data.card_number, expMonth, expYear, cvc: parsed.data.card_cvc });
  } catch (error) {
    if (error instanceof NotATestCardError) return { kind: 'invalid', message: NOT_A_TEST_CARD };
    throw error;
  }

  return withTenant(context.db, ids.tenantId, async (trx): Promise<TestCardOutcome | null> => {
    const payment = await repo.lockPayment(trx, ids.tenantId, ids.paymentId);
    if (!payment) return null;
    if (!isOpen(payment.status) || payment.provider !== sandbox.name || payment.status === 'processing') return { kind: 'closed' };
    let confirmed: PaymentRow;
    try {
      confirmed = await confirmCharge(context, trx, payment, {
        paymentMethodId: method,
        returnUrl: paymentPageUrl(context.publicUrl, context.pageKey, ids.tenantId, ids.paymentId),
        idempotencyKey: randomUUID(),
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'PAYMENT_FAILED') return { kind: 'declined', message: 'The card was refused. Try another card.' };
      throw error;
    }
    if (confirmed.status === 'failed') {
      return {
        kind: 'declined',
        message: confirmed.failure_reason === 'card_declined' ? 'The card was declined. Try another card.' : 'The payment failed. Try another card.',
      };
    }
    if (confirmed.status === 'requires_action' && confirmed.next_action_url) return { kind: 'authenticate', url: confirmed.next_action_url };
    return { kind: 'done' };
  });
}
