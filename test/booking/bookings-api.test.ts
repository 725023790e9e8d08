import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { bookingSchema } from '../../src/modules/booking/booking.schemas.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { httpClient, type Json } from '../support/http.ts';

let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let other: TestTenant;
let catalog: Catalog;

beforeAll(async () => {
  db = await openTestDatabase();
  app = await startBookingServer(db);
  tenant = await makeTenant(db);
  other = await makeTenant(db);
  catalog = await makeCatalog(app, tenant, {
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
  });
  await makeCatalog(app, other);
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

// Response bodies as `JSON.parse` gives them; shapes are asserted where it matters (bookingSchema.parse).
const call = httpClient(() => app.server);

let guestCounter = 0;
const guest = () => ({ first_name: 'Ana', last_name: 'García', email: `ana${guestCounter++}@example.com` });

async function book(start: string, extra: Json = {}, resourceId = catalog.resourceId) {
  return call('POST', '/api/v1/bookings', {
    tenant: tenant.slug,
    body: { service_id: catalog.serviceId, resource_id: resourceId, start_time: start, customer: guest(), ...extra },
  });
}

describe('POST /bookings', () => {
  it('books a guest: 201 confirmed, BK- number, price snapshot, manage link, instants in the Madrid offset', async () => {
    const start = madridSlot(10, '10:00');
    const created = await book(start, { notes: 'first time' });
    expect(created.status).toBe(201);
    const data = bookingSchema.parse(created.body.data);
    expect(data.status).toBe('confirmed');
    expect(data.booking_number).toMatch(/^BK-[23456789A-Z]{7}$/);
    expect(data.pricing).toEqual({ base_price: 2000, total_price: 2000, deposit_required: 0, deposit_paid: 0, currency: 'EUR' });
    expect(data.manage_url).toMatch(/^https:\/\/book\.example\.test\/manage\/[A-Za-z0-9_-]{64}$/);
    expect(data.start_time).toBe(start);
    expect(data.end_time).toMatch(/T10:30:00\+0[12]:00$/);
    expect(data.internal_notes).toBeUndefined();
    expect(data.customer.first_name).toBe('Ana');
  });

  it('refuses the same slot: 409 SLOT_UNAVAILABLE; outside hours and off-grid too', async () => {
    const start = madridSlot(10, '11:00');
    expect((await book(start)).status).toBe(201);
    const again = await book(start);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(madridSlot(10, '20:00'))).body.error.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(madridSlot(10, '11:10'))).body.error.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(madridSlot(10, '11:00'), {}, catalog.otherResourceId)).status).toBe(201);
  });

  it('rejects bad input with 400 and never a 5xx', async () => {
    const cases: Json[] = [
      {},
      { service_id: 'x', resource_id: catalog.resourceId, start_time: madridSlot(3, '10:00'), customer: guest() },
      { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: 'tomorrow', customer: guest() },
      { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(3, '10:00'), customer: { first_name: 'No contact' } },
      { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(3, '10:00'), customer: { first_name: 'A', phone: '600123123' } },
    ];
    for (const body of cases) {
      const response = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('registered customers need a credential; staff may add internal notes that customers never see', async () => {
    const customer = await call('POST', '/api/v1/customers', { auth: tokenFor(tenant), body: { first_name: 'Rita', email: 'rita@example.com' } });
    expect(customer.status).toBe(201);
    const body = { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(11, '09:00'), customer: { customer_id: customer.body.data.id }, internal_notes: 'VIP, prefers tea' };
    expect((await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body })).status).toBe(401);
    const created = await call('POST', '/api/v1/bookings', { auth: tokenFor(tenant), body });
    expect(created.status).toBe(201);
    expect(created.body.data.internal_notes).toBe('VIP, prefers tea');
    const manage = await call('GET', `/api/v1/manage/${created.body.data.manage_url.split('/').at(-1)}`);
    expect(manage.status).toBe(200);
    expect(manage.body.data.internal_notes).toBeUndefined();
    expect(JSON.stringify(manage.body)).not.toContain('prefers tea');
  });

  it('deposit without a method → pending_payment with payment; with a card → confirmed; declined → 402 and the slot stays free', async () => {
    const deposit = await makeCatalog(app, tenant, { deposit: { type: 'percentage', value: 50 } });
    const body = (time: string, extra: Json = {}) => ({ service_id: deposit.serviceId, resource_id: deposit.resourceId, start_time: madridSlot(12, time), customer: guest(), ...extra });
    const pending = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: body('09:00') });
    expect(pending.status).toBe(201);
    expect(pending.body.data.status).toBe('pending_payment');
    expect(pending.body.data.pricing.deposit_required).toBe(1000);
    expect(pending.body.data.payment).toMatchObject({ amount: 1000, currency: 'EUR', status: 'requires_payment_method' });
    const paid = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: body('10:00', { payment_method_id: 'pm_card_visa' }) });
    expect(paid.body.data.status).toBe('confirmed');
    expect(paid.body.data.pricing.deposit_paid).toBe(1000);
    const declined = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: body('11:00', { payment_method_id: 'pm_card_chargeDeclined' }) });
    expect(declined.status).toBe(402);
    expect(declined.body.error.code).toBe('PAYMENT_FAILED');
    expect((await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: body('11:00') })).status).toBe(201);
  });

  it('replays an Idempotency-Key without booking twice', async () => {
    const body = { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(13, '09:00'), customer: guest() };
    const first = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body, headers: { 'idempotency-key': 'k-1' } });
    const second = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body, headers: { 'idempotency-key': 'k-1' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data.id).toBe(first.body.data.id);
  });
});

