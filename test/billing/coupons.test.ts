/**
 * Coupons through the HTTP API on the sandbox provider: the platform's catalogue (create, list,
 * archive; administrators only, audited), redemption by the owner's code or by the platform, the
 * refusals in codes, and what invoices make of it: the discount a line of its own before tax with
 * exact integer totals (Professional at 149.00 USD a month, Spain's 21 % IVA), a repeating coupon that
 * stops after its months, a once coupon used by one invoice, prorations discounted consistently
 * (a percentage of the net; an amount off is for whole periods), and a credit note of a
 * discounted invoice that still adds up. Tenants and roles cannot cross.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couponSchema } from '../../src/modules/billing/coupon.schemas.ts';
import { billingOverviewSchema, invoiceSchema } from '../../src/modules/billing/billing.schemas.ts';
import { pdfText } from '../support/pdf-text.ts';
import { businessWithCard } from '../support/billing.ts';
import { asPlatform, createPlatformAdminSession, createUserWithRole, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let admin: Actor;
let auditor: Actor;

type Who = { headers: { authorization: string } };
type Invoice = ReturnType<typeof invoiceSchema.parse>;

async function call<T>(who: Who | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const response = await t.server.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const json = String(response.headers['content-type'] ?? '').includes('json') ? (JSON.parse(response.body) as { data: T; error?: { code: string; message: string } }) : null;
  return { status: response.statusCode, data: json?.data as T, error: json?.error, raw: response };
}

const code = (prefix: string) => `${prefix}-${randomUUID().slice(0, 6).toUpperCase()}`;
const halfUp = (numerator: number, denominator: number) => Math.floor((2 * numerator + denominator) / (2 * denominator));
const IVA_BPS = 2100;

async function createCoupon(body: Record<string, unknown>) {
  const created = await call<{ id: string; code: string }>(admin, 'POST', '/platform/coupons', body);
  expect(created.status, JSON.stringify(created.error)).toBe(201);
  return couponSchema.parse(created.data);
}

/** A Spanish business on Professional with a VAT number and a card, still in its trial. */
const business = (name: string, plan = 'professional'): Promise<TenantOwner> =>
  businessWithCard(t, { signup: { tenant_name: name, plan_id: plan }, details: { address_lines: ['Calle Mayor 1'] } });

const overview = async (owner: Who) => billingOverviewSchema.parse((await call(owner, 'GET', '/billing')).data);
const invoices = async (owner: Who) => (await call<Invoice[]>(owner, 'GET', '/billing/invoices')).data;

/** Renews the subscription once, a minute after its period ends; returns the renewal's invoice. */
async function renew(owner: TenantOwner): Promise<Invoice> {
  const { subscription } = await overview(owner);
  await t.app.billing.runCycle(new Date(Date.parse(subscription!.current_period_end) + 60_000), owner.tenant.id);
  const [latest] = await invoices(owner);
  expect(latest!.period_start).toBe(subscription!.current_period_end);
  return latest!;
}

