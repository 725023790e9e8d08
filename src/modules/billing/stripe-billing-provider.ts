/**
 * Billing's provider on Stripe, through its official SDK, on the platform's own account (no Connect:
 * the platform is the merchant of its plans). Each business is one Stripe Customer (created once per
 * tenant, `reservehub_tenant_id` in its metadata) with a default card; an invoice of ours is charged
 * off-session by a PaymentIntent that carries the tenant and invoice, so its webhooks find the
 * invoice again. Invoices stay ours (numbers, tax, PDF): Stripe Billing's invoices and subscriptions
 * are not used. The owner changes the card on Stripe's hosted customer portal.
 */
import Stripe from 'stripe';
import { AppError } from '../../platform/http/errors.ts';
import { sdkEndpoint } from '../../platform/net/api-base.ts';
import type { BillingProvider, BillingProviderEvent, ChargeResult, DefaultMethod, RefundResult } from './billing-provider.ts';

export const TENANT_METADATA = 'reservehub_tenant_id';
export const INVOICE_METADATA = 'reservehub_invoice_id';
/** Oldest webhook signature accepted, in seconds (Stripe's own default, as payments uses). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface StripeBillingOptions {
  secretKey: string;
  /** Signing secret of the billing webhook endpoint (`/api/v1/webhooks/stripe/billing`); events are refused without it. */
  webhookSecret: string | undefined;
  /** Another API base (a local fake in tests): `http://127.0.0.1:12111`. */
  apiBase?: string | undefined;
  maxNetworkRetries?: number;
}

export function createStripeBillingProvider(options: StripeBillingOptions): BillingProvider {
  const stripe = new Stripe(options.secretKey, {
    // The SDK retries a lost answer with the same idempotency key: Stripe replays it, nothing is charged twice.
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 20_000,
    telemetry: false,
    ...(options.apiBase ? sdkEndpoint(options.apiBase) : {}),
  });

  async function ensureCustomer(input: { tenantId: string; customerId: string | null; email: string | null }): Promise<string> {
    if (input.customerId) return input.customerId;
    const customer = await call(() =>
      stripe.customers.create(
        { ...(input.email ? { email: input.email } : {}), metadata: { [TENANT_METADATA]: input.tenantId } },
        // One customer per business, even when two first attachments race or a rolled-back one is retried.
        { idempotencyKey: `billing-customer:${input.tenantId}` },
      ),
    );
    return customer.id;
  }

  return {
    name: 'stripe',

    async attachPaymentMethod({ tenantId, customerId, email, paymentMethod }) {
      const customer = await ensureCustomer({ tenantId, customerId, email });
      const method = await call(() => stripe.paymentMethods.attach(paymentMethod, { customer }, { idempotencyKey: `billing-attach:${customer}:${paymentMethod}` }));
      await call(() => stripe.customers.update(customer, { invoice_settings: { default_payment_method: method.id } }));
      return { brand: method.card?.brand ?? 'card', last4: method.card?.last4 ?? '····', customerId: customer };
    },

    async charge(input): Promise<ChargeResult> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            customer: input.customerId,
            payment_method: input.paymentMethod,
            allowed_payment_method_types: ['card'],
            confirm: true,
            off_session: true,
            description: input.description,
            metadata: { [TENANT_METADATA]: input.tenantId, [INVOICE_METADATA]: input.invoiceId },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (intent.status === 'succeeded') return { status: 'succeeded', paymentId: intent.id };
        // Off-session nobody can answer 3-D Secure: the owner pays from the dashboard, or changes the card.
        if (intent.status === 'requires_action') return { status: 'failed', paymentId: intent.id, failure: 'authentication_required' };
        return { status: 'failed', paymentId: intent.id, failure: failureOf(intent) ?? intent.status };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError) {
          return { status: 'failed', paymentId: error.payment_intent?.id ?? null, failure: error.decline_code ?? error.code ?? 'card_declined' };
        }
        // A card detached or deleted at Stripe: a failed attempt (dunning goes on), not an error to retry.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && (error.code === 'resource_missing' || error.param === 'payment_method')) {
          return { status: 'failed', paymentId: null, failure: 'invalid_payment_method' };
        }
        return rethrow(error);
      }
    },

    async refund(paymentRef, amount, currency, { idempotencyKey, reason }): Promise<RefundResult> {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: paymentRef, amount, metadata: reason ? { reason: reason.slice(0, 450) } : {} },
          { idempotencyKey },
        );
        if (refund.status === 'failed' || refund.status === 'canceled') {
          throw new AppError('PAYMENT_FAILED', 'The provider refused the refund', { reason: refund.failure_reason ?? 'refund_failed' });
        }
        return { id: refund.id, paymentRef, amount: refund.amount, currency: refund.currency.toUpperCase(), status: refund.status === 'succeeded' ? 'succeeded' : 'pending' };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          // Beyond what is left of the payment (or nothing left at all): the caller asked too much.
          if (error.param === 'amount' || error.code === 'charge_already_refunded') {
            throw new AppError('REFUND_EXCEEDS_PAYMENT', `Stripe refused to refund ${amount} ${currency} of ${paymentRef}: ${error.message}`, { refundable: null });
          }
          throw new AppError('PAYMENT_FAILED', 'The provider refused the refund', { reason: error.code ?? 'refund_failed' });
        }
        return rethrow(error);
      }
    },

    portal: {
      ensureCustomer,
      async session({ customerId, returnUrl }) {
        const session = await call(() => stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }));
        return { url: session.url };
      },
      async defaultMethod(customerId): Promise<DefaultMethod | null> {
        const customer = await call(() => stripe.customers.retrieve(customerId, { expand: ['invoice_settings.default_payment_method'] }));
        if (customer.deleted) return null;
        const method = customer.invoice_settings.default_payment_method;
        if (method === null || typeof method === 'string') return null;
        return { paymentMethod: method.id, brand: method.card?.brand ?? 'card', last4: method.card?.last4 ?? '····' };
      },
    },

    parseWebhook(rawBody, signature): BillingProviderEvent {
      if (!options.webhookSecret) throw new AppError('INVALID_SIGNATURE', 'Billing webhooks are not configured (STRIPE_BILLING_WEBHOOK_SECRET)');
      if (signature === undefined) throw new AppError('INVALID_SIGNATURE', 'Missing Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          throw new AppError('INVALID_SIGNATURE', 'Stripe-Signature does not verify (wrong secret, altered body or too old)');
        }
        throw new AppError('INVALID_SIGNATURE', 'The webhook body is not a Stripe event');
      }
      return toBillingEvent(event);
    },
  };
}

