import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isCurrency, isMinorAmount, type Money } from '../../platform/money.ts';
import { signPayload, verifySignature } from './webhook-signature.ts';
import {
  headerValue,
  PaymentDeclinedError,
  ProviderRequestError,
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

type Behaviour = 'succeed' | 'decline' | 'authenticate';

/** The sandbox's named test methods (Stripe's names, so the web app's test flows read the same). */
const NAMED_METHODS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; last4: string }> = new Map([
  ['pm_card_visa', { behaviour: 'succeed', brand: 'visa', last4: '4242' }],
  ['pm_card_mastercard', { behaviour: 'succeed', brand: 'mastercard', last4: '4444' }],
  ['pm_card_chargeDeclined', { behaviour: 'decline', brand: 'visa', last4: '0002' }],
  ['pm_card_threeDSecureRequired', { behaviour: 'authenticate', brand: 'visa', last4: '3155' }],
]);

/**
 * Test card numbers the sandbox accepts, with the named method each stands for;
 * any other number is refused (it is not a real processor).
 */
const TEST_CARDS: ReadonlyMap<string, { behaviour: Behaviour; brand: string; method: string }> = new Map([
  ['4242424242424242', { behaviour: 'succeed', brand: 'visa', method: 'pm_card_visa' }],
  ['5555555555554444', { behaviour: 'succeed', brand: 'mastercard', method: 'pm_card_mastercard' }],
  ['4000000000000002', { behaviour: 'decline', brand: 'visa', method: 'pm_card_chargeDeclined' }],
  ['4000000000009995', { behaviour: 'decline', brand: 'visa', method: 'pm_card_chargeDeclined' }],
  ['4000002500003155', { behaviour: 'authenticate', brand: 'visa', method: 'pm_card_threeDSecureRequired' }],
  ['4000002760003184', { behaviour: 'authenticate', brand: 'visa', method: 'pm_card_threeDSecureRequired' }],
]);

/** How long a sandbox onboarding link stays valid (Stripe's account links last minutes too). */
const ONBOARDING_LINK_SECONDS = 600;

/** What a new sandbox account still lacks, in Stripe's vocabulary, until its onboarding is completed. */
const NEW_ACCOUNT_REQUIREMENTS = ['business_profile.url', 'external_account', 'tos_acceptance.date'];

const TOKEN_PREFIX: Record<Behaviour, string> = { succeed: 'pm_sbx_ok_', decline: 'pm_sbx_declined_', authenticate: 'pm_sbx_3ds_' };

/** Thrown by `tokenizeTestCard` for a number that is not one of the sandbox's test cards. */
export class NotATestCardError extends Error {
  constructor() {
    super('Only the sandbox test card numbers are accepted (e.g. 4242424242424242)');
    this.name = 'NotATestCardError';
  }
}

function testCardOf(card: TestCard): { behaviour: Behaviour; brand: string; method: string; number: string } {
  const number = card.number.replace(/[\s-]/g, '');
  const known = TEST_CARDS.get(number);
  if (!known) throw new NotATestCardError();
  return { ...known, number };
}

