/**
 * The platform's plans editor and grandfathering, through the HTTP API and the billing cycle the
 * worker runs: a price raise leaves a subscriber's renewals at the price they signed up at while a
 * new sign-up pays the new one; `apply_to_existing` moves subscribers at their next renewal and not
 * before; refusals (validation, unknown plan, a business admin, the platform's auditor); a hidden plan
 * is not offered to businesses; every edit is in the platform's audit log. Amounts are the seed's
 * list prices (Starter 49.00, Professional 149.00 a month), compared before tax.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_AUDIT_TENANT_ID } from '../../src/modules/audit/index.ts';
import { businessWithCard, startAppWithPlatformAdmin } from '../support/billing.ts';
import { asPlatform, createPlatformAdminSession, signupTenant, testPassword, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let admin: Actor;

interface PlatformPlan {
  id: string;
  name: string;
  price: { amount: number; currency: string } | null;
  annual_price: { amount: number; currency: string } | null;
  limits: { bookings_per_month: number | null; users: number | null };
  transaction_fee: { bps: number; fixed: { amount: number; currency: string } };
  is_public: boolean;
  price_version: number;
  subscribers: number;
  grandfathered: number;
}
interface Subscription {
  plan_id: string;
  status: string;
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
}
interface Invoice {
  reason: string;
  subtotal: number;
  status: string;
  period_start: string | null;
}

async function call<T>(who: { headers: { authorization: string } } | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = JSON.parse(response.body) as { data: T; error?: { code: string; details?: unknown } };
  return { status: response.statusCode, data: json.data, error: json.error };
}

const subscriptionOf = async (who: TenantOwner) => (await call<{ subscription: Subscription }>(who, 'GET', '/billing')).data.subscription;
const invoicesOf = async (who: TenantOwner) => (await call<Invoice[]>(who, 'GET', '/billing/invoices')).data;
const editPlan = (id: string, patch: Record<string, unknown>, who: { headers: { authorization: string } } = admin) => call<PlatformPlan>(who, 'PATCH', `/platform/plans/${id}`, patch);
const platformPlan = async (id: string) => (await call<PlatformPlan[]>(admin, 'GET', '/platform/plans')).data.find((plan) => plan.id === id);

/** A business on `planId` with a card and billing details, whose trial ended and first period was charged. */
async function payingBusiness(planId: string): Promise<TenantOwner> {
  const owner = await businessWithCard(t, { signup: { plan_id: planId } });
  await renew(owner);
  return owner;
}

/** Runs the billing cycle just after the business's current period (or trial) ends. */
async function renew(owner: TenantOwner): Promise<Invoice> {
  const before = await subscriptionOf(owner);
  const result = await t.app.billing.runCycle(new Date(Date.parse(before.current_period_end) + 60_000), owner.tenant.id);
  expect(result).toEqual({ renewed: 1 });
  const [latest] = await invoicesOf(owner);
  expect(latest).toMatchObject({ status: 'paid', period_start: before.current_period_end });
  return latest!;
}

beforeAll(async () => {
  ({ t, admin } = await startAppWithPlatformAdmin());
}, 60_000);

afterAll(() => t?.close());

