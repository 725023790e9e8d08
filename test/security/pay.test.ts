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
import { body, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';

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

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: Json) =>
  t.server.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

async function create(url: string, payload: Json): Promise<string> {
  const response = await call('POST', url, owner.headers, payload);
  if (response.statusCode !== 201) throw new Error(`${url} → ${response.statusCode} ${response.body}`);
  return body<{ id: string }>(response).data.id;
}

const page = () => ({ 'x-tenant': owner.tenant.slug });
const tokenOf = (booking: BookingView): string => booking.manage_url?.split('/').at(-1) ?? '';
let slot = 0;

/** A guest books the deposit service without a card: pending_payment, with its manage link. */
async function pendingBooking(email = `guest-${randomUUID().slice(0, 8)}@example.com`): Promise<BookingView> {
  const response = await call('POST', '/api/v1/bookings', page(), {
    service_id: serviceId,
    resource_id: resourceId,
    start_time: madridSlot(10 + Math.floor(slot / 8), `${String(9 + (slot++ % 8)).padStart(2, '0')}:00`),
    customer: { first_name: 'Ana', last_name: 'Pago', email },
  });
  expect(response.statusCode, response.body).toBe(201);
  const booking = body<BookingView>(response).data;
  expect(booking.status).toBe('pending_payment');
  return booking;
}

const intent = (headers: Record<string, string>, payload: Json) => call('POST', '/api/v1/payments/intent', headers, payload);

async function getBooking(id: string): Promise<BookingView> {
  const response = await call('GET', `/api/v1/bookings/${id}`, owner.headers);
  expect(response.statusCode).toBe(200);
  return body<BookingView>(response).data;
}

/** Runs the worker until `done` holds for the booking (sandbox events travel as jobs). */
async function workUntil(id: string, done: (booking: BookingView) => boolean): Promise<BookingView> {
  for (let round = 0; round < 60; round += 1) {
    await worker.drain();
    const current = await getBooking(id);
    if (done(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return getBooking(id);
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
  const businesses = await call('GET', '/api/v1/businesses', owner.headers);
  businessId = body<Array<{ id: string }>>(businesses).data[0]?.id ?? '';
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
      expect(response.statusCode, `${who}: ${response.body}`).toBe(who === 'another tenant\'s admin' ? 404 : 403);
      if (response.statusCode === 403) expect(body(response).error?.code, who).toBe('PAYMENT_NOT_ALLOWED');
    }
    // Nothing was started for the victim's booking by any of them.
    expect((await getBooking(victim.id)).payments?.map((payment) => payment.status)).toEqual(['requires_payment_method']);
  });

  it('lets the guest (manage token) and the business pay', async () => {
    const booking = await pendingBooking();
    const asGuest = await intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking) });
    expect(asGuest.statusCode, asGuest.body).toBe(200);
    const asBusiness = await intent(owner.headers, { booking_id: booking.id, payment_method_id: 'pm_card_visa' });
    expect(asBusiness.statusCode, asBusiness.body).toBe(200);
    expect(body<{ status: string }>(asBusiness).data.status).toBe('succeeded');
  });

  it('takes return URLs only as paths or on the business\'s allowed origins (400 RETURN_URL_NOT_ALLOWED)', async () => {
    const booking = await pendingBooking();
    const pay = (returnUrl: string) =>
      intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking), payment_method_id: 'pm_card_threeDSecureRequired', return_url: returnUrl });
    for (const foreign of ['https://evil.example/phish', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'https://shop.example.evil.test/']) {
      const refused = await pay(foreign);
      expect(refused.statusCode, `${foreign}: ${refused.body}`).toBe(400);
      expect(body(refused).error?.code).toBe('RETURN_URL_NOT_ALLOWED');
    }
    const onPath = await pay('/booking/done');
    expect(onPath.statusCode, onPath.body).toBe(200);
    expect(body<{ next_action: { redirect: { return_url: string } } }>(onPath).data.next_action.redirect.return_url).toBe(
      `${publicUrl(t.config).replace(/\/$/, '')}/booking/done`,
    );

    // The business names its own site; then (and only then) it is a valid return target.
    const badSetting = await call('PATCH', `/api/v1/businesses/${businessId}`, owner.headers, { settings: { allowed_origins: ['https://shop.example/with/path'] } });
    expect(badSetting.statusCode).toBe(400);
    const setting = await call('PATCH', `/api/v1/businesses/${businessId}`, owner.headers, { settings: { allowed_origins: ['https://shop.example'] } });
    expect(setting.statusCode, setting.body).toBe(200);
    const onShop = await pay('https://shop.example/back?booking=1');
    expect(onShop.statusCode, onShop.body).toBe(200);
    expect(body<{ next_action: { redirect: { return_url: string } } }>(onShop).data.next_action.redirect.return_url).toBe('https://shop.example/back?booking=1');
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
      const response = await call('POST', '/api/v1/payment-methods', headers, { ...card(), customer_id: victim.customer.id, ...extra });
      expect(response.statusCode, `${who}: ${response.body}`).toBe(403);
      expect(body(response).error?.code).toBe('PAYMENT_NOT_ALLOWED');
    }
    // Another business may save cards for its own customers only: the victim is no record of theirs.
    const foreign = await call('POST', '/api/v1/payment-methods', rival.headers, { ...card(), customer_id: victim.customer.id });
    expect(foreign.statusCode, foreign.body).toBe(400);
    expect(body(foreign).error?.code).toBe('VALIDATION_ERROR');
  });

  it('attaches for the customer (their manage token) and for the business; an unattached token needs nothing', async () => {
    const booking = await pendingBooking();
    const asCustomer = await call('POST', '/api/v1/payment-methods', page(), { ...card(), customer_id: booking.customer.id, manage_token: tokenOf(booking) });
    expect(asCustomer.statusCode, asCustomer.body).toBe(201);
    expect(body<{ customer_id: string }>(asCustomer).data.customer_id).toBe(booking.customer.id);
    const asBusiness = await call('POST', '/api/v1/payment-methods', owner.headers, { ...card(), customer_id: booking.customer.id });
    expect(asBusiness.statusCode, asBusiness.body).toBe(201);
    const unattached = await call('POST', '/api/v1/payment-methods', page(), card());
    expect(unattached.statusCode).toBe(201);
    expect(body<{ customer_id: string | null }>(unattached).data.customer_id).toBeNull();
  });
});

