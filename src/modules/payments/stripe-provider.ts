import Stripe from 'stripe';
import { sdkEndpoint } from '../../platform/net/api-base.ts';
import { SIGNATURE_TOLERANCE_SECONDS } from './webhook-signature.ts';
import { stripeConnect, TENANT_METADATA, toAccount } from './stripe-connect.ts';
import { call, rethrow } from './stripe-errors.ts';
import {
  headerValue,
  PAYMENT_ID_METADATA,
  WebhookSignatureError,
  ProviderRequestError,
  type ConfirmIntentInput,
  type CreateIntentInput,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderIntent,
  type ProviderPaymentMethod,
  type ProviderRefund,
  type RefundInput,
  type WebhookHeaders,
} from './payment-provider.ts';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /**
   * Signing secret of the Connect webhook endpoint (events of connected accounts,
   * such as `account.updated`), when it is a separate endpoint in Stripe with its own secret.
   */
  connectWebhookSecret?: string | undefined;
  /** Another API base (a local fake in tests, a proxy): `http://127.0.0.1:12111`. */
  apiBase?: string | undefined;
  /** Where Stripe sends the customer back after 3-D Secure when the caller gives no return URL. */
  defaultReturnUrl: string;
  maxNetworkRetries?: number;
  timeoutMs?: number;
}


/**
 * Stripe through its official SDK: PaymentIntents (3-D Secure as a redirect
 * next action), refunds, Customers with saved payment methods for off-session
 * charges, Connect (Express-style connected accounts, hosted onboarding,
 * destination charges on behalf of the business with the platform's
 * application fee), and `Stripe-Signature` verification of webhooks (300 s
 * tolerance; the platform and the Connect endpoint secrets are both accepted).
 */
