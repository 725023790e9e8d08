/**
 * Billing of a business end to end on the sandbox provider, through the HTTP API and the billing
 * cycle the worker runs: a trial that becomes paid, an upgrade charged with proration, a failed
 * renewal that goes past due, is retried, suspends the business and is restored by paying, a
 * downgrade refused while usage exceeds the smaller plan and accepted at the period end once it
 * fits, gapless invoice numbers, and provider events applied once whatever their order. Amounts are
 * worked out by hand from the plans (Starter 49.00, Professional 149.00 a month) and Spain's 21 % IVA.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { pdfText } from '../support/pdf-text.ts';
import { waitFor } from '../support/wait.ts';
import { saveBillingDetails } from '../support/billing.ts';
import { asPlatform, createPlatformAdminSession, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
let admin: Actor;

const DAY = 86_400_000;

interface Subscription {
  plan_id: string;
  status: string;
  billing_interval: string;
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
  pending_plan_id: string | null;
  next_attempt_at: string | null;
  dunning_attempts: number;
}
interface Invoice {
  id: string;
  number: string;
  status: string;
  reason: string;
  subtotal: number;
  tax: { label: string; rate_bps: number; amount: number; reverse_charge: boolean };
  total: number;
  attempts: number;
  lines: Array<{ description: string; amount: number }>;
}

async function call<T>(who: { headers: { authorization: string } } | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = String(response.headers['content-type'] ?? '').includes('json') ? (JSON.parse(response.body) as { data: T; error?: { code: string; details?: unknown } }) : null;
  return { status: response.statusCode, data: json?.data as T, error: json?.error, raw: response };
}

const subscriptionOf = async (who: TenantOwner) => (await call<{ subscription: Subscription }>(who, 'GET', '/billing')).data.subscription;
const invoicesOf = async (who: TenantOwner) => (await call<Invoice[]>(who, 'GET', '/billing/invoices')).data;

/** Moves the live subscription's period so that `now` falls where the test needs it. */
async function setPeriod(tenantId: string, start: Date, end: Date) {
  await asPlatform(t, (trx) => sql`update subscriptions set current_period_start = ${start}, current_period_end = ${end} where tenant_id = ${tenantId} and status <> 'cancelled'`.execute(trx));
}

const seq = (number: string) => Number(number.split('-').at(-1));

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t, { tenant_name: 'Salón Facturas', plan_id: 'starter' });
  other = await signupTenant(t, { tenant_name: 'Salón Vecino', plan_id: 'starter' });
  admin = await createPlatformAdminSession(t);
  await saveBillingDetails(t, owner, { legal_name: 'Facturas Peluquería S.L.', address_lines: ['Calle Mayor 1', '28013 Madrid'], email: 'facturas@example.test' });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('a trial becomes paid', () => {
  it('starts with a 14-day trial, switches plan free during it, and the first period is invoiced and charged when it ends', async () => {
    const trial = await subscriptionOf(owner);
    expect(trial.status).toBe('trialing');
    expect(trial.plan_id).toBe('starter');
    const trialDays = (Date.parse(trial.trial_end!) - Date.parse(trial.current_period_start)) / DAY;
    expect(trialDays).toBeCloseTo(14, 5);

    // During the trial a dearer plan is free and immediate: no invoice.
    const upgraded = await call<{ effective: string; invoice: Invoice | null; subscription: Subscription }>(owner, 'POST', '/billing/subscription/change', { plan_id: 'professional' });
    expect(upgraded.status).toBe(200);
    expect(upgraded.data).toMatchObject({ effective: 'now', invoice: null, subscription: { plan_id: 'professional', status: 'trialing' } });
    expect(await invoicesOf(owner)).toEqual([]);

    // A card the sandbox refuses is not saved.
    const refused = await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeDeclined' });
    expect(refused.status).toBe(402);
    expect((await call<{ account: { payment_method: unknown } }>(owner, 'GET', '/billing')).data.account.payment_method).toBeNull();
    const saved = await call<{ payment_method: { brand: string; last4: string } }>(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_visa' });
    expect(saved.data.payment_method).toEqual({ brand: 'visa', last4: '4242' });

    // Nothing is due before the trial ends; right after, the first month is charged.
    expect(await t.app.billing.runCycle(new Date(Date.parse(trial.trial_end!) - 60_000), owner.tenant.id)).toEqual({});
    await t.app.billing.runCycle(new Date(Date.parse(trial.trial_end!) + 60_000), owner.tenant.id);
    const paid = await subscriptionOf(owner);
    expect(paid).toMatchObject({ status: 'active', plan_id: 'professional', current_period_start: trial.trial_end });
    const [first] = await invoicesOf(owner);
    // 149.00 + 21 % IVA = 180.29
    expect(first).toMatchObject({ status: 'paid', reason: 'subscription_create', subtotal: 14900, tax: { label: 'IVA', rate_bps: 2100, amount: 3129, reverse_charge: false }, total: 18029, attempts: 1 });
    expect(first!.number).toMatch(/^RH-\d{4}-\d{6}$/);

    // Its PDF, read back: the number, the buyer's legal name and tax id, the line, the tax and the total.
    const pdf = await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${first!.id}/pdf`, headers: owner.headers });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${first!.number}.pdf"`);
    const { text, title } = await pdfText(pdf.rawPayload);
    expect(title).toBe(first!.number);
    for (const words of ['Facturas Peluquería S.L.', 'ESB12345678', 'Plan Professional (mensual)', 'IVA 21 %', '180,29', 'PAGADA']) expect(text).toContain(words);
    const english = await pdfText((await t.server.inject({ method: 'GET', url: `/api/v1/billing/invoices/${first!.id}/pdf?lang=en`, headers: owner.headers })).rawPayload);
    expect(english.text).toContain('Professional plan (monthly)');
  });
});

