/**
 * The specification's integration test "booking with deposit flow" (§10.2.2),
 * adapted: amounts in minor units, the sandbox provider's test payment methods,
 * and the whole application (identity, catalog, booking, payments, the job
 * worker) driven over HTTP with `inject`. Provider events travel the sandbox's
 * signed webhook path as jobs, run here by the real worker.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { madridSlot } from '../booking/harness.ts';
import { asPlatform, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;

interface Pricing {
  base_price: number;
  total_price: number;
  deposit_required: number;
  deposit_paid: number;
  currency: string;
}

interface BookingView {
  id: string;
  status: string;
  manage_url?: string;
  start_time: string;
  pricing: Pricing;
  payment?: {
    intent_id: string;
    client_secret: string | null;
    status: string;
    amount: number;
    currency: string;
    next_action?: { type: string; redirect: { url: string; return_url: string | null } } | null;
  } | null;
  payments?: Array<{ id: string; status: string; amount: number; currency: string; refunded_amount: number }>;
  refund?: { amount: number; currency: string } | null;
}

let t: TestApp;
const call = httpClient(() => t.server);
let owner: TenantOwner;
let worker: Worker;
let serviceId: string;
let resourceId: string;


async function create(url: string, payload: Json, who: TenantOwner = owner): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: who.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

/** A location, one staff resource working every day 09:00–18:00 and a 60-minute service with `service` fields. */
async function makeCatalog(who: TenantOwner, service: Json): Promise<{ serviceId: string; resourceId: string }> {
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } }, who);
  const resource = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' }, who);
  await create('/api/v1/schedules', { resource_id: resource, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] }, who);
  const service_ = await create('/api/v1/services', { name: 'Tinte', duration_minutes: 60, resource_ids: [resource], ...service }, who);
  return { serviceId: service_, resourceId: resource };
}

let guests = 0;
const guest = () => ({ first_name: 'John', last_name: 'Doe', email: `john.doe${guests++}@example.com`, phone: '+34600000000' });

/** Public booking as a guest (X-Tenant), the way the booking widget calls it. */
async function book(start: string, extra: Json = {}, who: TenantOwner = owner, ids = { serviceId, resourceId }) {
  const response = await call<BookingView>('POST', '/api/v1/bookings', {
    tenant: who.tenant.slug,
    body: { service_id: ids.serviceId, resource_id: ids.resourceId, start_time: start, customer: guest(), notes: 'Test booking', ...extra },
  });
  return { status: response.status, envelope: response.body };
}

/** The guest's proof that the booking is theirs: the token of its manage link. */
const tokenOf = (booking: BookingView): string => booking.manage_url?.split('/').at(-1) ?? '';

async function getBooking(id: string): Promise<BookingView> {
  const response = await call('GET', `/api/v1/bookings/${id}`, { headers: owner.headers });
  expect(response.status).toBe(200);
  return response.body.data;
}

/**
 * Runs the worker until the booking reaches `status`: the sandbox enqueues its
 * webhook delivery on the next tick, the delivery records `payment.succeeded`
 * in the outbox, and the fan-out confirms the booking.
 */
async function workUntil(id: string, status: string): Promise<BookingView> {
  const reached = async () => {
    await worker.drain();
    const current = await getBooking(id);
    return current.status === status ? current : undefined;
  };
  return waitFor(reached).catch(() => getBooking(id));
}

const eventsOf = (aggregateId: string, type: string) =>
  asPlatform(t, async (trx) =>
    (await sql<{ data: Json }>`select data from events where aggregate_id = ${aggregateId} and type = ${type}`.execute(trx)).rows,
  );

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  worker = t.app.createWorker(pino({ level: 'silent' }));
  ({ serviceId, resourceId } = await makeCatalog(owner, {
    price: { amount: 5000, currency: 'EUR' },
    deposit: { type: 'percentage', value: 30 },
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
  }));
});

afterAll(async () => {
  await t?.close();
});