describe('grandfathering', () => {
  it('a price raise leaves a subscriber’s next renewal at the price they signed up at, while a new sign-up pays the new price', async () => {
    const subscriber = await payingBusiness('starter');
    expect((await invoicesOf(subscriber))[0]?.subtotal).toBe(4900);

    const raised = await editPlan('starter', { price_amount: 5900, annual_price_amount: 59000 });
    expect(raised.status).toBe(200);
    expect(raised.data).toMatchObject({ price: { amount: 5900 }, annual_price: { amount: 59000 }, price_version: 2 });
    expect(raised.data.grandfathered).toBeGreaterThanOrEqual(1);
    // The businesses' price list shows the new price at once.
    const listed = await call<Array<{ id: string; price: { amount: number } }>>(null, 'GET', '/plans');
    expect(listed.data.find((plan) => plan.id === 'starter')?.price.amount).toBe(5900);

    const newcomer = await payingBusiness('starter');
    expect((await invoicesOf(newcomer))[0]).toMatchObject({ reason: 'subscription_create', subtotal: 5900 });

    const renewal = await renew(subscriber);
    expect(renewal).toMatchObject({ reason: 'subscription_cycle', subtotal: 4900 });
    // And the one after that: grandfathered for good, not for one period.
    expect((await renew(subscriber)).subtotal).toBe(4900);
    expect((await renew(newcomer)).subtotal).toBe(5900);
  });

  it('a subscriber’s upgrade credits the unused time at the price they paid, not at the new list price', async () => {
    const subscriber = await payingBusiness('starter');
    expect((await editPlan('starter', { price_amount: 6900, annual_price_amount: 69000 })).status).toBe(200);
    // It signed up at 59.00 (the first raise); half of a 30-day period left: 59.00 × ½ credited, not 69.00 × ½.
    const now = Date.now();
    await asPlatform(t, (trx) =>
      sql`update subscriptions set current_period_start = ${new Date(now - 15 * 86_400_000)}, current_period_end = ${new Date(now + 15 * 86_400_000)} where tenant_id = ${subscriber.tenant.id} and status <> 'cancelled'`.execute(trx),
    );
    const upgrade = await call<{ invoice: { lines: Array<{ amount: number }> } }>(subscriber, 'POST', '/billing/subscription/change', { plan_id: 'professional' });
    expect(upgrade.status).toBe(200);
    expect(upgrade.data.invoice.lines.map((line) => line.amount)).toEqual([-2950, 7450]);
  });

  it('apply_to_existing moves subscribers to the new price at their next renewal, never in the paid period', async () => {
    const subscriber = await payingBusiness('professional');
    const periodBefore = await subscriptionOf(subscriber);
    const invoicesBefore = await invoicesOf(subscriber);
    expect(invoicesBefore[0]?.subtotal).toBe(14900);

    const applied = await editPlan('professional', { price_amount: 15900, annual_price_amount: 159000, apply_to_existing: true });
    expect(applied.status).toBe(200);
    expect(applied.data).toMatchObject({ price_version: 2, grandfathered: 0 });
    expect(applied.data.subscribers).toBeGreaterThanOrEqual(1);

    // Nothing is charged now and the paid period stays as it was.
    expect(await invoicesOf(subscriber)).toEqual(invoicesBefore);
    expect(await subscriptionOf(subscriber)).toMatchObject({ current_period_start: periodBefore.current_period_start, current_period_end: periodBefore.current_period_end });

    expect((await renew(subscriber)).subtotal).toBe(15900);
  });

  it('limits and fees apply to every subscriber at once', async () => {
    const subscriber = await signupTenant(t, { plan_id: 'business' });
    expect((await editPlan('business', { bookings_per_month: 6000, users: 30, fee_bps: 200 })).status).toBe(200);
    const limits = await call<{ plan: { transaction_fee: { bps: number } }; limits: { bookings_per_month: number; users: number } }>(subscriber, 'GET', `/tenants/${subscriber.tenant.id}/limits`);
    expect(limits.data.limits).toEqual({ bookings_per_month: 6000, users: 30 });
    expect(limits.data.plan.transaction_fee.bps).toBe(200);
    // No price changed: no new price version.
    expect((await platformPlan('business'))?.price_version).toBe(1);
  });
});