describe('GET and PATCH /bookings/{id}', () => {
  it('cancel with 100 % refund tier returns the refund; history records every change; cancelled → complete is 409', async () => {
    const deposit = await makeCatalog(app, tenant, {
      deposit: { type: 'full' },
      cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
    });
    const created = await call('POST', '/api/v1/bookings', {
      tenant: tenant.slug,
      body: { service_id: deposit.serviceId, resource_id: deposit.resourceId, start_time: madridSlot(14, '09:00'), customer: guest(), payment_method_id: 'pm_card_visa' },
    });
    expect(created.body.data.status).toBe('confirmed');
    const id = created.body.data.id;
    const cancelled = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant, 'receptionist'), body: { action: 'cancel', cancellation_reason: 'ill' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(cancelled.body.data.refund).toMatchObject({ amount: 2000, currency: 'EUR' });
    const got = await call('GET', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant) });
    expect(got.body.data.history.map((entry: Json) => `${entry.from}->${entry.to}`)).toEqual(['draft->pending_payment', 'pending_payment->confirmed', 'confirmed->cancelled']);
    expect(got.body.data.history[2].reason).toBe('ill');
    expect(got.body.data.payments[0]).toMatchObject({ amount: 2000, refunded_amount: 2000 });
    const complete = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant), body: { action: 'complete' } });
    expect(complete.status).toBe(409);
    expect(complete.body.error.code).toBe('INVALID_TRANSITION');
    // The slot is free again.
    expect((await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { service_id: deposit.serviceId, resource_id: deposit.resourceId, start_time: madridSlot(14, '09:00'), customer: guest() } })).status).toBe(201);
  });

  it('inside the window only cancel_anytime may cancel (receptionist 422, admin 200)', async () => {
    const created = await book(new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 13) + ':00:00Z');
    // The slot may fall outside hours; pick one inside the working day otherwise.
    const booking = created.status === 201 ? created : await book(madridSlot(1, '17:30'));
    expect(booking.status).toBe(201);
    const id = booking.body.data.id;
    app.clock.now = new Date(Date.parse(booking.body.data.start_time) - 2 * 3_600_000);
    try {
      const refused = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant, 'receptionist'), body: { action: 'cancel' } });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('POLICY_VIOLATION');
      const admin = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant), body: { action: 'cancel' } });
      expect(admin.body.data.status).toBe('cancelled');
    } finally {
      app.clock.now = null;
    }
  });

  it('reschedule moves atomically; a taken target keeps the old slot; overlapping itself works', async () => {
    const a = await book(madridSlot(15, '09:00'));
    const b = await book(madridSlot(15, '10:00'));
    const id = a.body.data.id;
    const taken = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant), body: { action: 'reschedule', new_start_time: b.body.data.start_time } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(madridSlot(15, '09:00'))).status).toBe(409);
    const shifted = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant), body: { action: 'reschedule', new_start_time: madridSlot(15, '09:30') } });
    expect(shifted.status).toBe(200);
    expect(shifted.body.data.status).toBe('confirmed');
    expect(shifted.body.data.reschedule_count).toBe(1);
    expect(shifted.body.data.start_time).toBe(madridSlot(15, '09:30'));
    expect((await book(madridSlot(15, '09:00'))).status).toBe(201);
    const moved = await call('PATCH', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant), body: { action: 'reschedule', new_start_time: madridSlot(15, '09:30'), new_resource_id: catalog.otherResourceId } });
    expect(moved.body.data.resource.id).toBe(catalog.otherResourceId);
    const history = (await call('GET', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant) })).body.data.history.map((entry: Json) => entry.action);
    expect(history).toEqual(['confirm', 'reschedule', 'confirm', 'reschedule', 'confirm']);
  });

  it('check_in records the actual start, check_out completes; no_show frees the slot', async () => {
    const a = await book(madridSlot(16, '09:00'));
    const b = await book(madridSlot(16, '10:00'));
    // The desk acts on the day: from the first booking's start on.
    app.clock.now = new Date(Date.parse(a.body.data.start_time) + 5 * 60_000);
    try {
      const checkedIn = await call('PATCH', `/api/v1/bookings/${a.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'check_in' } });
      expect(checkedIn.body.data.status).toBe('confirmed');
      expect(checkedIn.body.data.actual_start_time).not.toBeNull();
      const out = await call('PATCH', `/api/v1/bookings/${a.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'check_out' } });
      expect(out.body.data.status).toBe('completed');
      expect(out.body.data.actual_end_time).not.toBeNull();
      app.clock.now = new Date(Date.parse(b.body.data.start_time) + 15 * 60_000);
      const noShow = await call('PATCH', `/api/v1/bookings/${b.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'mark_no_show' } });
      expect(noShow.body.data.status).toBe('no_show');
    } finally {
      app.clock.now = null;
    }
    expect((await book(madridSlot(16, '10:00'))).status).toBe(201);
  });

  it.each(['complete', 'check_out', 'mark_no_show'])('refuses %s before the booking starts (422 POLICY_VIOLATION, not_started)', async (action) => {
    const slot = { complete: '11:00', check_out: '12:00', mark_no_show: '13:00' }[action] ?? '14:00';
    const booking = await book(madridSlot(18, slot));
    app.clock.now = new Date(Date.parse(booking.body.data.start_time) - 60_000);
    try {
      const early = await call('PATCH', `/api/v1/bookings/${booking.body.data.id}`, { auth: tokenFor(tenant), body: { action } });
      expect(early.status).toBe(422);
      expect(early.body.error).toMatchObject({ code: 'POLICY_VIOLATION', details: { reason: 'not_started' } });
      const unchanged = await call('GET', `/api/v1/bookings/${booking.body.data.id}`, { auth: tokenFor(tenant) });
      expect(unchanged.body.data.status).toBe('confirmed');
      // Checking in early is fine: customers arrive before their time.
      const checkedIn = await call('PATCH', `/api/v1/bookings/${booking.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'check_in' } });
      expect(checkedIn.status).toBe(200);
      app.clock.now = new Date(Date.parse(booking.body.data.start_time));
      const onTime = await call('PATCH', `/api/v1/bookings/${booking.body.data.id}`, { auth: tokenFor(tenant), body: { action } });
      expect(onTime.status, JSON.stringify(onTime.body)).toBe(200);
    } finally {
      app.clock.now = null;
    }
  });

  it('writes one event per change in the outbox', async () => {
    const a = await book(madridSlot(17, '09:00'));
    await call('PATCH', `/api/v1/bookings/${a.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'cancel' } });
    const types = await withTenant(db.db, tenant.tenantId, async (trx) =>
      (await sql<{ type: string }>`select type from events where aggregate_id = ${a.body.data.id} order by created_at, type`.execute(trx)).rows.map((row) => row.type),
    );
    expect(types).toContain('booking.created');
    expect(types).toContain('booking.cancelled');
    expect(types).toContain('booking.updated');
  });
});

describe('GET /bookings', () => {
  it('filters by status, dates and resource, paginates by cursor, searches by number and customer', async () => {
    const created = [];
    for (const time of ['09:00', '09:30', '10:00']) created.push(await book(madridSlot(20, time)));
    await call('PATCH', `/api/v1/bookings/${created[0]?.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'cancel' } });
    const date = madridSlot(20, '09:00').slice(0, 10);
    const page1 = await call('GET', `/api/v1/bookings?from_date=${date}&to_date=${date}&limit=2`, { auth: tokenFor(tenant) });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.metadata.pagination.has_more).toBe(true);
    const page2 = await call('GET', `/api/v1/bookings?from_date=${date}&to_date=${date}&limit=2&cursor=${page1.body.metadata.pagination.cursor}`, { auth: tokenFor(tenant) });
    expect(page2.body.data).toHaveLength(1);
    const confirmed = await call('GET', `/api/v1/bookings?from_date=${date}&to_date=${date}&status=confirmed`, { auth: tokenFor(tenant) });
    expect(confirmed.body.data).toHaveLength(2);
    const both = await call('GET', `/api/v1/bookings?from_date=${date}&to_date=${date}&status=confirmed&status=cancelled`, { auth: tokenFor(tenant) });
    expect(both.body.data).toHaveLength(3);
    const number = created[1]?.body.data.booking_number as string;
    const byNumber = await call('GET', `/api/v1/bookings?search=${encodeURIComponent(number.toLowerCase())}`, { auth: tokenFor(tenant) });
    expect(byNumber.body.data.map((item: Json) => item.id)).toEqual([created[1]?.body.data.id]);
    const email = created[2]?.body.data.customer.email as string;
    const byEmail = await call('GET', `/api/v1/bookings?search=${encodeURIComponent(email)}`, { auth: tokenFor(tenant) });
    expect(byEmail.body.data.map((item: Json) => item.id)).toEqual([created[2]?.body.data.id]);
    const byName = await call('GET', `/api/v1/bookings?search=garc&from_date=${date}&to_date=${date}`, { auth: tokenFor(tenant) });
    expect(byName.body.data).toHaveLength(3);
  });
});