export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    ...(options.apiBase ? sdkEndpoint(options.apiBase) : {}),
  });

  return {
    name: 'stripe',

    async createIntent(input: CreateIntentInput): Promise<ProviderIntent> {
      const params: Stripe.PaymentIntentCreateParams = {
        amount: input.amount.amount,
        currency: input.amount.currency.toLowerCase(),
        description: input.description,
        metadata: input.metadata,
        allowed_payment_method_types: ['card'],
        confirm: input.confirm,
        ...(input.paymentMethod ? { payment_method: input.paymentMethod } : {}),
        ...(input.customer ? { customer: input.customer } : {}),
        ...(input.savePaymentMethod && !input.offSession ? { setup_future_usage: 'off_session' as const } : {}),
        ...(input.offSession ? { off_session: true } : {}),
        ...(input.confirm && !input.offSession ? { return_url: input.returnUrl ?? options.defaultReturnUrl } : {}),
        // Destination charge: the business is the merchant of record (its name on the customer's statement,
        // its country's card fees and settlement), the money goes to its account minus the platform fee.
        ...(input.connectedAccount
          ? {
              application_fee_amount: input.applicationFee,
              transfer_data: { destination: input.connectedAccount },
              on_behalf_of: input.connectedAccount,
            }
          : {}),
      };
      return intentCall(() => stripe.paymentIntents.create(params, { idempotencyKey: input.idempotencyKey }));
    },

    async confirmIntent(input: ConfirmIntentInput): Promise<ProviderIntent> {
      return intentCall(() =>
        stripe.paymentIntents.confirm(
          input.intentId,
          { payment_method: input.paymentMethod, return_url: input.returnUrl ?? options.defaultReturnUrl },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
    },

    async retrieveIntent(intentId: string): Promise<ProviderIntent> {
      return call(async () => toIntent(await stripe.paymentIntents.retrieve(intentId)));
    },

    async cancelIntent(intentId: string, idempotencyKey: string): Promise<ProviderIntent> {
      try {
        return toIntent(await stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey }));
      } catch (error) {
        // Cancelling an intent that already succeeded (or is being processed) is refused: report its real state.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state') {
          return call(async () => toIntent(await stripe.paymentIntents.retrieve(intentId)));
        }
        return rethrow(error);
      }
    },

    async refund(input: RefundInput): Promise<ProviderRefund> {
      return call(async () =>
        toRefund(
          await stripe.refunds.create(
            {
              payment_intent: input.intentId,
              amount: input.amount.amount,
              metadata: { ...input.metadata, reason: input.reason.slice(0, 450) },
              // A destination charge's fee goes back in proportion, and the transfer is reversed.
              ...(input.connected ? { refund_application_fee: true, reverse_transfer: true } : {}),
            },
            { idempotencyKey: input.idempotencyKey },
          ),
        ),
      );
    },

    async createCustomer(input) {
      return call(async () => {
        const customer = await stripe.customers.create(
          { metadata: { reservehub_customer_id: input.reference } },
          { idempotencyKey: input.idempotencyKey },
        );
        return { id: customer.id };
      });
    },

    async attachPaymentMethod(input): Promise<ProviderPaymentMethod> {
      return call(async () =>
        toPaymentMethod(
          await stripe.paymentMethods.attach(
            input.paymentMethod,
            { customer: input.customer },
            { idempotencyKey: input.idempotencyKey },
          ),
        ),
      );
    },

    async deleteCustomer(input): Promise<void> {
      try {
        await stripe.customers.del(input.customer);
      } catch (error) {
        // Deleted already (or never created in this account): what was asked holds.
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return;
        if (error instanceof Stripe.errors.StripePermissionError || error instanceof Stripe.errors.StripeAuthenticationError) {
          throw new ProviderRequestError(error.code ?? error.type, error.message, null);
        }
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          throw new ProviderRequestError(error.code ?? error.type, error.message, error.param ?? null);
        }
        rethrow(error);
      }
    },

    async detachPaymentMethod(input): Promise<void> {
      try {
        await stripe.paymentMethods.detach(input.paymentMethod);
      } catch (error) {
        if (await isDetachedAlready(stripe, input.paymentMethod, error)) return;
        if (
          error instanceof Stripe.errors.StripeInvalidRequestError ||
          error instanceof Stripe.errors.StripePermissionError ||
          error instanceof Stripe.errors.StripeAuthenticationError
        ) {
          throw new ProviderRequestError(error.code ?? error.type, error.message, error.param ?? null);
        }
        rethrow(error);
      }
    },

    async parseWebhook(rawBody: string, headers: WebhookHeaders): Promise<ProviderEvent> {
      const signature = headerValue(headers, 'stripe-signature');
      if (signature === undefined) throw new WebhookSignatureError('Missing Stripe-Signature header');
      const secrets = [options.webhookSecret, ...(options.connectWebhookSecret ? [options.connectWebhookSecret] : [])];
      let failure: unknown = null;
      for (const secret of secrets) {
        try {
          return toProviderEvent(stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS));
        } catch (error) {
          failure = error;
        }
      }
      if (failure instanceof Stripe.errors.StripeSignatureVerificationError) {
        throw new WebhookSignatureError('Stripe-Signature does not verify (wrong secret, altered body or too old)');
      }
      throw new WebhookSignatureError('The webhook body is not a Stripe event');
    },

    connect: stripeConnect(stripe),
  };
}

/**
 * Whether a refused detach means the method is detached already: Stripe answers
 * `resource_missing` for a method it does not know, and refuses (without a
 * specific code) to detach one attached to no customer — a second removal, or
 * one detached in Stripe's dashboard. The method itself says which it is.
 */
async function isDetachedAlready(stripe: Stripe, paymentMethod: string, error: unknown): Promise<boolean> {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return false;
  if (error.code === 'resource_missing') return true;
  try {
    return (await stripe.paymentMethods.retrieve(paymentMethod)).customer === null;
  } catch {
    // Not known either way: the detach's own error is what the caller hears.
    return false;
  }
}

const INTENT_EVENTS: Record<string, Exclude<ProviderEvent['kind'], 'ignored' | 'account.updated' | `refund.${string}`>> = {
  'payment_intent.succeeded': 'intent.succeeded',
  'payment_intent.payment_failed': 'intent.failed',
  'payment_intent.processing': 'intent.processing',
  'payment_intent.requires_action': 'intent.requires_action',
  'payment_intent.canceled': 'intent.canceled',
};