describe('an upgrade in the middle of a period', () => {
  it('credits the unused part of the old plan and charges the new one for what is left, at once', async () => {
    // Back on Starter, with a third of a 30-day period left.
    await asPlatform(t, (trx) => sql`update subscriptions set plan_id = 'starter' where tenant_id = ${other.tenant.id} and status <> 'cancelled'`.execute(trx));
    await call(other, 'PUT', '/billing/account', { country: 'ES', tax_id: 'ESB87654321' });
    await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_visa' });
    await asPlatform(t, (trx) => sql`update subscriptions set status = 'active', trial_end = null where tenant_id = ${other.tenant.id} and status <> 'cancelled'`.execute(trx));
    const now = Date.now();
    await setPeriod(other.tenant.id, new Date(now - 20 * DAY), new Date(now + 10 * DAY));

    const change = await call<{ effective: string; invoice: Invoice; subscription: Subscription }>(other, 'POST', '/billing/subscription/change', { plan_id: 'professional' });
    expect(change.status).toBe(200);
    expect(change.data.effective).toBe('now');
    expect(change.data.subscription.plan_id).toBe('professional');
    // Unused Starter: 49.00 × 1/3 = 16.33 credited; Professional: 149.00 × 1/3 = 49.67 charged; 33.34 + 7.00 IVA.
    expect(change.data.invoice.lines.map((line) => line.amount)).toEqual([-1633, 4967]);
    expect(change.data.invoice).toMatchObject({ status: 'paid', reason: 'subscription_update', subtotal: 3334, tax: { amount: 700 }, total: 4034 });
    // The period does not move, and the plan limits follow at once.
    expect(Date.parse(change.data.subscription.current_period_end)).toBeCloseTo(now + 10 * DAY, -4);
    expect((await call<{ plan: { id: string } }>(other, 'GET', `/tenants/${other.tenant.id}/limits`)).data.plan.id).toBe('professional');
  });

  it('is not made when the card is declined, and leaves no gap in the invoice numbers', async () => {
    const before = await invoicesOf(other);
    await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeCustomerFail' });
    const refused = await call(other, 'POST', '/billing/subscription/change', { plan_id: 'business' });
    expect(refused.status).toBe(402);
    expect(refused.error?.code).toBe('PAYMENT_FAILED');
    expect((await subscriptionOf(other)).plan_id).toBe('professional');
    expect(await invoicesOf(other)).toEqual(before);
    await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_visa' });
    const accepted = await call<{ invoice: Invoice }>(other, 'POST', '/billing/subscription/change', { plan_id: 'business' });
    expect(accepted.status).toBe(200);
    // Numbers are per platform: the highest issued so far plus one, whichever business had it.
    const all = await asPlatform(t, (trx) => sql<{ number: string }>`select number from platform_invoices where kind = 'invoice' order by number`.execute(trx));
    const numbers = all.rows.map((row) => seq(row.number));
    expect(numbers).toEqual(numbers.map((_, index) => numbers[0]! + index));
    expect(seq(accepted.data.invoice.number)).toBe(Math.max(...numbers));
  });
});

