/**
 * Attacks on payments, against the whole application (sandbox provider, real
 * roles, the job worker) over HTTP:
 * - paying someone else's booking or steering its 3-D Secure return to a
 *   foreign site through `POST /payments/intent`;
 * - attaching a payment method to another customer through `POST /payment-methods`;
 * - a payment that succeeds after staff confirmed the booking by hand must be
 *   recorded on it and refunded by policy when it is cancelled.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { publicUrl } from '../../src/platform/config.ts';
import { madridSlot } from '../booking/harness.ts';
import { createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;

interface BookingView {
  id: string;
  status: string;
  manage_url?: string;
  customer: { id: string };
  pricing: { deposit_required: number; deposit_paid: number };
  payments?: Array<{ id: string; status: string; amount: number; refunded_amount: number }>;
  refund?: { amount: number } | null;
}

let t: TestApp;
let owner: TenantOwner;
let rival: TenantOwner;
let worker: Worker;
let serviceId: string;
let resourceId: string;
let businessId: string;

const call = httpClient(() => t.server);

async function create(url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { headers: owner.headers, body: payload });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

const page = () => ({ 'x-tenant': owner.tenant.slug });
const tokenOf = (booking: BookingView): string => booking.manage_url?.split('/').at(-1) ?? '';
let slot = 0;

/** A guest books the deposit service without a card: pending_payment, with its manage link. */
async function pendingBooking(email = `guest-${randomUUID().slice(0, 8)}@example.com`): Promise<BookingView> {
  const response = await call<BookingView>('POST', '/api/v1/bookings', { headers: page(), body: {
    service_id: serviceId,
    resource_id: resourceId,
    start_time: madridSlot(10 + Math.floor(slot / 8), `${String(9 + (slot++ % 8)).padStart(2, '0')}:00`),
    customer: { first_name: 'Ana', last_name: 'Pago', email },
  } });
  expect(response.status, response.text).toBe(201);
  const booking = response.body.data;
  expect(booking.status).toBe('pending_payment');
  return booking;
}

const intent = <T = unknown>(headers: Record<string, string>, payload: Json) => call<T>('POST', '/api/v1/payments/intent', { headers, body: payload });

async function getBooking(id: string): Promise<BookingView> {
  const response = await call<BookingView>('GET', `/api/v1/bookings/${id}`, { headers: owner.headers });
  expect(response.status).toBe(200);
  return response.body.data;
}

/** Runs the worker until `done` holds for the booking (sandbox events travel as jobs). */
async function workUntil(id: string, done: (booking: BookingView) => boolean): Promise<BookingView> {
  const reached = async () => {
    await worker.drain();
    const current = await getBooking(id);
    return done(current) ? current : undefined;
  };
  return waitFor(reached).catch(() => getBooking(id));
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  rival = await signupTenant(t);
  worker = t.app.createWorker(pino({ level: 'silent' }));
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  serviceId = await create('/api/v1/services', {
    name: 'Tinte',
    duration_minutes: 60,
    resource_ids: [resourceId],
    price: { amount: 5000, currency: 'EUR' },
    deposit: { type: 'percentage', value: 30 },
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
  });
  const businesses = await call<Array<{ id: string }>>('GET', '/api/v1/businesses', { headers: owner.headers });
  businessId = businesses.body.data[0]?.id ?? '';
});

afterAll(async () => {
  await t?.close();
});

