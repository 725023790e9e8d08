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
  // Madrid, two staff resources working 09:00–18:00 every day, a 30-minute service with a 5-minute buffer after.
  catalog = await makeCatalog(app, tenant, { buffer_after_minutes: 5, slot_interval_minutes: 30 });
  await makeCatalog(app, other);
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const call = httpClient(() => app.server);
const admin = () => tokenFor(tenant);

let guestCounter = 0;
async function book(start: string, resourceId = catalog.resourceId): Promise<Json> {
  const created = await call('POST', '/api/v1/bookings', {
    tenant: tenant.slug,
    body: { service_id: catalog.serviceId, resource_id: resourceId, start_time: start, customer: { first_name: 'Eva', email: `eva${guestCounter++}@example.com` } },
  });
  expect(created.status, created.text).toBe(201);
  return created.body.data;
}

const resize = (id: string, body: Json, auth = admin(), headers: Record<string, string> = {}) =>
  call('POST', `/api/v1/bookings/${id}/resize`, { auth, body, headers });

const endOf = async (id: string): Promise<string> => (await call('GET', `/api/v1/bookings/${id}`, { auth: admin() })).body.data.end_time;

/** The booking's active occupied ranges as the database holds them (buffers included). */
async function occupied(id: string): Promise<string[]> {
  return withTenant(db.db, tenant.tenantId, async (trx) =>
    (
      await sql<{ upper: Date }>`select upper(occupied) as upper from allocations where booking_id = ${id} and active`.execute(trx)
    ).rows.map((row) => new Date(row.upper).toISOString()),
  );
}

const instant = (value: string) => new Date(value).toISOString();

