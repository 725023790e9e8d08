/**
 * Customer accounts (issue #5, point 2) on the whole application: sign-in by emailed code or
 * password on a business's booking page, the RF5.7 attachment of guest history (by email at
 * registration, by a phone proved later), the account's bookings (upcoming, past, book, rebook,
 * cancel), preferences and consent, saved payment methods, the customer's own GDPR export and
 * account closure — and the walls: another customer's or tenant's bookings are 404, staff
 * endpoints refuse customer credentials (403), `/me` refuses staff credentials (403).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { madridSlot } from '../booking/harness.ts';
import { asPlatform, bearer, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';
import { captureLogs } from './support/customers-app.ts';

type Json = Record<string, unknown>;
type Headers = Record<string, string>;

interface Profile {
  id: string;
  type: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  preferences: Json;
  marketing_consent: boolean;
  email_verified_at: string | null;
  phone_verified_at: string | null;
  has_password: boolean;
}

interface Session {
  access_token: string;
  refresh_token: string;
  session_id: string;
  outcome: 'signed_in' | 'created' | 'upgraded';
  customer: Profile;
  headers: Headers;
}

interface Booking {
  id: string;
  status: string;
  service: { id: string };
  resource: { id: string };
  start_time: string;
  customer?: { id: string };
  internal_notes?: string | null;
}

let t: TestApp;
let worker: Worker;
let logs: ReturnType<typeof captureLogs>;
let owner: TenantOwner;
let other: TenantOwner;
let catalog: { serviceId: string; resourceId: string };
let otherCatalog: { serviceId: string; resourceId: string };

let slotCounter = 0;
/** A distinct free hour on the resource (09:00–17:00 Madrid, from three days ahead). */
function nextSlot(): string {
  const n = slotCounter++;
  return madridSlot(3 + Math.floor(n / 8), `${String(9 + (n % 8)).padStart(2, '0')}:00`);
}

/** A unique domain too: the outbox shows addresses masked as "l***@domain". */
const uniqueEmail = (label: string) => `${label}.${randomUUID().slice(0, 4)}@${randomUUID().slice(0, 8)}.account-probe.example`;

