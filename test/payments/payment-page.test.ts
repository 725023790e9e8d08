/**
 * The hosted payment page over HTTP (inject): its strict CSP, the sandbox's
 * card form that accepts only test numbers, and the Stripe page that hands the
 * card fields to Stripe.js. The same flow in a real browser is in
 * `payment-page.browser.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { createPaymentsModule, type PaymentsModuleDeps } from '../../src/modules/payments/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeStripe } from './fake-stripe.ts';
import { adminToken, customerToken, makeTenant, postWebhook, snapshot, startPayments, TEST_PAGE_KEY, type PaymentsHarness, type PaymentsTenant } from './harness.ts';

const PUBLIC_URL = 'http://localhost:3000';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const lookupFor = (amount: number): PaymentsModuleDeps['bookingLookup'] => async (executor, tenantId, bookingId) => {
  const customer = await sql<{ id: string }>`select id from customers where tenant_id = ${tenantId} limit 1`.execute(executor);
  return {
    bookingId,
    customerId: customer.rows[0]?.id ?? '',
    resourceId: '00000000-0000-4000-8000-000000000001',
    awaitingPayment: true,
    amountDue: { amount, currency: 'EUR' },
    type: 'deposit',
    description: 'Colour BK-TEST',
  };
};

/** A new booking's intent, as the booking widget would start it, and the page it may send the customer to. */
async function openIntent(harness: PaymentsHarness, tenant: PaymentsTenant) {
  const response = await harness.server.inject({
    method: 'POST',
    url: '/api/v1/payments/intent',
    // The booking's customer: the test tenant's only one.
    headers: { authorization: customerToken(tenant, tenant.customerId) },
    payload: { booking_id: randomUUID() },
  });
  expect(response.statusCode, response.body).toBe(200);
  const data = response.json().data as { payment_id: string; payment_page_url: string; client_secret: string };
  const url = new URL(data.payment_page_url);
  return { ...data, path: url.pathname, url };
}

const cspOf = (headers: Record<string, unknown>): Map<string, string> =>
  new Map(
    String(headers['content-security-policy'])
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values.join(' ')]),
  );

