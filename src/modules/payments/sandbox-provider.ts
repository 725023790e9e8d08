import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isCurrency, isMinorAmount, type Money } from '../../platform/money.ts';
import { signPayload, verifySignature } from './webhook-signature.ts';
import { SandboxAccounts } from './sandbox-accounts.ts';
import { sandboxProviderEvent } from './sandbox-events.ts';
import { behaviourOf, NAMED_METHODS, testCardOf, TOKEN_PREFIX } from './sandbox-test-cards.ts';
import {
  headerValue,
  PaymentDeclinedError,
  WebhookSignatureError,
  type ConfirmIntentInput,
  type ConnectedAccounts,
  type CreateIntentInput,
  type OnboardingLinkInput,
  type PaymentProvider,
  type ProviderAccount,
  type ProviderEvent,
  type ProviderIntent,
  type ProviderPaymentMethod,
  type ProviderRefund,
  type RefundInput,
  type TestCard,
  type WebhookHeaders,
} from './payment-provider.ts';

export const SANDBOX_SIGNATURE_HEADER = 'sandbox-signature';
export { NotATestCardError } from './sandbox-test-cards.ts';

/** A signed webhook the sandbox sends to `POST /api/v1/payments/webhooks/sandbox`. */
export interface SandboxWebhook {
  body: string;
  headers: Record<string, string>;
}

export interface SandboxProviderOptions {
  /** HMAC secret for intent ids and webhook signatures; shared by every process of the deployment. */
  secret: string;
  /** Base of our API, for the 3-D Secure confirmation page. */
  publicUrl: string;
  /** Delivers a signed event the way a provider calls our webhook endpoint (a job in production wiring). */
  deliver: (webhook: SandboxWebhook) => void;
  now?: () => number;
}

interface IntentClaims {
  /** amount in minor units */
  a: number;
  /** currency */
  c: string;
  /** nonce from the idempotency key: a retry gets the same intent */
  n: string;
}

