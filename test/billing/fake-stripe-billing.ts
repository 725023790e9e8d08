/**
 * A local stand-in for the Stripe endpoints billing's adapter uses (Customers, PaymentMethods,
 * off-session PaymentIntents, Refunds, customer portal sessions), reached through the SDK's
 * host/port/protocol override so the adapter under test is the production code. It keeps Stripe's
 * idempotency (the same `Idempotency-Key` replays the first answer), Stripe's named test methods, and
 * can lose an answer after doing the work, as a dropped connection does. Events are signed as Stripe
 * signs them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { RecordedRequest } from '../payments/fake-stripe.ts';

export interface FakeCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  metadata: Record<string, string>;
  invoice_settings: { default_payment_method: string | null };
}

export interface FakeBillingIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  customer: string | null;
  payment_method: string | null;
  off_session: boolean;
  description: string | null;
  metadata: Record<string, string>;
  last_payment_error: null | { type: string; code: string; decline_code: string; message: string };
  next_action: null | { type: string };
}

/** Stripe's named test methods: how they answer when saved and when charged off-session. */
const CARDS: Record<string, { brand: string; last4: string; attach: 'ok' | 'decline'; charge: 'ok' | 'decline' | 'authenticate' }> = {
  pm_card_visa: { brand: 'visa', last4: '4242', attach: 'ok', charge: 'ok' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', attach: 'ok', charge: 'ok' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', attach: 'decline', charge: 'decline' },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', attach: 'ok', charge: 'decline' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', attach: 'ok', charge: 'authenticate' },
};

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const metadataOf = (form: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([key]) => key.startsWith('metadata['))
      .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
  );

export class FakeStripeBilling {
  readonly requests: RecordedRequest[] = [];
  readonly customers = new Map<string, FakeCustomer>();
  /** Which customer each payment method is attached to. */
  readonly attached = new Map<string, string>();
  readonly intents = new Map<string, FakeBillingIntent>();
  /** Refunded so far, by payment intent. */
  readonly refunded = new Map<string, number>();
  readonly #replays = new Map<string, { status: number; body: string }>();
  #loseAnswers: { pattern: RegExp; count: number } | null = null;
  #server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** The next `count` requests to matching paths are carried out, but their answer is lost (a 500 the SDK retries). */
  loseAnswers(pattern: RegExp, count = 1): void {
    this.#loseAnswers = { pattern, count };
  }

