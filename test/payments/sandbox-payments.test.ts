import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { bookingPaymentAfterExpiry } from '../../src/modules/payments/index.ts';
import type { DepositRequest } from '../../src/modules/payments/payments-port.ts';
import { signPayload } from '../../src/modules/payments/webhook-signature.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { customerToken } from '../support/module-server.ts';
import {
  adminToken,
  makeTenant,
  postWebhook,
  readerToken,
  snapshot,
  startPayments,
  type PaymentsHarness,
  type PaymentsTenant,
} from './harness.ts';

let handle: TestDatabase;
let harness: PaymentsHarness;
let tenant: PaymentsTenant;

beforeAll(async () => {
  handle = await openTestDatabase();
  tenant = await makeTenant(handle);
  harness = await startPayments(handle, {
    bookingLookup: async (_executor, tenantId, bookingId) =>
      tenantId === tenant.tenantId
        ? {
            bookingId,
            customerId: tenant.customerId,
            resourceId: randomUUID(),
            awaitingPayment: true,
            amountDue: { amount: 2500, currency: 'EUR' },
            type: 'deposit',
            description: 'Deposit',
          }
        : null,
  });
});

afterAll(async () => {
  await harness?.server.close();
  await handle?.close();
});

function deposit(overrides: Partial<DepositRequest> = {}): DepositRequest {
  return {
    tenantId: tenant.tenantId,
    bookingId: randomUUID(),
    customerId: tenant.customerId,
    amount: { amount: 2500, currency: 'EUR' },
    type: 'deposit',
    idempotencyKey: randomUUID(),
    description: 'Deposit',
    ...overrides,
  };
}

const start = (request: DepositRequest) =>
  withTenant(handle.db, request.tenantId, (trx) => harness.payments.port.startDeposit(trx, request));

