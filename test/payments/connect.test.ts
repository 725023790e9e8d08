/**
 * The businesses' payment accounts: Stripe Connect through the official SDK
 * against the local Stripe, and the sandbox's deterministic simulation of it,
 * both driven over HTTP as a business admin and through the signed webhook path.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import type { DepositRequest } from '../../src/modules/payments/payments-port.ts';
import { SandboxProvider } from '../../src/modules/payments/sandbox-provider.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeStripe } from './fake-stripe.ts';
import { adminToken, customerToken, makeTenant, postWebhook, readerToken, startPayments, type PaymentsHarness, type PaymentsTenant } from './harness.ts';

const WEBHOOK_SECRET = 'whsec_platform';
const CONNECT_WEBHOOK_SECRET = 'whsec_connect';
const PUBLIC_URL = 'http://localhost:3000';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

function deposit(tenant: PaymentsTenant, overrides: Partial<DepositRequest> = {}): DepositRequest {
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

const startDeposit = (harness: PaymentsHarness, request: DepositRequest) =>
  withTenant(handle.db, request.tenantId, (trx) => harness.payments.port.startDeposit(trx, request));

const connectApi = (harness: PaymentsHarness, tenant: PaymentsTenant, method: 'GET' | 'POST', token = adminToken(tenant), payload?: unknown) =>
  harness.server.inject({
    method,
    url: method === 'GET' ? '/api/v1/payments/connect' : '/api/v1/payments/connect/onboarding',
    headers: { authorization: token },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function storedAccount(tenant: PaymentsTenant) {
  const rows = await withTenant(handle.db, tenant.tenantId, (trx) =>
    sql<{ account_id: string; charges_enabled: boolean; synced_at: Date }>`
      select account_id, charges_enabled, synced_at from payment_accounts`.execute(trx),
  );
  return rows.rows;
}

describe('Stripe Connect against a local Stripe', () => {
  let fake: FakeStripe;
  let harness: PaymentsHarness;

  beforeAll(async () => {
    fake = new FakeStripe();
    await fake.start();
    harness = await startPayments(handle, {
      settings: {
        publicUrl: PUBLIC_URL,
        STRIPE_SECRET_KEY: 'sk_test_fake',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_WEBHOOK_SECRET,
        STRIPE_PUBLISHABLE_KEY: 'pk_test_fake',
        STRIPE_API_BASE: fake.url,
      },
      bookingLookup: async (executor, tenantId, bookingId) => {
        const customer = await sql<{ id: string }>`select id from customers where tenant_id = ${tenantId} limit 1`.execute(executor);
        return {
          bookingId,
          customerId: customer.rows[0]?.id ?? '',
          resourceId: '00000000-0000-4000-8000-000000000001',
          awaitingPayment: true,
          amountDue: { amount: 10_000, currency: 'EUR' },
          type: 'deposit',
          description: 'Deposit',
        };
      },
    });
  });

  afterAll(async () => {
    await harness?.server.close();
    await fake?.stop();
  });

  /** An account.updated event for the fake account as Stripe would send it to the Connect endpoint. */
  function accountUpdated(accountId: string, created = Math.floor(Date.now() / 1000), secret = CONNECT_WEBHOOK_SECRET) {
    const account = fake.accounts.get(accountId);
    const body = JSON.stringify({
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      type: 'account.updated',
      created,
      account: accountId,
      data: { object: account },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
  }

  async function connected(): Promise<{ tenant: PaymentsTenant; accountId: string }> {
    const tenant = await makeTenant(handle, 'professional');
    const started = await connectApi(harness, tenant, 'POST', adminToken(tenant), {});
    expect(started.statusCode, started.body).toBe(201);
    const accountId: string = started.json().data.account_id;
    fake.completeOnboarding(accountId);
    expect((await connectApi(harness, tenant, 'GET')).json().data.charges_enabled).toBe(true);
    return { tenant, accountId };
  }

  it('lets only business admins read or start the onboarding', async () => {
    const tenant = await makeTenant(handle);
    expect((await connectApi(harness, tenant, 'GET', readerToken(tenant))).statusCode).toBe(403);
    expect((await connectApi(harness, tenant, 'POST', readerToken(tenant), {})).statusCode).toBe(403);
    const anonymous = await harness.server.inject({ method: 'POST', url: '/api/v1/payments/connect/onboarding', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    expect(fake.count('POST', /^\/v1\/accounts$/)).toBe(0);
  });

  it('refuses deposits, intents and no-show fees with 409 PAYMENTS_NOT_CONFIGURED before anything reaches Stripe', async () => {
    const tenant = await makeTenant(handle);
    const status = await connectApi(harness, tenant, 'GET');
    expect(status.statusCode).toBe(200);
    expect(status.json().data).toEqual({
      provider: 'stripe',
      required: true,
      account_id: null,
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements_due: [],
      disabled_reason: null,
      synced_at: null,
    });
    const intentsBefore = fake.count('POST', /^\/v1\/payment_intents$/);
    const refused = await startDeposit(harness, deposit(tenant, { paymentMethodId: 'pm_card_visa' })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'PAYMENTS_NOT_CONFIGURED', status: 409 });

    const intent = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payments/intent',
      headers: { authorization: customerToken(tenant, tenant.customerId) },
      payload: { booking_id: randomUUID() },
    });
    expect(intent.statusCode).toBe(409);
    expect(intent.json().error).toMatchObject({ code: 'PAYMENTS_NOT_CONFIGURED', details: { provider: 'stripe', account_id: null } });
    expect(fake.count('POST', /^\/v1\/payment_intents$/)).toBe(intentsBefore);

    // A no-show still happens; its fee is reported unpaid with the reason.
    const saved = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/payment-methods',
      headers: { authorization: customerToken(tenant, tenant.customerId) },
      payload: { type: 'card', provider_payment_method_id: 'pm_card_visa', customer_id: tenant.customerId },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const noShow = await withTenant(handle.db, tenant.tenantId, (trx) =>
      harness.payments.port.settleNoShow(trx, {
        tenantId: tenant.tenantId,
        bookingId: randomUUID(),
        customerId: tenant.customerId,
        keepDeposit: true,
        fee: { amount: 1500, currency: 'EUR' },
        idempotencyKey: randomUUID(),
      }),
    );
    expect(noShow.fee).toMatchObject({ status: 'failed', failureReason: 'payments_not_configured' });
  });

  it('creates one Express-style account and hands out a fresh onboarding link under PUBLIC_URL each time', async () => {
    const tenant = await makeTenant(handle);
    const first = await connectApi(harness, tenant, 'POST', adminToken(tenant), { country: 'ES' });
    expect(first.statusCode, first.body).toBe(201);
    const data = first.json().data;
    expect(data).toMatchObject({ provider: 'stripe', required: true, charges_enabled: false, details_submitted: false });
    expect(data.account_id).toMatch(/^acct_/);
    expect(data.onboarding_url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\//);
    expect(new Date(data.expires_at).getTime()).toBeGreaterThan(Date.now());

    const created = fake.requests.filter((entry) => entry.path === '/v1/accounts' && entry.form['metadata[reservehub_tenant_id]'] === tenant.tenantId);
    expect(created).toHaveLength(1);
    expect(created[0]?.form).toMatchObject({
      country: 'ES',
      'controller[stripe_dashboard][type]': 'express',
      'controller[requirement_collection]': 'stripe',
      'capabilities[card_payments][requested]': 'true',
      'capabilities[transfers][requested]': 'true',
    });
    const links = () => fake.requests.filter((entry) => entry.path === '/v1/account_links' && entry.form.account === data.account_id);
    expect(links()[0]?.form).toEqual({
      account: data.account_id,
      type: 'account_onboarding',
      return_url: `${PUBLIC_URL}/admin/settings/payments?connect=return`,
      refresh_url: `${PUBLIC_URL}/admin/settings/payments?connect=refresh`,
    });

    const again = await connectApi(harness, tenant, 'POST', adminToken(tenant), {});
    expect(again.statusCode).toBe(200);
    expect(again.json().data.account_id).toBe(data.account_id);
    expect(again.json().data.onboarding_url).not.toBe(data.onboarding_url);
    expect(links()).toHaveLength(2);
    expect(fake.requests.filter((entry) => entry.path === '/v1/accounts' && entry.form['metadata[reservehub_tenant_id]'] === tenant.tenantId)).toHaveLength(1);
  });

  it('two admins starting at once end with one account', async () => {
    const tenant = await makeTenant(handle);
    const answers = await Promise.all([connectApi(harness, tenant, 'POST', adminToken(tenant), {}), connectApi(harness, tenant, 'POST', adminToken(tenant), {})]);
    expect(answers.map((answer) => answer.statusCode).every((status) => status === 200 || status === 201)).toBe(true);
    expect(new Set(answers.map((answer) => answer.json().data.account_id)).size).toBe(1);
    expect(await storedAccount(tenant)).toHaveLength(1);
  });

  it('answers 400 naming the field when Stripe refuses the account, and stores nothing', async () => {
    const tenant = await makeTenant(handle);
    const refused = await connectApi(harness, tenant, 'POST', adminToken(tenant), { country: 'XX' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'country' }] });
    expect(await storedAccount(tenant)).toEqual([]);
    expect((await connectApi(harness, tenant, 'POST', adminToken(tenant), { country: 'spain' })).statusCode).toBe(400);
  });

  it('refreshes the status from Stripe; charges wait until the account can take them, then go to it', async () => {
    const tenant = await makeTenant(handle, 'professional');
    const accountId: string = (await connectApi(harness, tenant, 'POST', adminToken(tenant), {})).json().data.account_id;
    const pending = (await connectApi(harness, tenant, 'GET')).json().data;
    expect(pending).toMatchObject({ account_id: accountId, charges_enabled: false, disabled_reason: 'requirements.past_due' });
    expect(pending.requirements_due).toEqual(['business_profile.url', 'external_account']);
    const refused = await startDeposit(harness, deposit(tenant, { paymentMethodId: 'pm_card_visa' })).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'PAYMENTS_NOT_CONFIGURED', details: { account_id: accountId, disabled_reason: 'requirements.past_due' } });

    fake.completeOnboarding(accountId);
    const ready = (await connectApi(harness, tenant, 'GET')).json().data;
    expect(ready).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true, requirements_due: [], disabled_reason: null });
    const paid = await startDeposit(harness, deposit(tenant, { paymentMethodId: 'pm_card_visa' }));
    expect(paid.status).toBe('succeeded');
    const sent = fake.requests.find((entry) => entry.path === '/v1/payment_intents' && entry.form['metadata[reservehub_payment_id]'] === paid.paymentId);
    // Professional plan: 2.9 % of 100.00 EUR + 0.30 = 3.20 EUR to the platform; the rest to the business.
    expect(sent?.form).toMatchObject({ 'transfer_data[destination]': accountId, application_fee_amount: '320', on_behalf_of: accountId });
  });

  it('applies account.updated from the Connect endpoint once; late or foreign events change nothing', async () => {
    const { tenant, accountId } = await connected();
    const other = await connected();

    fake.disableCharges(accountId);
    const disabled = accountUpdated(accountId);
    const applied = await postWebhook(harness.server, 'stripe', disabled);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().data.outcome).toBe('applied');
    expect((await postWebhook(harness.server, 'stripe', disabled)).json().data.outcome).toBe('duplicate');
    expect((await storedAccount(tenant))[0]?.charges_enabled).toBe(false);
    expect((await storedAccount(other.tenant))[0]?.charges_enabled).toBe(true);
    const refused = await startDeposit(harness, deposit(tenant, { paymentMethodId: 'pm_card_visa' })).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'PAYMENTS_NOT_CONFIGURED' });

    // An older "enabled" state delivered late does not undo the newer one.
    fake.completeOnboarding(accountId);
    const late = await postWebhook(harness.server, 'stripe', accountUpdated(accountId, Math.floor(Date.now() / 1000) - 3600));
    expect(late.json().data.outcome).toBe('ignored');
    expect((await storedAccount(tenant))[0]?.charges_enabled).toBe(false);

    const forged = await postWebhook(harness.server, 'stripe', accountUpdated(accountId, undefined, 'whsec_someone_else'));
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('INVALID_SIGNATURE');

    // The platform endpoint's secret verifies too (one endpoint may receive both kinds of events).
    const current = await postWebhook(harness.server, 'stripe', accountUpdated(accountId, undefined, WEBHOOK_SECRET));
    expect(current.json().data.outcome).toBe('applied');
    expect((await storedAccount(tenant))[0]?.charges_enabled).toBe(true);
  });

  it("answers 409 to an event for an account of ours not recorded yet, and ignores other platforms' accounts", async () => {
    const ours = (metadata: Record<string, string>) => {
      const body = JSON.stringify({
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        object: 'event',
        type: 'account.updated',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: { id: `acct_${randomUUID().slice(0, 8)}`, object: 'account', charges_enabled: true, payouts_enabled: true, details_submitted: true, metadata },
        },
      });
      return { body, headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: CONNECT_WEBHOOK_SECRET }) } };
    };
    expect((await postWebhook(harness.server, 'stripe', ours({ reservehub_tenant_id: randomUUID() }))).statusCode).toBe(409);
    expect((await postWebhook(harness.server, 'stripe', ours({}))).json().data.outcome).toBe('ignored');
  });

  it("shows each business only its own account", async () => {
    const { tenant, accountId } = await connected();
    const stranger = await makeTenant(handle);
    expect((await connectApi(harness, tenant, 'GET')).json().data.account_id).toBe(accountId);
    expect((await connectApi(harness, stranger, 'GET')).json().data.account_id).toBeNull();
  });
});