/** Net, tax and total of an invoice of `lines` as the tax rule has them (integer minor units, tax rounded half up). */
function expectExactTotals(invoice: Invoice) {
  const subtotal = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
  expect(invoice.subtotal).toBe(subtotal);
  expect(invoice.tax.amount).toBe(halfUp((subtotal - invoice.credit_applied) * IVA_BPS, 10_000));
  expect(invoice.total).toBe(subtotal - invoice.credit_applied + invoice.tax.amount);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await createPlatformAdminSession(t);
  auditor = await createPlatformAdminSession(t, { auditor: true });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the platform catalogue', () => {
  it('creates, lists and archives coupons, refuses a taken code and a malformed one, and audits in the platform log', async () => {
    const percent = await createCoupon({ code: code('spring').toLowerCase(), name: 'Spring', percent_off: 20, duration: 'repeating', duration_months: 3, max_redemptions: 50 });
    expect(percent).toMatchObject({ percent_off: 20, amount_off: null, duration: 'repeating', duration_months: 3, times_redeemed: 0, archived_at: null });
    expect(percent.code).toMatch(/^SPRING-/);
    const amount = await createCoupon({ code: code('WELCOME'), name: 'Welcome', amount_off: { amount: 5000, currency: 'EUR' }, duration: 'once', plan_ids: ['professional'] });
    expect(amount).toMatchObject({ amount_off: { amount: 5000, currency: 'EUR' }, plan_ids: ['professional'] });

    expect((await call(admin, 'POST', '/platform/coupons', { code: percent.code, name: 'Again', percent_off: 5, duration: 'forever' })).error?.code).toBe('CONFLICT');
    for (const body of [
      { code: code('BOTH'), name: 'Both', percent_off: 10, amount_off: { amount: 100, currency: 'EUR' }, duration: 'forever' },
      { code: code('NONE'), name: 'None', duration: 'forever' },
      { code: code('MONTHS'), name: 'Months', percent_off: 10, duration: 'once', duration_months: 2 },
      { code: code('PCT'), name: 'Too much', percent_off: 101, duration: 'forever' },
      { code: 'x', name: 'Short', percent_off: 10, duration: 'forever' },
      { code: code('PLAN'), name: 'Plan', percent_off: 10, duration: 'forever', plan_ids: ['no-such-plan'] },
    ]) {
      const refused = await call(admin, 'POST', '/platform/coupons', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.error?.code).toBe('VALIDATION_ERROR');
    }

    const archived = await call<{ archived_at: string | null }>(admin, 'POST', `/platform/coupons/${amount.id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.data.archived_at).not.toBeNull();
    expect((await call(admin, 'POST', `/platform/coupons/${randomUUID()}/archive`)).status).toBe(404);

    const listed = await call<Array<{ code: string; archived_at: string | null }>>(admin, 'GET', '/platform/coupons');
    expect(listed.status).toBe(200);
    const codes = listed.data.map((coupon) => coupon.code);
    // Running ones first.
    expect(codes.indexOf(percent.code)).toBeLessThan(codes.indexOf(amount.code));

    const audits = await asPlatform(t, (trx) =>
      sql<{ tenant_id: string; action: string; user_id: string }>`select tenant_id, action, user_id from audit_logs where entity_id = ${amount.id} order by created_at`.execute(trx),
    );
    expect(audits.rows.map((row) => [row.tenant_id, row.action, row.user_id])).toEqual([
      ['00000000-0000-0000-0000-000000000000', 'coupon.created', admin.userId],
      ['00000000-0000-0000-0000-000000000000', 'coupon.archived', admin.userId],
    ]);
  });

  it('is closed to businesses (owner, receptionist) and read-only people of the platform (auditor)', async () => {
    const owner = await business('Salón Roles');
    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    const body = { code: code('NOPE'), name: 'Nope', percent_off: 10, duration: 'forever' };
    for (const who of [owner, receptionist, auditor]) {
      expect((await call(who, 'GET', '/platform/coupons')).status).toBe(403);
      expect((await call(who, 'POST', '/platform/coupons', body)).status).toBe(403);
      expect((await call(who, 'POST', `/platform/tenants/${owner.tenant.id}/billing/coupon`, { code: body.code })).status).toBe(403);
    }
    // A receptionist cannot redeem on the business's behalf either.
    const coupon = await createCoupon({ code: code('DESK'), name: 'Desk', percent_off: 10, duration: 'forever' });
    expect((await call(receptionist, 'POST', '/billing/coupon', { code: coupon.code })).status).toBe(403);
    expect((await call(admin, 'GET', '/platform/coupons')).data).toEqual(expect.arrayContaining([expect.objectContaining({ code: coupon.code })]));
  });
});

describe('redemption', () => {
  it('refuses in codes: unknown, expired, archived, exhausted, not for this plan or currency, one already active', async () => {
    const first = await business('Salón Primero');
    const second = await business('Salón Segundo');
    const expired = await createCoupon({ code: code('OLD'), name: 'Old', percent_off: 10, duration: 'forever', redeem_by: new Date(Date.now() - 60_000).toISOString() });
    const archived = await createCoupon({ code: code('GONE'), name: 'Gone', percent_off: 10, duration: 'forever' });
    await call(admin, 'POST', `/platform/coupons/${archived.id}/archive`);
    const single = await createCoupon({ code: code('ONE'), name: 'One', percent_off: 10, duration: 'once', max_redemptions: 1 });
    const businessOnly = await createCoupon({ code: code('BIG'), name: 'Big', percent_off: 10, duration: 'forever', plan_ids: ['business'] });
    const euros = await createCoupon({ code: code('EUR'), name: 'Euros', amount_off: { amount: 1000, currency: 'EUR' }, duration: 'once' });

    const redeem = (owner: Who, value: string) => call<{ code: string }>(owner, 'POST', '/billing/coupon', { code: value });
    expect((await redeem(first, 'NO-SUCH-CODE')).status).toBe(404);
    expect((await redeem(first, expired.code)).error?.code).toBe('COUPON_EXPIRED');
    expect((await redeem(first, archived.code)).error?.code).toBe('COUPON_EXPIRED');
    expect((await redeem(first, businessOnly.code)).error?.code).toBe('COUPON_NOT_FOR_PLAN');
    expect((await redeem(first, euros.code)).error?.code).toBe('COUPON_NOT_FOR_PLAN');
    expect((await redeem(first, 'a b')).status).toBe(400);

    // Case-insensitive; the cap counts across businesses.
    const applied = await redeem(first, single.code.toLowerCase());
    expect(applied.status).toBe(200);
    expect(applied.data).toMatchObject({ code: single.code, duration: 'once', ends_at: null });
    const exhausted = await redeem(second, single.code);
    expect(exhausted.status).toBe(422);
    expect(exhausted.error?.code).toBe('COUPON_EXHAUSTED');
    const another = await createCoupon({ code: code('TWO'), name: 'Two', percent_off: 15, duration: 'forever' });
    const already = await redeem(first, another.code);
    expect(already.status).toBe(409);
    expect(already.error?.code).toBe('COUPON_ALREADY_ACTIVE');

    // Each business sees its own coupon only; the platform sees and removes it.
    expect((await overview(first)).coupon).toMatchObject({ code: single.code });
    expect((await overview(second)).coupon).toBeNull();
    expect((await call(admin, 'DELETE', `/platform/tenants/${second.tenant.id}/billing/coupon`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/platform/tenants/${first.tenant.id}/billing/coupon`)).status).toBe(200);
    expect((await overview(first)).coupon).toBeNull();
    const byPlatform = await call(admin, 'POST', `/platform/tenants/${first.tenant.id}/billing/coupon`, { code: another.code });
    expect(byPlatform.status).toBe(200);
    expect((await call(admin, 'POST', `/platform/tenants/${randomUUID()}/billing/coupon`, { code: another.code })).status).toBe(404);

    const audits = await asPlatform(t, (trx) =>
      sql<{ tenant_id: string; user_id: string | null }>`select tenant_id, user_id from audit_logs where action = 'subscription.coupon_applied' and (tenant_id = ${first.tenant.id} or entity_id = ${first.tenant.id}) order by created_at`.execute(trx),
    );
    // The owner's redemption (business log), then the platform's (both logs).
    expect(audits.rows.map((row) => [row.tenant_id, row.user_id])).toEqual(
      expect.arrayContaining([
        [first.tenant.id, first.userId],
        [first.tenant.id, admin.userId],
        ['00000000-0000-0000-0000-000000000000', admin.userId],
      ]),
    );
  });
});

