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
import type { CardProblem } from './payment-page.text.ts';
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
  /**
   * Where the customer goes on once the payment is settled: the return URL the payment was opened
   * with, or the product's own `/payments/return`, with the provider's `redirect_status` convention.
   */
  continueUrl: string;
}

function continueUrlOf(context: PaymentsContext, payment: PaymentRow, pageUrl: string): string {
  // Paying on this page makes the page its own 3-D Secure return: that is no place to go on to.
  const own = payment.return_url === null || payment.return_url.split('?')[0] === pageUrl;
  const url = new URL(own ? `${context.publicUrl.replace(/\/$/, '')}/payments/return` : (payment.return_url ?? ''));
  url.searchParams.set('payment_intent', payment.provider_payment_id ?? payment.id);
  url.searchParams.set('redirect_status', payment.status === 'succeeded' ? 'succeeded' : payment.status === 'processing' ? 'processing' : 'failed');
  return url.toString();
}

function toPageView(context: PaymentsContext, payment: PaymentRow): PaymentPageView {
  const payable = isOpen(payment.status) && payment.provider === context.provider.name;
  const pageUrl = paymentPageUrl(context.publicUrl, context.pageKey, payment.tenant_id, payment.id);
  return {
    pageUrl,
    status: payment.status,
    payable,
    amount: { amount: payment.amount, currency: payment.currency },
    description: payment.description,
    clientSecret: payable && context.publishableKey !== null ? payment.client_secret : null,
    nextActionUrl: payment.status === 'requires_action' ? payment.next_action_url : null,
    failureReason: payment.status === 'failed' ? payment.failure_reason : null,
    continueUrl: continueUrlOf(context, payment, pageUrl),
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
  | { kind: 'invalid'; problem: CardProblem }
  | { kind: 'declined'; problem: CardProblem }
  | { kind: 'closed' }
  | { kind: 'authenticate'; url: string }
  | { kind: 'done' };

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
  if (!parsed.success) return { kind: 'invalid', problem: 'incomplete' };
  const [monthText = '', yearText = ''] = parsed.data.card_exp.split('/').map((part) => part.trim());
  const expMonth = Number(monthText);
  const expYear = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (cardExpired(expMonth, expYear, new Date())) return { kind: 'invalid', problem: 'expired' };
  let method: string;
  try {
    method = sandbox.testMethodForCard({ number: parsed.data.card_number, expMonth, expYear, cvc: parsed.data.card_cvc });
  } catch (error) {
    if (error instanceof NotATestCardError) return { kind: 'invalid', problem: 'not_test_card' };
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
      if (error instanceof AppError && error.code === 'PAYMENT_FAILED') return { kind: 'declined', problem: 'refused' };
      throw error;
    }
    if (confirmed.status === 'failed') {
      return { kind: 'declined', problem: confirmed.failure_reason === 'card_declined' ? 'declined' : 'failed' };
    }
    if (confirmed.status === 'requires_action' && confirmed.next_action_url) return { kind: 'authenticate', url: confirmed.next_action_url };
    return { kind: 'done' };
  });
}