describe('sandbox charges', () => {
  it('charges pm_card_visa at once, records the plan fee and announces payment.succeeded once', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_visa' }));
    expect(result.status).toBe('succeeded');
    const state = await snapshot(handle, tenant.tenantId, result.paymentId);
    expect(state).toMatchObject({ status: 'succeeded', amount: 2500 });
    expect(state.events.map((event) => event.type)).toEqual(['payment.succeeded']);
    const fee = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ platform_fee: number }>`select platform_fee from payments where id = ${result.paymentId}`.execute(trx),
    );
    // Starter: 3.5 % of 25.00 EUR = 87.5 → 88 cents, plus 30 cents.
    expect(Number(fee.rows[0]?.platform_fee)).toBe(118);
  });

  it('records a decline of pm_card_chargeDeclined as failed with its reason', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_chargeDeclined' }));
    expect(result).toMatchObject({ status: 'failed', failureReason: 'card_declined', nextAction: null });
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).events.map((event) => event.type)).toEqual(['payment.failed']);
  });

  it('returns the same payment for a retried request with the same idempotency key', async () => {
    const request = deposit({ paymentMethodId: 'pm_card_visa' });
    const first = await start(request);
    const second = await start(request);
    expect(second.paymentId).toBe(first.paymentId);
    const count = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from payments where booking_id = ${request.bookingId}`.execute(trx),
    );
    expect(count.rows[0]?.n).toBe(1);
  });

  it.each([
    ['JPY', 4500, 158],
    ['KWD', 4500, 458],
  ])('charges zero- and three-decimal currencies in minor units (%s)', async (currency, amount, fee) => {
    const result = await start(deposit({ amount: { amount, currency }, paymentMethodId: 'pm_card_visa' }));
    expect(result.amount).toEqual({ amount, currency });
    const row = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ amount: number; platform_fee: number }>`select amount, platform_fee from payments where id = ${result.paymentId}`.execute(trx),
    );
    expect(row.rows[0]).toEqual({ amount, platform_fee: fee });
  });

  it('sends 3-D Secure to the sandbox page; approving it settles the payment through the webhook endpoint', async () => {
    const result = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' }));
    expect(result.status).toBe('requires_action');
    expect(result.nextAction).toEqual({ type: 'redirect_to_url', redirect: { url: expect.stringMatching(/\/api\/v1\/payments\/sandbox\/authorize\/pi_sbx_/), return_url: null } });
    const path = new URL(result.nextAction?.redirect.url ?? '').pathname;
    const page = await harness.server.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('25.00');

    const before = harness.recorder.sent.length;
    const decision = await harness.server.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'decision=approve',
    });
    expect(decision.statusCode).toBe(200);
    const [event] = harness.recorder.sent.slice(before);
    expect(event).toBeDefined();
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).status).toBe('requires_action');
    const response = await postWebhook(harness.server, 'sandbox', event ?? { body: '', headers: {} });
    expect(response.statusCode).toBe(200);
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).status).toBe('succeeded');
  });

  it('refuses a forged sandbox intent id on the confirmation page', async () => {
    const response = await harness.server.inject({ method: 'GET', url: '/api/v1/payments/sandbox/authorize/pi_sbx_eyJhIjoxfQ_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(response.statusCode).toBe(404);
  });
});

describe('provider webhooks', () => {
  async function pendingThreeDs() {
    const result = await start(deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' }));
    const sandbox = harness.payments.sandbox;
    if (!sandbox) throw new Error('sandbox expected');
    const before = harness.recorder.sent.length;
    sandbox.completeAuthentication(result.intentId, true);
    const webhook = harness.recorder.sent[before];
    if (!webhook) throw new Error('no webhook sent');
    return { result, webhook };
  }

  it('answers 400 to a bad signature, an altered body or an old timestamp, and changes nothing', async () => {
    const { result, webhook } = await pendingThreeDs();
    const forged = { ...webhook, headers: { ...webhook.headers, 'sandbox-signature': signPayload(webhook.body, 'not-the-secret', Math.floor(Date.now() / 1000)) } };
    const altered = { ...webhook, body: webhook.body.replace('"amount":2500', '"amount":1') };
    const old = {
      ...webhook,
      headers: { ...webhook.headers, 'sandbox-signature': signPayload(webhook.body, 'test-sandbox-secret', Math.floor(Date.now() / 1000) - 301) },
    };
    const missing = { body: webhook.body, headers: { 'content-type': 'application/json' } };
    for (const attempt of [forged, altered, old, missing]) {
      const response = await postWebhook(harness.server, 'sandbox', attempt);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('INVALID_SIGNATURE');
    }
    const state = await snapshot(handle, tenant.tenantId, result.paymentId);
    expect(state).toMatchObject({ status: 'requires_action', events: [] });
    const recorded = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from provider_events where provider_object_id = ${result.intentId}`.execute(trx),
    );
    expect(recorded.rows[0]?.n).toBe(0);
  });

  it('applies the same event once when it arrives twice (also concurrently)', async () => {
    const { result, webhook } = await pendingThreeDs();
    const responses = await Promise.all([postWebhook(harness.server, 'sandbox', webhook), postWebhook(harness.server, 'sandbox', webhook)]);
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
    expect(responses.map((response) => response.json().data.outcome).sort()).toEqual(['applied', 'duplicate']);
    const third = await postWebhook(harness.server, 'sandbox', webhook);
    expect(third.json().data.outcome).toBe('duplicate');
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).events.map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it('ignores a failure that arrives after the success (out of order)', async () => {
    const { result, webhook } = await pendingThreeDs();
    const sandbox = harness.payments.sandbox;
    if (!sandbox) throw new Error('sandbox expected');
    const before = harness.recorder.sent.length;
    sandbox.completeAuthentication(result.intentId, false);
    const failure = harness.recorder.sent[before];
    if (!failure) throw new Error('no failure webhook');
    expect((await postWebhook(harness.server, 'sandbox', webhook)).statusCode).toBe(200);
    expect((await postWebhook(harness.server, 'sandbox', failure)).statusCode).toBe(200);
    const state = await snapshot(handle, tenant.tenantId, result.paymentId);
    expect(state.status).toBe('succeeded');
    expect(state.events.map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it('answers 404 for an unknown provider', async () => {
    const response = await postWebhook(harness.server, 'paypal', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(404);
  });
});

describe('success racing the booking expiry', () => {
  const expire = (bookingId: string) =>
    withTenant(handle.db, tenant.tenantId, (trx) => harness.payments.port.cancelPendingForBooking(trx, tenant.tenantId, bookingId));

  async function pendingWithSuccessEvent() {
    const request = deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' });
    const result = await start(request);
    const before = harness.recorder.sent.length;
    harness.payments.sandbox?.completeAuthentication(result.intentId, true);
    const webhook = harness.recorder.sent[before];
    if (!webhook) throw new Error('no webhook');
    return { request, result, webhook };
  }

  it('expiry first, success after: the late money is refunded in full and never announced as a success', async () => {
    const { request, result, webhook } = await pendingWithSuccessEvent();
    expect((await expire(request.bookingId)).cancelled).toBe(1);
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).status).toBe('cancelled');
    expect((await postWebhook(harness.server, 'sandbox', webhook)).statusCode).toBe(200);
    const state = await snapshot(handle, tenant.tenantId, result.paymentId);
    expect(state).toMatchObject({ status: 'refunded', refunded: 2500 });
    expect(state.events.map((event) => event.type)).toEqual(['payment.refunded']);
  });

  it('success first, expiry after: the expiry refunds it, and a repeated refund request changes nothing', async () => {
    const { request, result, webhook } = await pendingWithSuccessEvent();
    expect((await postWebhook(harness.server, 'sandbox', webhook)).statusCode).toBe(200);
    const outcome = await expire(request.bookingId);
    expect(outcome.refunds).toHaveLength(1);
    expect(outcome.refunds[0]).toMatchObject({ amount: 2500, status: 'succeeded' });
    // Booking's `booking.payment_after_expiry` for the same payment, and a second expiry, are harmless.
    const subscriber = harness.payments.subscribers.find((candidate) => candidate.events.includes(bookingPaymentAfterExpiry));
    await withTenant(handle.db, tenant.tenantId, (trx) =>
      subscriber?.handle(
        {
          id: randomUUID(),
          tenantId: tenant.tenantId,
          type: 'booking.payment_after_expiry',
          aggregateType: 'booking',
          aggregateId: request.bookingId,
          data: { booking_id: request.bookingId, payment_id: result.paymentId, amount: 2500, currency: 'EUR', action: 'refund' },
          previousAttributes: null,
          createdAt: new Date().toISOString(),
        },
        trx,
      ) ?? Promise.resolve(),
    );
    await expire(request.bookingId);
    const state = await snapshot(handle, tenant.tenantId, result.paymentId);
    expect(state).toMatchObject({ status: 'refunded', refunded: 2500 });
    expect(state.events.map((event) => event.type).sort()).toEqual(['payment.refunded', 'payment.succeeded']);
  });

  it('concurrent success and expiry end the same way: all money back, exactly one refund', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { request, result, webhook } = await pendingWithSuccessEvent();
      await Promise.all([postWebhook(harness.server, 'sandbox', webhook), expire(request.bookingId)]);
      const state = await snapshot(handle, tenant.tenantId, result.paymentId);
      expect(state).toMatchObject({ status: 'refunded', refunded: 2500 });
      const refunds = await withTenant(handle.db, tenant.tenantId, (trx) =>
        sql<{ n: number }>`select count(*)::int as n from refunds where payment_id = ${result.paymentId}`.execute(trx),
      );
      expect(refunds.rows[0]?.n).toBe(1);
    }
  });
});