describe('isolation', () => {
  it('another tenant gets 404 on every booking endpoint', async () => {
    const a = await book(madridSlot(21, '09:00'));
    const id = a.body.data.id;
    const auth = tokenFor(other);
    expect((await call('GET', `/api/v1/bookings/${id}`, { auth })).status).toBe(404);
    expect((await call('PATCH', `/api/v1/bookings/${id}`, { auth, body: { action: 'cancel' } })).status).toBe(404);
    expect((await call('PATCH', `/api/v1/bookings/${id}`, { auth, body: { notes: 'x' } })).status).toBe(404);
    const list = await call('GET', '/api/v1/bookings?limit=100', { auth });
    expect(list.body.data.map((item: Json) => item.id)).not.toContain(id);
    // Booking another tenant's service or resource through my tenant.
    const cross = await call('POST', '/api/v1/bookings', { tenant: other.slug, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(21, '10:00'), customer: guest() } });
    expect(cross.status).toBe(404);
    expect((await call('GET', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant) })).body.data.status).toBe('confirmed');
    // Batch and waitlist with another tenant's ids.
    const batch = await call('POST', '/api/v1/bookings/batch', { tenant: other.slug, body: { customer: guest(), items: [{ service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(21, '11:00') }] } });
    expect(batch.status).toBe(404);
    const entry = await call('POST', '/api/v1/waitlist', { tenant: tenant.slug, body: { service_id: catalog.serviceId, customer: guest(), preferred_times: [{ start: madridSlot(21, '09:00'), end: madridSlot(21, '18:00') }] } });
    expect(entry.status).toBe(201);
    expect((await call('DELETE', `/api/v1/waitlist/${entry.body.data.id}`, { auth })).status).toBe(404);
    const otherList = await call('GET', '/api/v1/waitlist', { auth });
    expect(otherList.body.data.map((item: Json) => item.id)).not.toContain(entry.body.data.id);
    expect((await call('POST', '/api/v1/waitlist', { tenant: other.slug, body: { service_id: catalog.serviceId, customer: guest(), preferred_times: [{ start: madridSlot(21, '09:00'), end: madridSlot(21, '18:00') }] } })).status).toBe(404);
  });

  it('staff see and change only bookings of their own resources', async () => {
    const mine = await book(madridSlot(22, '09:00'), {}, catalog.resourceId);
    const theirs = await book(madridSlot(22, '09:00'), {}, catalog.otherResourceId);
    const staff = tokenFor(tenant, 'staff', catalog.staffUserId);
    expect((await call('GET', `/api/v1/bookings/${mine.body.data.id}`, { auth: staff })).status).toBe(200);
    expect((await call('GET', `/api/v1/bookings/${theirs.body.data.id}`, { auth: staff })).status).toBe(404);
    expect((await call('PATCH', `/api/v1/bookings/${theirs.body.data.id}`, { auth: staff, body: { action: 'check_in' } })).status).toBe(404);
    expect((await call('PATCH', `/api/v1/bookings/${mine.body.data.id}`, { auth: staff, body: { action: 'check_in' } })).status).toBe(200);
    const list = await call('GET', '/api/v1/bookings?limit=100', { auth: staff });
    const resources = new Set(list.body.data.map((item: Json) => item.resource.id));
    expect([...resources]).toEqual([catalog.resourceId]);
  });
});