describe('the sandbox payment page', () => {
  let harness: PaymentsHarness;
  let tenant: PaymentsTenant;
  const form = (card_number: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({ card_number, card_exp: `12/${(new Date().getUTCFullYear() + 2) % 100}`, card_cvc: '123', ...extra }).toString();
  const pay = (path: string, payload: string) =>
    harness.server.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });

  beforeAll(async () => {
    harness = await startPayments(handle, { bookingLookup: lookupFor(2500) });
    tenant = await makeTenant(handle);
  });
  afterAll(async () => {
    await harness?.server.close();
  });

  it('is linked from the intent and served with a strict, nonce-based CSP and no caching', async () => {
    const intent = await openIntent(harness, tenant);
    expect(intent.url.origin).toBe(PUBLIC_URL);
    expect(intent.path).toMatch(/^\/pay\/[A-Za-z0-9_-]{64}$/);
    // The client secret never travels in the URL.
    expect(intent.payment_page_url).not.toContain(intent.client_secret);
    const page = await harness.server.inject({ method: 'GET', url: intent.path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('€25.00');
    expect(page.body).toContain('Colour BK-TEST');
    expect(page.body).toContain('id="card-number"');
    const csp = cspOf(page.headers);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toMatch(/^'nonce-[0-9a-f]{32}'$/);
    expect(csp.get('style-src')).toMatch(/^'nonce-[0-9a-f]{32}'$/);
    expect(csp.get('form-action')).toBe(`'self' ${PUBLIC_URL}`);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(page.body).toContain(`<style nonce="${csp.get('style-src')?.slice(7, -1)}">`);
    expect(page.body).not.toContain('js.stripe.com');
  });

  it('refuses any number but the sandbox test cards, with a clear message and without echoing it', async () => {
    const intent = await openIntent(harness, tenant);
    const before = harness.recorder.sent.length;
    const real = await pay(intent.path, form('4111 1111 1111 1111'));
    expect(real.statusCode).toBe(422);
    expect(real.body).toContain('only the sandbox test cards are accepted');
    expect(real.body).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    const expired = await pay(intent.path, form('4242424242424242', { card_exp: '01/20' }));
    expect(expired.statusCode).toBe(422);
    expect(expired.body).toContain('This card has expired.');
    const garbage = await pay(intent.path, 'card_number=abc');
    expect(garbage.statusCode).toBe(422);
    expect(harness.recorder.sent.length).toBe(before);
    expect((await snapshot(handle, tenant.tenantId, intent.payment_id)).status).toBe('requires_payment_method');
  });

  it('shows a decline and lets the customer pay with another card', async () => {
    const intent = await openIntent(harness, tenant);
    const declined = await pay(intent.path, form('4000000000000002'));
    expect(declined.statusCode).toBe(402);
    expect(declined.body).toContain('The card was declined. Try another card.');
    expect(declined.body).toContain('id="card-number"');
    expect((await snapshot(handle, tenant.tenantId, intent.payment_id)).status).toBe('failed');
    // Coming back to the page later still says why.
    expect((await harness.server.inject({ method: 'GET', url: intent.path })).body).toContain('The card was declined.');

    const paid = await pay(intent.path, form('4242 4242 4242 4242'));
    expect(paid.statusCode).toBe(303);
    expect(paid.headers.location).toBe(intent.payment_page_url);
    const state = await snapshot(handle, tenant.tenantId, intent.payment_id);
    expect(state.status).toBe('succeeded');
    expect(state.events.map((event) => event.type)).toEqual(['payment.failed', 'payment.succeeded']);
    const done = await harness.server.inject({ method: 'GET', url: intent.path });
    expect(done.body).toContain('Payment received');
    expect(done.body).not.toContain('id="card-number"');
    // A paid payment takes no second card.
    expect((await pay(intent.path, form('4242424242424242'))).statusCode).toBe(303);
    expect((await snapshot(handle, tenant.tenantId, intent.payment_id)).events).toHaveLength(2);
  });

  it('speaks Spanish to a browser that prefers it, and once paid sends the customer on to the return page', async () => {
    const intent = await openIntent(harness, tenant);
    const spanish = { 'accept-language': 'es-ES,es;q=0.9,en;q=0.8' };
    const page = await harness.server.inject({ method: 'GET', url: intent.path, headers: spanish });
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('Paga tu reserva');
    expect(page.body).toMatch(/25,00\s€/);
    expect(page.body).toContain('Número de tarjeta');
    const english = await harness.server.inject({ method: 'GET', url: intent.path, headers: { 'accept-language': 'fr-FR,en;q=0.5,es;q=0.4' } });
    expect(english.body).toContain('Pay your booking');
    const refused = await harness.server.inject({
      method: 'POST',
      url: intent.path,
      headers: { ...spanish, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form('4000000000000002'),
    });
    expect(refused.body).toContain('La tarjeta fue rechazada. Prueba con otra.');
    expect(page.body).not.toContain('data-testid="payment-continue"');

    expect((await pay(intent.path, form('4242424242424242'))).statusCode).toBe(303);
    const done = await harness.server.inject({ method: 'GET', url: intent.path, headers: spanish });
    expect(done.body).toContain('Pago recibido');
    const onward = /data-testid="payment-continue" href="([^"]+)"/.exec(done.body)?.[1]?.replaceAll('&amp;', '&');
    if (!onward) throw new Error('no continue link on the paid page');
    const url = new URL(onward);
    // No return URL was given when the payment was opened: the product's own return page.
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/payments/return`);
    expect(url.searchParams.get('redirect_status')).toBe('succeeded');
  });

  it('maps the test numbers to the named methods; 3-D Secure comes back to the page and settles by webhook', async () => {
    const intent = await openIntent(harness, tenant);
    const challenged = await pay(intent.path, form('4000002760003184'));
    expect(challenged.statusCode).toBe(303);
    const authorize = new URL(String(challenged.headers.location));
    expect(authorize.pathname).toMatch(/^\/api\/v1\/payments\/sandbox\/authorize\/pi_sbx_/);
    const method = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ payment_method_id: string }>`select payment_method_id from payments where id = ${intent.payment_id}`.execute(trx),
    );
    expect(method.rows[0]?.payment_method_id).toBe('pm_card_threeDSecureRequired');

    const before = harness.recorder.sent.length;
    const approved = await harness.server.inject({
      method: 'POST',
      url: authorize.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'decision=approve',
    });
    expect(approved.statusCode).toBe(303);
    const back = new URL(String(approved.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(intent.payment_page_url);
    expect(back.searchParams.get('redirect_status')).toBe('succeeded');
    const waiting = await harness.server.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(waiting.body).toContain('Confirming your payment');
    expect(waiting.body).toContain('http-equiv="refresh"');

    const [event] = harness.recorder.sent.slice(before);
    expect((await postWebhook(harness.server, 'sandbox', event ?? { body: '', headers: {} })).json().data.outcome).toBe('applied');
    expect((await harness.server.inject({ method: 'GET', url: `${back.pathname}${back.search}` })).body).toContain('Payment received');
  });

  it('answers 404 to a forged or foreign token, and a closed payment takes no card', async () => {
    const intent = await openIntent(harness, tenant);
    const token = intent.path.slice('/pay/'.length);
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await harness.server.inject({ method: 'GET', url: `/pay/${forged}` })).statusCode).toBe(404);
    expect((await pay(`/pay/${forged}`, form('4242424242424242'))).statusCode).toBe(404);
    expect((await harness.server.inject({ method: 'GET', url: '/pay/short' })).statusCode).toBe(404);

    await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql`update payments set status = 'cancelled' where id = ${intent.payment_id}`.execute(trx),
    );
    const closed = await harness.server.inject({ method: 'GET', url: intent.path });
    expect(closed.body).toContain('no longer open');
    expect((await pay(intent.path, form('4242424242424242'))).statusCode).toBe(303);
    expect((await snapshot(handle, tenant.tenantId, intent.payment_id)).status).toBe('cancelled');
  });
});

describe('the Stripe payment page', () => {
  let fake: FakeStripe;
  let harness: PaymentsHarness;
  let tenant: PaymentsTenant;

  beforeAll(async () => {
    fake = new FakeStripe();
    await fake.start();
    harness = await startPayments(handle, {
      settings: {
        publicUrl: PUBLIC_URL,
        STRIPE_SECRET_KEY: 'sk_test_fake',
        STRIPE_WEBHOOK_SECRET: 'whsec_page',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_pagekey',
        STRIPE_API_BASE: fake.url,
      },
      bookingLookup: lookupFor(4000),
    });
    tenant = await makeTenant(handle);
    const started = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payments/connect/onboarding',
      headers: { authorization: adminToken(tenant) },
      payload: {},
    });
    fake.completeOnboarding(started.json().data.account_id);
    await harness.server.inject({ method: 'GET', url: '/api/v1/payments/connect', headers: { authorization: adminToken(tenant) } });
  });
  afterAll(async () => {
    await harness?.server.close();
    await fake?.stop();
  });

  it("mounts Stripe's Payment Element with the client secret and publishable key; no card field is ours", async () => {
    const intent = await openIntent(harness, tenant);
    const page = await harness.server.inject({ method: 'GET', url: intent.path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script nonce="');
    expect(page.body).toContain('src="https://js.stripe.com/v3/"');
    expect(page.body).toContain('"publishableKey":"pk_test_pagekey"');
    expect(page.body).toContain(`"clientSecret":"${intent.client_secret}"`);
    expect(page.body).toContain(`"returnUrl":"${intent.payment_page_url}"`);
    expect(page.body).toContain('id="payment-element"');
    expect(page.body).not.toMatch(/<input/);
    const csp = cspOf(page.headers);
    expect(csp.get('script-src')).toMatch(/^https:\/\/js\.stripe\.com https:\/\/\*\.js\.stripe\.com 'nonce-[0-9a-f]{32}'$/);
    expect(csp.get('frame-src')).toBe('https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com');
    expect(csp.get('connect-src')).toBe('https://api.stripe.com');
    expect(csp.get('default-src')).toBe("'none'");
  });

  it('accepts no card numbers at all: the form post does not exist in live mode', async () => {
    const intent = await openIntent(harness, tenant);
    const response = await harness.server.inject({
      method: 'POST',
      url: intent.path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'card_number=4242424242424242&card_exp=12%2F40&card_cvc=123',
    });
    expect(response.statusCode).toBe(405);
    expect(response.body).not.toContain('4242424242424242');
    expect((await snapshot(handle, tenant.tenantId, intent.payment_id)).status).toBe('requires_payment_method');
  });
});

describe('Stripe settings for the payment page', () => {
  const base = {
    db: undefined as unknown as PaymentsModuleDeps['db'],
    sandboxSecret: 'x',
    pageKey: TEST_PAGE_KEY,
    feeRuleOf: async () => ({ bps: 0, fixed: { amount: 0, currency: 'USD' } }),
  };
  const stripe = (publishable: string | undefined) => () =>
    createPaymentsModule({
      ...base,
      db: handle.db,
      settings: { publicUrl: PUBLIC_URL, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_PUBLISHABLE_KEY: publishable },
    });

  it('stop the start without a publishable key, or with one of the other mode', () => {
    expect(stripe(undefined)).toThrow(/STRIPE_PUBLISHABLE_KEY is required/);
    expect(stripe('pk_live_abc')).toThrow(/live key but STRIPE_SECRET_KEY is a test key/);
    expect(stripe('pk_test_abc')().providerName).toBe('stripe');
  });
});