describe('refunds over HTTP', () => {
  async function paid(amount = 2500) {
    return start(deposit({ amount: { amount, currency: 'EUR' }, paymentMethodId: 'pm_card_visa' }));
  }
  const refund = (paymentId: string, body: Record<string, unknown>, token = adminToken(tenant), key?: string) =>
    harness.server.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refund`,
      headers: { authorization: token, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });

  it('refunds in parts and refuses more than paid minus refunded with 400 REFUND_EXCEEDS_PAYMENT', async () => {
    const { paymentId } = await paid();
    const first = await refund(paymentId, { amount: 1000, reason: 'goodwill' });
    expect(first.statusCode).toBe(201);
    expect(first.json().data).toMatchObject({ amount: 1000, currency: 'EUR', status: 'succeeded' });
    const tooMuch = await refund(paymentId, { amount: 1501 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error).toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT', details: { remaining: 1500 } });
    const rest = await refund(paymentId, {});
    expect(rest.json().data.amount).toBe(1500);
    expect((await refund(paymentId, { amount: 1 })).statusCode).toBe(400);
    const state = await snapshot(handle, tenant.tenantId, paymentId);
    expect(state).toMatchObject({ status: 'refunded', refunded: 2500 });
    expect(state.events.filter((event) => event.type === 'payment.refunded')).toHaveLength(2);
  });

  it('never refunds twice for one Idempotency-Key, and concurrent refunds cannot pass the remainder', async () => {
    const { paymentId } = await paid();
    const key = randomUUID();
    const [a, b] = [await refund(paymentId, { amount: 2000 }, adminToken(tenant), key), await refund(paymentId, { amount: 2000 }, adminToken(tenant), key)];
    expect(a.json().data.refund_id).toBe(b.json().data.refund_id);
    const concurrent = await Promise.all([refund(paymentId, { amount: 400 }), refund(paymentId, { amount: 400 })]);
    expect(concurrent.map((response) => response.statusCode).sort()).toEqual([201, 400]);
    expect((await snapshot(handle, tenant.tenantId, paymentId)).refunded).toBe(2400);
  });

  it('requires the refund permission and hides other tenants payments', async () => {
    const { paymentId } = await paid();
    expect((await refund(paymentId, { amount: 100 }, readerToken(tenant))).statusCode).toBe(403);
    const other = await makeTenant(handle);
    expect((await refund(paymentId, { amount: 100 }, adminToken(other))).statusCode).toBe(404);
    expect((await refund(paymentId, { amount: 0 })).statusCode).toBe(400);
    expect((await refund(paymentId, { amount: 1.5 })).statusCode).toBe(400);
  });

  it('lists a booking payments with refunded amounts', async () => {
    const request = deposit({ paymentMethodId: 'pm_card_visa' });
    const { paymentId } = await start(request);
    await refund(paymentId, { amount: 500 });
    const list = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/payments?booking_id=${request.bookingId}`,
      headers: { authorization: readerToken(tenant) },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([
      expect.objectContaining({ id: paymentId, status: 'partially_refunded', amount: 2500, refunded_amount: 500, currency: 'EUR' }),
    ]);
  });
});