/**
 * The built-in provider for development, demos and tests, with no network and
 * no state of its own but one (below): an intent id is a signed token of its
 * amount and currency, derived from the idempotency key (a retried create
 * returns the same intent, as a real provider's idempotency does), and
 * outcomes follow the test payment method deterministically. Everything it
 * reports after the call (3-D Secure completed, declines, cancellations,
 * refunds) it sends as signed events through the same webhook endpoint a real
 * provider calls.
 *
 * The one state: the payment methods detached and the customers deleted in
 * this process, which it then refuses to charge or attach, as Stripe does. It lives in memory (the sandbox
 * has no storage); what keeps a removed method from being charged across
 * processes and restarts is that payments no longer holds its record.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly #options: SandboxProviderOptions;
  /**
   * Detached methods: the sandbox's own tokens (`pm_sbx_…`, one per card) by
   * token, refused for good; the named test methods, which anyone may use (a
   * new method at each use, in Stripe's terms), by provider customer and name,
   * refused only for that customer's off-session charges (the saved method)
   * until the customer saves the name again.
   */
  readonly #detached = new Set<string>();
  /** Provider customers deleted (a customer's erasure): nothing is attached or charged to them again. */
  readonly #deletedCustomers = new Set<string>();

  readonly #accounts: SandboxAccounts;
  /** Simulated connected accounts (sandbox-accounts.ts). */
  readonly connect: ConnectedAccounts;

  constructor(options: SandboxProviderOptions) {
    this.#options = options;
    this.#accounts = new SandboxAccounts({
      publicUrl: options.publicUrl,
      mac: (purpose, value, bytes) => this.#mac(purpose, value, bytes),
      hex: (purpose, value) => this.#hex(purpose, value),
      nowSeconds: () => this.#nowSeconds(),
      send: (event) => this.#send(event),
    });
    this.connect = this.#accounts.connect;
  }

  #mac(purpose: string, value: string, bytes = 16): string {
    return createHmac('sha256', this.#options.secret).update(`${purpose}:${value}`).digest().subarray(0, bytes).toString('base64url');
  }

  #intentId(amount: Money, idempotencyKey: string): string {
    const claims: IntentClaims = { a: amount.amount, c: amount.currency, n: this.#mac('nonce', idempotencyKey, 9) };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `pi_sbx_${body}_${this.#mac('intent', body)}`;
  }

  /** The amount an intent id stands for, or null when the id is not one of ours (forged or mangled). */
  readIntent(intentId: string): Money | null {
    const match = /^pi_sbx_([A-Za-z0-9-]+)_([A-Za-z0-9_-]{22})$/.exec(intentId);
    if (!match) return null;
    const [, body = '', mac = ''] = match;
    const expected = Buffer.from(this.#mac('intent', body));
    if (expected.length !== Buffer.byteLength(mac) || !timingSafeEqual(expected, Buffer.from(mac))) return null;
    try {
      const claims: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof claims !== 'object' || claims === null || !('a' in claims) || !('c' in claims)) return null;
      const { a, c } = claims;
      if (typeof a !== 'number' || typeof c !== 'string' || !isMinorAmount(a) || !isCurrency(c)) return null;
      return { amount: a, currency: c };
    } catch {
      return null;
    }
  }

  #intent(id: string, amount: Money, status: ProviderIntent['status'], extra: Partial<ProviderIntent> = {}): ProviderIntent {
    return {
      id,
      status,
      amount,
      clientSecret: `${id}_secret_${this.#mac('client-secret', id)}`,
      nextAction: null,
      paymentMethod: null,
      customer: null,
      failure: null,
      ...extra,
    };
  }

  #detachedKey(paymentMethod: string, customer: string | null): string | null {
    if (!NAMED_METHODS.has(paymentMethod)) return paymentMethod;
    return customer === null ? null : `${customer}/${paymentMethod}`;
  }

  #isDetached(paymentMethod: string, customer: string | null, offSession: boolean): boolean {
    if (NAMED_METHODS.has(paymentMethod) && !offSession) return false;
    const key = this.#detachedKey(paymentMethod, customer);
    return key !== null && this.#detached.has(key);
  }

  #attempt(id: string, amount: Money, paymentMethod: string, offSession: boolean, customer: string | null): ProviderIntent {
    const behaviour = behaviourOf(paymentMethod);
    if (behaviour === null) throw new PaymentDeclinedError('invalid_payment_method', 'Unknown sandbox payment method');
    if (this.#isDetached(paymentMethod, customer, offSession)) throw detachedMethodError();
    if (behaviour === 'succeed') {
      const intent = this.#intent(id, amount, 'succeeded', { paymentMethod });
      this.#emit('payment_intent.succeeded', intent);
      return intent;
    }
    if (behaviour === 'authenticate' && !offSession) {
      const url = `${this.#options.publicUrl}/api/v1/payments/sandbox/authorize/${id}`;
      return this.#intent(id, amount, 'requires_action', { paymentMethod, nextAction: { type: 'redirect_to_url', url } });
    }
    const failure =
      behaviour === 'decline'
        ? { code: 'card_declined', message: 'The card was declined' }
        : { code: 'authentication_required', message: 'The card needs the customer to authenticate' };
    const intent = this.#intent(id, amount, 'requires_payment_method', { paymentMethod, failure });
    this.#emit('payment_intent.payment_failed', intent);
    return intent;
  }

  async createIntent(input: CreateIntentInput): Promise<ProviderIntent> {
    const id = this.#intentId(input.amount, input.idempotencyKey);
    if (!input.confirm || !input.paymentMethod) return this.#intent(id, input.amount, 'requires_payment_method');
    const customer = input.customer ?? null;
    if (customer !== null && this.#deletedCustomers.has(customer)) throw deletedCustomerError();
    // The customer, present, saves a named method again: a new method, chargeable off-session.
    if (input.savePaymentMethod && !input.offSession && customer !== null) this.#detached.delete(`${customer}/${input.paymentMethod}`);
    return { ...this.#attempt(id, input.amount, input.paymentMethod, input.offSession === true, customer), customer };
  }

  async confirmIntent(input: ConfirmIntentInput): Promise<ProviderIntent> {
    // On-session: only a detached sandbox token is refused (a named method is a new one at each use).
    return this.#attempt(input.intentId, this.#amountOrThrow(input.intentId), input.paymentMethod, false, null);
  }

  async retrieveIntent(intentId: string): Promise<ProviderIntent> {
    // Stateless: the sandbox never leaves an intent processing, so there is nothing newer to report.
    return this.#intent(intentId, this.#amountOrThrow(intentId), 'requires_payment_method');
  }

  async cancelIntent(intentId: string): Promise<ProviderIntent> {
    const intent = this.#intent(intentId, this.#amountOrThrow(intentId), 'canceled');
    this.#emit('payment_intent.canceled', intent);
    return intent;
  }

  /** The customer finished (or failed) the 3-D Secure step on the confirmation page. */
  completeAuthentication(intentId: string, approved: boolean): ProviderIntent {
    const amount = this.#amountOrThrow(intentId);
    const intent = approved
      ? this.#intent(intentId, amount, 'succeeded')
      : this.#intent(intentId, amount, 'requires_payment_method', {
          failure: { code: 'authentication_failed', message: 'The customer did not complete 3-D Secure' },
        });
    this.#emit(approved ? 'payment_intent.succeeded' : 'payment_intent.payment_failed', intent);
    return intent;
  }

  async refund(input: RefundInput): Promise<ProviderRefund> {
    this.#amountOrThrow(input.intentId);
    const refund: ProviderRefund = {
      id: `re_sbx_${this.#mac('refund', input.idempotencyKey, 12)}`,
      status: 'succeeded',
      amount: input.amount,
      failureReason: null,
    };
    this.#emitRefund(refund, input.intentId, input.metadata);
    return refund;
  }

  async createCustomer(input: { reference: string; idempotencyKey: string }): Promise<{ id: string }> {
    return { id: `cus_sbx_${this.#mac('customer', input.idempotencyKey, 12)}` };
  }

  async attachPaymentMethod(input: { paymentMethod: string; customer: string }): Promise<ProviderPaymentMethod> {
    if (this.#deletedCustomers.has(input.customer)) throw deletedCustomerError();
    if (behaviourOf(input.paymentMethod) === null) {
      throw new PaymentDeclinedError('invalid_payment_method', 'Unknown sandbox payment method');
    }
    if (NAMED_METHODS.has(input.paymentMethod)) {
      // A named method saved again is a new method for that customer.
      this.#detached.delete(`${input.customer}/${input.paymentMethod}`);
    } else if (this.#detached.has(input.paymentMethod)) {
      throw detachedMethodError();
    }
    const named = NAMED_METHODS.get(input.paymentMethod);
    return { id: input.paymentMethod, brand: named?.brand ?? null, last4: named?.last4 ?? null, expMonth: null, expYear: null };
  }

  async detachPaymentMethod(input: { paymentMethod: string; customer: string | null }): Promise<void> {
    // A method the sandbox never issued cannot be charged anyway: detached already.
    if (behaviourOf(input.paymentMethod) === null) return;
    const key = this.#detachedKey(input.paymentMethod, input.customer);
    if (key !== null) this.#detached.add(key);
  }

  async deleteCustomer(input: { customer: string }): Promise<void> {
    this.#deletedCustomers.add(input.customer);
  }

  /** Whether the customer was deleted in this process (tests, and what the sandbox refuses). */
  isCustomerDeleted(customer: string): boolean {
    return this.#deletedCustomers.has(customer);
  }

  tokenizeTestCard(card: TestCard): ProviderPaymentMethod {
    const known = testCardOf(card);
    const number = known.number;
    return {
      id: `${TOKEN_PREFIX[known.behaviour]}${randomBytes(12).toString('hex')}`,
      brand: known.brand,
      last4: number.slice(-4),
      expMonth: card.expMonth,
      expYear: card.expYear,
    };
  }

  /**
   * The named test method a test card number stands for (4242… → `pm_card_visa`,
   * 4000000000000002 → `pm_card_chargeDeclined`, 4000002760003184 →
   * `pm_card_threeDSecureRequired`); throws `NotATestCardError` for any other number.
   */
  testMethodForCard(card: TestCard): string {
    return testCardOf(card).method;
  }

  /** Whether the id is one of the sandbox's accounts (not forged or mangled). */
  isAccount(accountId: string): boolean {
    return this.#accounts.isAccount(accountId);
  }

  /** See `SandboxAccounts.checkOnboardingLink`. */
  checkOnboardingLink(link: OnboardingLinkInput & { expires: number; signature: string }): 'valid' | 'expired' | 'forged' {
    return this.#accounts.checkOnboardingLink(link);
  }

  /** The business finished the sandbox onboarding: the account can take charges and receive payouts. */
  completeOnboarding(accountId: string): ProviderAccount {
    return this.#accounts.completeOnboarding(accountId);
  }

  #hex(purpose: string, value: string): string {
    return createHmac('sha256', this.#options.secret).update(`${purpose}:${value}`).digest('hex').slice(0, 24);
  }

  async parseWebhook(rawBody: string, headers: WebhookHeaders): Promise<ProviderEvent> {
    verifySignature(rawBody, headerValue(headers, SANDBOX_SIGNATURE_HEADER), this.#options.secret, this.#nowSeconds());
    let event: unknown;
    try {
      event = JSON.parse(rawBody);
    } catch {
      throw new WebhookSignatureError('The webhook body is not JSON');
    }
    return sandboxProviderEvent(event, (id, amount, status, extra) => this.#intent(id, amount, status, extra));
  }

  #amountOrThrow(intentId: string): Money {
    const amount = this.readIntent(intentId);
    if (!amount) throw new PaymentDeclinedError('resource_missing', 'No such sandbox payment intent');
    return amount;
  }

  #nowSeconds(): number {
    return Math.floor((this.#options.now?.() ?? Date.now()) / 1000);
  }

  /** Signs an event body as the sandbox does; tests use it to build deliveries (and forgeries). */
  sign(body: string, timestampSeconds = this.#nowSeconds()): Record<string, string> {
    return { [SANDBOX_SIGNATURE_HEADER]: signPayload(body, this.#options.secret, timestampSeconds), 'content-type': 'application/json' };
  }

  #emit(type: string, intent: ProviderIntent): void {
    // The same fact always has the same event id, so a re-sent event is recognised as a duplicate.
    const id = `evt_sbx_${this.#mac('event', `${type}:${intent.id}:${intent.failure?.code ?? ''}`, 12)}`;
    const object = {
      id: intent.id,
      object: 'payment_intent',
      amount: intent.amount.amount,
      currency: intent.amount.currency,
      status: intent.status,
      ...(intent.failure ? { failure_code: intent.failure.code, failure_message: intent.failure.message } : {}),
    };
    this.#send({ id, type, created: this.#nowSeconds(), data: { object } });
  }

  #emitRefund(refund: ProviderRefund, intentId: string, metadata: Record<string, string>): void {
    const id = `evt_sbx_${this.#mac('event', `refund:${refund.id}`, 12)}`;
    const object = {
      id: refund.id,
      object: 'refund',
      amount: refund.amount.amount,
      currency: refund.amount.currency,
      status: refund.status,
      payment_intent: intentId,
      metadata,
    };
    this.#send({ id, type: 'refund.updated', created: this.#nowSeconds(), data: { object } });
  }

  #send(event: Record<string, unknown>): void {
    const body = JSON.stringify(event);
    this.#options.deliver({ body, headers: this.sign(body) });
  }
}

/** What Stripe answers for a detached method (an invalid request, in our terms a refused method). */
function deletedCustomerError(): PaymentDeclinedError {
  return new PaymentDeclinedError('resource_missing', 'The customer was deleted and can no longer be charged');
}

function detachedMethodError(): PaymentDeclinedError {
  return new PaymentDeclinedError('invalid_payment_method', 'The payment method was detached from its customer and can no longer be used');
}