let addressCounter = 0;
/** Each request from its own address, so the per-IP limits on codes do not add up across tests. */
const nextAddress = () => `198.51.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;

const call = httpClient(() => t.server, { remoteAddress: nextAddress });

async function create(who: TenantOwner, url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { headers: who.headers, body: payload });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

async function makeCatalog(who: TenantOwner): Promise<{ serviceId: string; resourceId: string }> {
  const locationId = await create(who, '/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  const resourceId = await create(who, '/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create(who, '/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  const serviceId = await create(who, '/api/v1/services', { name: 'Corte', duration_minutes: 60, price: { amount: 2500, currency: 'EUR' }, resource_ids: [resourceId] });
  return { serviceId, resourceId };
}

const onPage = (who: TenantOwner = owner): Headers => ({ 'x-tenant': who.tenant.slug });

/**
 * The newest code sent to `destination`, read where the embedded mode keeps messages instead of
 * sending them: the business's outbox, once the worker has "delivered" (captured) it.
 */
async function capturedCode(destination: string, channel: 'email' | 'sms' = 'email', who: TenantOwner = owner): Promise<string> {
  await worker.drain();
  const response = await call<Array<{ event_type: string; recipient: string | null; status: string; body: string }>>('GET', `/api/v1/notifications?channel=${channel}&limit=100`, { headers: who.headers });
  expect(response.status, response.text).toBe(200);
  const messages = response.body.data;
  const message = messages.find((item) => item.event_type === 'verification.code' && item.recipient === maskRecipient(destination));
  const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
  if (message?.status !== 'captured' || code === undefined) throw new Error(`no code captured for ${destination}`);
  return code;
}

async function requestCode(email: string, who: TenantOwner = owner, extra: Json = {}) {
  return call('POST', '/api/v1/customer-auth/code', { headers: onPage(who), body: { email, ...extra } });
}

async function verify<T = unknown>(email: string, code: string, extra: Json = {}, who: TenantOwner = owner) {
  return call<T>('POST', '/api/v1/customer-auth/verify', { headers: onPage(who), body: { email, code, ...extra } });
}

/** Asks for a code and signs in with it (registering with `extra.first_name` when needed). */
async function signIn(email: string, extra: Json = { first_name: 'Lucía' }, who: TenantOwner = owner): Promise<Session> {
  const sent = await requestCode(email, who);
  expect(sent.status, sent.text).toBe(202);
  const response = await verify<Omit<Session, 'headers'>>(email, await capturedCode(email, 'email', who), extra, who);
  expect(response.status, response.text).toBe(200);
  const data = response.body.data;
  return { ...data, headers: bearer(data.access_token) };
}

/** A public guest booking (X-Tenant), as the booking widget makes it. */
async function guestBooking(customer: Json, who: TenantOwner = owner, ids = catalog): Promise<Booking> {
  const response = await call<Booking>('POST', '/api/v1/bookings', { headers: onPage(who), body: {
    service_id: ids.serviceId,
    resource_id: ids.resourceId,
    start_time: nextSlot(),
    customer,
  } });
  expect(response.status, response.text).toBe(201);
  return response.body.data;
}

async function myBookings(session: Session, scope: 'upcoming' | 'past'): Promise<Booking[]> {
  const response = await call<Booking[]>('GET', `/api/v1/me/bookings?scope=${scope}`, { headers: session.headers });
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8')) as Json;
}

beforeAll(async () => {
  logs = captureLogs();
  t = await startTestApp({ LOG_LEVEL: 'trace' });
  worker = t.app.createWorker(pino({ level: 'silent' }));
  owner = await signupTenant(t);
  other = await signupTenant(t);
  catalog = await makeCatalog(owner);
  otherCatalog = await makeCatalog(other);
});

afterAll(async () => {
  logs?.restore();
  await t?.close();
});

describe('signing in with an emailed code', () => {
  it('registers on the first code, signs in on the next, with a customer token bound to the tenant', async () => {
    const email = uniqueEmail('new');
    await requestCode(email);
    const withoutName = await verify(email, await capturedCode(email));
    expect(withoutName.status).toBe(400);
    expect(withoutName.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'first_name' }] });

    // The refused attempt did not spend the code.
    const created = await verify<Omit<Session, 'headers'>>(email, await capturedCode(email), { first_name: 'Lucía', last_name: 'Pérez' });
    expect(created.status, created.text).toBe(200);
    const first = created.body.data;
    expect(first.outcome).toBe('created');
    expect(first.customer).toMatchObject({ type: 'registered', first_name: 'Lucía', last_name: 'Pérez', email, has_password: false });
    expect(first.customer.email_verified_at).not.toBeNull();
    expect(claimsOf(first.access_token)).toMatchObject({
      sub: first.customer.id,
      tenant_id: owner.tenant.id,
      role: 'customer',
      user_type: 'customer',
      session_id: first.session_id,
    });

    const me = await call<Profile>('GET', '/api/v1/me', { headers: bearer(first.access_token) });
    expect(me.status, me.text).toBe(200);
    expect(me.body.data.id).toBe(first.customer.id);
    expect(me.body.data).not.toHaveProperty('notes');

    const again = await signIn(email, {});
    expect(again.outcome).toBe('signed_in');
    expect(again.customer.id).toBe(first.customer.id);
  });

  it('answers 202 alike whether or not the email has an account', async () => {
    const known = uniqueEmail('known');
    await signIn(known);
    const forKnown = await requestCode(known);
    const forUnknown = await requestCode(uniqueEmail('unknown'));
    expect(forKnown.status).toBe(202);
    expect(forUnknown.status).toBe(202);
    expect(forKnown.body.data).toEqual(forUnknown.body.data);
  });

  it('refuses a wrong code (400 INVALID_CODE), a used one, an expired one, and the right one after five wrong tries (429)', async () => {
    const email = uniqueEmail('codes');
    await requestCode(email);
    const code = await capturedCode(email);
    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await verify(email, wrong, { first_name: 'Ana' });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('INVALID_CODE');
    expect((await verify(email, code, { first_name: 'Ana' })).status).toBe(200);
    expect(((await verify(email, code))).body.error?.code).toBe('INVALID_CODE');

    await requestCode(email);
    const stale = await capturedCode(email);
    await asPlatform(t, (trx) =>
      sql`update customer_account_codes set expires_at = now() - interval '1 second' where used_at is null and tenant_id = ${owner.tenant.id}`.execute(trx),
    );
    const expired = await verify(email, stale);
    expect(expired.status).toBe(400);
    expect(expired.body.error?.code).toBe('INVALID_CODE');

    await requestCode(email);
    const fresh = await capturedCode(email);
    const other_ = fresh === '111111' ? '222222' : '111111';
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await verify(email, other_)).status).toBe(400);
    const exhausted = await verify(email, fresh);
    expect(exhausted.status).toBe(429);
    expect(exhausted.body.error?.code).toBe('RATE_LIMITED');
  });

  it('limits codes per address (429 with Retry-After)', async () => {
    const email = uniqueEmail('limit');
    for (let sent = 0; sent < 3; sent += 1) expect((await requestCode(email)).status).toBe(202);
    const fourth = await requestCode(email);
    expect(fourth.status).toBe(429);
    expect(fourth.headers['retry-after']).toBeDefined();
  });

  it('needs the business named (X-Tenant), and a code of one business does not sign in at another', async () => {
    const email = uniqueEmail('tenant');
    const noTenant = await call('POST', '/api/v1/customer-auth/code', { body: { email } });
    expect(noTenant.status).toBe(400);
    await requestCode(email, owner);
    const code = await capturedCode(email);
    const elsewhere = await verify(email, code, { first_name: 'Eva' }, other);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error?.code).toBe('INVALID_CODE');
    // A credential would name its own tenant over X-Tenant: sign-in refuses one.
    const withToken = await call('POST', '/api/v1/customer-auth/verify', { headers: { ...onPage(), ...owner.headers }, body: { email, code, first_name: 'Eva' } });
    expect(withToken.status).toBe(400);
    expect(withToken.body.error?.details).toEqual([expect.objectContaining({ field: 'authorization' })]);
  });
});

describe('passwords, refresh and sign-out', () => {
  it('sets a password with a code, signs in with it, throttles wrong ones, changes it and ends other sessions', async () => {
    const email = uniqueEmail('password');
    const weak = await (async () => {
      await requestCode(email);
      return verify(email, await capturedCode(email), { first_name: 'Pablo', new_password: '1qaz2wsx3edc' });
    })();
    expect(weak.status).toBe(400);
    expect(weak.body.error?.details).toEqual([expect.objectContaining({ field: 'new_password', code: 'password_breached' })]);

    const password = `Pw-${randomUUID()}`;
    const first = await verify<{ customer: Profile; access_token: string }>(email, await capturedCode(email), { first_name: 'Pablo', new_password: password });
    expect(first.status, first.text).toBe(200);
    expect(first.body.data.customer.has_password).toBe(true);
    const stored = await asPlatform(t, (trx) => sql<{ password_hash: string }>`select password_hash from customer_credentials where tenant_id = ${owner.tenant.id}`.execute(trx));
    expect(stored.rows.every((row) => row.password_hash.startsWith('$argon2id$'))).toBe(true);

    const login = await call<{ access_token: string; refresh_token: string }>('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password } });
    expect(login.status, login.text).toBe(200);
    const session = login.body.data;
    const bad = await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password: 'not-the-password-1' } });
    expect(bad.status).toBe(401);
    const unknown = await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email: uniqueEmail('nobody'), password } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error?.message).toBe(bad.body.error?.message);
    // The password belongs to this business's account only.
    expect((await call('POST', '/api/v1/customer-auth/login', { headers: onPage(other), body: { email, password } })).status).toBe(401);

    const noCurrent = await call('PUT', '/api/v1/me/password', { headers: bearer(session.access_token), body: { new_password: `Pw-${randomUUID()}` } });
    expect(noCurrent.status).toBe(400);
    const next = `Pw-${randomUUID()}`;
    const changed = await call<{ other_sessions_revoked: number }>('PUT', '/api/v1/me/password', { headers: bearer(session.access_token), body: { current_password: password, new_password: next } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data.other_sessions_revoked).toBeGreaterThanOrEqual(1);
    const firstTokens = first.body.data;
    expect((await call('GET', '/api/v1/me', { headers: bearer(firstTokens.access_token) })).status).toBe(401);
    expect((await call('GET', '/api/v1/me', { headers: bearer(session.access_token) })).status).toBe(200);
    expect((await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password: next } })).status).toBe(200);
  });

  it('throttles failed passwords per account (429 after 10 in 15 minutes)', async () => {
    const email = uniqueEmail('throttle');
    await signIn(email, { first_name: 'Toni', new_password: `Pw-${randomUUID()}` });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password: `wrong-${attempt}-password` } })).status).toBe(401);
    }
    const throttled = await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password: 'wrong-again-password' } });
    expect(throttled.status).toBe(429);
    // The throttle keys hold no e-mail address in clear.
    const keys = await asPlatform(t, (trx) => sql<{ account: string }>`select account from login_failures`.execute(trx));
    expect(keys.rows.some((row) => row.account.includes(email))).toBe(false);
  });

  it('refreshes through the shared /auth/refresh (rotation, reuse ends the session) and signs out with /auth/logout', async () => {
    const session = await signIn(uniqueEmail('refresh'));
    const rotated = await call<{ access_token: string; refresh_token: string }>('POST', '/api/v1/auth/refresh', { body: { refresh_token: session.refresh_token } });
    expect(rotated.status, rotated.text).toBe(200);
    const tokens = rotated.body.data;
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: session.customer.id, user_type: 'customer', role: 'customer' });
    expect((await call('GET', '/api/v1/me', { headers: bearer(tokens.access_token) })).status).toBe(200);

    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    expect((await call('GET', '/api/v1/me', { headers: bearer(tokens.access_token) })).status).toBe(401);

    const second = await signIn(uniqueEmail('logout'));
    expect((await call('POST', '/api/v1/auth/logout', { headers: second.headers })).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { headers: second.headers })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: second.refresh_token } })).status).toBe(401);
  });
});

describe('guest history joins the account (RF5.7)', () => {
  it('bookings made as a guest with the same email are the account\'s after registering', async () => {
    const email = uniqueEmail('guest');
    const earlier = await guestBooking({ first_name: 'Marta', email });
    const later = await guestBooking({ first_name: 'Marta', email });
    const session = await signIn(email, { first_name: 'Marta', last_name: 'Gil' });
    expect(session.outcome).toBe('upgraded');
    expect(session.customer.id).toBe(earlier.customer?.id);
    const upcoming = (await myBookings(session, 'upcoming')).map((booking) => booking.id);
    expect(upcoming).toEqual(expect.arrayContaining([earlier.id, later.id]));
  });

  it('bookings made as a guest with a phone join once the account proves that phone by SMS', async () => {
    const phone = `+3461${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
    const byPhone = await guestBooking({ first_name: 'Marta', phone });
    const session = await signIn(uniqueEmail('phone'));
    expect((await myBookings(session, 'upcoming')).map((booking) => booking.id)).not.toContain(byPhone.id);

    const sent = await call('POST', '/api/v1/me/phone/code', { headers: session.headers, body: { phone } });
    expect(sent.status, sent.text).toBe(202);
    const code = await capturedCode(phone, 'sms');
    const wrong = await call('POST', '/api/v1/me/phone/verify', { headers: session.headers, body: { phone, code: code === '000000' ? '000001' : '000000' } });
    expect(wrong.status).toBe(400);
    const verified = await call<{ customer: Profile; merged_customer_ids: string[] }>('POST', '/api/v1/me/phone/verify', { headers: session.headers, body: { phone, code } });
    expect(verified.status, verified.text).toBe(200);
    const result = verified.body.data;
    expect(result.merged_customer_ids).toEqual([byPhone.customer?.id]);
    expect(result.customer).toMatchObject({ id: session.customer.id, phone });
    expect(result.customer.phone_verified_at).not.toBeNull();
    expect((await myBookings(session, 'upcoming')).map((booking) => booking.id)).toContain(byPhone.id);

    // Another account cannot take the phone now: 409.
    const rival = await signIn(uniqueEmail('rival'));
    await call('POST', '/api/v1/me/phone/code', { headers: rival.headers, body: { phone } });
    const taken = await call('POST', '/api/v1/me/phone/verify', { headers: rival.headers, body: { phone, code: await capturedCode(phone, 'sms') } });
    expect(taken.status).toBe(409);
  });
});