function behaviourOf(paymentMethod: string): Behaviour | null {
  const named = NAMED_METHODS.get(paymentMethod);
  if (named) return named.behaviour;
  for (const [behaviour, prefix] of Object.entries(TOKEN_PREFIX) as Array<[Behaviour, string]>) {
    if (paymentMethod.startsWith(prefix) && /^[a-f0-9]{24}$/.test(paymentMethod.slice(prefix.length))) return behaviour;
  }
  return null;
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

  constructor(options: SandboxProviderOptions) {
    this.#options = options;
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

  /**
   * Simulated connected accounts: an account id is a signed token derived from
   * the idempotency key (the same tenant always gets the same account), the
   * onboarding link leads to a sandbox page, and completing it sends a signed
   * `account.updated` through the webhook path. Being stateless, the sandbox has
   * nothing to report on retrieval beyond its events.
   */
  readonly connect: ConnectedAccounts = {
    createAccount: async (input) => {
      const nonce = this.#hex('account-nonce', input.idempotencyKey);
      return this.#account(`acct_sbx_${nonce}${this.#hex('account', nonce)}`, false);
    },
    retrieveAccount: async (accountId) => {
      this.#accountOrThrow(accountId);
      return null;
    },
    createOnboardingLink: async (input) => {
      this.#accountOrThrow(input.accountId);
      const expires = this.#nowSeconds() + ONBOARDING_LINK_SECONDS;
      const url = new URL(`${this.#options.publicUrl}/api/v1/payments/sandbox/onboarding/${input.accountId}`);
      url.searchParams.set('return_url', input.returnUrl);
      url.searchParams.set('refresh_url', input.refreshUrl);
      url.searchParams.set('expires', String(expires));
      url.searchParams.set('signature', this.#onboardingSignature(input, expires));
      return { url: url.toString(), expiresAt: new Date(expires * 1000) };
    },
  };

  /** Whether the id is one of the sandbox's accounts (not forged or mangled). */
  isAccount(accountId: string): boolean {
    const match = /^acct_sbx_([0-9a-f]{24})([0-9a-f]{24})$/.exec(accountId);
    if (!match) return false;
    const expected = Buffer.from(this.#hex('account', match[1] ?? ''));
    return timingSafeEqual(expected, Buffer.from(match[2] ?? ''));
  }

  /**
   * Checks an onboarding link's signature and expiry: `valid`, `expired`, or
   * `forged` (a mangled URL must not become an open redirect).
   */
  checkOnboardingLink(link: OnboardingLinkInput & { expires: number; signature: string }): 'valid' | 'expired' | 'forged' {
    if (!this.isAccount(link.accountId)) return 'forged';
    const expected = Buffer.from(this.#onboardingSignature(link, link.expires));
    const given = Buffer.from(link.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
    return link.expires < this.#nowSeconds() ? 'expired' : 'valid';
  }

  /** The business finished the sandbox onboarding: the account can take charges and receive payouts. */
  completeOnboarding(accountId: string): ProviderAccount {
    this.#accountOrThrow(accountId);
    const account = this.#account(accountId, true);
    const id = `evt_sbx_${this.#mac('event', `account.updated:${accountId}:complete`, 12)}`;
    const object = {
      id: account.id,
      object: 'account',
      charges_enabled: account.chargesEnabled,
      payouts_enabled: account.payoutsEnabled,
      details_submitted: account.detailsSubmitted,
      requirements: { currently_due: account.requirementsDue, disabled_reason: account.disabledReason },
    };
    this.#send({ id, type: 'account.updated', created: this.#nowSeconds(), data: { object } });
    return account;
  }

  #account(id: string, onboarded: boolean): ProviderAccount {
    return {
      id,
      chargesEnabled: onboarded,
      payoutsEnabled: onboarded,
      detailsSubmitted: onboarded,
      requirementsDue: onboarded ? [] : [...NEW_ACCOUNT_REQUIREMENTS],
      disabledReason: onboarded ? null : 'requirements.past_due',
    };
  }

  #accountOrThrow(accountId: string): void {
    if (!this.isAccount(accountId)) throw new ProviderRequestError('resource_missing', 'No such sandbox account', 'account');
  }

  #hex(purpose: string, value: string): string {
    return createHmac('sha256', this.#options.secret).update(`${purpose}:${value}`).digest('hex').slice(0, 24);
  }

  #onboardingSignature(link: OnboardingLinkInput, expires: number): string {
    return this.#mac('onboarding-link', `${link.accountId}\n${link.returnUrl}\n${link.refreshUrl}\n${expires}`);
  }

  async parseWebhook(rawBody: string, headers: WebhookHeaders): Promise<ProviderEvent> {
    verifySignature(rawBody, headerValue(headers, SANDBOX_SIGNATURE_HEADER), this.#options.secret, this.#nowSeconds());
    let event: unknown;
    try {
      event = JSON.parse(rawBody);
    } catch {
      throw new WebhookSignatureError('The webhook body is not JSON');
    }
    return this.#toProviderEvent(event);
  }

  #toProviderEvent(event: unknown): ProviderEvent {
    const parsed = sandboxEventSchema.safeParse(event);
    if (!parsed.success) throw new WebhookSignatureError('The webhook body is not a sandbox event');
    const { id, type, created, data } = parsed.data;
    const object = data.object;
    if (object.object === 'account') {
      if (type !== 'account.updated') return { id, kind: 'ignored', providerType: type, ours: false };
      const account: ProviderAccount = {
        id: object.id,
        chargesEnabled: object.charges_enabled,
        payoutsEnabled: object.payouts_enabled,
        detailsSubmitted: object.details_submitted,
        requirementsDue: object.requirements.currently_due,
        disabledReason: object.requirements.disabled_reason,
      };
      return { id, kind: 'account.updated', providerType: type, account, occurredAt: new Date(created * 1000), ours: true };
    }
    const kinds: Record<string, Exclude<ProviderEvent['kind'], 'ignored' | 'account.updated' | `refund.${string}`>> = {
      'payment_intent.succeeded': 'intent.succeeded',
      'payment_intent.payment_failed': 'intent.failed',
      'payment_intent.canceled': 'intent.canceled',
    };
    const kind = kinds[type];
    const amount = { amount: object.amount, currency: object.currency };
    if (kind) {
      const status = type === 'payment_intent.succeeded' ? 'succeeded' : type === 'payment_intent.canceled' ? 'canceled' : 'requires_payment_method';
      const failure = object.failure_code ? { code: object.failure_code, message: object.failure_message ?? 'The payment failed' } : null;
      return { id, kind, providerType: type, intent: this.#intent(object.id, amount, status, { failure }), ours: true };
    }
    if (type === 'refund.updated') {
      return {
        id,
        kind: 'refund.succeeded',
        providerType: type,
        refund: { id: object.id, status: 'succeeded', amount, failureReason: null },
        intentId: object.payment_intent ?? null,
        ours: true,
      };
    }
    return { id, kind: 'ignored', providerType: type, ours: false };
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

const moneyObjectSchema = z.object({
  id: z.string().min(1),
  object: z.enum(['payment_intent', 'refund']),
  amount: z.number().int().min(0),
  currency: z.string(),
  failure_code: z.string().optional(),
  failure_message: z.string().optional(),
  payment_intent: z.string().optional(),
});

const accountObjectSchema = z.object({
  id: z.string().min(1),
  object: z.literal('account'),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  requirements: z.object({ currently_due: z.array(z.string()), disabled_reason: z.string().nullable() }),
});

const sandboxEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int().min(0),
  data: z.object({ object: z.discriminatedUnion('object', [moneyObjectSchema, accountObjectSchema]) }),
});
