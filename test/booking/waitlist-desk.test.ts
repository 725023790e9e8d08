/**
 * The front desk's waitlist: staff offer a slot to one entry now (`POST /waitlist/{id}/offer`), and a
 * shortened booking offers its freed end to the waitlist as a cancellation does. Offers reach the
 * customer by email through the real notifications module (SMTP sink).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.ts';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { waitlistEntrySchema } from '../../src/modules/booking/waitlist.schemas.ts';
import { startBookingWithMail, type BookingWithMail } from '../support/booking-mail.ts';
import type { SmtpSink } from '../support/smtp-sink.ts';
import { makeCatalog, madridSlot, makeTenant, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { httpClient, type Json } from '../support/http.ts';

let booking: BookingWithMail;
let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let other: TestTenant;
let catalog: Catalog;
let worker: Worker;
let smtp: SmtpSink;

beforeAll(async () => {
  booking = await startBookingWithMail();
  ({ db, app, smtp, worker } = booking);
  tenant = await makeTenant(db, { settings: { guest_verification: 'none' } });
  other = await makeTenant(db, { settings: { guest_verification: 'none' } });
  catalog = await makeCatalog(app, tenant, { slot_interval_minutes: 30 });
  await makeCatalog(app, other);
});
afterAll(() => booking?.close());

const call = httpClient(() => app.server);
const admin = () => tokenFor(tenant);
let n = 0;
const guest = () => ({ first_name: 'Eva', email: `wait${n++}@example.com` });

async function join(days: number, customer = guest(), window: [string, string] = ['09:00', '18:00']): Promise<Json> {
  const joined = await call('POST', '/api/v1/waitlist', {
    auth: admin(),
    body: { service_id: catalog.serviceId, customer, preferred_times: [{ start: madridSlot(days, window[0]), end: madridSlot(days, window[1]) }] },
  });
  expect(joined.status, joined.text).toBe(201);
  return joined.body.data;
}

const offer = (entryId: string, body: Json, auth = admin()) => call('POST', `/api/v1/waitlist/${entryId}/offer`, { auth, body });
const book = (start: string, resourceId = catalog.resourceId) =>
  call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { service_id: catalog.serviceId, resource_id: resourceId, start_time: start, customer: guest() } });
const entryOf = async (id: string): Promise<Json> =>
  (await call('GET', `/api/v1/waitlist?service_id=${catalog.serviceId}`, { auth: admin() })).body.data.find((entry: Json) => entry.id === id);

function claimTokenIn(address: string): string {
  const message = smtp.messages.filter((sent) => sent.envelopeTo.includes(address)).at(-1);
  return /\/waitlist\/claim\/([A-Za-z0-9_-]+)/.exec(message?.parsed.text ?? '')?.[1] ?? '';
}

describe('POST /waitlist/{id}/offer', () => {
  it('holds the slot for the entry, emails the claim link, and the claim books it', async () => {
    const customer = guest();
    const entry = await join(30, customer, ['09:00', '10:00']);
    // Staff may offer outside the entry's preferred times.
    const offered = await offer(entry.id, { resource_id: catalog.resourceId, start_time: madridSlot(30, '15:00') });
    expect(offered.status, offered.text).toBe(201);
    const view = waitlistEntrySchema.parse(offered.body.data);
    expect(view.status).toBe('offered');
    expect(view.offers).toMatchObject([{ status: 'open', resource_id: catalog.resourceId, start_time: new Date(madridSlot(30, '15:00')).toISOString() }]);
    expect(Date.parse(view.offers?.[0]?.expires_at ?? '')).toBeGreaterThan(Date.now() + 25 * 60_000);
    // The hold keeps the slot from everyone else.
    expect((await book(madridSlot(30, '15:00'))).status).toBe(409);

    await worker.drain();
    const token = claimTokenIn(customer.email);
    expect(token).not.toBe('');
    const claimed = await call('POST', `/api/v1/waitlist/offers/${token}/claim`, { tenant: tenant.slug });
    expect(claimed.status, claimed.text).toBe(201);
    expect(claimed.body.data).toMatchObject({ source: 'waitlist', start_time: madridSlot(30, '15:00') });
    expect((await entryOf(entry.id)).status).toBe('booked');
  });

  it('refuses an entry that is not waiting, a slot that is not bookable and another resource, changing nothing', async () => {
    const entry = await join(31);
    const taken = await book(madridSlot(31, '11:00'));
    expect(taken.status).toBe(201);
    const refused = await offer(entry.id, { resource_id: catalog.resourceId, start_time: madridSlot(31, '11:00') });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SLOT_UNAVAILABLE', details: { reason: 'taken' } });
    const closed = await offer(entry.id, { resource_id: catalog.resourceId, start_time: madridSlot(31, '20:00') });
    expect(closed.body.error).toMatchObject({ code: 'SLOT_UNAVAILABLE', details: { reason: 'outside_hours' } });
    expect((await entryOf(entry.id)).status).toBe('waiting');

    const bound = await call('POST', '/api/v1/waitlist', {
      auth: admin(),
      body: { service_id: catalog.serviceId, resource_id: catalog.otherResourceId, customer: guest(), preferred_times: [{ start: madridSlot(31, '09:00'), end: madridSlot(31, '18:00') }] },
    });
    const elsewhere = await offer(bound.body.data.id, { resource_id: catalog.resourceId, start_time: madridSlot(31, '12:00') });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('VALIDATION_ERROR');

    expect((await offer(entry.id, { resource_id: catalog.resourceId, start_time: madridSlot(31, '12:00') })).status).toBe(201);
    const again = await offer(entry.id, { resource_id: catalog.resourceId, start_time: madridSlot(31, '13:00') });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'entry_offered' } });
    expect((await entryOf(entry.id)).offers).toHaveLength(1);
    // Bad input is a 400 with a code, never a 5xx.
    expect((await offer(entry.id, { resource_id: 'nope', start_time: 'tomorrow' })).status).toBe(400);
  });

  it('another business cannot offer, and a role without the whole waitlist gets 403', async () => {
    const entry = await join(32);
    const slot = { resource_id: catalog.resourceId, start_time: madridSlot(32, '10:00') };
    const foreign = await offer(entry.id, slot, tokenFor(other));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await offer(randomUUID(), slot)).status).toBe(404);
    const staff = await offer(entry.id, slot, tokenFor(tenant, 'staff', catalog.staffUserId));
    expect(staff.status).toBe(403);
    expect(staff.body.error.code).toBe('FORBIDDEN');
    expect((await offer(entry.id, slot, tokenFor(tenant, 'customer'))).status).toBe(403);
    expect((await entryOf(entry.id)).status).toBe('waiting');
  });
});

describe('a shortened booking offers its freed end', () => {
  it('lengthening offers nothing; shortening offers the freed time to the entry that wants it', async () => {
    const booked = await book(madridSlot(33, '10:00'));
    expect(booked.status).toBe(201);
    const id = booked.body.data.id;
    const customer = guest();
    const entry = await join(33, customer, ['10:30', '11:30']);
    const unrelated = await join(33, guest(), ['14:00', '16:00']);
    const longer = await call('POST', `/api/v1/bookings/${id}/resize`, { auth: admin(), body: { end_time: madridSlot(33, '11:00') } });
    expect(longer.status, longer.text).toBe(200);
    expect((await entryOf(entry.id)).status).toBe('waiting');

    const shorter = await call('POST', `/api/v1/bookings/${id}/resize`, { auth: admin(), body: { duration_minutes: 30 } });
    expect(shorter.status, shorter.text).toBe(200);
    const offered = await entryOf(entry.id);
    expect(offered.status).toBe('offered');
    expect(offered.offers).toMatchObject([{ status: 'open', resource_id: catalog.resourceId, start_time: new Date(madridSlot(33, '10:30')).toISOString() }]);
    expect((await entryOf(unrelated.id)).status).toBe('waiting');
    // The freed half hour is held for the offer: neither a new booking nor growing back takes it.
    expect((await book(madridSlot(33, '10:30'))).status).toBe(409);
    expect((await call('POST', `/api/v1/bookings/${id}/resize`, { auth: admin(), body: { duration_minutes: 60 } })).status).toBe(409);
    await worker.drain();
    expect(claimTokenIn(customer.email)).not.toBe('');
  });
});