describe('my bookings', () => {
  it('separates upcoming from past, books as myself, rebooks a past service and cancels my own', async () => {
    const session = await signIn(uniqueEmail('bookings'));
    const booked = await call<Booking>('POST', '/api/v1/me/bookings', { headers: session.headers, body: {
      service_id: catalog.serviceId,
      resource_id: catalog.resourceId,
      start_time: nextSlot(),
      notes: 'Window seat',
    } });
    expect(booked.status, booked.text).toBe(201);
    const upcoming = booked.body.data;
    expect(upcoming.status).toBe('confirmed');

    const done = (await call<Booking>('POST', '/api/v1/me/bookings', { headers: session.headers, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot() } })).body.data;
    // The visit has happened (a booking can be completed only from its start time).
    await asPlatform(t, (trx) =>
      sql`update bookings set start_time = now() - interval '2 hours', end_time = now() - interval '1 hour' where id = ${done.id}`.execute(trx),
    );
    const completed = await call('PATCH', `/api/v1/bookings/${done.id}`, { headers: owner.headers, body: { action: 'complete', internal_notes: 'Staff only remark' } });
    expect(completed.status, completed.text).toBe(200);

    const upcomingIds = (await myBookings(session, 'upcoming')).map((booking) => booking.id);
    const past = await myBookings(session, 'past');
    expect(upcomingIds).toContain(upcoming.id);
    expect(upcomingIds).not.toContain(done.id);
    expect(past.map((booking) => booking.id)).toEqual([done.id]);
    expect(past[0]).not.toHaveProperty('internal_notes');
    expect(JSON.stringify(past)).not.toContain('Staff only remark');

    const rebookAt = nextSlot();
    const rebooked = await call<Booking>('POST', `/api/v1/me/bookings/${done.id}/rebook`, { headers: session.headers, body: { start_time: rebookAt } });
    expect(rebooked.status, rebooked.text).toBe(201);
    const again = rebooked.body.data;
    expect(again).toMatchObject({ status: 'confirmed', service: { id: catalog.serviceId }, resource: { id: catalog.resourceId } });
    expect(again.id).not.toBe(done.id);
    expect(Date.parse(again.start_time)).toBe(Date.parse(rebookAt));
    const asStaff = (await call<Booking>('GET', `/api/v1/bookings/${again.id}`, { headers: owner.headers })).body.data;
    expect(asStaff.customer?.id).toBe(session.customer.id);

    const taken = await call('POST', `/api/v1/me/bookings/${done.id}/rebook`, { headers: session.headers, body: { start_time: rebookAt } });
    expect(taken.status).toBe(409);
    expect(taken.body.error?.code).toBe('SLOT_UNAVAILABLE');

    const cancelled = await call<Booking>('PATCH', `/api/v1/me/bookings/${upcoming.id}`, { headers: session.headers, body: { action: 'cancel', cancellation_reason: 'Travelling' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect((await myBookings(session, 'past')).map((booking) => booking.id)).toContain(upcoming.id);

    const one = await call<Booking>('GET', `/api/v1/me/bookings/${again.id}`, { headers: session.headers });
    expect(one.status).toBe(200);
    expect(one.body.data.id).toBe(again.id);
  });

  it('pages with a cursor', async () => {
    const session = await signIn(uniqueEmail('pages'));
    for (let index = 0; index < 3; index += 1) {
      await call('POST', '/api/v1/me/bookings', { headers: session.headers, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot() } });
    }
    const first = await call('GET', '/api/v1/me/bookings?scope=upcoming&limit=2', { headers: session.headers });
    const page = JSON.parse(first.text) as { data: Booking[]; metadata: { pagination: { cursor: string; has_more: boolean } } };
    expect(page.data).toHaveLength(2);
    expect(page.metadata.pagination.has_more).toBe(true);
    const rest = (await call<Booking[]>('GET', `/api/v1/me/bookings?scope=upcoming&limit=2&cursor=${page.metadata.pagination.cursor}`, { headers: session.headers })).body.data;
    expect(rest).toHaveLength(1);
    expect(new Set([...page.data, ...rest].map((booking) => booking.id)).size).toBe(3);
  });
});

describe('walls between customers, tenants and staff', () => {
  it("customer A cannot read or act on customer B's bookings (404), nor another tenant's (404)", async () => {
    const alice = await signIn(uniqueEmail('alice'));
    const bob = await signIn(uniqueEmail('bob'));
    const bobs = (await call<Booking>('POST', '/api/v1/me/bookings', { headers: bob.headers, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot() } })).body.data;
    for (const [method, url, payload] of [
      ['GET', `/api/v1/me/bookings/${bobs.id}`, undefined],
      ['PATCH', `/api/v1/me/bookings/${bobs.id}`, { action: 'cancel' }],
      ['POST', `/api/v1/me/bookings/${bobs.id}/rebook`, { start_time: nextSlot() }],
    ] as const) {
      const response = await call(method, url, { headers: alice.headers, body: payload });
      expect(response.status, `${method} ${url}: ${response.text}`).toBe(404);
    }
    expect((await myBookings(alice, 'upcoming')).map((booking) => booking.id)).not.toContain(bobs.id);
    expect((await call<Booking>('GET', `/api/v1/me/bookings/${bobs.id}`, { headers: bob.headers })).body.data.status).toBe('confirmed');

    // A customer of the other business: their token names their tenant; X-Tenant naming this one is refused.
    const foreigner = await signIn(uniqueEmail('foreign'), { first_name: 'Hans' }, other);
    expect((await call('GET', `/api/v1/me/bookings/${bobs.id}`, { headers: { ...foreigner.headers, 'x-tenant': owner.tenant.slug } })).status).toBe(403);
    expect((await call('POST', `/api/v1/me/bookings/${bobs.id}/rebook`, { headers: foreigner.headers, body: { start_time: nextSlot() } })).status).toBe(404);
    const foreignBooking = await call('POST', '/api/v1/me/bookings', { headers: foreigner.headers, body: {
      service_id: catalog.serviceId,
      resource_id: catalog.resourceId,
      start_time: nextSlot(),
    } });
    expect(foreignBooking.status).toBe(404);
    expect(
      (await call('POST', '/api/v1/me/bookings', { headers: foreigner.headers, body: { service_id: otherCatalog.serviceId, resource_id: otherCatalog.resourceId, start_time: nextSlot() } }))
        .status,
    ).toBe(201);

    // A tampered token (claims of another customer, original signature) is 401.
    const [header, , signature] = alice.access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(alice.access_token), sub: bob.customer.id })).toString('base64url');
    expect((await call('GET', '/api/v1/me', { headers: bearer(`${header}.${forged}.${signature}`) })).status).toBe(401);
    expect((await call('GET', '/api/v1/me')).status).toBe(401);
  });

  it('a customer token gets 403 on staff endpoints, and keeps the public catalogue', async () => {
    const session = await signIn(uniqueEmail('staffwall'));
    const own = (await call<Booking>('POST', '/api/v1/me/bookings', { headers: session.headers, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot() } })).body.data;
    const someoneElse = await guestBooking({ first_name: 'Otro', email: uniqueEmail('someone') });
    const refused: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/customers'],
      ['GET', `/api/v1/customers/${session.customer.id}`],
      ['GET', `/api/v1/customers/${session.customer.id}/export`],
      ['GET', '/api/v1/bookings'],
      ['GET', `/api/v1/bookings/${own.id}`],
      ['PATCH', `/api/v1/bookings/${own.id}`, { action: 'cancel' }],
      ['POST', '/api/v1/bookings', { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot(), customer: { customer_id: someoneElse.customer?.id } }],
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/audit-logs'],
      ['POST', '/api/v1/services', { name: 'x', duration_minutes: 30, price: { amount: 1, currency: 'EUR' }, resource_ids: [catalog.resourceId] }],
    ];
    for (const [method, url, payload] of refused) {
      const response = await call(method as 'GET', url, { headers: session.headers, body: payload });
      expect(response.status, `${method} ${url}: ${response.text}`).toBe(403);
    }
    expect((await call('GET', '/api/v1/services', { headers: session.headers })).status).toBe(200);
  });

  it('staff credentials and API keys are refused on /me (403)', async () => {
    const staff = await createUserWithRole(t, owner, 'receptionist');
    const key = (await call<{ key: string }>('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'integration' } })).body.data.key;
    for (const headers of [owner.headers, staff.headers, bearer(key)]) {
      for (const [method, url] of [['GET', '/api/v1/me'], ['GET', '/api/v1/me/bookings'], ['DELETE', '/api/v1/me'], ['GET', '/api/v1/me/export']] as const) {
        const response = await call(method, url, { headers });
        expect(response.status, `${method} ${url}: ${response.text}`).toBe(403);
      }
    }
  });
});