describe('POST /payments/intent: only the booking\'s payer', () => {
  it('refuses strangers, forged or other bookings\' tokens, other tenants and unrelated staff with 403 PAYMENT_NOT_ALLOWED', async () => {
    const victim = await pendingBooking();
    const attacker = await pendingBooking();
    const staff = await createUserWithRole(t, owner, 'staff');
    const attempts: Array<[string, Record<string, string>, Json]> = [
      ['anonymous', page(), { booking_id: victim.id }],
      ['anonymous with a card', page(), { booking_id: victim.id, payment_method_id: 'pm_card_visa' }],
      ['another booking\'s manage token', page(), { booking_id: victim.id, manage_token: tokenOf(attacker) }],
      ['a forged token', page(), { booking_id: victim.id, manage_token: 'A'.repeat(64) }],
      ['staff not assigned to the booking\'s resource', staff.headers, { booking_id: victim.id }],
      ['another tenant\'s admin', rival.headers, { booking_id: victim.id }],
      ['anonymous, unknown booking', page(), { booking_id: randomUUID() }],
    ];
    for (const [who, headers, payload] of attempts) {
      const response = await intent(headers, payload);
      expect(response.status, `${who}: ${response.text}`).toBe(who === 'another tenant\'s admin' ? 404 : 403);
      if (response.status === 403) expect(response.body.error?.code, who).toBe('PAYMENT_NOT_ALLOWED');
    }
    // Nothing was started for the victim's booking by any of them.
    expect((await getBooking(victim.id)).payments?.map((payment) => payment.status)).toEqual(['requires_payment_method']);
  });

  it('lets the guest (manage token) and the business pay', async () => {
    const booking = await pendingBooking();
    const asGuest = await intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking) });
    expect(asGuest.status, asGuest.text).toBe(200);
    const asBusiness = await intent<{ status: string }>(owner.headers, { booking_id: booking.id, payment_method_id: 'pm_card_visa' });
    expect(asBusiness.status, asBusiness.text).toBe(200);
    expect(asBusiness.body.data.status).toBe('succeeded');
  });

  it('takes return URLs only as paths or on the business\'s allowed origins (400 RETURN_URL_NOT_ALLOWED)', async () => {
    const booking = await pendingBooking();
    const pay = <T = unknown>(returnUrl: string) =>
      intent<T>(page(), { booking_id: booking.id, manage_token: tokenOf(booking), payment_method_id: 'pm_card_threeDSecureRequired', return_url: returnUrl });
    for (const foreign of ['https://evil.example/phish', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'https://shop.example.evil.test/']) {
      const refused = await pay(foreign);
      expect(refused.status, `${foreign}: ${refused.text}`).toBe(400);
      expect(refused.body.error?.code).toBe('RETURN_URL_NOT_ALLOWED');
    }
    const onPath = await pay<{ next_action: { redirect: { return_url: string } } }>('/booking/done');
    expect(onPath.status, onPath.text).toBe(200);
    expect(onPath.body.data.next_action.redirect.return_url).toBe(
      `${publicUrl(t.config).replace(/\/$/, '')}/booking/done`,
    );

    // The business names its own site; then (and only then) it is a valid return target.
    const badSetting = await call('PATCH', `/api/v1/businesses/${businessId}`, { headers: owner.headers, body: { settings: { allowed_origins: ['https://shop.example/with/path'] } } });
    expect(badSetting.status).toBe(400);
    const setting = await call('PATCH', `/api/v1/businesses/${businessId}`, { headers: owner.headers, body: { settings: { allowed_origins: ['https://shop.example'] } } });
    expect(setting.status, setting.text).toBe(200);
    const onShop = await pay<{ next_action: { redirect: { return_url: string } } }>('https://shop.example/back?booking=1');
    expect(onShop.status, onShop.text).toBe(200);
    expect(onShop.body.data.next_action.redirect.return_url).toBe('https://shop.example/back?booking=1');
  });
});

