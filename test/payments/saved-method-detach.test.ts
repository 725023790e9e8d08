/**
 * Removing a saved payment method (`DELETE /me/payment-methods/{id}`) detaches
 * it at the provider before our record goes: with Stripe (the fake server,
 * through the official SDK) a detach request, idempotent when Stripe has it
 * detached already, and a 503 that keeps the record when Stripe cannot be
 * reached; with the sandbox, a detached method can no longer pay a no-show
 * fee off-session nor a deposit.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import { PaymentDeclinedError } from '../../src/modules/payments/payment-provider.ts';
import type { SandboxProvider } from '../../src/modules/payments/sandbox-provider.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { bearer, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, request } from '../support/http.ts';
import { FakeStripe } from './fake-stripe.ts';
import { adminToken, makeTenant, startPayments, type PaymentsHarness, type PaymentsTenant } from './harness.ts';

type Headers = Record<string, string>;

describe('with Stripe', () => {
  let fake: FakeStripe;
  let t: TestApp;
  let owner: TenantOwner;
  let customer: { id: string; headers: Headers };
  let addressCounter = 0;

  const call = httpClient(() => t.server, { remoteAddress: () => `198.51.100.${(addressCounter++ % 250) + 1}` });

  /** A customer account signed in with the code the outbox captured. */
  async function signIn(email: string): Promise<{ id: string; headers: Headers }> {
    const page = { 'x-tenant': owner.tenant.slug };
    expect((await call('POST', '/api/v1/customer-auth/code', { headers: page, body: { email } })).status).toBe(202);
    await t.app.createWorker(pino({ level: 'silent' })).drain();
    const messages = (await call<Array<{ event_type: string; recipient: string | null; body: string }>>('GET', '/api/v1/notifications?channel=email&limit=100', { headers: owner.headers })).body.data;
    const message = messages.find((item) => item.event_type === 'verification.code' && item.recipient === maskRecipient(email));
    const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
    if (code === undefined) throw new Error(`no code captured for ${email}`);
    const verified = await call<{ access_token: string; customer: { id: string } }>('POST', '/api/v1/customer-auth/verify', { headers: page, body: { email, code, first_name: 'Nuria' } });
    expect(verified.status, verified.text).toBe(200);
    const session = verified.body.data;
    return { id: session.customer.id, headers: bearer(session.access_token) };
  }

  /** A card from Stripe's card element, saved for the customer (attached to their Stripe customer). */
  async function saveCard(): Promise<{ id: string; token: string }> {
    const token = `pm_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    // The customer saves their own card (only they or the business may attach one to them).
    const saved = await call<{ id: string }>('POST', '/api/v1/payment-methods', { headers: customer.headers, body: {
      type: 'card',
      provider_payment_method_id: token,
      customer_id: customer.id,
    } });
    expect(saved.status, saved.text).toBe(201);
    expect(fake.paymentMethods.get(token)?.customer).toMatch(/^cus_/);
    return { id: saved.body.data.id, token };
  }

  const listed = async () => (await call<Array<{ id: string }>>('GET', '/api/v1/me/payment-methods', { headers: customer.headers })).body.data.map((item) => item.id);
  const detachPath = (token: string) => new RegExp(`^/v1/payment_methods/${token}/detach$`);

  beforeAll(async () => {
    fake = new FakeStripe();
    await fake.start();
    t = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_fake',
      STRIPE_API_BASE: fake.url,
    });
    owner = await signupTenant(t);
    customer = await signIn(`nuria.${randomUUID().slice(0, 8)}@example.test`);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('detaches the method at Stripe, then forgets it', async () => {
    const card = await saveCard();
    expect(await listed()).toEqual([card.id]);

    const removed = await call('DELETE', `/api/v1/me/payment-methods/${card.id}`, { headers: customer.headers });
    expect(removed.status, removed.text).toBe(204);
    expect(fake.count('POST', detachPath(card.token))).toBe(1);
    expect(fake.paymentMethods.get(card.token)).toMatchObject({ customer: null, detached: true });
    expect(await listed()).toEqual([]);
    // Gone on our side too: a second removal is 404 and does not call Stripe again.
    expect((await call('DELETE', `/api/v1/me/payment-methods/${card.id}`, { headers: customer.headers })).status).toBe(404);
    expect(fake.count('POST', detachPath(card.token))).toBe(1);
  });

  it('answers 503 and keeps the method when Stripe is unavailable; the retry removes it', async () => {
    const card = await saveCard();
    fake.outage(detachPath(card.token));
    try {
      const refused = await call('DELETE', `/api/v1/me/payment-methods/${card.id}`, { headers: customer.headers });
      expect(refused.status, refused.text).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { provider: 'stripe', reason: 'provider_unavailable' } });
      expect(refused.headers['retry-after']).toBe('30');
    } finally {
      fake.outage(null);
    }
    expect(await listed()).toContain(card.id);
    expect(fake.paymentMethods.get(card.token)).toMatchObject({ detached: false });

    const retried = await call('DELETE', `/api/v1/me/payment-methods/${card.id}`, { headers: customer.headers });
    expect(retried.status, retried.text).toBe(204);
    expect(fake.paymentMethods.get(card.token)).toMatchObject({ detached: true });
    expect(await listed()).not.toContain(card.id);
  });

  it('succeeds when Stripe has the method detached already', async () => {
    const card = await saveCard();
    fake.detachElsewhere(card.token);

    const removed = await call('DELETE', `/api/v1/me/payment-methods/${card.id}`, { headers: customer.headers });
    expect(removed.status, removed.text).toBe(204);
    // Stripe refused the second detach; the method itself showed it is attached to no one.
    expect(fake.count('POST', detachPath(card.token))).toBe(1);
    expect(fake.count('GET', new RegExp(`^/v1/payment_methods/${card.token}$`))).toBe(1);
    expect(await listed()).not.toContain(card.id);
  });

  it('erasing the customer detaches their cards and deletes their Stripe customer; with Stripe down nothing is erased', async () => {
    const card = await saveCard();
    const stripeCustomer = fake.paymentMethods.get(card.token)?.customer ?? '';
    expect(stripeCustomer).toMatch(/^cus_/);
    const deletePath = new RegExp(`^/v1/customers/${stripeCustomer}$`);

    fake.outage(detachPath(card.token));
    try {
      const refused = await call('DELETE', `/api/v1/customers/${customer.id}`, { headers: owner.headers });
      expect(refused.status, refused.text).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { provider: 'stripe', reason: 'provider_unavailable' } });
    } finally {
      fake.outage(null);
    }
    // Rolled back as a whole: the customer can still see their card, Stripe still holds the customer.
    expect(await listed()).toContain(card.id);
    expect(fake.deletedCustomers.has(stripeCustomer)).toBe(false);

    const erased = await call('DELETE', `/api/v1/customers/${customer.id}`, { headers: owner.headers });
    expect(erased.status, erased.text).toBe(200);
    expect(fake.paymentMethods.get(card.token)).toMatchObject({ customer: null, detached: true });
    expect(fake.count('DELETE', deletePath)).toBe(1);
    expect(fake.deletedCustomers.has(stripeCustomer)).toBe(true);
  });
});

describe('with the sandbox', () => {
  let handle: TestDatabase;
  let harness: PaymentsHarness;
  let sandbox: SandboxProvider;
  let tenant: PaymentsTenant;

  beforeAll(async () => {
    handle = await openTestDatabase();
    tenant = await makeTenant(handle);
    harness = await startPayments(handle);
    if (!harness.payments.sandbox) throw new Error('the harness runs the sandbox');
    sandbox = harness.payments.sandbox;
  });

  afterAll(async () => {
    await harness?.server.close();
    await handle?.close();
  });

  async function saveMethod(payload: Record<string, unknown>) {
    const saved = await request(harness.server, 'POST', '/api/v1/payment-methods', {
      auth: adminToken(tenant),
      body: { type: 'card', customer_id: tenant.customerId, ...payload },
    });
    expect(saved.status, saved.text).toBe(201);
    const id = saved.body.data.id;
    const row = await withTenant(handle.db, tenant.tenantId, async (trx) =>
      (await sql<{ provider_payment_method_id: string; provider_customer_id: string }>`
        select provider_payment_method_id, provider_customer_id from payment_methods where id = ${id}`.execute(trx)).rows[0],
    );
    if (!row) throw new Error('saved method not found');
    return { id, token: row.provider_payment_method_id, providerCustomer: row.provider_customer_id };
  }

  const remove = (id: string) =>
    withTenant(handle.db, tenant.tenantId, (trx) => harness.payments.savedPaymentMethods.removeForCustomer(trx, tenant.tenantId, tenant.customerId, id));

  const noShowFee = () =>
    withTenant(handle.db, tenant.tenantId, (trx) =>
      harness.payments.port.settleNoShow(trx, {
        tenantId: tenant.tenantId,
        bookingId: randomUUID(),
        customerId: tenant.customerId,
        keepDeposit: false,
        fee: { amount: 1500, currency: 'EUR' },
        idempotencyKey: randomUUID(),
      }),
    );

  const deposit = (paymentMethodId: string) =>
    withTenant(handle.db, tenant.tenantId, (trx) =>
      harness.payments.port.startDeposit(trx, {
        tenantId: tenant.tenantId,
        bookingId: randomUUID(),
        customerId: tenant.customerId,
        amount: { amount: 2000, currency: 'EUR' },
        type: 'deposit',
        paymentMethodId,
        idempotencyKey: randomUUID(),
        description: 'Deposit',
      }),
    );

  /** The provider asked directly to charge the method off-session, as a no-show fee does. */
  const chargeOffSession = (token: string, providerCustomer: string) =>
    sandbox.createIntent({
      amount: { amount: 1500, currency: 'EUR' },
      description: 'No-show fee',
      metadata: {},
      idempotencyKey: randomUUID(),
      paymentMethod: token,
      confirm: true,
      customer: providerCustomer,
      offSession: true,
      applicationFee: 0,
      connectedAccount: null,
    });

  it('a removed card can no longer pay a no-show fee off-session nor a deposit', async () => {
    const card = await saveMethod({ card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } });
    // Before: the saved card pays both.
    expect((await noShowFee()).fee).toMatchObject({ status: 'succeeded' });
    expect((await chargeOffSession(card.token, card.providerCustomer)).status).toBe('succeeded');
    expect((await deposit(card.token)).status).toBe('succeeded');

    expect(await remove(card.id)).toBe(true);

    expect((await noShowFee()).fee).toMatchObject({ status: 'failed', failureReason: 'no_saved_payment_method' });
    await expect(chargeOffSession(card.token, card.providerCustomer)).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(deposit(card.token)).rejects.toMatchObject({ code: 'PAYMENT_FAILED', details: { reason: 'invalid_payment_method' } });
    // Removing again finds nothing; detaching again at the provider is harmless.
    expect(await remove(card.id)).toBe(false);
    await expect(sandbox.detachPaymentMethod({ paymentMethod: card.token, customer: card.providerCustomer })).resolves.toBeUndefined();
  });

  it('a removed named test method is refused off-session for that customer only, until saved again', async () => {
    const named = await saveMethod({ provider_payment_method_id: 'pm_card_mastercard' });
    expect(await remove(named.id)).toBe(true);

    await expect(chargeOffSession('pm_card_mastercard', named.providerCustomer)).rejects.toBeInstanceOf(PaymentDeclinedError);
    // Anyone may still use the name (a new method at each use): another customer, or a payment with the customer present.
    expect((await chargeOffSession('pm_card_mastercard', `cus_sbx_other_${randomUUID().slice(0, 8)}`)).status).toBe('succeeded');
    expect((await deposit('pm_card_mastercard')).status).toBe('succeeded');

    const again = await saveMethod({ provider_payment_method_id: 'pm_card_mastercard' });
    expect(again.providerCustomer).toBe(named.providerCustomer);
    expect((await chargeOffSession('pm_card_mastercard', named.providerCustomer)).status).toBe('succeeded');
    expect((await noShowFee()).fee).toMatchObject({ status: 'succeeded' });
  });
});
