/**
 * What the booking page's account screens rely on: the refund shown before cancelling one of my
 * bookings (`GET /me/bookings/{id}?preview=cancel`, the manage link's rule with the customer's own
 * credential), and the wall between businesses — a customer token sent with another business's
 * X-Tenant is refused (403), on `/me` and on the booking endpoints alike.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { madridSlot } from '../booking/harness.ts';
import { bearer, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

type Json = Record<string, unknown>;
type Headers = Record<string, string>;
interface Preview {
  action: 'cancel';
  allowed: boolean;
  reason: string;
  refund: { amount: number; currency: string };
}
interface AccountBooking {
  id: string;
  status: string;
  pricing: { deposit_paid: number };
  preview?: Preview;
}

let t: TestApp;
let worker: Worker;
let owner: TenantOwner;
let other: TenantOwner;
let catalog: { serviceId: string; resourceId: string };

let addressCounter = 0;
const nextAddress = () => `198.51.100.${(addressCounter++ % 250) + 1}`;
const uniqueEmail = (label: string) => `${label}.${randomUUID().slice(0, 4)}@${randomUUID().slice(0, 8)}.page-probe.example`;

const call = httpClient(() => t.server, { remoteAddress: nextAddress });

async function create(who: TenantOwner, url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { headers: who.headers, body: payload });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

/** One bookable service with a 30 % deposit, fully refunded 48 h ahead and half 24 h ahead. */
async function makeCatalog(who: TenantOwner): Promise<{ serviceId: string; resourceId: string }> {
  const locationId = await create(who, '/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  const resourceId = await create(who, '/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create(who, '/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  const serviceId = await create(who, '/api/v1/services', {
    name: 'Color',
    duration_minutes: 60,
    price: { amount: 5000, currency: 'EUR' },
    deposit: { type: 'percentage', value: 30 },
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
    resource_ids: [resourceId],
  });
  return { serviceId, resourceId };
}

/** Signs in with the emailed code, read from the business's captured outbox. */
async function signIn(who: TenantOwner, email: string): Promise<Headers> {
  const onPage = { 'x-tenant': who.tenant.slug };
  expect((await call('POST', '/api/v1/customer-auth/code', { headers: onPage, body: { email } })).status).toBe(202);
  await worker.drain();
  const outbox = (await call<Array<{ event_type: string; recipient: string | null; body: string }>>('GET', '/api/v1/notifications?channel=email&limit=100', { headers: who.headers })).body.data;
  const message = outbox.find((item) => item.event_type === 'verification.code' && item.recipient === maskRecipient(email));
  const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1] ?? '';
  const verified = await call<{ access_token: string }>('POST', '/api/v1/customer-auth/verify', { headers: onPage, body: { email, code, first_name: 'Lucía' } });
  expect(verified.status, verified.text).toBe(200);
  return bearer(verified.body.data.access_token);
}

beforeAll(async () => {
  t = await startTestApp();
  worker = t.app.createWorker(pino({ level: 'silent' }));
  owner = await signupTenant(t);
  other = await signupTenant(t);
  catalog = await makeCatalog(owner);
});

afterAll(async () => {
  await t?.close();
});

describe('refund preview of my booking', () => {
  it('shows what cancelling now would refund, changes nothing, then the cancel refunds exactly that', async () => {
    const me = await signIn(owner, uniqueEmail('preview'));
    const booked = await call<AccountBooking>('POST', '/api/v1/me/bookings', { headers: me, body: {
      service_id: catalog.serviceId,
      resource_id: catalog.resourceId,
      start_time: madridSlot(10, '09:00'),
      payment_method_id: 'pm_card_visa',
    } });
    expect(booked.status, booked.text).toBe(201);
    const booking = booked.body.data;
    expect(booking.pricing.deposit_paid).toBe(1500);

    const plain = (await call<AccountBooking>('GET', `/api/v1/me/bookings/${booking.id}`, { headers: me })).body.data;
    expect(plain.preview).toBeUndefined();
    const previewed = await call<AccountBooking>('GET', `/api/v1/me/bookings/${booking.id}?preview=cancel`, { headers: me });
    expect(previewed.status, previewed.text).toBe(200);
    const shown = previewed.body.data;
    expect(shown.status).toBe('confirmed');
    expect(shown.preview).toEqual({ action: 'cancel', allowed: true, reason: 'within_window', refund: { amount: 1500, currency: 'EUR' } });

    const cancelled = (await call<AccountBooking & { refund?: { amount: number } }>('PATCH', `/api/v1/me/bookings/${booking.id}`, { headers: me, body: { action: 'cancel' } })).body.data;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.refund?.amount).toBe(shown.preview?.refund.amount);

    const after = (await call<AccountBooking>('GET', `/api/v1/me/bookings/${booking.id}?preview=cancel`, { headers: me })).body.data;
    expect(after.preview).toMatchObject({ allowed: false, reason: 'booking_cancelled', refund: { amount: 0 } });
  });

  it("refuses another customer's booking (404) and a preview it does not know (400)", async () => {
    const alice = await signIn(owner, uniqueEmail('alice'));
    const bob = await signIn(owner, uniqueEmail('bob'));
    const bobs = (await call<AccountBooking>('POST', '/api/v1/me/bookings', { headers: bob, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(10, '11:00') } })).body.data;
    expect((await call('GET', `/api/v1/me/bookings/${bobs.id}?preview=cancel`, { headers: alice })).status).toBe(404);
    expect((await call('GET', `/api/v1/me/bookings/${bobs.id}?preview=refund`, { headers: bob })).status).toBe(400);
  });
});

describe('a customer account works only on its own business', () => {
  it("refuses (403) its token with another business's X-Tenant, on /me and on bookings, and answers with its own", async () => {
    const me = await signIn(owner, uniqueEmail('wall'));
    const mine = (await call<AccountBooking>('POST', '/api/v1/me/bookings', { headers: me, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(10, '13:00') } })).body.data;
    const elsewhere = { ...me, 'x-tenant': other.tenant.slug };
    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, Json?]> = [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/me/bookings'],
      ['GET', `/api/v1/me/bookings/${mine.id}?preview=cancel`],
      ['PATCH', `/api/v1/me/bookings/${mine.id}`, { action: 'cancel' }],
      ['POST', '/api/v1/me/bookings', { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(10, '15:00') }],
      ['GET', '/api/v1/me/export'],
      ['DELETE', '/api/v1/me'],
      ['GET', `/api/v1/bookings/${mine.id}`],
      ['POST', '/api/v1/bookings', { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(10, '16:00'), customer: { first_name: 'X', email: uniqueEmail('x') } }],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await call(method, url, { headers: elsewhere, body: payload });
      expect(response.status, `${method} ${url}: ${response.text}`).toBe(403);
      expect(response.body.error?.code).toBe('FORBIDDEN');
    }
    // An unknown business is refused the same way (nothing says whether it exists).
    expect((await call('GET', '/api/v1/me', { headers: { ...me, 'x-tenant': 'no-such-business-here' } })).status).toBe(403);

    // Nothing happened: the booking is still on; its own business (by X-Tenant or none) answers.
    const own = await call<AccountBooking>('GET', `/api/v1/me/bookings/${mine.id}`, { headers: { ...me, 'x-tenant': owner.tenant.slug } });
    expect(own.status).toBe(200);
    expect(own.body.data.status).toBe(mine.status);
    expect(mine.status).toBe('pending_payment');
    expect((await call('GET', '/api/v1/me', { headers: me })).status).toBe(200);
  });
});
