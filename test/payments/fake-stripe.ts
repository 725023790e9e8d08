/**
 * A local stand-in for the Stripe endpoints the adapter uses, reached through
 * the SDK's host/port/protocol override: the adapter under test is the
 * production code. It keeps Stripe's idempotency semantics (the same
 * `Idempotency-Key` replays the first answer) and counts requests and charges.
 * Payment methods attached to customers are tracked, so a detached one is
 * refused (charges and attachments) as Stripe refuses it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  client_secret: string;
  payment_method: string | null;
  customer: string | null;
  metadata: Record<string, string>;
  next_action: null | { type: string; redirect_to_url: { url: string; return_url: string | null } };
  last_payment_error: null | { code: string; decline_code: string; message: string };
  application_fee_amount: number | null;
  transfer_destination: string | null;
  on_behalf_of: string | null;
  off_session: boolean;
  setup_future_usage: string | null;
}

export interface FakeAccount {
  id: string;
  object: 'account';
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements: { currently_due: string[]; past_due: string[]; disabled_reason: string | null };
  metadata: Record<string, string>;
  country: string;
  controller: Record<string, string>;
  capabilities: Record<string, string>;
}

export interface FakePaymentMethod {
  id: string;
  object: 'payment_method';
  type: 'card';
  customer: string | null;
  /** Detached from a customer: Stripe never lets it be used or attached again. */
  detached: boolean;
  card: { brand: string; last4: string; exp_month: number; exp_year: number };
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly intents = new Map<string, FakeIntent>();
  readonly accounts = new Map<string, FakeAccount>();
  readonly paymentMethods = new Map<string, FakePaymentMethod>();
  /** Customers deleted (`DELETE /v1/customers/{id}`); a second delete answers resource_missing. */
  readonly deletedCustomers = new Set<string>();
  /** Payment intents that moved money (confirmed successfully), by id. */
  readonly charges = new Set<string>();
  readonly #replays = new Map<string, { status: number; body: string }>();
  #outage: RegExp | null = null;
  #server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** The intent succeeds at Stripe without telling us (a lost webhook, a 3-D Secure completed elsewhere). */
  settle(intentId: string): void {
    const intent = this.intents.get(intentId);
    if (!intent) throw new Error(`no intent ${intentId}`);
    intent.status = 'succeeded';
    intent.next_action = null;
    this.charges.add(intentId);
  }

  /** The business finishes Stripe's hosted onboarding: the account can take charges and receive payouts. */
  completeOnboarding(accountId: string): FakeAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    Object.assign(account, { charges_enabled: true, payouts_enabled: true, details_submitted: true });
    account.requirements = { currently_due: [], past_due: [], disabled_reason: null };
    return account;
  }

  /** Stripe disables charges on the account (requirements past due). */
  disableCharges(accountId: string): FakeAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    account.charges_enabled = false;
    account.requirements = { currently_due: ['individual.verification.document'], past_due: ['individual.verification.document'], disabled_reason: 'requirements.past_due' };
    return account;
  }

  /** Until called again with null, requests to matching paths answer 503 (Stripe's `api_error`, not to be retried). */
  outage(pathPattern: RegExp | null): void {
    this.#outage = pathPattern;
  }

  /** The method is detached at Stripe without us (the dashboard, another integration). */
  detachElsewhere(paymentMethodId: string): void {
    const method = this.paymentMethods.get(paymentMethodId);
    if (!method) throw new Error(`no payment method ${paymentMethodId}`);
    Object.assign(method, { customer: null, detached: true });
  }

  count(method: string, pathPattern: RegExp): number {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path)).length;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    const header = request.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(header) ? header[0] : header;
    this.requests.push({ method, path, idempotencyKey, form });
    if (this.#outage?.test(path)) {
      response.writeHead(503, { 'content-type': 'application/json', 'request-id': id('req'), 'stripe-should-retry': 'false' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: 'Stripe is having a bad day' } }));
      return;
    }
    const replayKey = idempotencyKey ? `${method} ${path} ${idempotencyKey}` : null;
    const stored = replayKey ? this.#replays.get(replayKey) : undefined;
    const answer = stored ?? this.#route(method, path, form);
    if (replayKey && !stored) this.#replays.set(replayKey, answer);
    response.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': id('req') });
    response.end(answer.body);
  }

  #route(method: string, path: string, form: Record<string, string>): { status: number; body: string } {
    const json = (status: number, value: unknown) => ({ status, body: JSON.stringify(value) });
    const intentMatch = /^\/v1\/payment_intents\/([^/]+)(\/(confirm|cancel))?$/.exec(path);
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intent: FakeIntent = {
        id: id('pi'),
        object: 'payment_intent',
        amount: Number(form.amount),
        currency: form.currency ?? 'eur',
        status: 'requires_payment_method',
        client_secret: '',
        payment_method: form.payment_method ?? null,
        customer: form.customer ?? null,
        metadata: Object.fromEntries(
          Object.entries(form)
            .filter(([key]) => key.startsWith('metadata['))
            .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
        ),
        next_action: null,
        last_payment_error: null,
        application_fee_amount: form.application_fee_amount ? Number(form.application_fee_amount) : null,
        transfer_destination: form['transfer_data[destination]'] ?? null,
        on_behalf_of: form.on_behalf_of ?? null,
        off_session: form.off_session === 'true',
        setup_future_usage: form.setup_future_usage ?? null,
      };
      intent.client_secret = `${intent.id}_secret_x`;
      this.intents.set(intent.id, intent);
      if (form.confirm === 'true' && intent.payment_method) return this.#confirm(intent, intent.payment_method, form.return_url ?? null);
      return json(200, intent);
    }
    if (intentMatch) {
      const intent = this.intents.get(intentMatch[1] ?? '');
      if (!intent) return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } });
      if (method === 'GET') return json(200, intent);
      if (intentMatch[3] === 'confirm') return this.#confirm(intent, form.payment_method ?? intent.payment_method ?? '', form.return_url ?? null);
      if (intentMatch[3] === 'cancel') {
        if (intent.status === 'succeeded' || intent.status === 'processing') {
          return json(400, {
            error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `cannot cancel a ${intent.status} intent` },
          });
        }
        intent.status = 'canceled';
        intent.next_action = null;
        return json(200, intent);
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(form.payment_intent ?? '');
      if (!intent) return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } });
      return json(200, {
        id: id('re'),
        object: 'refund',
        amount: Number(form.amount ?? intent.amount),
        currency: intent.currency,
        status: 'succeeded',
        payment_intent: intent.id,
        failure_reason: null,
        metadata: {},
      });
    }
    if (method === 'POST' && path === '/v1/accounts') {
      const nested = (prefix: string) =>
        Object.fromEntries(
          Object.entries(form)
            .filter(([key]) => key.startsWith(`${prefix}[`))
            .map(([key, value]) => [key.slice(prefix.length), value]),
        );
      const account: FakeAccount = {
        id: id('acct'),
        object: 'account',
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        requirements: { currently_due: ['business_profile.url', 'external_account'], past_due: [], disabled_reason: 'requirements.past_due' },
        metadata: Object.fromEntries(Object.entries(nested('metadata')).map(([key, value]) => [key.slice(1, -1), value])),
        country: form.country ?? 'US',
        controller: nested('controller'),
        capabilities: nested('capabilities'),
      };
      if (form.country === 'XX') {
        return json(400, { error: { type: 'invalid_request_error', code: 'country_unsupported', param: 'country', message: 'Country XX is not supported' } });
      }
      this.accounts.set(account.id, account);
      return json(200, account);
    }
    const accountMatch = /^\/v1\/accounts\/([^/]+)$/.exec(path);
    if (method === 'GET' && accountMatch) {
      const account = this.accounts.get(accountMatch[1] ?? '');
      if (!account) return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'account', message: 'No such account' } });
      return json(200, account);
    }
    if (method === 'POST' && path === '/v1/account_links') {
      if (!this.accounts.has(form.account ?? '')) {
        return json(400, { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'account', message: 'No such account' } });
      }
      const created = Math.floor(Date.now() / 1000);
      return json(200, {
        object: 'account_link',
        url: `https://connect.stripe.test/setup/e/${form.account}/${randomBytes(6).toString('hex')}`,
        created,
        expires_at: created + 300,
      });
    }
    if (method === 'POST' && path === '/v1/customers') return json(200, { id: id('cus'), object: 'customer', metadata: {} });
    const customer = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (customer && method === 'DELETE') {
      const cusId = customer[1] ?? '';
      // Deleting a customer detaches its payment methods, as Stripe does.
      for (const method_ of this.paymentMethods.values()) {
        if (method_.customer === cusId) Object.assign(method_, { customer: null, detached: true });
      }
      if (this.deletedCustomers.has(cusId)) {
        return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such customer: '${cusId}'` } });
      }
      this.deletedCustomers.add(cusId);
      return json(200, { id: cusId, object: 'customer', deleted: true });
    }
    const paymentMethod = /^\/v1\/payment_methods\/([^/]+)(\/(attach|detach))?$/.exec(path);
    if (paymentMethod) {
      const pmId = paymentMethod[1] ?? '';
      const known = this.paymentMethods.get(pmId);
      const missing = json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${pmId}'` } });
      if (method === 'POST' && paymentMethod[3] === 'attach') {
        if (known?.detached) return json(400, { error: { type: 'invalid_request_error', message: detachedMessage(pmId) } });
        const attached: FakePaymentMethod = {
          id: pmId,
          object: 'payment_method',
          type: 'card',
          customer: form.customer ?? null,
          detached: false,
          card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 },
        };
        this.paymentMethods.set(pmId, attached);
        return json(200, attached);
      }
      if (method === 'POST' && paymentMethod[3] === 'detach') {
        if (!known) return missing;
        if (known.customer === null) {
          // Stripe's refusal carries no specific code.
          return json(400, {
            error: { type: 'invalid_request_error', message: 'The payment method you provided is not attached to a customer so detachment is impossible.' },
          });
        }
        Object.assign(known, { customer: null, detached: true });
        return json(200, known);
      }
      if (method === 'GET' && paymentMethod[3] === undefined) return known ? json(200, known) : missing;
    }
    return json(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } });
  }

  #confirm(intent: FakeIntent, paymentMethod: string, returnUrl: string | null): { status: number; body: string } {
    if (this.paymentMethods.get(paymentMethod)?.detached) {
      return {
        status: 400,
        body: JSON.stringify({ error: { type: 'invalid_request_error', param: 'payment_method', message: detachedMessage(paymentMethod) } }),
      };
    }
    intent.payment_method = paymentMethod;
    intent.last_payment_error = null;
    if (paymentMethod === 'pm_card_chargeDeclined') {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
      return {
        status: 402,
        body: JSON.stringify({
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
            payment_intent: intent,
          },
        }),
      };
    }
    if (paymentMethod === 'pm_card_threeDSecureRequired' && !intent.off_session) {
      intent.status = 'requires_action';
      intent.next_action = { type: 'redirect_to_url', redirect_to_url: { url: `https://hooks.stripe.test/3ds/${intent.id}`, return_url: returnUrl } };
      return { status: 200, body: JSON.stringify(intent) };
    }
    if (paymentMethod === 'pm_card_processing') {
      intent.status = 'processing';
      return { status: 200, body: JSON.stringify(intent) };
    }
    intent.status = 'succeeded';
    this.charges.add(intent.id);
    return { status: 200, body: JSON.stringify(intent) };
  }
}

const detachedMessage = (paymentMethod: string) =>
  `The PaymentMethod ${paymentMethod} was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.`;