describe('a payment after a manual confirmation is not lost', () => {
  it('is recorded on the booking staff confirmed, and cancelling refunds it by policy', async () => {
    const booking = await pendingBooking();
    const confirmed = await call('PATCH', `/api/v1/bookings/${booking.id}`, owner.headers, { action: 'confirm' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(body<BookingView>(confirmed).data.status).toBe('confirmed');

    // The customer pays afterwards, through the link they were sent.
    const paid = await intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking), payment_method_id: 'pm_card_visa' });
    expect(paid.statusCode, paid.body).toBe(200);
    const paymentId = body<{ payment_id: string }>(paid).data.payment_id;
    const recorded = await workUntil(booking.id, (current) => current.pricing.deposit_paid > 0);
    expect(recorded.status).toBe('confirmed');
    expect(recorded.pricing.deposit_paid).toBe(1500);
    expect(recorded.payments).toEqual([expect.objectContaining({ id: paymentId, status: 'succeeded', amount: 1500 })]);

    // Ten days ahead: the policy refunds 100 %.
    const cancelled = await call('PATCH', `/api/v1/bookings/${booking.id}`, owner.headers, { action: 'cancel', cancellation_reason: 'customer_request' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const after = await workUntil(booking.id, (current) => current.payments?.[0]?.refunded_amount === 1500);
    expect(after.status).toBe('cancelled');
    expect(after.payments?.[0]).toMatchObject({ id: paymentId, refunded_amount: 1500 });
  });

  it('a payment for a confirmed booking cancelled before any money arrived is refunded in full', async () => {
    const booking = await pendingBooking();
    const started = await intent(page(), { booking_id: booking.id, manage_token: tokenOf(booking) });
    expect(started.statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/bookings/${booking.id}`, owner.headers, { action: 'confirm' })).statusCode).toBe(200);
    const cancelled = await call('PATCH', `/api/v1/bookings/${booking.id}`, owner.headers, { action: 'cancel' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // The open intent is confirmed afterwards (the customer's tab was still open).
    const paid = await intent(owner.headers, { booking_id: booking.id, payment_method_id: 'pm_card_visa' });
    expect(paid.statusCode, paid.body).toBe(200);
    const after = await workUntil(booking.id, (current) => current.payments?.[0]?.refunded_amount === 1500);
    expect(after.status).toBe('cancelled');
    expect(after.payments?.[0]).toMatchObject({ status: 'refunded', amount: 1500, refunded_amount: 1500 });
  });
});
