import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import type { DepositRequest } from '../../src/modules/payments/payments-port.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeStripe } from './fake-stripe.ts';
import { adminToken, customerToken, makeTenant, postWebhook, snapshot, startPayments, type PaymentsHarness, type PaymentsTenant } from './harness.ts';

const WEBHOOK_SECRET = 'whsec_test_secret';

let handle: TestDatabase;
let fake: FakeStripe;
let harness: PaymentsHarness;
let tenant: PaymentsTenant;
let accountId: string;

/** Stripe Connect as a business admin does it: onboarding link, Stripe's hosted form, then the status refreshed. */
async function connectTenant(who: PaymentsTenant): Promise<string> {
  const headers = { authorization: adminToken(who) };
  const started = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/connect/onboarding', headers, payload: {} });
  if (started.statusCode !== 201) throw new Error(`onboarding answered ${started.statusCode}: ${started.body}`);
  const account: string = started.json().data.account_id;
  fake.completeOnboarding(account);
  const status = await harness.server.inject({ method: 'GET', url: '/api/v1/payments/connect', headers });
  if (status.json().data.charges_enabled !== true) throw new Error(`account not enabled: ${status.body}`);
  return account;
}

beforeAll(async () => {
  handle = await openTestDatabase();
  fake = new FakeStripe();
  await fake.start();
  tenant = await makeTenant(handle, 'professional');
  harness = await startPayments(handle, {
    settings: {
      publicUrl: 'http://localhost:3000',
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.url,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_fake',
    },
    reconcileAfterMinutes: 1,
    // The shop's own site, where 3-D Secure sends the customer back.
    allowedReturnOrigins: async () => ['https://shop.test'],
    bookingLookup: async (_executor, tenantId, bookingId) => ({
      bookingId,
      customerId: tenant.customerId,
      resourceId: '00000000-0000-4000-8000-000000000001',
      awaitingPayment: tenantId === tenant.tenantId,
      amountDue: { amount: 10_000, currency: 'EUR' },
      type: 'full_payment',
      description: 'Haircut',
    }),
  });
  accountId = await connectTenant(tenant);
});

afterAll(async () => {
  await harness?.server.close();
  await fake?.stop();
  await handle?.close();
});

function deposit(overrides: Partial<DepositRequest> = {}): DepositRequest {
  return {
    tenantId: tenant.tenantId,
    bookingId: randomUUID(),
    customerId: tenant.customerId,
    amount: { amount: 10_000, currency: 'EUR' },
    type: 'deposit',
    idempotencyKey: randomUUID(),
    description: 'Deposit',
    ...overrides,
  };
}

const start = (request: DepositRequest) =>
  withTenant(handle.db, request.tenantId, (trx) => harness.payments.port.startDeposit(trx, request));

