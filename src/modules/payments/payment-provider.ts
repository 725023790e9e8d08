import type { Money } from '../../platform/money.ts';

/**
 * What ReserveHub needs from a payment service provider, in provider-neutral
 * terms. Shaped so that Stripe (PaymentIntents), Adyen (/payments with an
 * `action`, stored payment methods by shopper reference, HMAC-signed
 * notifications) and PayPal (Orders with an approval link, vaulted payment
 * tokens, webhooks verified by an API call — hence `parseWebhook` is async)
 * each map onto it without leaking their own vocabulary:
 *
 * - an *intent* is one attempt to collect one amount (Stripe PaymentIntent,
 *   Adyen payment/pspReference, PayPal Order);
 * - a customer action is always a redirect URL (3-D Secure, PayPal approval,
 *   Adyen redirect action);
 * - a *customer* is the provider's holder of saved methods (Stripe Customer,
 *   Adyen shopperReference, PayPal vault customer);
 * - every call that creates or moves money carries our idempotency key, which
 *   the provider uses to de-duplicate retries (Stripe `Idempotency-Key`,
 *   Adyen `Idempotency-Key`, PayPal `PayPal-Request-Id`).
 */
export interface PaymentProvider {
  /** Stable name used in URLs (`/payments/webhooks/{name}`) and stored on payments. */
  readonly name: string;
  createIntent(input: CreateIntentInput): Promise<ProviderIntent>;
  /** Confirms an intent with a payment method (the customer chose or changed the card). */
  confirmIntent(input: ConfirmIntentInput): Promise<ProviderIntent>;
  retrieveIntent(intentId: string): Promise<ProviderIntent>;
  /** Cancels an unpaid intent. An intent that already succeeded is returned as it is (status `succeeded`). */
  cancelIntent(intentId: string, idempotencyKey: string): Promise<ProviderIntent>;
  refund(input: RefundInput): Promise<ProviderRefund>;
  /** Creates the provider's customer, under which payment methods are saved for reuse (off-session charges). */
  createCustomer(input: { reference: string; idempotencyKey: string }): Promise<{ id: string }>;
  /** Saves a payment method under a provider customer so it can be charged later without the customer. */
  attachPaymentMethod(input: { paymentMethod: string; customer: string; idempotencyKey: string }): Promise<ProviderPaymentMethod>;
  /**
   * Detaches a saved payment method from its provider customer, for good: it can no longer be
   * charged, nor attached again (Stripe `paymentMethods.detach`). Idempotent: a method already
   * detached, never attached, or unknown to the provider counts as detached. Throws
   * `ProviderUnavailableError` when the provider cannot be reached and `ProviderRequestError`
   * when it refuses; the caller then keeps its record, so the removal can be retried.
   */
  detachPaymentMethod(input: { paymentMethod: string; customer: string | null }): Promise<void>;
  /**
   * Deletes the provider's customer (Stripe `customers.del`): its saved methods are detached
   * and nothing can be charged to it again; the customer's erasure asks for it. Idempotent: a
   * customer already deleted or unknown counts as deleted. Throws like `detachPaymentMethod`.
   */
  deleteCustomer(input: { customer: string }): Promise<void>;
  /**
   * Turns a raw card into a payment method token. Only test providers implement
   * it: in live mode card numbers never reach our servers (PCI scope), the
   * browser hands them to the provider's own fields.
   */
  tokenizeTestCard?(card: TestCard): ProviderPaymentMethod;
  /**
   * Verifies the signature of a webhook on its raw body and returns the event in
   * our vocabulary. Throws `WebhookSignatureError` when it is not authentic or too old.
   */
  parseWebhook(rawBody: string, headers: WebhookHeaders): Promise<ProviderEvent>;
  /** Marketplace accounts of the businesses; absent on a provider without them. */
  readonly connect?: ConnectedAccounts;
}

/**
 * The business's own account at the provider, which receives its customers'
 * money minus the platform's fee (Stripe Connect connected account, Adyen
 * balance-platform account holder, PayPal partner-referred merchant). Each is
 * created by the platform and completed by the business on the provider's
 * hosted onboarding pages, so no identity or bank data passes through us.
 */
export interface ConnectedAccounts {
  createAccount(input: CreateAccountInput): Promise<ProviderAccount>;
  /**
   * The account's current state, or null when the provider keeps no state to
   * report beyond the events it sent (the stateless sandbox).
   */
  retrieveAccount(accountId: string): Promise<ProviderAccount | null>;
  /** A single-use link to the provider's hosted onboarding for the account. */
  createOnboardingLink(input: OnboardingLinkInput): Promise<{ url: string; expiresAt: Date }>;
}