describe('invoices with a coupon', () => {
  it('discount a repeating coupon before tax on the invoices of its months, then stop; the PDF shows the line', async () => {
    const owner = await business('Salón Descuento');
    const coupon = await createCoupon({ code: code('TWENTY'), name: 'Twenty', percent_off: 20, duration: 'repeating', duration_months: 2 });
    const applied = await call<{ ends_at: string }>(owner, 'POST', '/billing/coupon', { code: coupon.code });
    expect(applied.status).toBe(200);

    // First month (after the trial) and second month: inside the two months from redemption.
    for (const invoice of [await renew(owner), await renew(owner)]) {
      expect(Date.parse(invoice.issued_at)).toBeLessThan(Date.parse(applied.data.ends_at));
      const discount = halfUp(14900 * 20, 100);
      expect(invoice.lines.map((line) => line.amount)).toEqual([14900, -discount]);
      expect(invoice.lines[1]!.description).toBe(`Descuento ${coupon.code} (20 %)`);
      expect(invoice.discount).toEqual({ code: coupon.code, amount: discount });
      expectExactTotals(invoice);
      expect(invoice).toMatchObject({ status: 'paid', subtotal: 14900 - discount, tax: { rate_bps: IVA_BPS } });
    }
    // The third renewal starts after the coupon's months: full price, and the coupon no longer runs.
    const third = await renew(owner);
    expect(Date.parse(third.issued_at)).toBeGreaterThan(Date.parse(applied.data.ends_at));
    expect(third.lines.map((line) => line.amount)).toEqual([14900]);
    expect(third.discount).toBeNull();
    expectExactTotals(third);

    const [, , discounted] = await invoices(owner);
    const pdf = await call(owner, 'GET', `/billing/invoices/${discounted!.id}/pdf`);
    expect(pdf.status).toBe(200);
    const { text } = await pdfText(pdf.raw.rawPayload);
    expect(text).toContain(`Descuento ${coupon.code} (20 %)`);

    // Another business cannot read these invoices.
    const stranger = await business('Salón Ajeno');
    expect((await call(stranger, 'GET', `/billing/invoices/${discounted!.id}/pdf`)).status).toBe(404);
    expect((await invoices(stranger)).map((invoice) => invoice.id)).not.toContain(discounted!.id);
  });

  it('use a once amount off on one invoice, never beyond it, and leave prorations to percentages', async () => {
    const owner = await business('Salón Cantidad');
    const coupon = await createCoupon({ code: code('FIFTY'), name: 'Fifty off', amount_off: { amount: 5000, currency: 'USD' }, duration: 'once' });
    expect((await call(owner, 'POST', '/billing/coupon', { code: coupon.code })).status).toBe(200);
    const first = await renew(owner);
    expect(first.lines.map((line) => line.amount)).toEqual([14900, -5000]);
    expect(first.lines[1]!.description).toBe(`Descuento ${coupon.code}`);
    expectExactTotals(first);
    const second = await renew(owner);
    expect(second.discount).toBeNull();

    // A forever amount off does not discount an upgrade's proration (the period it prorates had it already).
    const forever = await createCoupon({ code: code('TENOFF'), name: 'Ten off', amount_off: { amount: 1000, currency: 'USD' }, duration: 'forever' });
    expect((await call(owner, 'POST', '/billing/coupon', { code: forever.code })).status).toBe(200);
    const change = await call<{ invoice: Invoice }>(owner, 'POST', '/billing/subscription/change', { plan_id: 'business', interval: 'month' });
    expect(change.status).toBe(200);
    expect(change.data.invoice.discount).toBeNull();
    expect(change.data.invoice.lines.every((line) => !line.description.startsWith('Descuento'))).toBe(true);
  });

  it('discount a proration by the percentage of its net, and a credit note of a discounted invoice adds up', async () => {
    const owner = await business('Salón Prorrata');
    const coupon = await createCoupon({ code: code('QUARTER'), name: 'Quarter', percent_off: 25, duration: 'forever' });
    expect((await call(owner, 'POST', '/billing/coupon', { code: coupon.code })).status).toBe(200);
    const first = await renew(owner);
    expect(first.discount).toEqual({ code: coupon.code, amount: halfUp(14900 * 25, 100) });

    const change = await call<{ invoice: Invoice }>(owner, 'POST', '/billing/subscription/change', { plan_id: 'business', interval: 'month' });
    expect(change.status).toBe(200);
    const proration = invoiceSchema.parse(change.data.invoice);
    const [credit, charge, discount] = proration.lines;
    expect(credit!.amount).toBeLessThan(0);
    expect(charge!.amount).toBeGreaterThan(0);
    const net = credit!.amount + charge!.amount;
    expect(discount!.amount).toBe(-halfUp(net * 25, 100));
    expect(proration.discount).toEqual({ code: coupon.code, amount: -discount!.amount });
    expectExactTotals(proration);

    const refunded = await call<{ invoice: Invoice; credit_note: Invoice }>(admin, 'POST', `/platform/tenants/${owner.tenant.id}/billing/invoices/${first.id}/refund`, {
      reason: 'Cliente insatisfecho con el primer mes',
    });
    expect(refunded.status).toBe(200);
    const note = refunded.data.credit_note;
    expect(note.lines.map((line) => line.amount)).toEqual(first.lines.map((line) => -line.amount));
    expect(note.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(note.subtotal);
    expect(note.subtotal).toBe(-first.subtotal);
    expect(note.tax.amount).toBe(-first.tax.amount);
    expect(note.total).toBe(-first.total);
    expect(note.subtotal + note.tax.amount).toBe(note.total);
  });
});

describe("the business's own price", () => {
  it('GET /billing gives the price the subscription pays, the list price, and the renewal price once the platform moves subscribers', async () => {
    const owner = await business('Salón Antiguo', 'starter');
    const before = (await overview(owner)).price!;
    expect(before).toMatchObject({ interval: 'month', grandfathered: false, renewal: null });
    expect(before.amount).toBe(before.list_amount);
    const signedUpAt = before.amount!;

    // A new list price for new subscribers only: this business is grandfathered.
    expect((await call(admin, 'PATCH', '/platform/plans/starter', { price_amount: signedUpAt + 1000, annual_price_amount: (signedUpAt + 1000) * 10 })).status).toBe(200);
    const grandfathered = (await overview(owner)).price!;
    expect(grandfathered).toMatchObject({ amount: signedUpAt, list_amount: signedUpAt + 1000, grandfathered: true, renewal: null });

    // Applied to existing subscribers: the renewal moves to it, at the end of the paid period.
    expect((await call(admin, 'PATCH', '/platform/plans/starter', { price_amount: signedUpAt + 2000, annual_price_amount: (signedUpAt + 2000) * 10, apply_to_existing: true })).status).toBe(200);
    const { price, subscription } = await overview(owner);
    expect(price).toMatchObject({ amount: signedUpAt, list_amount: signedUpAt + 2000, renewal: { amount: signedUpAt + 2000, at: subscription!.current_period_end } });
    expect((await renew(owner)).lines[0]!.amount).toBe(signedUpAt + 2000);
  });
});