describe('booking with deposit flow (§10.2.2, sandbox, minor units)', () => {
  it('charges the deposit with pm_card_visa: 201 confirmed, deposit paid, the payment listed on the booking', async () => {
    const created = await book(madridSlot(10, '09:00'), { payment_method_id: 'pm_card_visa' });
    expect(created.status).toBe(201);
    const booking = created.envelope.data;
    expect(booking.status).toBe('confirmed');
    expect(booking.pricing).toMatchObject({ base_price: 5000, total_price: 5000, deposit_required: 1500, deposit_paid: 1500, currency: 'EUR' });

    const got = await getBooking(booking.id);
    expect(got.status).toBe('confirmed');
    expect(got.payments).toHaveLength(1);
    expect(got.payments?.[0]).toMatchObject({ status: 'succeeded', amount: 1500, currency: 'EUR', refunded_amount: 0 });
  });

  it('answers 402 PAYMENT_FAILED to pm_card_chargeDeclined and does not hold the slot', async () => {
    const start = madridSlot(10, '11:00');
    const declined = await book(start, { payment_method_id: 'pm_card_chargeDeclined' });
    expect(declined.status).toBe(402);
    expect(declined.envelope.error?.code).toBe('PAYMENT_FAILED');
    const retried = await book(start, { payment_method_id: 'pm_card_visa' });
    expect(retried.status).toBe(201);
    expect(retried.envelope.data.status).toBe('confirmed');
  });

  it('without a payment method: pending_payment with an intent; paying it later confirms through the signed webhook', async () => {
    const created = await book(madridSlot(10, '13:00'));
    expect(created.status).toBe(201);
    const booking = created.envelope.data;
    expect(booking.status).toBe('pending_payment');
    expect(booking.pricing.deposit_required).toBe(1500);
    expect(booking.pricing.deposit_paid).toBe(0);
    expect(booking.payment).toMatchObject({ amount: 1500, currency: 'EUR', status: 'requires_payment_method' });
    expect(booking.payment?.intent_id).toMatch(/^pi_sbx_/);
    expect(booking.payment?.client_secret).toEqual(expect.any(String));

    const paid = await call<{ intent_id: string; status: string }>('POST', '/api/v1/payments/intent', { body: { booking_id: booking.id, payment_method_id: 'pm_card_visa', manage_token: tokenOf(booking) }, tenant: owner.tenant.slug });
    expect(paid.status).toBe(200);
    expect(paid.body.data).toMatchObject({ intent_id: booking.payment?.intent_id, status: 'succeeded' });

    const confirmed = await workUntil(booking.id, 'confirmed');
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.pricing.deposit_paid).toBe(1500);
    expect(confirmed.payments?.map((payment) => payment.status)).toEqual(['succeeded']);
  });

  it('pm_card_threeDSecureRequired: pending_payment with a redirect; approving on the sandbox page confirms', async () => {
    const created = await book(madridSlot(10, '15:00'), { payment_method_id: 'pm_card_threeDSecureRequired' });
    expect(created.status).toBe(201);
    const booking = created.envelope.data;
    expect(booking.status).toBe('pending_payment');
    expect(booking.payment?.status).toBe('requires_action');
    expect(booking.payment?.next_action).toEqual({
      type: 'redirect_to_url',
      redirect: { url: expect.stringMatching(/\/api\/v1\/payments\/sandbox\/authorize\/pi_sbx_/), return_url: null },
    });
    const url = booking.payment?.next_action?.redirect.url ?? '';
    // POST /payments/intent describes the same step in the same shape (one function, one schema).
    const intent = await call<{ next_action: unknown }>('POST', '/api/v1/payments/intent', { body: { booking_id: booking.id, manage_token: tokenOf(booking) }, tenant: owner.tenant.slug });
    expect(intent.status).toBe(200);
    expect(intent.body.data.next_action).toEqual(booking.payment?.next_action);

    const path = new URL(url).pathname;
    const page = await call('GET', path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('15.00');
    const decision = await call('POST', path, { form: { decision: 'approve' } });
    expect(decision.status).toBe(200);
    expect((await getBooking(booking.id)).status).toBe('pending_payment');

    const confirmed = await workUntil(booking.id, 'confirmed');
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.pricing.deposit_paid).toBe(1500);
  });

  it('cancelling within the refund window refunds the deposit and publishes payment.refunded', async () => {
    const created = await book(madridSlot(12, '09:00'), { payment_method_id: 'pm_card_visa' });
    expect(created.envelope.data.status).toBe('confirmed');
    const id = created.envelope.data.id;
    const cancelled = await call('PATCH', `/api/v1/bookings/${id}`, { headers: owner.headers, body: { action: 'cancel', cancellation_reason: 'ill' } });
    expect(cancelled.status).toBe(200);
    const data = cancelled.body.data;
    expect(data.status).toBe('cancelled');
    expect(data.refund).toMatchObject({ amount: 1500, currency: 'EUR' });

    const got = await getBooking(id);
    expect(got.payments?.[0]).toMatchObject({ amount: 1500, refunded_amount: 1500 });
    const paymentId = got.payments?.[0]?.id ?? '';
    const refunded = await eventsOf(paymentId, 'payment.refunded');
    expect(refunded).toHaveLength(1);
    // The slot is free again.
    expect((await book(madridSlot(12, '09:00'), { payment_method_id: 'pm_card_visa' })).status).toBe(201);
  });

  /** Moves a booking's time to `hours` from now, so the policy's notice is exact (the tiers depend on it). */
  /** A guest booking made at the desk (the public per-address limit is the guest tests' concern, not this one's). */
  const bookAtDesk = async (start: string) => {
    const response = await call<BookingView>('POST', '/api/v1/bookings', { body: { service_id: serviceId, resource_id: resourceId, start_time: start, customer: guest(), payment_method_id: 'pm_card_visa' }, headers: owner.headers });
    expect(response.status, response.text).toBe(201);
    return { envelope: response.body };
  };
  const startIn = (id: string, hours: number) =>
    asPlatform(t, (trx) =>
      sql`update bookings set start_time = now() + make_interval(hours => ${hours}), end_time = now() + make_interval(hours => ${hours + 1}) where id = ${id}`.execute(trx),
    );

  it("refunds the whole deposit when the business cancels, where the customer's own cancellation would get a tier", async () => {
    const created = await bookAtDesk(madridSlot(13, '09:00'));
    const id = created.envelope.data.id;
    // 30 h ahead: a customer with an account would get 50 %, a guest could no longer cancel (default guest window 48 h).
    await startIn(id, 30);
    const byGuest = await call('PATCH', `/api/v1/manage/${tokenOf(created.envelope.data)}`, { body: { action: 'cancel' } });
    expect(byGuest.status).toBe(422);
    expect(byGuest.body.error).toMatchObject({ code: 'POLICY_VIOLATION' });
    const cancelled = await call('PATCH', `/api/v1/bookings/${id}`, { headers: owner.headers, body: { action: 'cancel', cancellation_reason: 'Stylist ill' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.refund).toMatchObject({ amount: 1500, currency: 'EUR' });
  });

  it('holds a guest to the stricter default terms when the service sets none: 60 h ahead refunds half, not all', async () => {
    const created = await bookAtDesk(madridSlot(13, '11:00'));
    await startIn(created.envelope.data.id, 60);
    // The policy gives 100 % from 48 h; a guest needs twice the notice for it (96 h) and gets the 50 % tier (from 48 h).
    const cancelled = await call('PATCH', `/api/v1/manage/${tokenOf(created.envelope.data)}`, { body: { action: 'cancel' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.data.refund).toMatchObject({ amount: 750, currency: 'EUR' });
  });

  it('computes a zero-decimal (JPY) deposit in whole yen', async () => {
    const yenOwner = await signupTenant(t, { currency: 'JPY' });
    const yen = await makeCatalog(yenOwner, { price: { amount: 4999, currency: 'JPY' }, deposit: { type: 'percentage', value: 30 } });
    const created = await book(madridSlot(10, '09:00'), { payment_method_id: 'pm_card_visa' }, yenOwner, yen);
    expect(created.status).toBe(201);
    // 30 % of ¥4,999 = ¥1,499.7 → ¥1,500 (whole yen, no cents).
    expect(created.envelope.data.pricing).toMatchObject({ total_price: 4999, deposit_required: 1500, deposit_paid: 1500, currency: 'JPY' });
    const payments = await asPlatform(t, async (trx) =>
      (await sql<{ amount: number; currency: string }>`select amount, currency from payments where booking_id = ${created.envelope.data.id}`.execute(trx)).rows,
    );
    expect(payments.map((row) => ({ amount: Number(row.amount), currency: row.currency.trim() }))).toEqual([{ amount: 1500, currency: 'JPY' }]);
  });

  it("lets only the business admin see or connect the business's payment account (real roles)", async () => {
    const connect = <T = unknown>(headers: Record<string, string>) => call<T>('GET', '/api/v1/payments/connect', { headers });
    const status = await connect<{ provider: string; required: boolean; account_id: string | null }>(owner.headers);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({
      provider: 'sandbox',
      required: false,
      account_id: null,
    });
    for (const role of ['manager', 'receptionist', 'staff'] as const) {
      const member = await createUserWithRole(t, owner, role);
      expect((await connect(member.headers)).status, role).toBe(403);
      expect((await call('POST', '/api/v1/payments/connect/onboarding', { body: {}, headers: member.headers })).status, role).toBe(403);
    }
    const started = await call<{ onboarding_url: string }>('POST', '/api/v1/payments/connect/onboarding', { body: {}, headers: owner.headers });
    expect(started.status).toBe(201);
    expect(started.body.data.onboarding_url).toMatch(/\/api\/v1\/payments\/sandbox\/onboarding\/acct_sbx_/);
  });
});