describe('a failed renewal', () => {
  it('goes past due, is retried on schedule, suspends the business, and paying restores everything at once', async () => {
    await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeCustomerFail' });
    const sub = await subscriptionOf(owner);
    const due = new Date(Date.parse(sub.current_period_end) + 60_000);
    expect(await t.app.billing.runCycle(due, owner.tenant.id)).toEqual({ past_due: 1 });
    const pastDue = await subscriptionOf(owner);
    expect(pastDue).toMatchObject({ status: 'past_due', dunning_attempts: 1 });
    expect(Date.parse(pastDue.next_attempt_at!)).toBe(due.getTime() + 3 * DAY);
    const [open] = await invoicesOf(owner);
    expect(open).toMatchObject({ status: 'open', reason: 'subscription_cycle', total: 18029, attempts: 1 });

    // Retries at +3, +8 and +15 days; the business stays open until the last one fails.
    expect(await t.app.billing.runCycle(new Date(due.getTime() + 3 * DAY), owner.tenant.id)).toEqual({ past_due: 1 });
    expect(await t.app.billing.runCycle(new Date(due.getTime() + 8 * DAY), owner.tenant.id)).toEqual({ past_due: 1 });
    expect((await call<{ status: string }>(owner, 'GET', `/tenants/${owner.tenant.id}`)).data.status).toBe('active');
    expect(await t.app.billing.runCycle(new Date(due.getTime() + 15 * DAY), owner.tenant.id)).toEqual({ suspended: 1 });
    expect((await subscriptionOf(owner)).status).toBe('unpaid');

    // Suspended: the public booking page is refused, staff read but do not write — except to pay. A
    // process reuses what it read of a tenant and a session for a few seconds (the credential and tenant
    // caches), so the change shows within them.
    const bookingPage = () => t.server.inject({ method: 'GET', url: '/api/v1/booking-page', headers: { 'x-tenant': owner.tenant.slug } });
    const publicPage = await waitFor(async () => {
      const answer = await bookingPage();
      return answer.statusCode === 403 && answer;
    }, { timeoutMs: 12_000, message: 'the booking page to be refused' });
    expect(JSON.parse(publicPage.body).error.code).toBe('TENANT_SUSPENDED');
    expect((await call(owner, 'GET', '/billing/invoices')).status).toBe(200);
    const location = { name: 'Otra', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 2', city: 'Madrid', country: 'ES' } };
    const write = await waitFor(async () => {
      const answer = await call(owner, 'POST', '/locations', location);
      return answer.status !== 201 && answer;
    }, { timeoutMs: 8_000, message: 'writes to be refused' });
    expect(write.status).toBe(403);
    expect(write.error?.code).toBe('TENANT_SUSPENDED');
    const declined = await call(owner, 'POST', `/billing/invoices/${open!.id}/pay`);
    expect(declined.status).toBe(402);
    expect((await call(owner, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_mastercard' })).status).toBe(200);
    const paid = await call<{ invoice: Invoice; restored: boolean }>(owner, 'POST', `/billing/invoices/${open!.id}/pay`);
    expect(paid.status).toBe(200);
    expect(paid.data).toMatchObject({ restored: true, invoice: { status: 'paid', number: open!.number } });
    expect((await subscriptionOf(owner)).status).toBe('active');
    expect((await call<{ status: string }>(owner, 'GET', `/tenants/${owner.tenant.id}`)).data.status).toBe('active');
    await waitFor(async () => (await bookingPage()).statusCode === 200, { timeoutMs: 12_000, message: 'the booking page to open again' });
    await waitFor(async () => (await call(owner, 'POST', '/locations', location)).status === 201, { timeoutMs: 8_000, message: 'writes to be accepted again' });

    // The billing e-mail heard of each step, in Spanish: three failed charges, the suspension, the payment.
    const mails = await asPlatform(t, (trx) =>
      sql<{ event_type: string; language: string }>`select event_type, language from notifications where tenant_id = ${owner.tenant.id} and event_type like 'billing.%' order by created_at, event_type`.execute(trx),
    );
    expect(mails.rows).toEqual([
      { event_type: 'billing.payment_failed', language: 'es' },
      { event_type: 'billing.payment_failed', language: 'es' },
      { event_type: 'billing.payment_failed', language: 'es' },
      { event_type: 'billing.suspended', language: 'es' },
      { event_type: 'billing.payment_succeeded', language: 'es' },
    ]);

    // Every step is in the business's audit log.
    const actions = await asPlatform(t, (trx) => sql<{ action: string }>`select action from audit_logs where tenant_id = ${owner.tenant.id} and entity_type in ('subscription', 'invoice') order by created_at`.execute(trx));
    expect(actions.rows.map((row) => row.action)).toEqual(
      expect.arrayContaining(['subscription.past_due', 'subscription.retry_failed', 'subscription.unpaid', 'invoice.paid', 'subscription.recovered']),
    );
  });
});

describe('a downgrade', () => {
  it('is refused while usage exceeds the smaller plan, naming what must go, then waits for the period end once it fits', async () => {
    const month = new Date().toISOString().slice(0, 7) + '-01';
    await asPlatform(t, (trx) =>
      sql`insert into tenant_usage (tenant_id, metric, period_start, shard, value) values (${owner.tenant.id}, 'bookings_per_month', ${month}, 0, 450)
          on conflict (tenant_id, metric, period_start, shard) do update set value = 450`.execute(trx),
    );
    const refused = await call(owner, 'POST', '/billing/subscription/change', { plan_id: 'starter' });
    expect(refused.status).toBe(409);
    expect(refused.error?.details).toMatchObject({ reason: 'usage_exceeds_plan', excesses: [expect.objectContaining({ metric: 'bookings_per_month', limit: 200 })] });
    expect((await subscriptionOf(owner)).pending_plan_id).toBeNull();

    await asPlatform(t, (trx) => sql`update tenant_usage set value = 120 where tenant_id = ${owner.tenant.id} and metric = 'bookings_per_month'`.execute(trx));
    const accepted = await call<{ effective: string; invoice: unknown; subscription: Subscription }>(owner, 'POST', '/billing/subscription/change', { plan_id: 'starter' });
    expect(accepted.status).toBe(200);
    expect(accepted.data).toMatchObject({ effective: 'period_end', invoice: null, subscription: { plan_id: 'professional', pending_plan_id: 'starter' } });

    const end = Date.parse(accepted.data.subscription.current_period_end);
    await t.app.billing.runCycle(new Date(end + 60_000), owner.tenant.id);
    expect(await subscriptionOf(owner)).toMatchObject({ plan_id: 'starter', pending_plan_id: null, status: 'active' });
    const [renewal] = await invoicesOf(owner);
    // 49.00 + 21 % IVA = 59.29
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 4900, total: 5929 });
  });
});

describe('provider events', () => {
  it('apply once: a repeated delivery and a late failure after the payment change nothing', async () => {
    await call(other, 'PUT', '/billing/payment-method', { payment_method: 'pm_card_chargeCustomerFail' });
    const sub = await subscriptionOf(other);
    await t.app.billing.runCycle(new Date(Date.parse(sub.current_period_end) + 60_000), other.tenant.id);
    const [open] = await invoicesOf(other);
    expect(open!.status).toBe('open');
    const apply = (event: { id: string; type: 'invoice.paid' | 'invoice.payment_failed' }) =>
      withTenant(t.db.db, other.tenant.id, (trx) => t.app.billing.lifecycle.applyProviderEvent(trx, other.tenant.id, { ...event, invoiceId: open!.id, paymentId: 'py_outside' }));
    expect(await apply({ id: 'evt_2', type: 'invoice.paid' })).toBe('applied');
    expect(await apply({ id: 'evt_2', type: 'invoice.paid' })).toBe('duplicate');
    expect(await apply({ id: 'evt_1', type: 'invoice.payment_failed' })).toBe('ignored');
    const [after] = await invoicesOf(other);
    expect(after).toMatchObject({ id: open!.id, status: 'paid' });
    expect((await subscriptionOf(other)).status).toBe('active');
  });
});

describe('who may see and do what', () => {
  it("keeps each business's invoices to itself and the platform's tools to platform administrators", async () => {
    const [mine] = await invoicesOf(owner);
    expect((await call(other, 'GET', `/billing/invoices/${mine!.id}/pdf`)).status).toBe(404);
    expect((await call(other, 'GET', `/platform/tenants/${owner.tenant.id}/billing`)).status).toBe(403);
    expect((await call(other, 'POST', `/platform/tenants/${owner.tenant.id}/billing/credit`, { amount: 100, reason: 'nope' })).status).toBe(403);
    const seen = await call<{ invoices: Invoice[]; subscription: Subscription }>(admin, 'GET', `/platform/tenants/${owner.tenant.id}/billing`);
    expect(seen.status).toBe(200);
    expect(seen.data.invoices.map((invoice) => invoice.id)).toContain(mine!.id);
    const credit = await call<{ credit_balance: number }>(admin, 'POST', `/platform/tenants/${owner.tenant.id}/billing/credit`, { amount: 1000, reason: 'Disculpas por la caída del martes' });
    expect(credit.data.credit_balance).toBe(1000);
  });

  it('lets the platform extend a trial, and only a trial', async () => {
    const fresh = await signupTenant(t, { plan_id: 'starter' });
    const before = await subscriptionOf(fresh);
    const extended = await call<Subscription>(admin, 'POST', `/platform/tenants/${fresh.tenant.id}/billing/extend-trial`, { days: 7 });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.data.trial_end!) - Date.parse(before.trial_end!)).toBe(7 * DAY);
    const notTrial = await call(admin, 'POST', `/platform/tenants/${owner.tenant.id}/billing/extend-trial`, { days: 7 });
    expect(notTrial.status).toBe(409);
  });
});