describe('payment intents and methods over HTTP', () => {
  const publicHeaders = () => ({ 'x-tenant': tenant.slug });
  // The booking's customer, signed in: who may pay its bookings.
  const payerHeaders = () => ({ authorization: customerToken(tenant, tenant.customerId) });

  it('creates one intent per booking, validates the amount against it, and replays the same Idempotency-Key', async () => {
    const bookingId = randomUUID();
    const wrong = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payments/intent',
      headers: payerHeaders(),
      payload: { booking_id: bookingId, amount: 100, currency: 'EUR' },
    });
    expect(wrong.statusCode).toBe(400);
    const headers = { ...payerHeaders(), 'idempotency-key': randomUUID() };
    const first = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/intent', headers, payload: { booking_id: bookingId } });
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toMatchObject({ status: 'requires_payment_method', amount: 2500, currency: 'EUR' });
    const replay = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/intent', headers, payload: { booking_id: bookingId } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const again = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payments/intent',
      headers: payerHeaders(),
      payload: { booking_id: bookingId, payment_method_id: 'pm_card_chargeDeclined' },
    });
    expect(again.statusCode).toBe(402);
    expect(again.json().error.code).toBe('PAYMENT_FAILED');
    const retry = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payments/intent',
      headers: payerHeaders(),
      payload: { booking_id: bookingId, payment_method_id: 'pm_card_visa' },
    });
    expect(retry.json().data).toMatchObject({ status: 'succeeded', intent_id: first.json().data.intent_id });
  });

  it('tokenises only sandbox test cards and never echoes the number', async () => {
    const good = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: publicHeaders(),
      payload: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } },
    });
    expect(good.statusCode).toBe(201);
    expect(good.json().data).toMatchObject({ brand: 'visa', last4: '4242', provider: 'sandbox' });
    expect(good.body).not.toContain('4242424242424242');
    const real = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: publicHeaders(),
      payload: { type: 'card', card: { number: '4111111111111111', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } },
    });
    expect(real.statusCode).toBe(400);
    expect(real.body).not.toContain('4111111111111111');
  });

  it('§10.2.2 adapted: a card saved through the API pays a 25.00 EUR deposit (port, minor units)', async () => {
    const method = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: publicHeaders(),
      payload: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 1, cvc: '123' } },
    });
    const request = deposit({ paymentMethodId: method.json().data.id });
    const result = await start(request);
    expect(result).toMatchObject({ status: 'succeeded', amount: { amount: 2500, currency: 'EUR' } });
    const summary = await withTenant(handle.db, tenant.tenantId, (trx) =>
      harness.payments.port.paymentsOfBooking(trx, tenant.tenantId, request.bookingId),
    );
    expect(summary).toEqual([{ id: result.paymentId, type: 'deposit', method: 'online', status: 'succeeded', amount: 2500, currency: 'EUR', refunded_amount: 0 }]);
  });
});

describe('sandbox delivery through the job queue', () => {
  it('delivers the signed event through the same handler and settles the payment', async () => {
    // The sandbox's events go out through the job queue, as in the product (not to the harness's recorder).
    const queued = await startPayments(handle, { feeRuleOf: async () => ({ bps: 350, fixed: { amount: 30, currency: 'USD' } }) }, { recordSandbox: false });
    await queued.server.close();
    const payments = queued.payments;
    const request = deposit({ paymentMethodId: 'pm_card_threeDSecureRequired' });
    const result = await withTenant(handle.db, tenant.tenantId, (trx) => payments.port.startDeposit(trx, request));
    payments.sandbox?.completeAuthentication(result.intentId, true);
    await payments.deliveriesSettled();
    const worker = new Worker({ handle, definitions: payments.jobs, logger: pino({ level: 'silent' }), concurrency: 2, pollMs: 50 });
    await worker.drain();
    expect((await snapshot(handle, tenant.tenantId, result.paymentId)).status).toBe('succeeded');
  });
});