describe('POST /bookings/{id}/resize', () => {
  it('extends a booking by end_time and shortens it by duration_minutes; the price stays', async () => {
    const booking = await book(madridSlot(20, '10:00'));
    const longer = await resize(booking.id, { end_time: madridSlot(20, '11:00') });
    expect(longer.status, longer.text).toBe(200);
    const data = bookingSchema.parse(longer.body.data);
    expect(data.start_time).toBe(booking.start_time);
    expect(data.end_time).toBe(madridSlot(20, '11:00'));
    expect(data.pricing).toEqual(booking.pricing);
    expect(await occupied(booking.id)).toEqual([instant(madridSlot(20, '11:05'))]);

    const shorter = await resize(booking.id, { duration_minutes: 15 });
    expect(shorter.status).toBe(200);
    expect(shorter.body.data.end_time).toBe(madridSlot(20, '10:15'));
    expect(await occupied(booking.id)).toEqual([instant(madridSlot(20, '10:20'))]);
  });

  it('refuses an overlap with another booking: 409 SLOT_UNAVAILABLE and nothing changes', async () => {
    const first = await book(madridSlot(21, '10:00'));
    await book(madridSlot(21, '11:00'));
    const refused = await resize(first.id, { end_time: madridSlot(21, '11:30') });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SLOT_UNAVAILABLE', details: { reason: 'taken' } });
    expect(refused.body.error.message).toMatch(/overlaps another booking/);
    expect(await endOf(first.id)).toBe(first.end_time);
    expect(await occupied(first.id)).toEqual([instant(madridSlot(21, '10:35'))]);
    // The buffer counts: ending at 11:00 would leave no room for the 5 minutes after it.
    expect((await resize(first.id, { end_time: madridSlot(21, '11:00') })).status).toBe(409);
    expect((await resize(first.id, { end_time: madridSlot(21, '10:55') })).status).toBe(200);
  });

  it('refuses an end outside working hours in words', async () => {
    const late = await book(madridSlot(22, '17:00'));
    const refused = await resize(late.id, { end_time: madridSlot(22, '18:00') });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SLOT_UNAVAILABLE', details: { reason: 'outside_hours' } });
    expect(refused.body.error.message).toMatch(/working hours/);
    expect(await endOf(late.id)).toBe(late.end_time);
    expect((await resize(late.id, { end_time: madridSlot(22, '17:55') })).status).toBe(200);
  });

  it('refuses bad lengths with 400 and a cancelled booking with 409 INVALID_TRANSITION', async () => {
    const booking = await book(madridSlot(23, '10:00'));
    const cases: Json[] = [{}, { duration_minutes: 4 }, { duration_minutes: 721 }, { end_time: madridSlot(23, '10:00') }, { end_time: madridSlot(23, '09:30') }, { end_time: madridSlot(23, '10:00'), duration_minutes: 30 }];
    for (const body of cases) {
      const response = await resize(booking.id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
    }
    await call('PATCH', `/api/v1/bookings/${booking.id}`, { auth: admin(), body: { action: 'cancel' } });
    const cancelled = await resize(booking.id, { duration_minutes: 60 });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('staff resize only their own resources\' bookings, customers never, other businesses get 404', async () => {
    const mine = await book(madridSlot(24, '10:00'), catalog.resourceId);
    const theirs = await book(madridSlot(24, '10:00'), catalog.otherResourceId);
    const staff = tokenFor(tenant, 'staff', catalog.staffUserId);
    expect((await resize(theirs.id, { duration_minutes: 60 }, staff)).status).toBe(404);
    expect((await resize(mine.id, { duration_minutes: 60 }, staff)).status).toBe(200);
    expect((await resize(mine.id, { duration_minutes: 45 }, tokenFor(tenant, 'customer', mine.customer.id))).status).toBe(403);
    expect((await resize(mine.id, { duration_minutes: 45 }, tokenFor(other))).status).toBe(404);
    expect(await endOf(mine.id)).toBe(madridSlot(24, '11:00'));
    expect(await endOf(theirs.id)).toBe(theirs.end_time);
  });

  it('records the change in the history and publishes booking.updated only', async () => {
    const booking = await book(madridSlot(25, '10:00'));
    const eventTypes = () =>
      withTenant(db.db, tenant.tenantId, async (trx) =>
        (await sql<{ type: string }>`select type from events where aggregate_id = ${booking.id}`.execute(trx)).rows.map((row) => row.type),
      );
    const before = await eventTypes();
    expect((await resize(booking.id, { duration_minutes: 60 })).status).toBe(200);
    const detail = await call('GET', `/api/v1/bookings/${booking.id}`, { auth: admin() });
    const entry = detail.body.data.history.find((item: Json) => item.action === 'resize');
    expect(entry).toMatchObject({ from: 'confirmed', to: 'confirmed', details: { from: { duration_minutes: 30 }, to: { duration_minutes: 60 }, price_unchanged: true } });
    const after = await eventTypes();
    const updates = (types: string[]) => types.filter((type) => type === 'booking.updated').length;
    expect(after.length - before.length).toBe(1);
    expect(updates(after) - updates(before)).toBe(1);
  });

  it('replays an Idempotency-Key without resizing again', async () => {
    const booking = await book(madridSlot(26, '10:00'));
    const headers = { 'idempotency-key': `resize-${booking.id}` };
    // Keys are kept per credential: the same user both times.
    const owner = tokenFor(tenant, 'business_admin', catalog.staffUserId);
    const first = await resize(booking.id, { duration_minutes: 45 }, owner, headers);
    const again = await resize(booking.id, { duration_minutes: 45 }, owner, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.data.end_time).toBe(first.body.data.end_time);
    expect((await resize(booking.id, { duration_minutes: 60 }, owner, headers)).status).toBe(422);
    expect(await endOf(booking.id)).toBe(madridSlot(26, '10:45'));
  });

  it('two changes into the same gap at once: exactly one wins and nothing overlaps', async () => {
    const before = await book(madridSlot(27, '10:00'));
    await book(madridSlot(27, '12:00'));
    // The gap 10:35–12:00: one receptionist stretches the first booking over 11:00 while another books 11:00.
    const [stretch, booked] = await Promise.all([
      resize(before.id, { end_time: madridSlot(27, '11:30') }),
      call('POST', '/api/v1/bookings', {
        auth: admin(),
        body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(27, '11:00'), customer: { first_name: 'Leo', email: 'leo@example.com' } },
      }),
    ]);
    const won = [stretch.status === 200, booked.status === 201];
    expect(won.filter(Boolean), `${stretch.status} ${stretch.text} / ${booked.status} ${booked.text}`).toHaveLength(1);
    const loser = won[0] ? booked : stretch;
    expect(loser.status).toBe(409);
    expect(loser.body.error.code).toBe('SLOT_UNAVAILABLE');
    expect(await endOf(before.id)).toBe(won[0] ? madridSlot(27, '11:30') : before.end_time);
    const overlapping = await withTenant(db.db, tenant.tenantId, async (trx) =>
      (
        await sql<{ count: number }>`select count(*)::int as count from allocations a join allocations b
          on a.resource_id = b.resource_id and a.id < b.id and a.occupied && b.occupied
          where a.active and b.active and a.resource_id = ${catalog.resourceId}`.execute(trx)
      ).rows[0]?.count,
    );
    expect(overlapping).toBe(0);
  });
});