describe('profile, preferences and consent', () => {
  it('keeps preferences (merged key by key) and records marketing consent with its source', async () => {
    const session = await signIn(uniqueEmail('prefs'));
    const patched = await call('PATCH', '/api/v1/me', { headers: session.headers, body: {
      last_name: 'Sanz',
      preferences: { language: 'es', favourite_service_ids: [catalog.serviceId], preferred_resource_ids: [catalog.resourceId] },
      marketing_consent: true,
    } });
    expect(patched.status, patched.text).toBe(200);
    await call('PATCH', '/api/v1/me', { headers: session.headers, body: { preferences: { preferred_times: [{ days: [6], start: '10:00', end: '13:00' }] } } });
    const profile = (await call<Profile>('GET', '/api/v1/me', { headers: session.headers })).body.data;
    expect(profile).toMatchObject({
      last_name: 'Sanz',
      marketing_consent: true,
      preferences: {
        language: 'es',
        favourite_service_ids: [catalog.serviceId],
        preferred_resource_ids: [catalog.resourceId],
        preferred_times: [{ days: [6], start: '10:00', end: '13:00' }],
      },
    });
    const consents = (await call<Array<{ consent_type: string; source: string; active: boolean; user_agent: string | null }>>('GET', '/api/v1/me/consents', { headers: session.headers })).body.data;
    expect(consents).toEqual([expect.objectContaining({ consent_type: 'marketing', source: 'customer_account', active: true })]);

    await call('PATCH', '/api/v1/me', { headers: session.headers, body: { marketing_consent: false } });
    const after = (await call<Array<{ active: boolean; withdrawal_source: string | null }>>('GET', '/api/v1/me/consents', { headers: session.headers })).body.data;
    expect(after).toEqual([expect.objectContaining({ active: false, withdrawal_source: 'customer_account' })]);
    const staffView = (await call<{ marketing_consent: boolean }>('GET', `/api/v1/customers/${session.customer.id}`, { headers: owner.headers })).body.data;
    expect(staffView.marketing_consent).toBe(false);

    const contact = await call('PATCH', '/api/v1/me', { headers: session.headers, body: { email: uniqueEmail('sneaky') } });
    expect(contact.status).toBe(400);
  });
});

