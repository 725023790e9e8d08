/**
 * Billing of a business end to end on Stripe: the production adapter (stripe-billing-provider.ts) through
 * the real `stripe` SDK against a local fake of Stripe's API, driven through the HTTP API and the billing
 * cycle as billing-lifecycle.test.ts drives the sandbox. A trial that becomes paid, an upgrade charged with
 * proration, a failed renewal through past_due and suspension to payment, a downgrade refused then
 * accepted, the invoice PDF read back, Stripe's webhooks (signed as Stripe signs them) applied once
 * whatever their order and refused with a bad signature, charges that charge once when an answer is lost,
 * the customer portal, and refunds. Amounts: Starter 49.00, Professional 149.00 a month, Spain's 21 % IVA.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { billingProviderFrom } from '../../src/modules/billing/index.ts';
import { createStripeBillingProvider } from '../../src/modules/billing/stripe-billing-provider.ts';
import { pdfText } from '../support/pdf-text.ts';
import { adminToken, composeTestModules, startModuleServer } from '../support/module-server.ts';
import { saveBillingDetails } from '../support/billing.ts';
import { asPlatform, createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { FakeStripeBilling, type FakeBillingIntent } from './fake-stripe-billing.ts';

const BILLING_SECRET = 'whsec_billing_test';
const DAY = 86_400_000;

let fake: FakeStripeBilling;
let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
let admin: Actor;
let manager: Actor;

interface Invoice {
  id: string;
  number: string;
  status: string;
  reason: string;
  currency: string;
  subtotal: number;
  tax: { amount: number };
  total: number;
  attempts: number;
  last_failure: string | null;
  amount_refunded: number;
  lines: Array<{ amount: number }>;
}
interface Overview {
  provider: string;
  subscription: { plan_id: string; status: string; current_period_end: string; trial_end: string | null; pending_plan_id: string | null; dunning_attempts: number };
  account: { payment_method: { brand: string; last4: string } | null };
}

async function call<T>(who: { headers: { authorization: string } } | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = String(response.headers['content-type'] ?? '').includes('json') ? (JSON.parse(response.body) as { data: T; error?: { code: string; details?: { reason?: string } } }) : null;
  return { status: response.statusCode, data: json?.data as T, error: json?.error, raw: response };
}

const overviewOf = async (who: TenantOwner) => (await call<Overview>(who, 'GET', '/billing')).data;
const invoicesOf = async (who: TenantOwner) => (await call<Invoice[]>(who, 'GET', '/billing/invoices')).data;
const customerOf = async (who: TenantOwner) =>
  (await asPlatform(t, (trx) => sql<{ provider_customer_id: string }>`select provider_customer_id from billing_accounts where tenant_id = ${who.tenant.id}`.execute(trx))).rows[0]!.provider_customer_id;
const intentsFor = (invoiceId: string): FakeBillingIntent[] => [...fake.intents.values()].filter((intent) => intent.metadata.reservehub_invoice_id === invoiceId);
/** Delivers a webhook as Stripe does: the signed JSON body, as it is. */
const deliver = (event: { body: string; headers: Record<string, string> }) => t.server.inject({ method: 'POST', url: '/api/v1/webhooks/stripe/billing', headers: event.headers, payload: event.body });

async function setPeriod(tenantId: string, start: Date, end: Date) {
  await asPlatform(t, (trx) => sql`update subscriptions set current_period_start = ${start}, current_period_end = ${end} where tenant_id = ${tenantId} and status <> 'cancelled'`.execute(trx));
}