  count(method: string, pathPattern: RegExp): number {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path)).length;
  }

  /** Payment intents that moved money. */
  succeeded(): FakeBillingIntent[] {
    return [...this.intents.values()].filter((intent) => intent.status === 'succeeded');
  }

  /** The owner saves another card on the customer portal and makes it the default; returns the customer as the event carries it. */
  portalChangesCard(customerId: string, paymentMethod: string): FakeCustomer {
    const customer = this.customers.get(customerId);
    if (!customer) throw new Error(`no customer ${customerId}`);
    this.attached.set(paymentMethod, customerId);
    customer.invoice_settings.default_payment_method = paymentMethod;
    return customer;
  }

  /** A Stripe event around `object`, with its `Stripe-Signature` for `secret` (timestamp: now unless given). */
  signedEvent(type: string, object: object, secret: string, options: { id?: string; timestamp?: number } = {}): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify({
      id: options.id ?? newId('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
    return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const [rawPath = '/', query = ''] = (request.url ?? '/').split('?');
    const method = request.method ?? 'GET';
    const form = Object.fromEntries(new URLSearchParams(method === 'GET' ? query : Buffer.concat(chunks).toString('utf8')));
    const header = request.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(header) ? header[0] : header;
    this.requests.push({ method, path: rawPath, idempotencyKey, form });
    const replayKey = idempotencyKey ? `${method} ${rawPath} ${idempotencyKey}` : null;
    const stored = replayKey ? this.#replays.get(replayKey) : undefined;
    const answer = stored ?? this.#route(method, rawPath, form);
    if (replayKey && !stored) this.#replays.set(replayKey, answer);
    if (this.#loseAnswers && this.#loseAnswers.count > 0 && this.#loseAnswers.pattern.test(rawPath)) {
      this.#loseAnswers.count -= 1;
      response.writeHead(500, { 'content-type': 'application/json', 'request-id': newId('req'), 'stripe-should-retry': 'true' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: 'The answer was lost on the way' } }));
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': newId('req') });
    response.end(answer.body);
  }

  #route(method: string, path: string, form: Record<string, string>): { status: number; body: string } {
    const json = (status: number, value: unknown) => ({ status, body: JSON.stringify(value) });
    const missing = (what: string, param: string) => json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${what}` } });

    if (method === 'POST' && path === '/v1/customers') {
      const customer: FakeCustomer = { id: newId('cus'), object: 'customer', email: form.email ?? null, metadata: metadataOf(form), invoice_settings: { default_payment_method: null } };
      this.customers.set(customer.id, customer);
      return json(200, customer);
    }
    const customerPath = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (customerPath) {
      const customer = this.customers.get(customerPath[1] ?? '');
      if (!customer) return missing('customer', 'id');
      if (method === 'POST' && form['invoice_settings[default_payment_method]'] !== undefined) {
        const paymentMethod = form['invoice_settings[default_payment_method]'];
        if (this.attached.get(paymentMethod) !== customer.id) return missing('PaymentMethod', 'invoice_settings[default_payment_method]');
        customer.invoice_settings.default_payment_method = paymentMethod;
      }
      const expanded = form['expand[0]'] === 'invoice_settings.default_payment_method';
      const methodId = customer.invoice_settings.default_payment_method;
      return json(200, expanded && methodId ? { ...customer, invoice_settings: { default_payment_method: this.#paymentMethod(methodId) } } : customer);
    }
    const attach = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(path);
    if (method === 'POST' && attach) {
      const paymentMethod = attach[1] ?? '';
      const card = CARDS[paymentMethod];
      if (!card) return missing('PaymentMethod', 'payment_method');
      if (!this.customers.has(form.customer ?? '')) return missing('customer', 'customer');
      if (card.attach === 'decline') {
        return json(402, { error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } });
      }
      this.attached.set(paymentMethod, form.customer ?? '');
      return json(200, this.#paymentMethod(paymentMethod));
    }
    if (method === 'POST' && path === '/v1/payment_intents') return this.#charge(form);
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(form.payment_intent ?? '');
      if (!intent || intent.status !== 'succeeded') return missing('payment_intent', 'payment_intent');
      const amount = Number(form.amount ?? intent.amount);
      const done = this.refunded.get(intent.id) ?? 0;
      if (done + amount > intent.amount) {
        return json(400, {
          error: { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount - done})` },
        });
      }
      this.refunded.set(intent.id, done + amount);
      return json(200, { id: newId('re'), object: 'refund', amount, currency: intent.currency, status: 'succeeded', payment_intent: intent.id, failure_reason: null, metadata: metadataOf(form) });
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (!this.customers.has(form.customer ?? '')) return missing('customer', 'customer');
      const id = newId('bps');
      return json(200, { id, object: 'billing_portal.session', customer: form.customer, return_url: form.return_url ?? null, url: `https://billing.stripe.test/p/session/${id}` });
    }
    return json(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } });
  }

  #paymentMethod(id: string) {
    const card = CARDS[id];
    return { id, object: 'payment_method', type: 'card', customer: this.attached.get(id) ?? null, card: { brand: card?.brand ?? 'visa', last4: card?.last4 ?? '0000', exp_month: 12, exp_year: 2030 } };
  }

  #charge(form: Record<string, string>): { status: number; body: string } {
    const paymentMethod = form.payment_method ?? '';
    const intent: FakeBillingIntent = {
      id: newId('pi'),
      object: 'payment_intent',
      amount: Number(form.amount),
      currency: form.currency ?? 'eur',
      status: 'requires_payment_method',
      customer: form.customer ?? null,
      payment_method: paymentMethod,
      off_session: form.off_session === 'true',
      description: form.description ?? null,
      metadata: metadataOf(form),
      last_payment_error: null,
      next_action: null,
    };
    this.intents.set(intent.id, intent);
    const card = CARDS[paymentMethod];
    if (!card || this.attached.get(paymentMethod) !== intent.customer) {
      return { status: 400, body: JSON.stringify({ error: { type: 'invalid_request_error', param: 'payment_method', message: 'The payment method does not belong to this customer' } }) };
    }
    if (form.confirm !== 'true') return { status: 200, body: JSON.stringify(intent) };
    if (card.charge === 'decline') {
      intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
      return { status: 402, body: JSON.stringify({ error: { ...intent.last_payment_error, payment_intent: intent } }) };
    }
    if (card.charge === 'authenticate') {
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk' };
      return { status: 200, body: JSON.stringify(intent) };
    }
    intent.status = 'succeeded';
    return { status: 200, body: JSON.stringify(intent) };
  }
}