describe('the editor', () => {
  it('lists every plan with its subscribers, creates one and records each edit in the platform’s audit log', async () => {
    const created = await call<PlatformPlan>(admin, 'POST', '/platform/plans', {
      id: 'studio',
      name: 'Studio',
      currency: 'EUR',
      price_amount: 2900,
      annual_price_amount: 29000,
      bookings_per_month: 100,
      users: 2,
      fee_bps: 400,
      fee_fixed_amount: 25,
      support: 'email',
      sort_order: 0,
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ id: 'studio', currency: 'EUR', price: { amount: 2900, currency: 'EUR' }, is_public: true, price_version: 1, subscribers: 0, grandfathered: 0 });
    const owner = await signupTenant(t, { plan_id: 'studio' });
    expect(owner.tenant.plan_id).toBe('studio');
    expect((await platformPlan('studio'))?.subscribers).toBe(1);

    const renamed = await editPlan('studio', { name: 'Studio Plus', fee_fixed_amount: 30 });
    expect(renamed.status).toBe(200);
    const entries = await asPlatform(t, (trx) =>
      sql<{ action: string; user_id: string; old_values: Record<string, unknown>; new_values: Record<string, unknown> }>`
        select action, user_id, old_values, new_values from audit_logs
        where tenant_id = ${PLATFORM_AUDIT_TENANT_ID} and entity_type = 'plan' and entity_id = 'studio' order by created_at`.execute(trx),
    );
    expect(entries.rows.map((row) => row.action)).toEqual(['platform.plan_created', 'platform.plan_updated']);
    expect(entries.rows[1]).toMatchObject({ user_id: admin.userId, old_values: { name: 'Studio', fee_fixed_amount: 25 }, new_values: { name: 'Studio Plus', fee_fixed_amount: 30 } });
  });

  it.each([
    ['a negative monthly price', { price_amount: -1 }, 'price_amount'],
    ['a negative fixed fee', { fee_fixed_amount: -5 }, 'fee_fixed_amount'],
    ['a fee over 100 %', { fee_bps: 10_001 }, 'fee_bps'],
    ['a yearly price without a monthly one', { price_amount: null, annual_price_amount: 1000 }, 'annual_price_amount'],
    ['removing the monthly price while a yearly one stays', { price_amount: null }, 'annual_price_amount'],
    ['an unknown support level', { support: 'telepathy' }, 'support'],
    ['an unknown field', { currency: 'USD' }, null],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_, patch, field) => {
    const refused = await editPlan('starter', patch);
    expect(refused.status).toBe(400);
    expect(refused.error?.code).toBe('VALIDATION_ERROR');
    if (field) expect(JSON.stringify(refused.error?.details)).toContain(field);
  });

  it('answers 404 for an unknown plan and 409 for an id already taken', async () => {
    const unknown = await editPlan('nope', { name: 'Nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.error?.code).toBe('NOT_FOUND');
    const taken = await call(admin, 'POST', '/platform/plans', { id: 'starter', name: 'Again', currency: 'USD', price_amount: 1, annual_price_amount: null, bookings_per_month: null, users: null, fee_bps: 0, fee_fixed_amount: 0, support: 'email', sort_order: 9 });
    expect(taken.status).toBe(409);
  });

  it('refuses a business administrator and the platform’s auditor with 403', async () => {
    const owner = await signupTenant(t, { plan_id: 'starter' });
    const auditor = await createPlatformAdminSession(t, { auditor: true });
    for (const who of [owner, auditor]) {
      expect((await call(who, 'GET', '/platform/plans')).status).toBe(403);
      expect((await call(who, 'POST', '/platform/plans', { id: 'mine', name: 'Mine', currency: 'EUR', price_amount: 0, annual_price_amount: null, bookings_per_month: null, users: null, fee_bps: 0, fee_fixed_amount: 0, support: 'email', sort_order: 9 })).status).toBe(403);
      expect((await editPlan('starter', { price_amount: 1 }, who)).status).toBe(403);
    }
    expect((await platformPlan('starter'))?.price?.amount).not.toBe(1);
  });
});

describe('a hidden plan', () => {
  it('is not offered to businesses, while its subscribers keep it', async () => {
    const hidden = await call<PlatformPlan>(admin, 'POST', '/platform/plans', {
      id: 'partner',
      name: 'Partner',
      currency: 'USD',
      price_amount: 9900,
      annual_price_amount: null,
      bookings_per_month: 2000,
      users: 15,
      fee_bps: 150,
      fee_fixed_amount: 30,
      support: 'dedicated',
      sort_order: 5,
      is_public: false,
    });
    expect(hidden.status).toBe(201);
    expect((await platformPlan('partner'))?.is_public).toBe(false);

    // Not in the list businesses choose from, not at sign-up, not as a change.
    const offered = await call<Array<{ id: string }>>(null, 'GET', '/plans');
    expect(offered.data.map((plan) => plan.id)).not.toContain('partner');
    expect(offered.data.map((plan) => plan.id)).toContain('starter');
    const signup = await t.server.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { tenant_name: 'Oculto', email: 'oculto@example.test', password: testPassword(), plan_id: 'partner', timezone: 'Europe/Madrid', currency: 'EUR' } });
    expect(signup.statusCode).toBe(400);
    expect(signup.body).toContain('plan_id');
    const owner = await signupTenant(t, { plan_id: 'starter' });
    const change = await call(owner, 'POST', '/billing/subscription/change', { plan_id: 'partner' });
    expect(change.status).toBe(400);
    expect((await call(owner, 'POST', `/tenants/${owner.tenant.id}/upgrade`, { plan_id: 'partner' })).status).toBe(400);

    // The platform places a business on it; it stays there, and public again it is offered to all.
    expect((await call(admin, 'POST', `/platform/tenants/${owner.tenant.id}/plan`, { plan_id: 'partner' })).status).toBe(200);
    expect((await subscriptionOf(owner)).plan_id).toBe('partner');
    expect((await editPlan('partner', { is_public: true })).status).toBe(200);
    expect((await call<Array<{ id: string }>>(null, 'GET', '/plans')).data.map((plan) => plan.id)).toContain('partner');
  });
});