function toBillingEvent(event: Stripe.Event): BillingProviderEvent {
  const object = event.data.object;
  if ((event.type === 'payment_intent.succeeded' || event.type === 'payment_intent.payment_failed') && object.object === 'payment_intent') {
    const tenantId = object.metadata[TENANT_METADATA];
    const invoiceId = object.metadata[INVOICE_METADATA];
    // Customers' booking payments go through the same account: they carry no invoice of ours.
    if (tenantId && invoiceId) {
      const paid = event.type === 'payment_intent.succeeded';
      return { kind: paid ? 'invoice.paid' : 'invoice.payment_failed', id: event.id, tenantId, invoiceId, paymentId: object.id, failure: paid ? null : (failureOf(object) ?? 'card_declined') };
    }
  }
  if (event.type === 'customer.updated' && object.object === 'customer') {
    const tenantId = object.metadata[TENANT_METADATA];
    if (tenantId) return { kind: 'customer.updated', id: event.id, tenantId, customerId: object.id };
  }
  return { kind: 'ignored', id: event.id, type: event.type };
}

function failureOf(intent: Stripe.PaymentIntent): string | null {
  const error = intent.last_payment_error;
  return error ? (error.decline_code ?? error.code ?? 'payment_failed') : null;
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return rethrow(error);
  }
}

/** Stripe's errors as the billing contract says them: a refusal is 402 PAYMENT_FAILED with its reason, an outage 503. */
function rethrow(error: unknown): never {
  if (error instanceof Stripe.errors.StripeCardError) {
    throw new AppError('PAYMENT_FAILED', error.message || 'The card was declined', { reason: error.decline_code ?? error.code ?? 'card_declined' });
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && (error.code === 'resource_missing' || error.param === 'payment_method')) {
    throw new AppError('PAYMENT_FAILED', 'The payment method is not valid for this payment', { reason: 'invalid_payment_method' });
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    throw new AppError('SERVICE_UNAVAILABLE', 'Stripe is unavailable; try again in a moment', { reason: 'provider_unavailable' });
  }
  throw error;
}