export interface CreateAccountInput {
  /** Our tenant id, stored on the account (metadata) to recognise its events; never personal data. */
  tenantId: string;
  /** ISO 3166-1 alpha-2; omitted: the provider's default (the platform's country). */
  country?: string | undefined;
  idempotencyKey: string;
}

export interface OnboardingLinkInput {
  accountId: string;
  /** Where the provider sends the business back when onboarding ends (finished or not). */
  returnUrl: string;
  /** Where the provider sends the business when the link expired or was used: ask for a new link there. */
  refreshUrl: string;
}

/** What the platform needs to know about a business's account, normalised. */
export interface ProviderAccount {
  id: string;
  /** The account may take charges (card payments capability active): destination charges may go to it. */
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  /** The business finished the onboarding form (it may still be under review). */
  detailsSubmitted: boolean;
  /** Requirement keys the business must still provide (provider vocabulary, for display). */
  requirementsDue: string[];
  /** Why the account cannot take charges, when it cannot (`requirements.past_due`, `under_review`, ...). */
  disabledReason: string | null;
}

/** The metadata key that marks a provider object as ours (and links it to our payment). */
export const PAYMENT_ID_METADATA = 'reservehub_payment_id';

export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The provider-side state of an intent, normalised. */
export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'succeeded'
  | 'canceled';

export interface NextAction {
  type: 'redirect_to_url';
  url: string;
}

export interface ProviderIntent {
  id: string;
  status: IntentStatus;
  amount: Money;
  clientSecret: string | null;
  nextAction: NextAction | null;
  paymentMethod: string | null;
  customer: string | null;
  /** Why the last attempt failed (a decline), when it did. Never card data. */
  failure: { code: string; message: string } | null;
}

export interface CreateIntentInput {
  amount: Money;
  description: string;
  /** Our ids (tenant, booking, payment) echoed back in webhooks; never personal data. */
  metadata: Record<string, string>;
  idempotencyKey: string;
  paymentMethod?: string | undefined;
  /** Confirm at once (charge now) rather than leave the intent for the browser to confirm. */
  confirm: boolean;
  customer?: string | undefined;
  /** Save the method on the customer for later off-session use (no-show fees). */
  savePaymentMethod?: boolean | undefined;
  /** Charge a saved method without the customer present (no 3-D Secure possible). */
  offSession?: boolean | undefined;
  returnUrl?: string | undefined;
  /** The platform's commission, in minor units of `amount.currency`. */
  applicationFee: number;
  /** The business's connected account (Stripe Connect); null charges the platform account. */
  connectedAccount: string | null;
}

export interface ConfirmIntentInput {
  intentId: string;
  paymentMethod: string;
  returnUrl?: string | undefined;
  idempotencyKey: string;
}

export interface RefundInput {
  intentId: string;
  amount: Money;
  reason: string;
  /** The charge went to a connected account: take back the transfer and the platform fee in proportion. */
  connected: boolean;
  metadata: Record<string, string>;
  idempotencyKey: string;
}

export interface ProviderRefund {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  failureReason: string | null;
}

export interface ProviderPaymentMethod {
  id: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

export interface TestCard {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** A provider event in our vocabulary; `kind: 'ignored'` for types we do not act on. */
export type ProviderEvent =
  | {
      id: string;
      kind:
        | 'intent.succeeded'
        | 'intent.failed'
        | 'intent.processing'
        | 'intent.requires_action'
        | 'intent.canceled';
      providerType: string;
      intent: ProviderIntent;
      /** Whether the object carries our metadata: a webhook for an intent we do not know yet is retried only then. */
      ours: boolean;
    }
  | {
      id: string;
      kind: 'refund.succeeded' | 'refund.failed' | 'refund.pending';
      providerType: string;
      refund: ProviderRefund;
      intentId: string | null;
      ours: boolean;
    }
  | {
      id: string;
      kind: 'account.updated';
      providerType: string;
      account: ProviderAccount;
      /** When the provider produced this state: an older event never overwrites a newer state. */
      occurredAt: Date;
      ours: boolean;
    }
  | { id: string; kind: 'ignored'; providerType: string; ours: false };

/** Thrown by `parseWebhook` for a missing, forged or expired signature. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** A card decline or other refusal by the provider that the customer can fix (another card). */
export class PaymentDeclinedError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PaymentDeclinedError';
    this.code = code;
  }
}

/** The provider could not be reached or answered with a server error: retry later with the same key. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

/** The provider refused a request as invalid (an unsupported country, an unknown account): fix it, do not retry it as is. */
export class ProviderRequestError extends Error {
  readonly code: string;
  /** The request field at fault, in the provider's names, when it says. */
  readonly param: string | null;
  constructor(code: string, message: string, param: string | null) {
    super(message);
    this.name = 'ProviderRequestError';
    this.code = code;
    this.param = param;
  }
}

/** Reads one header case-insensitively (Node lower-cases them; tests and jobs may not). */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