beforeAll(async () => {
  fake = new FakeStripeBilling();
  await fake.start();
  t = await startTestApp({
    STRIPE_SECRET_KEY: 'sk_test_billing',
    STRIPE_WEBHOOK_SECRET: 'whsec_payments_test',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_billing',
    STRIPE_API_BASE: fake.url,
    STRIPE_BILLING_WEBHOOK_SECRET: BILLING_SECRET,
  });
  owner = await signupTenant(t, { tenant_name: 'Salón Stripe', plan_id: 'starter' });
  other = await signupTenant(t, { tenant_name: 'Salón Vecino Stripe', plan_id: 'starter' });
  admin = await createPlatformAdminSession(t);
  // Invited now: a suspended business takes no new members.
  manager = await createUserWithRole(t, owner, 'manager');
  await saveBillingDetails(t, owner, { legal_name: 'Stripe Peluquería S.L.', tax_id: 'ESB11111111', address_lines: ['Calle Mayor 3', '28013 Madrid'], email: 'facturas-stripe@example.test' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

describe('configuration', () => {
  it('needs the billing webhook secret in production with Stripe, and not with the sandbox', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db.internal/x', ENCRYPTION_KEYS: 'k1:AAAA', JWT_PRIVATE_KEYS: 'jwt', PUBLIC_URL: 'https://book.example.com' };
    const stripe = { ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' };
    expect(() => loadConfig(stripe)).toThrow(ConfigError);
    expect(() => loadConfig(stripe)).toThrow(/STRIPE_BILLING_WEBHOOK_SECRET/);
    expect(loadConfig({ ...stripe, STRIPE_BILLING_WEBHOOK_SECRET: 'whsec_b' }).STRIPE_BILLING_WEBHOOK_SECRET).toBe('whsec_b');
    expect(() => loadConfig({ ...stripe, PAYMENTS_SANDBOX: 'true' })).not.toThrow();
    // Billing takes Stripe with its key, unless the sandbox is asked for.
    const keys = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_BILLING_WEBHOOK_SECRET: 'whsec_b', STRIPE_API_BASE: undefined };
    expect(billingProviderFrom({ ...keys, PAYMENTS_SANDBOX: false })?.name).toBe('stripe');
    expect(billingProviderFrom({ ...keys, PAYMENTS_SANDBOX: true })).toBeUndefined();
    expect(billingProviderFrom({ ...keys, STRIPE_SECRET_KEY: undefined, PAYMENTS_SANDBOX: false })).toBeUndefined();
  });
});

describe('a trial becomes paid through Stripe', () => {
  it('creates one customer per business, refuses a declined card, and charges the first period off-session', async () => {
    expect((await overviewOf(owner)).provider).toBe('stripe');
    // The card is the owners' to change: a manager gets no portal session.
    const byManager = await call(manager, 'POST', '/billing/portal-session');
    expect(byManager.status).toBe(403);
    expect(byManager.error?.code).toBe('FORBIDDEN');
    const refused = await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeDeclined' });
    expect(refused.status).toBe(402);
    expect(refused.error).toMatchObject({ code: 'PAYMENT_FAILED', details: { reason: 'generic_decline' } });
    expect((await overviewOf(owner)).account.payment_method).toBeNull();

    const saved = await call<{ payment_method: unknown }>(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_visa' });
    expect(saved.status).toBe(200);
    expect(saved.data.payment_method).toEqual({ brand: 'visa', last4: '4242' });
    // The refused attempt created the customer; the second reused it (idempotency key per tenant): one customer.
    const mine = [...fake.customers.values()].filter((customer) => customer.metadata.reservehub_tenant_id === owner.tenant.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: await customerOf(owner), email: 'facturas-stripe@example.test', invoice_settings: { default_payment_method: 'pm_card_visa' } });

    expect((await call(owner, 'POST', '/billing/subscription/change', { plan_id: 'professional' })).status).toBe(200);
    const trial = (await overviewOf(owner)).subscription;
    expect(await t.app.billing.runCycle(new Date(Date.parse(trial.trial_end!) + 60_000), owner.tenant.id)).toEqual({ renewed: 1 });
    expect((await overviewOf(owner)).subscription).toMatchObject({ status: 'active', plan_id: 'professional' });
    const [first] = await invoicesOf(owner);
    expect(first).toMatchObject({ status: 'paid', reason: 'subscription_create', subtotal: 14900, total: 18029, attempts: 1 });
    const [intent] = intentsFor(first!.id);
    expect(intent).toMatchObject({
      status: 'succeeded',
      amount: 18029,
      currency: first!.currency.toLowerCase(),
      customer: mine[0]!.id,
      payment_method: 'pm_card_visa',
      off_session: true,
      description: first!.number,
      metadata: { reservehub_tenant_id: owner.tenant.id, reservehub_invoice_id: first!.id },
    });
    expect(fake.requests.find((request) => request.path === '/v1/payment_intents' && request.form['metadata[reservehub_invoice_id]'] === first!.id)?.idempotencyKey).toBe(`invoice:${first!.id}:1`);

    const pdf = await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${first!.id}/pdf`, headers: owner.headers });
    expect(pdf.statusCode).toBe(200);
    const { text, title } = await pdfText(pdf.rawPayload);
    expect(title).toBe(first!.number);
    for (const words of ['Stripe Peluquería S.L.', 'ESB11111111', 'Plan Professional (mensual)', 'IVA 21 %', '180,29', 'PAGADA']) expect(text).toContain(words);
  });
});

describe('an upgrade in the middle of a period', () => {
  it('charges the prorated difference through Stripe at once, and changes nothing when the card is declined', async () => {
    await asPlatform(t, (trx) => sql`update subscriptions set status = 'active', trial_end = null where tenant_id = ${other.tenant.id} and status <> 'cancelled'`.execute(trx));
    await call(other, 'PUT', '/billing/account', { country: 'ES', tax_id: 'ESB22222222' });
    expect((await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_visa' })).status).toBe(200);
    const now = Date.now();
    await setPeriod(other.tenant.id, new Date(now - 20 * DAY), new Date(now + 10 * DAY));

    const change = await call<{ invoice: Invoice; subscription: { plan_id: string } }>(other, 'POST', '/billing/subscription/change', { plan_id: 'professional' });
    expect(change.status).toBe(200);
    // Unused Starter 16.33 credited, Professional 49.67 charged: 33.34 + 7.00 IVA.
    expect(change.data.invoice.lines.map((line) => line.amount)).toEqual([-1633, 4967]);
    expect(change.data.invoice).toMatchObject({ status: 'paid', total: 4034 });
    expect(intentsFor(change.data.invoice.id).map((intent) => [intent.status, intent.amount])).toEqual([['succeeded', 4034]]);

    const before = await invoicesOf(other);
    await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeCustomerFail' });
    const declined = await call(other, 'POST', '/billing/subscription/change', { plan_id: 'business' });
    expect(declined.status).toBe(402);
    expect(declined.error).toMatchObject({ code: 'PAYMENT_FAILED', details: { reason: 'insufficient_funds' } });
    expect((await overviewOf(other)).subscription.plan_id).toBe('professional');
    expect(await invoicesOf(other)).toEqual(before);
  });
});

describe('a failed renewal', () => {
  it('goes past due, is retried, suspends the business; the owner changes the card on the portal and pays', async () => {
    await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeCustomerFail' });
    const due = new Date(Date.parse((await overviewOf(owner)).subscription.current_period_end) + 60_000);
    expect(await t.app.billing.runCycle(due, owner.tenant.id)).toEqual({ past_due: 1 });
    const [open] = await invoicesOf(owner);
    expect(open).toMatchObject({ status: 'open', reason: 'subscription_cycle', total: 18029, attempts: 1, last_failure: 'insufficient_funds' });
    expect((await overviewOf(owner)).subscription).toMatchObject({ status: 'past_due', dunning_attempts: 1 });

    expect(await t.app.billing.runCycle(new Date(due.getTime() + 3 * DAY), owner.tenant.id)).toEqual({ past_due: 1 });
    // A card that asks for 3-D Secure cannot be charged off-session: a failure, not a payment.
    await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_authenticationRequired' });
    expect(await t.app.billing.runCycle(new Date(due.getTime() + 8 * DAY), owner.tenant.id)).toEqual({ past_due: 1 });
    expect((await invoicesOf(owner))[0]).toMatchObject({ attempts: 3, last_failure: 'authentication_required' });
    expect(await t.app.billing.runCycle(new Date(due.getTime() + 15 * DAY), owner.tenant.id)).toEqual({ suspended: 1 });
    expect((await overviewOf(owner)).subscription.status).toBe('unpaid');
    expect((await call<{ status: string }>(owner, 'GET', `/tenants/${owner.tenant.id}`)).data.status).toBe('suspended');
    expect(intentsFor(open!.id).map((intent) => intent.status)).toEqual(['requires_payment_method', 'requires_payment_method', 'requires_action', 'requires_action']);

    // The portal, while suspended.
    const portal = await call<{ url: string }>(owner, 'POST', '/billing/portal-session');
    expect(portal.status).toBe(200);
    expect(portal.data.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
    const customerId = await customerOf(owner);
    expect(fake.requests.filter((request) => request.path === '/v1/billing_portal/sessions').at(-1)?.form).toMatchObject({ customer: customerId, return_url: 'http://localhost:3000/admin/settings/billing' });

    // The owner saves a Mastercard there; Stripe tells us with customer.updated (a copy naming another business is ignored).
    const customer = fake.portalChangesCard(customerId, 'pm_card_mastercard');
    const foreign = await deliver(fake.signedEvent('customer.updated', { ...customer, metadata: { reservehub_tenant_id: other.tenant.id } }, BILLING_SECRET));
    expect(JSON.parse(foreign.body).data.outcome).toBe('ignored');
    const updated = fake.signedEvent('customer.updated', customer, BILLING_SECRET);
    expect(JSON.parse((await deliver(updated)).body).data.outcome).toBe('applied');
    expect(JSON.parse((await deliver(updated)).body).data.outcome).toBe('duplicate');
    expect((await overviewOf(owner)).account.payment_method).toEqual({ brand: 'mastercard', last4: '4444' });
    expect((await overviewOf(other)).account.payment_method).toEqual({ brand: 'visa', last4: '0341' });

    // Paying: Stripe's first answer is lost; the SDK retries with the same key and Stripe replays it: one charge.
    fake.loseAnswers(/^\/v1\/payment_intents$/);
    const paid = await call<{ invoice: Invoice; restored: boolean }>(owner, 'POST', `/billing/invoices/${open!.id}/pay`);
    expect(paid.status).toBe(200);
    expect(paid.data).toMatchObject({ restored: true, invoice: { status: 'paid', number: open!.number } });
    const attempts = fake.requests.filter((request) => request.path === '/v1/payment_intents' && request.form['metadata[reservehub_invoice_id]'] === open!.id && request.idempotencyKey === `invoice:${open!.id}:5`);
    expect(attempts).toHaveLength(2);
    expect(intentsFor(open!.id).filter((intent) => intent.status === 'succeeded')).toHaveLength(1);
    expect((await overviewOf(owner)).subscription.status).toBe('active');
    expect((await call<{ status: string }>(owner, 'GET', `/tenants/${owner.tenant.id}`)).data.status).toBe('active');
  }, 30_000);
});

describe('a downgrade', () => {
  it('is refused while usage exceeds the smaller plan, then waits for the period end, charged through Stripe', async () => {
    const month = new Date().toISOString().slice(0, 7) + '-01';
    await asPlatform(t, (trx) =>
      sql`insert into tenant_usage (tenant_id, metric, period_start, shard, value) values (${owner.tenant.id}, 'bookings_per_month', ${month}, 0, 450)
          on conflict (tenant_id, metric, period_start, shard) do update set value = 450`.execute(trx),
    );
    const refused = await call(owner, 'POST', '/billing/subscription/change', { plan_id: 'starter' });
    expect(refused.status).toBe(409);
    expect(refused.error?.details).toMatchObject({ reason: 'usage_exceeds_plan' });
    await asPlatform(t, (trx) => sql`update tenant_usage set value = 120 where tenant_id = ${owner.tenant.id} and metric = 'bookings_per_month'`.execute(trx));
    const accepted = await call<{ effective: string; subscription: { current_period_end: string } }>(owner, 'POST', '/billing/subscription/change', { plan_id: 'starter' });
    expect(accepted.data.effective).toBe('period_end');
    await t.app.billing.runCycle(new Date(Date.parse(accepted.data.subscription.current_period_end) + 60_000), owner.tenant.id);
    expect((await overviewOf(owner)).subscription).toMatchObject({ plan_id: 'starter', pending_plan_id: null, status: 'active' });
    const [renewal] = await invoicesOf(owner);
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 4900, total: 5929 });
    expect(intentsFor(renewal!.id).map((intent) => [intent.status, intent.amount, intent.payment_method])).toEqual([['succeeded', 5929, 'pm_card_mastercard']]);
  });
});

describe("Stripe's webhooks", () => {
  it('settle an invoice once: repeats, a late failure and copies naming another business change nothing; bad signatures are refused', async () => {
    const due = new Date(Date.parse((await overviewOf(other)).subscription.current_period_end) + 60_000);
    expect(await t.app.billing.runCycle(due, other.tenant.id)).toEqual({ past_due: 1 });
    const [open] = await invoicesOf(other);
    const [failedIntent] = intentsFor(open!.id);
    const failure = fake.signedEvent('payment_intent.payment_failed', { ...failedIntent, last_payment_error: { code: 'card_declined', decline_code: 'expired_card', message: 'Expired' } }, BILLING_SECRET);
    // The owner completed the payment at Stripe (another intent for the same invoice).
    const succeededIntent = { ...failedIntent, id: 'pi_completed_elsewhere', status: 'succeeded', last_payment_error: null };
    const success = fake.signedEvent('payment_intent.succeeded', succeededIntent, BILLING_SECRET);

    const before = await invoicesOf(other);
    const refusals = [
      { ...success, headers: { ...success.headers, 'stripe-signature': fake.signedEvent('x', {}, 'whsec_other').headers['stripe-signature']! } },
      { ...success, body: success.body.replace('"succeeded"', '"canceled"') },
      { ...success, headers: { 'content-type': 'application/json' } },
      fake.signedEvent('payment_intent.succeeded', succeededIntent, BILLING_SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    ];
    for (const refusal of refusals) {
      const answer = await deliver(refusal);
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body).error.code).toBe('INVALID_SIGNATURE');
    }
    // Another business's id on this invoice, and a booking payment without an invoice: acknowledged, ignored.
    const crossed = await deliver(fake.signedEvent('payment_intent.succeeded', { ...succeededIntent, metadata: { reservehub_tenant_id: owner.tenant.id, reservehub_invoice_id: open!.id } }, BILLING_SECRET));
    expect(JSON.parse(crossed.body).data.outcome).toBe('ignored');
    const booking = await deliver(fake.signedEvent('payment_intent.succeeded', { ...succeededIntent, metadata: { reservehub_payment_id: 'x' } }, BILLING_SECRET));
    expect(JSON.parse(booking.body).data.outcome).toBe('ignored');
    // A business that no longer exists: acknowledged (Stripe would retry a refusal for days), nothing applied.
    const gone = await deliver(fake.signedEvent('payment_intent.succeeded', { ...succeededIntent, metadata: { reservehub_tenant_id: randomUUID(), reservehub_invoice_id: open!.id } }, BILLING_SECRET));
    expect(gone.statusCode).toBe(200);
    expect(JSON.parse(gone.body).data.outcome).toBe('ignored');
    expect(await invoicesOf(other)).toEqual(before);

    expect(JSON.parse((await deliver(success)).body).data.outcome).toBe('applied');
    const paid = await invoicesOf(other);
    expect(paid[0]).toMatchObject({ id: open!.id, status: 'paid', last_failure: null });
    expect((await overviewOf(other)).subscription.status).toBe('active');
    expect(JSON.parse((await deliver(success)).body).data.outcome).toBe('duplicate');
    expect(JSON.parse((await deliver(failure)).body).data.outcome).toBe('ignored');
    expect(await invoicesOf(other)).toEqual(paid);
    const stored = await asPlatform(t, (trx) => sql<{ provider_payment_id: string }>`select provider_payment_id from platform_invoices where id = ${open!.id}`.execute(trx));
    expect(stored.rows[0]!.provider_payment_id).toBe('pi_completed_elsewhere');
  });
});

describe('refunds', () => {
  it('go through Stripe with the payment intent, the amount and an idempotency key; Stripe refusing more is REFUND_EXCEEDS_PAYMENT', async () => {
    const invoice = (await invoicesOf(owner)).find((row) => row.status === 'paid' && row.total === 5929)!;
    const refund = (amount?: number) => call<{ invoice: Invoice }>(admin, 'POST', `/platform/tenants/${owner.tenant.id}/billing/invoices/${invoice.id}/refund`, { reason: 'Cobro duplicado', ...(amount ? { amount } : {}) });
    const partial = await refund(1000);
    expect(partial.status).toBe(200);
    expect(partial.data.invoice.amount_refunded).toBe(1000);
    const [intent] = intentsFor(invoice.id);
    const sent = fake.requests.filter((request) => request.path === '/v1/refunds').at(-1)!;
    expect(sent.form).toMatchObject({ payment_intent: intent!.id, amount: '1000' });
    expect(sent.idempotencyKey).toBe(`refund:${invoice.id}:0:1000`);
    expect((await refund()).data.invoice.amount_refunded).toBe(5929);
    expect(fake.refunded.get(intent!.id)).toBe(5929);

    const provider = createStripeBillingProvider({ secretKey: 'sk_test_billing', webhookSecret: BILLING_SECRET, apiBase: fake.url, maxNetworkRetries: 0 });
    await expect(provider.refund(intent!.id, 1, 'EUR', { idempotencyKey: 'refund:again' })).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT' });
    await expect(provider.refund('pi_unknown', 1, 'EUR', { idempotencyKey: 'refund:unknown' })).rejects.toMatchObject({ code: 'PAYMENT_FAILED' });
    // A repeated charge with the same key is Stripe's first answer again.
    const charge = { tenantId: owner.tenant.id, invoiceId: invoice.id, customerId: await customerOf(owner), paymentMethod: 'pm_card_mastercard', amount: 100, currency: 'EUR', idempotencyKey: 'invoice:direct:1', description: 'direct' };
    const once = await provider.charge(charge);
    expect(once.status).toBe('succeeded');
    expect(await provider.charge(charge)).toEqual(once);
    expect(fake.succeeded().filter((row) => row.description === 'direct')).toHaveLength(1);
  });
});

describe('with the sandbox provider', () => {
  it('has no customer portal (409 no_customer_portal) and no billing webhook endpoint', async () => {
    const sandbox = await startModuleServer(t.db, {
      register: (api, context) => {
        const modules = composeTestModules(context);
        modules.billing.registerRoutes(api);
        return modules;
      },
    });
    try {
      const portal = await sandbox.server.inject({ method: 'POST', url: '/api/v1/billing/portal-session', headers: { authorization: adminToken(owner.tenant.id) } });
      expect(portal.statusCode).toBe(409);
      expect(JSON.parse(portal.body).error).toMatchObject({ code: 'CONFLICT', details: { reason: 'no_customer_portal' } });
      const webhook = await sandbox.server.inject({ method: 'POST', url: '/api/v1/webhooks/stripe/billing', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(webhook.statusCode).toBe(404);
    } finally {
      await sandbox.server.close();
    }
  });
});