describe('saved payment methods', () => {
  it('lists my methods (no card data) and removes one; another customer\'s is 404', async () => {
    const session = await signIn(uniqueEmail('cards'));
    const rival = await signIn(uniqueEmail('cards-rival'));
    // Each customer saves their own card (only they or the business may attach one to them).
    const save = async (customerId: string, headers: Record<string, string>) => {
      const response = await call<{ id: string }>('POST', '/api/v1/payment-methods', { headers, body: {
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' },
        customer_id: customerId,
      } });
      expect(response.status, response.text).toBe(201);
      return response.body.data.id;
    };
    const mine = await save(session.customer.id, session.headers);
    const theirs = await save(rival.customer.id, rival.headers);
    const listed = await call('GET', '/api/v1/me/payment-methods', { headers: session.headers });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: mine, brand: 'visa', last4: '4242' })]);
    expect(listed.text).not.toContain('4242424242424242');

    expect((await call('DELETE', `/api/v1/me/payment-methods/${theirs}`, { headers: session.headers })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/me/payment-methods/${mine}`, { headers: session.headers })).status).toBe(204);
    expect((await call('GET', '/api/v1/me/payment-methods', { headers: session.headers })).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/me/payment-methods', { headers: rival.headers })).body.data).toEqual([expect.objectContaining({ id: theirs })]);
  });
});

describe('my data: export and closing the account', () => {
  it('exports my own data as JSON and CSV (audited)', async () => {
    const email = uniqueEmail('export');
    const guest = await guestBooking({ first_name: 'Irene', email });
    const session = await signIn(email, { first_name: 'Irene' });
    const exported = await call<{ user_id: string; data: { personal_info: Json; bookings: Json[] } }>('GET', '/api/v1/me/export', { headers: session.headers });
    expect(exported.status, exported.text).toBe(200);
    const data = exported.body.data;
    expect(data.user_id).toBe(session.customer.id);
    expect(data.data.personal_info).toMatchObject({ email, first_name: 'Irene' });
    expect(JSON.stringify(data.data.bookings)).toContain(guest.id);
    const csv = await call('GET', '/api/v1/me/export?format=csv', { headers: session.headers });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain(email);
    const audit = (await call<Array<{ actor: { type: string; id: string } }>>('GET', `/api/v1/audit-logs?action=customer.exported&entity_id=${session.customer.id}`, { headers: owner.headers })).body.data;
    expect(audit[0]?.actor).toMatchObject({ type: 'customer', id: session.customer.id });
  });

  it('closes the account: erasure report, password and sessions gone, the email free again', async () => {
    const email = uniqueEmail('close');
    const session = await signIn(email, { first_name: 'Rosa', new_password: `Pw-${randomUUID()}` });
    const other_ = await signIn(email, {});
    const closed = await call<{ user_id: string; deleted_records: Array<{ table: string; count: number }> }>('DELETE', '/api/v1/me', { headers: session.headers });
    expect(closed.status, closed.text).toBe(200);
    const report = closed.body.data;
    expect(report.user_id).toBe(session.customer.id);
    expect(report.deleted_records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'customers' }),
        expect.objectContaining({ table: 'customer_credentials', count: 1 }),
        expect.objectContaining({ table: 'sessions', count: 2 }),
      ]),
    );
    expect((await call('GET', '/api/v1/me', { headers: session.headers })).status).toBe(401);
    expect((await call('GET', '/api/v1/me', { headers: other_.headers })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: other_.refresh_token } })).status).toBe(401);
    const sessions = await asPlatform(t, (trx) =>
      sql<{ ip: string | null; user_agent: string | null }>`select ip, user_agent from sessions where customer_id = ${session.customer.id}`.execute(trx),
    );
    expect(sessions.rows.every((row) => row.ip === null && row.user_agent === null)).toBe(true);
    const again = await signIn(email, { first_name: 'Rosa' });
    expect(again.outcome).toBe('created');
    expect(again.customer.id).not.toBe(session.customer.id);
  });

  it('staff erasure and banning end the customer\'s sessions too', async () => {
    const banned = await signIn(uniqueEmail('banned'));
    expect((await call('PATCH', `/api/v1/customers/${banned.customer.id}`, { headers: owner.headers, body: { status: 'banned' } })).status).toBe(200);
    // The credential cache holds a session's facts for at most CREDENTIAL_CACHE_TTL_MS; refresh checks at once.
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: banned.refresh_token } })).status).toBe(401);

    const erased = await signIn(uniqueEmail('erased'));
    expect((await call('DELETE', `/api/v1/customers/${erased.customer.id}`, { headers: owner.headers })).status).toBe(200);
    expect((await call('GET', '/api/v1/me', { headers: erased.headers })).status).toBe(401);
  });
});

describe('privacy of the sign-in flow', () => {
  it('logs no email address or code, and stores neither in the code table, sessions or audit log', async () => {
    const email = uniqueEmail('logprobe');
    await requestCode(email);
    const code = await capturedCode(email);
    const wrong = code === '999999' ? '999998' : '999999';
    await verify(email, wrong, { first_name: 'Nadia' });
    await verify(email, code, { first_name: 'Nadia' });
    await call('POST', '/api/v1/customer-auth/login', { headers: onPage(), body: { email, password: 'not-set-password' } });
    const text = logs.lines();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(email);
    expect(text).not.toContain(email.split('@')[0]);
    expect(text).not.toMatch(new RegExp(`\\b${code}\\b`));
    const stored = await asPlatform(t, (trx) =>
      sql<{ dump: string }>`
        select coalesce((select string_agg(row_to_json(c)::text, '') from customer_account_codes c), '')
          || coalesce((select string_agg(row_to_json(s)::text, '') from sessions s), '')
          || coalesce((select string_agg(coalesce(new_values::text, '') || coalesce(metadata::text, ''), '') from audit_logs), '') as dump`.execute(trx),
    );
    expect(stored.rows[0]?.dump).not.toContain(email);
    expect(stored.rows[0]?.dump).not.toContain(`"${code}"`);
  });
});