describe('POST /payment-methods: a card is attached only by its customer or the business', () => {
  const card = () => ({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } });

  it('refuses to attach a card to someone else\'s customer record (403 PAYMENT_NOT_ALLOWED)', async () => {
    const victim = await pendingBooking();
    const attacker = await pendingBooking();
    for (const [who, headers, extra] of [
      ['anonymous', page(), {}],
      ['with the attacker\'s own manage token', page(), { manage_token: tokenOf(attacker) }],
    ] as Array<[string, Record<string, string>, Json]>) {
      const response = await call('POST', '/api/v1/payment-methods', { headers, body: { ...card(), customer_id: victim.customer.id, ...extra } });
      expect(response.status, `${who}: ${response.text}`).toBe(403);
      expect(response.body.error?.code).toBe('PAYMENT_NOT_ALLOWED');
    }
    // Another business may save cards for its own customers only: the victim is no record of theirs.
    const foreign = await call('POST', '/api/v1/payment-methods', { headers: rival.headers, body: { ...card(), customer_id: victim.customer.id } });
    expect(foreign.status, foreign.text).toBe(400);
    expect(foreign.body.error?.code).toBe('VALIDATION_ERROR');
  });

  it('attaches for the customer (their manage token) and for the business; an unattached token needs nothing', async () => {
    const booking = await pendingBooking();
    const asCustomer = await call<{ customer_id: string }>('POST', '/api/v1/payment-methods', { headers: page(), body: { ...card(), customer_id: booking.customer.id, manage_token: tokenOf(booking) } });
    expect(asCustomer.status, asCustomer.text).toBe(201);
    expect(asCustomer.body.data.customer_id).toBe(booking.customer.id);
    const asBusiness = await call('POST', '/api/v1/payment-methods', { headers: owner.headers, body: { ...card(), customer_id: booking.customer.id } });
    expect(asBusiness.status, asBusiness.text).toBe(201);
    const unattached = await call<{ customer_id: string | null }>('POST', '/api/v1/payment-methods', { headers: page(), body: card() });
    expect(unattached.status).toBe(201);
    expect(unattached.body.data.customer_id).toBeNull();
  });
});

describe('a payment after a manual confirmation is not lost', () => {
  it('is recorded on the booking staff confirmed, and cancelling refunds it by policy', async () => {
    const booking = await pendingBooking();
    const confirmed = await call<BookingView>('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'confirm' } });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.data.status).toBe('confirmed');

    // The customer pays afterwards, through the link they were sent.
    const paid = await intent<{ payment_id: string }>(page(), { booking_id: booking.id, manage_token: tokenOf(booking), payment_method_id: 'pm_card_visa' });
    expect(paid.status, paid.text).toBe(200);
    const paymentId = paid.body.data.payment_id;
    const recorded = await workUntil(booking.id, (current) => current.pricing.deposit_paid > 0);
    expect(recorded.status).toBe('confirmed');
    expect(recorded.pricing.deposit_paid).toBe(1500);
    expect(recorded.payments).toEqual([expect.objectContaining({ id: paymentId, status: 'succeeded', amount: 1500 })]);

    // Ten days ahead: the policy refunds 100 %.
    const cancelled = await call('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'cancel', cancellation_reason: 'customer_request' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    const after = await workUntil(booking.id, (current) => current.payments?.[0]?.refunded_amount === 1500);
    expect(after.status).toBe('cancelled');
    expect(after.payments?.[0]).toMatchObject({ id: paymentId, refunded_amount: 1500 });
  });

  it('a payment for a confirmed booking cancelled before any money arrived is refunded in full', async () => {
    const booking = await pendingBooking();
    const started = await intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking) });
    expect(started.status).toBe(200);
    expect((await call('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'confirm' } })).status).toBe(200);
    const cancelled = await call('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'cancel' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    // The open intent is confirmed afterwards (the customer's tab was still open).
    const paid = await intent(owner.headers, { booking_id: booking.id, payment_method_id: 'pm_card_visa' });
    expect(paid.status, paid.text).toBe(200);
    const after = await workUntil(booking.id, (current) => current.payments?.[0]?.refunded_amount === 1500);
    expect(after.status).toBe('cancelled');
    expect(after.payments?.[0]).toMatchObject({ status: 'refunded', amount: 1500, refunded_amount: 1500 });
  });
});