describe('the sandbox simulation of connected accounts', () => {
  let harness: PaymentsHarness;
  let strict: PaymentsHarness;

  beforeAll(async () => {
    harness = await startPayments(handle);
    // The same sandbox, but refusing like Stripe: the flow can be exercised without Stripe.
    strict = await startPayments(handle, { connectRequired: true });
  });
  afterAll(async () => {
    await harness?.server.close();
    await strict?.server.close();
  });

  async function openOnboarding(on: PaymentsHarness, tenant: PaymentsTenant): Promise<{ accountId: string; url: URL }> {
    const started = await connectApi(on, tenant, 'POST', adminToken(tenant), {});
    expect(started.statusCode, started.body).toBe(201);
    return { accountId: started.json().data.account_id, url: new URL(started.json().data.onboarding_url) };
  }

  it('charges the platform when a tenant has no account (development and demo need no onboarding)', async () => {
    const tenant = await makeTenant(handle);
    const status = (await connectApi(harness, tenant, 'GET')).json().data;
    expect(status).toMatchObject({ provider: 'sandbox', required: false, account_id: null });
    const paid = await startDeposit(harness, deposit(tenant, { paymentMethodId: 'pm_card_visa' }));
    expect(paid.status).toBe('succeeded');
    const row = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ metadata: Record<string, unknown> }>`select metadata from payments where id = ${paid.paymentId}`.execute(trx),
    );
    expect(row.rows[0]?.metadata).toEqual({});
  });

  it('gives a tenant the same account every time, derived deterministically', async () => {
    const tenant = await makeTenant(handle);
    const { accountId } = await openOnboarding(harness, tenant);
    expect(accountId).toMatch(/^acct_sbx_[0-9a-f]{48}$/);
    const again = await connectApi(harness, tenant, 'POST', adminToken(tenant), {});
    expect(again.statusCode).toBe(200);
    expect(again.json().data.account_id).toBe(accountId);
    // Another process with the same secret computes the same account for the same key.
    const twin = new SandboxProvider({ secret: 'test-sandbox-secret', publicUrl: PUBLIC_URL, deliver: () => undefined });
    const other = new SandboxProvider({ secret: 'another-secret', publicUrl: PUBLIC_URL, deliver: () => undefined });
    const key = { tenantId: tenant.tenantId, idempotencyKey: 'same-key' };
    expect((await twin.connect.createAccount(key)).id).toBe((await twin.connect.createAccount(key)).id);
    expect(other.isAccount((await twin.connect.createAccount(key)).id)).toBe(false);
  });

  it('onboards on the sandbox page; completing sends a signed account.updated through the webhook path', async () => {
    const tenant = await makeTenant(handle, 'professional');
    const { accountId, url } = await openOnboarding(strict, tenant);
    expect(url.origin).toBe(PUBLIC_URL);
    expect(url.pathname).toBe(`/api/v1/payments/sandbox/onboarding/${accountId}`);
    const refused = await startDeposit(strict, deposit(tenant, { paymentMethodId: 'pm_card_visa' })).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'PAYMENTS_NOT_CONFIGURED' });

    const page = await strict.server.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Complete onboarding');
    // The return URL is part of the signed link: a changed one is refused (no open redirect).
    const tampered = new URL(url);
    tampered.searchParams.set('return_url', 'https://evil.example/');
    expect((await strict.server.inject({ method: 'GET', url: `${tampered.pathname}${tampered.search}` })).statusCode).toBe(404);

    const before = strict.recorder.sent.length;
    const done = await strict.server.inject({
      method: 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'decision=complete',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${PUBLIC_URL}/admin/settings/payments?connect=return`);
    const events = strict.recorder.sent.slice(before);
    expect(events).toHaveLength(1);
    // Nothing changes until the event arrives through the webhook endpoint.
    expect((await connectApi(strict, tenant, 'GET')).json().data.charges_enabled).toBe(false);
    const delivered = await postWebhook(strict.server, 'sandbox', events[0] ?? { body: '', headers: {} });
    expect(delivered.json().data.outcome).toBe('applied');
    expect((await connectApi(strict, tenant, 'GET')).json().data).toMatchObject({
      account_id: accountId,
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      requirements_due: [],
    });

    const paid = await startDeposit(strict, deposit(tenant, { paymentMethodId: 'pm_card_visa' }));
    expect(paid.status).toBe('succeeded');
    const row = await withTenant(handle.db, tenant.tenantId, (trx) =>
      sql<{ metadata: Record<string, unknown>; platform_fee: number }>`select metadata, platform_fee from payments where id = ${paid.paymentId}`.execute(trx),
    );
    expect(row.rows[0]?.metadata).toEqual({ connected_account: accountId });
    expect(Number(row.rows[0]?.platform_fee)).toBe(320);
  });

  it('leaving the page changes nothing, and an expired link sends the business to ask for a new one', async () => {
    const tenant = await makeTenant(handle);
    const { url } = await openOnboarding(harness, tenant);
    const before = harness.recorder.sent.length;
    const left = await harness.server.inject({
      method: 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'decision=leave',
    });
    expect(left.statusCode).toBe(303);
    expect(harness.recorder.sent.length).toBe(before);

    const later = new SandboxProvider({
      secret: 'test-sandbox-secret',
      publicUrl: PUBLIC_URL,
      deliver: () => undefined,
      now: () => Date.now() + 11 * 60_000,
    });
    const link = {
      accountId: url.pathname.split('/').pop() ?? '',
      returnUrl: url.searchParams.get('return_url') ?? '',
      refreshUrl: url.searchParams.get('refresh_url') ?? '',
      expires: Number(url.searchParams.get('expires')),
      signature: url.searchParams.get('signature') ?? '',
    };
    expect(later.checkOnboardingLink(link)).toBe('expired');
    expect(later.checkOnboardingLink({ ...link, signature: `${link.signature.slice(0, -2)}AA` })).toBe('forged');
  });
});