function stripeWebhook(event: Record<string, unknown>, timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

function intentEvent(type: string, intentId: string, overrides: Record<string, unknown> = {}) {
  const intent = fake.intents.get(intentId);
  return { id: `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type, created: 1, data: { object: { ...intent, ...overrides } } };
}

describe('Stripe adapter against a local Stripe', () => {
  it('charges with a PaymentIntent, the plan fee as Connect application fee and a destination', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_visa' }));
    expect(result.status).toBe('succeeded');
    const intent = fake.intents.get(result.intentId);
    // Professional: 2.9 % of 100.00 EUR + 0.30 = 3.20 EUR.
    expect(intent).toMatchObject({ amount: 10_000, currency: 'eur', application_fee_amount: 320, transfer_destination: accountId });
    expect(intent?.metadata.reservehub_payment_id).toBe(result.paymentId);
    // What the adapter put on the wire: a destination charge on behalf of the business.
    const sent = fake.requests.find((entry) => entry.path === '/v1/payment_intents' && entry.form['metadata[reservehub_payment_id]'] === result.paymentId);
    expect(sent?.form).toMatchObject({ 'transfer_data[destination]': accountId, application_fee_amount: '320', on_behalf_of: accountId });
  });

  it('sends the currency as Stripe expects and the amount in minor units for JPY and KWD', async () => {
    const yen = await start(deposit({ amount: { amount: 4500, currency: 'JPY' }, paymentMethodId: 'pm_card_visa' }));
    const dinar = await start(deposit({ amount: { amount: 4500, currency: 'KWD' }, paymentMethodId: 'pm_card_visa' }));
    expect(fake.intents.get(yen.intentId)).toMatchObject({ amount: 4500, currency: 'jpy', application_fee_amount: 131 });
    expect(fake.intents.get(dinar.intentId)).toMatchObject({ amount: 4500, currency: 'kwd', application_fee_amount: 431 });
  });

  it('returns the 3-D Secure redirect as next_action', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired', returnUrl: 'https://shop.test/back' }));
    expect(result.status).toBe('requires_action');
    expect(result.nextAction).toEqual({
      type: 'redirect_to_url',
      redirect: { url: `https://hooks.stripe.test/3ds/${result.intentId}`, return_url: 'https://shop.test/back' },
    });
  });

  it('records a decline (402 card_error with the intent) as a failed payment', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_chargeDeclined' }));
    expect(result).toMatchObject({ status: 'failed', failureReason: 'generic_decline' });
    expect(result.intentId).toMatch(/^pi_/);
  });

  it('a retried payment with the same key charges once, even when the first transaction rolled back', async () => {
    const request = deposit({ paymentMethodId: 'pm_card_visa' });
    const createsBefore = fake.count('POST', /^\/v1\/payment_intents$/);
    const chargesBefore = fake.charges.size;
    // First attempt: the provider charged, then our transaction died before commit.
    await expect(
      withTenant(handle.db, tenant.tenantId, async (trx) => {
        await harness.payments.port.startDeposit(trx, request);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    const first = await start(request);
    const second = await start(request);
    expect(second.paymentId).toBe(first.paymentId);
    const creates = fake.requests.filter((entry) => entry.method === 'POST' && entry.path === '/v1/payment_intents').slice(createsBefore);
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((entry) => entry.idempotencyKey)).size).toBe(1);
    expect(fake.charges.size - chargesBefore).toBe(1);
  });

  it('a retried HTTP intent request with the same Idempotency-Key creates one intent', async () => {
    const bookingId = randomUUID();
    const before = fake.count('POST', /^\/v1\/payment_intents$/);
    const payer = { authorization: customerToken(tenant, tenant.customerId) };
    const headers = { ...payer, 'idempotency-key': randomUUID() };
    const payload = { booking_id: bookingId, payment_method_id: 'pm_card_visa', amount: 10_000, currency: 'EUR' };
    const first = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/intent', headers, payload });
    const second = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/intent', headers, payload });
    const third = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/intent', headers: payer, payload });
    expect(first.statusCode).toBe(200);
    expect(first.json().data.status).toBe('succeeded');
    expect(second.json().data.intent_id).toBe(first.json().data.intent_id);
    expect(third.statusCode).toBe(409);
    expect(fake.count('POST', /^\/v1\/payment_intents$/) - before).toBe(1);
  });

  it('refunds through Stripe with a stable idempotency key and caps at the remainder', async () => {
    const { paymentId, intentId } = await start(deposit({ paymentMethodId: 'pm_card_visa' }));
    const refund = (amount: number, key: string) =>
      harness.server.inject({
        method: 'POST',
        url: `/api/v1/payments/${paymentId}/refund`,
        headers: { authorization: adminToken(tenant), 'idempotency-key': key },
        payload: { amount },
      });
    expect((await refund(6000, 'r1')).statusCode).toBe(201);
    const over = await refund(4001, 'r2');
    expect(over.statusCode).toBe(400);
    expect(over.json().error.code).toBe('REFUND_EXCEEDS_PAYMENT');
    const refunds = fake.requests.filter((entry) => entry.path === '/v1/refunds' && entry.form.payment_intent === intentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.form).toMatchObject({ amount: '6000', refund_application_fee: 'true', reverse_transfer: 'true' });
  });

  it('verifies Stripe-Signature on the raw body: bad or old signatures answer 400 and change nothing', async () => {
    const { paymentId, intentId } = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' }));
    fake.settle(intentId);
    const event = intentEvent('payment_intent.succeeded', intentId);
    const good = stripeWebhook(event);
    const old = stripeWebhook(event, Math.floor(Date.now() / 1000) - 301);
    const tampered = { ...good, body: good.body.replace('"amount":10000', '"amount":1') };
    const wrongSecret = {
      ...good,
      headers: { ...good.headers, 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: good.body, secret: 'whsec_other' }) },
    };
    for (const attempt of [old, tampered, wrongSecret]) {
      const response = await postWebhook(harness.server, 'stripe', attempt);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('INVALID_SIGNATURE');
    }
    expect((await snapshot(handle, tenant.tenantId, paymentId)).status).toBe('requires_action');
    expect((await postWebhook(harness.server, 'stripe', good)).json().data.outcome).toBe('applied');
    expect((await postWebhook(harness.server, 'stripe', good)).json().data.outcome).toBe('duplicate');
    const state = await snapshot(handle, tenant.tenantId, paymentId);
    expect(state.status).toBe('succeeded');
    expect(state.events.map((entry) => entry.type)).toEqual(['payment.succeeded']);
  });

  it('answers 409 to an event for an intent of ours not recorded yet (so Stripe retries), 200 to foreign ones', async () => {
    const ours = stripeWebhook({
      id: 'evt_unknown_ours',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1,
      data: { object: { id: 'pi_not_yet', object: 'payment_intent', amount: 100, currency: 'eur', status: 'succeeded', metadata: { reservehub_payment_id: randomUUID() } } },
    });
    expect((await postWebhook(harness.server, 'stripe', ours)).statusCode).toBe(409);
    const foreign = stripeWebhook({
      id: 'evt_foreign',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1,
      data: { object: { id: 'pi_foreign', object: 'payment_intent', amount: 100, currency: 'eur', status: 'succeeded', metadata: {} } },
    });
    expect((await postWebhook(harness.server, 'stripe', foreign)).json().data.outcome).toBe('ignored');
  });

  it('reconciles a payment stuck in processing from the provider state', async () => {
    const { paymentId, intentId } = await start(deposit({ paymentMethodId: 'pm_card_processing' }));
    expect((await snapshot(handle, tenant.tenantId, paymentId)).status).toBe('processing');
    const job = harness.payments.jobs.find((definition) => definition.name === 'payments.reconcile');
    const run = () =>
      job?.handle({ payment_id: paymentId }, { db: handle.db, jobId: randomUUID(), tenantId: tenant.tenantId, attempt: 1, signal: new AbortController().signal });
    expect(await run()).toMatchObject({ outcome: 'retry' });
    fake.settle(intentId);
    expect(await run()).toMatchObject({ outcome: 'done' });
    const state = await snapshot(handle, tenant.tenantId, paymentId);
    expect(state.status).toBe('succeeded');
    expect(state.events.map((entry) => entry.type)).toEqual(['payment.succeeded']);
    const scheduled = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from jobs where name = 'payments.reconcile' and payload->>'payment_id' = ${paymentId}`.execute(trx),
    );
    expect(scheduled.rows[0]?.n).toBe(1);
  });

  it('cancels an open intent on expiry; a success Stripe reports instead is refunded', async () => {
    const open = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' }));
    const paidMeanwhile = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' }));
    fake.settle(paidMeanwhile.intentId);
    const expire = (bookingId: string) =>
      withTenant(handle.db, tenant.tenantId, (trx) => harness.payments.port.cancelPendingForBooking(trx, tenant.tenantId, bookingId));
    const bookingOf = async (paymentId: string) =>
      (await withTenant(handle.db, tenant.tenantId, (trx) => sql<{ booking_id: string }>`select booking_id from payments where id = ${paymentId}`.execute(trx))).rows[0]?.booking_id ?? '';
    expect(await expire(await bookingOf(open.paymentId))).toEqual({ cancelled: 1, refunds: [] });
    expect(fake.intents.get(open.intentId)?.status).toBe('canceled');
    const late = await expire(await bookingOf(paidMeanwhile.paymentId));
    expect(late.refunds).toEqual([expect.objectContaining({ amount: 10_000, status: 'succeeded' })]);
    expect(await snapshot(handle, tenant.tenantId, paidMeanwhile.paymentId)).toMatchObject({ status: 'refunded', refunded: 10_000 });
  });

  it('no-show: charges the fee off-session to the saved method, or reports why it could not', async () => {
    const saved = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: { authorization: adminToken(tenant) },
      payload: { type: 'card', provider_payment_method_id: 'pm_card_visa', customer_id: tenant.customerId },
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json().data).toMatchObject({ brand: 'visa', last4: '4242', customer_id: tenant.customerId });
    const noShow = (customerId: string) =>
      withTenant(handle.db, tenant.tenantId, (trx) =>
        harness.payments.port.settleNoShow(trx, {
          tenantId: tenant.tenantId,
          bookingId: randomUUID(),
          customerId,
          keepDeposit: true,
          fee: { amount: 1500, currency: 'EUR' },
          idempotencyKey: randomUUID(),
        }),
      );
    const charged = await noShow(tenant.customerId);
    expect(charged.fee).toMatchObject({ status: 'succeeded', amount: { amount: 1500, currency: 'EUR' } });
    const intent = [...fake.intents.values()].find((candidate) => candidate.metadata.reservehub_payment_id === charged.fee?.paymentId);
    expect(intent).toMatchObject({ off_session: true, customer: expect.stringMatching(/^cus_/), payment_method: 'pm_card_visa' });
    const stranger = await makeTenantCustomer();
    expect((await noShow(stranger)).fee).toMatchObject({ status: 'failed', failureReason: 'no_saved_payment_method' });
  });

  it('refuses raw card numbers in live mode (PCI: they never reach the server)', async () => {
    const response = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: { 'x-tenant': tenant.slug },
      payload: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2099, cvc: '123' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('4242424242424242');
  });
});

async function makeTenantCustomer(): Promise<string> {
  const customerId = randomUUID();
  await withTenant(handle.db, tenant.tenantId, (trx) =>
    sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx)
        values (${tenant.tenantId}, ${customerId}, 'guest', 'x', 'x', ${`bidx-${customerId}`})`.execute(trx),
  );
  return customerId;
}