function toProviderEvent(event: Stripe.Event): ProviderEvent {
  const object = event.data.object;
  if (event.type === 'account.updated' && object.object === 'account') {
    return {
      id: event.id,
      kind: 'account.updated',
      providerType: event.type,
      account: toAccount(object),
      occurredAt: new Date(event.created * 1000),
      ours: typeof object.metadata?.[TENANT_METADATA] === 'string',
    };
  }
  const intentKind = INTENT_EVENTS[event.type];
  if (intentKind && object.object === 'payment_intent') {
    return {
      id: event.id,
      kind: intentKind,
      providerType: event.type,
      intent: toIntent(object),
      ours: typeof object.metadata?.[PAYMENT_ID_METADATA] === 'string',
    };
  }
  if (object.object === 'refund' && (event.type === 'refund.updated' || event.type === 'refund.failed' || event.type === 'refund.created')) {
    const refund = toRefund(object);
    return {
      id: event.id,
      kind: refund.status === 'succeeded' ? 'refund.succeeded' : refund.status === 'failed' ? 'refund.failed' : 'refund.pending',
      providerType: event.type,
      refund,
      intentId: typeof object.payment_intent === 'string' ? object.payment_intent : (object.payment_intent?.id ?? null),
      ours: typeof object.metadata?.[PAYMENT_ID_METADATA] === 'string',
    };
  }
  return { id: event.id, kind: 'ignored', providerType: event.type, ours: false };
}

function toIntent(intent: Stripe.PaymentIntent): ProviderIntent {
  const error = intent.last_payment_error;
  const redirect = intent.next_action?.redirect_to_url?.url;
  return {
    id: intent.id,
    status: intentStatus(intent.status),
    amount: { amount: intent.amount, currency: intent.currency.toUpperCase() },
    clientSecret: intent.client_secret,
    nextAction: intent.status === 'requires_action' && redirect ? { type: 'redirect_to_url', url: redirect } : null,
    paymentMethod: typeof intent.payment_method === 'string' ? intent.payment_method : (intent.payment_method?.id ?? null),
    customer: typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null),
    failure: error ? { code: error.decline_code ?? error.code ?? 'payment_failed', message: error.message ?? 'The payment failed' } : null,
  };
}

function intentStatus(status: string): ProviderIntent['status'] {
  switch (status) {
    case 'requires_payment_method':
    case 'requires_confirmation':
    case 'requires_action':
    case 'succeeded':
    case 'canceled':
      return status;
    default:
      // `processing`, `requires_capture` and statuses newer than this code: not final yet, reconciliation looks again.
      return 'processing';
  }
}

function toRefund(refund: Stripe.Refund): ProviderRefund {
  const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending';
  return {
    id: refund.id,
    status,
    amount: { amount: refund.amount, currency: refund.currency.toUpperCase() },
    failureReason: refund.failure_reason ?? null,
  };
}

function toPaymentMethod(method: Stripe.PaymentMethod): ProviderPaymentMethod {
  return {
    id: method.id,
    brand: method.card?.brand ?? null,
    last4: method.card?.last4 ?? null,
    expMonth: method.card?.exp_month ?? null,
    expYear: method.card?.exp_year ?? null,
  };
}

/**
 * Runs an SDK call that confirms an intent. A decline is not an exception in the
 * provider contract: the intent exists, back in `requires_payment_method` with
 * its `failure`, and the caller records the failed attempt.
 */
async function intentCall(work: () => Promise<Stripe.PaymentIntent>): Promise<ProviderIntent> {
  try {
    return toIntent(await work());
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
      const intent = toIntent(error.payment_intent);
      return intent.failure ? intent : { ...intent, failure: { code: error.decline_code ?? error.code ?? 'card_declined', message: error.message } };
    }
    return rethrow(error);
  }
}
