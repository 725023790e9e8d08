import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import type { Trx } from '../../src/platform/db/database.ts';
import { isSlotBookable, type ReserveOccupancyInput } from '../../src/modules/scheduling/index.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { request } from '../support/http.ts';
import { adminToken, makeTenant, startTestServer, type TestServer, type TestTenant } from './harness.ts';

let handle: TestDatabase;
let app: TestServer;
let tenant: TestTenant;

const MINUTE = 60_000;

// Occupancy as the booking module gets it: the scheduling module's, which refreshes cached availability after commit.
const reserveOccupancy = (trx: Trx, input: ReserveOccupancyInput) => app.scheduling.occupancy.reserveOccupancy(trx, input);
const reserveOccupancies = (trx: Trx, inputs: ReserveOccupancyInput[]) => app.scheduling.occupancy.reserveOccupancies(trx, inputs);
const releaseOccupancy = (trx: Trx, input: { tenantId: string; bookingId: string }) => app.scheduling.occupancy.releaseOccupancy(trx, input);
const moveOccupancy = (trx: Trx, target: ReserveOccupancyInput) => app.scheduling.occupancy.moveOccupancy(trx, target);

function nextWeekday(isoWeekday: number): string {
  let date = Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 7 });
  while (date.dayOfWeek !== isoWeekday) date = date.add({ days: 1 });
  return date.toString();
}

/** An instant at a Madrid wall time on `date`. */
function madrid(date: string, time: string): Date {
  return new Date(Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime('Europe/Madrid').epochMilliseconds);
}

async function post(url: string, body: unknown, owner = tenant): Promise<{ id: string }> {
  const response = await request(app.server, 'POST', url, { auth: adminToken(owner), body });
  if (response.status !== 201) throw new Error(`${url}: ${response.status} ${response.text}`);
  return response.body.data;
}

async function availableStarts(serviceId: string, date: string, resourceId?: string): Promise<string[]> {
  const response = await request(app.server, 'GET', `/api/v1/availability?service_id=${serviceId}&from_date=${date}&to_date=${date}${resourceId ? `&resource_id=${resourceId}` : ''}`, { tenant: tenant.slug });
  const data = response.body.data;
  return (data.resources[0].dates[0].slots as { start_time: string; available: boolean }[])
    .filter((slot) => slot.available)
    .map((slot) => slot.start_time.slice(11, 16));
}

async function makeResource(locationId: string, body: Record<string, unknown>): Promise<string> {
  const resource = await post('/api/v1/resources', { location_id: locationId, ...body });
  await post('/api/v1/schedules', {
    resource_id: resource.id,
    name: 'L-V',
    start_date: '2026-01-01',
    time_slots: [{ start: '09:00', end: '13:00', days: [1, 2, 3, 4, 5] }],
  });
  return resource.id;
}

function reservation(resourceId: string, start: Date, minutes: number, extra: Partial<ReserveOccupancyInput> = {}): ReserveOccupancyInput {
  return {
    tenantId: tenant.tenantId,
    bookingId: randomUUID(),
    resourceId,
    start,
    end: new Date(start.getTime() + minutes * MINUTE),
    bufferBefore: 0,
    bufferAfter: 0,
    places: 1,
    capacity: 1,
    ...extra,
  };
}

async function expectSlotUnavailable(work: Promise<unknown>): Promise<void> {
  const error = await work.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  expect(error instanceof AppError ? error.code : null).toBe('SLOT_UNAVAILABLE');
}

let locationId: string;

beforeAll(async () => {
  handle = await openTestDatabase();
  app = await startTestServer(handle);
  tenant = await makeTenant(handle);
  locationId = (await post('/api/v1/locations', { name: 'Centro', address: {}, timezone: 'Europe/Madrid' })).id;
});

afterAll(async () => {
  await app.server.close();
  await handle.close();
});

describe('occupancy', () => {
  it('the exclusion constraint itself refuses overlapping exclusive allocations', async () => {
    const resourceId = await makeResource(locationId, { name: 'Excl', type: 'staff' });
    const insert = (start: string, end: string) =>
      withTenant(handle.db, tenant.tenantId, (trx) =>
        sql`insert into allocations (tenant_id, resource_id, booking_id, occupied, capacity_mode)
            values (${tenant.tenantId}, ${resourceId}, ${randomUUID()}, tstzrange(${start}::timestamptz, ${end}::timestamptz), 'exclusive')`.execute(trx),
      );
    await insert('2030-01-07T09:00Z', '2030-01-07T10:00Z');
    const refused = await insert('2030-01-07T09:30Z', '2030-01-07T10:30Z').then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: '23P01' });
    // Half-open ranges: back to back is fine.
    await insert('2030-01-07T10:00Z', '2030-01-07T11:00Z');
  });

  it('reserves, refuses an overlap including buffers, and frees on release', async () => {
    const resourceId = await makeResource(locationId, { name: 'Ana', type: 'staff' });
    const date = nextWeekday(2);
    const first = reservation(resourceId, madrid(date, '10:00'), 30, { bufferAfter: 15 });
    const allocation = await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, first));
    expect(allocation.occupiedEnd.getTime() - allocation.occupiedStart.getTime()).toBe(45 * MINUTE);
    // 10:30 starts inside the first booking's clean-up buffer.
    await expectSlotUnavailable(withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '10:30'), 30))));
    // 10:45 is back to back with the buffer.
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '10:45'), 30)));
    const released = await withTenant(handle.db, tenant.tenantId, (trx) => releaseOccupancy(trx, { tenantId: tenant.tenantId, bookingId: first.bookingId }));
    expect(released).toEqual([resourceId]);
    expect(await withTenant(handle.db, tenant.tenantId, (trx) => releaseOccupancy(trx, { tenantId: tenant.tenantId, bookingId: first.bookingId }))).toEqual([]);
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '10:00'), 30)));
  });

  it('counts places of a shared resource and says how many are left', async () => {
    const roomId = await makeResource(locationId, { name: 'Sala yoga', type: 'room', capacity: 3 });
    const service = await post('/api/v1/services', {
      name: 'Yoga',
      duration_minutes: 60,
      capacity: 3,
      price: { amount: 1200, currency: 'EUR' },
      resource_ids: [roomId],
    });
    const date = nextWeekday(3);
    const start = madrid(date, '09:00');
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(roomId, start, 60, { places: 2, capacity: 3 })));
    const response = await request(app.server, 'GET', `/api/v1/availability?service_id=${service.id}&from_date=${date}&to_date=${date}`, { tenant: tenant.slug });
    const slots = response.body.data.resources[0].dates[0].slots;
    expect(slots[0]).toMatchObject({ available: true, places_left: 1 });
    expect(slots[1]).toMatchObject({ available: true, places_left: 3 });
    await expectSlotUnavailable(
      withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(roomId, start, 60, { places: 2, capacity: 3 }))),
    );
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(roomId, start, 60, { places: 1, capacity: 3 })));
    await expectSlotUnavailable(
      withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(roomId, start, 60, { places: 1, capacity: 3 }))),
    );
  });

  it('yields exactly one reservation when many requests race for one slot', async () => {
    const resourceId = await makeResource(locationId, { name: 'Race', type: 'staff' });
    const start = madrid(nextWeekday(4), '11:00');
    const attempts = await Promise.allSettled(
      Array.from({ length: onPostgres() ? 30 : 8 }, () =>
        withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, start, 30))),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toMatchObject({ code: 'SLOT_UNAVAILABLE' });
    }
  });

  it('moves atomically: a taken target keeps the old slot, a free one frees it', async () => {
    const resourceId = await makeResource(locationId, { name: 'Move', type: 'staff' });
    const date = nextWeekday(5);
    const original = reservation(resourceId, madrid(date, '09:00'), 30);
    const blocker = reservation(resourceId, madrid(date, '10:00'), 30);
    await withTenant(handle.db, tenant.tenantId, async (trx) => {
      await reserveOccupancy(trx, original);
      await reserveOccupancy(trx, blocker);
    });
    // The caller catches the refusal and commits anyway: the old allocation must survive.
    await withTenant(handle.db, tenant.tenantId, async (trx) => {
      await expectSlotUnavailable(moveOccupancy(trx, { ...original, start: madrid(date, '10:00'), end: madrid(date, '10:30') }));
    });
    await expectSlotUnavailable(withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '09:00'), 30))));
    // Overlapping its own old range is fine: the move releases first.
    const moved = await withTenant(handle.db, tenant.tenantId, (trx) =>
      moveOccupancy(trx, { ...original, start: madrid(date, '09:15'), end: madrid(date, '09:45') }),
    );
    expect(moved.changedResourceIds).toEqual([resourceId]);
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '11:00'), 30)));
  });

  it('isSlotBookable re-checks hours, grid, notice and occupancy with the availability engine', async () => {
    const resourceId = await makeResource(locationId, { name: 'Check', type: 'staff' });
    const service = await post('/api/v1/services', {
      name: 'Check',
      duration_minutes: 30,
      price: { amount: 2000, currency: 'EUR' },
      deposit: { type: 'fixed', value: 500 },
      resource_ids: [resourceId],
    });
    const date = nextWeekday(1);
    const check = (start: Date, now?: Date) =>
      withTenant(handle.db, tenant.tenantId, (trx) =>
        isSlotBookable(trx, { tenantId: tenant.tenantId, serviceId: service.id, resourceId, start, now }),
      );
    const ok = await check(madrid(date, '09:30'));
    expect(ok).toMatchObject({ bookable: true, price: { amount: 2000, currency: 'EUR' }, deposit: 500, timeZone: 'Europe/Madrid' });
    expect(ok.bookable && ok.reservations).toEqual([{ resourceId, group: 'primary', capacity: 1 }]);
    expect(await check(madrid(date, '09:10'))).toEqual({ bookable: false, reason: 'outside_hours' });
    expect(await check(madrid(date, '14:00'))).toEqual({ bookable: false, reason: 'outside_hours' });
    expect(await check(madrid(date, '09:30'), madrid(date, '09:40'))).toEqual({ bookable: false, reason: 'too_soon' });
    expect(await check(madrid(date, '09:30'), new Date('2020-01-01T00:00:00Z'))).toEqual({ bookable: false, reason: 'too_far' });
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '09:30'), 30)));
    expect(await check(madrid(date, '09:30'))).toEqual({ bookable: false, reason: 'taken' });
    const unknown = await withTenant(handle.db, tenant.tenantId, (trx) =>
      isSlotBookable(trx, { tenantId: tenant.tenantId, serviceId: randomUUID(), resourceId, start: madrid(date, '09:30') }),
    );
    expect(unknown).toEqual({ bookable: false, reason: 'service_unavailable' });
  });

  it('offers a two-resource service only when a matching room is free too', async () => {
    const therapist = await makeResource(locationId, { name: 'Terapeuta', type: 'staff', skills: ['massage'] });
    const room = await makeResource(locationId, { name: 'Cabina', type: 'room' });
    const service = await post('/api/v1/services', {
      name: 'Masaje',
      duration_minutes: 60,
      price: { amount: 5000, currency: 'EUR' },
      resource_ids: [therapist],
      required_resources: [{ label: 'room', type: 'room', resource_ids: [room] }],
    });
    const date = nextWeekday(2);
    expect(await availableStarts(service.id, date)).toEqual(['09:00', '10:00', '11:00', '12:00']);
    const check = await withTenant(handle.db, tenant.tenantId, (trx) =>
      isSlotBookable(trx, { tenantId: tenant.tenantId, serviceId: service.id, resourceId: therapist, start: madrid(date, '10:00') }),
    );
    expect(check.bookable && check.reservations.map((entry) => [entry.group, entry.resourceId])).toEqual([
      ['primary', therapist],
      ['room', room],
    ]);
    // Someone else's booking takes the room at 10:00: the therapist is free but the massage is not.
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(room, madrid(date, '10:00'), 60)));
    expect(await availableStarts(service.id, date)).toEqual(['09:00', '11:00', '12:00']);
    // Both at once, locked in a fixed order.
    const both = await withTenant(handle.db, tenant.tenantId, (trx) => {
      const bookingId = randomUUID();
      return reserveOccupancies(trx, [
        reservation(therapist, madrid(date, '11:00'), 60, { bookingId }),
        reservation(room, madrid(date, '11:00'), 60, { bookingId }),
      ]);
    });
    expect(both).toHaveLength(2);
    expect(await availableStarts(service.id, date)).toEqual(['09:00', '12:00']);
  });

  it('refreshes cached availability once a reservation or a release commits; a rolled-back one leaves it as it was', async () => {
    const resourceId = await makeResource(locationId, { name: 'Cache', type: 'staff' });
    const service = await post('/api/v1/services', { name: 'Cache', duration_minutes: 60, price: { amount: 1, currency: 'EUR' }, resource_ids: [resourceId] });
    const date = nextWeekday(4);
    const all = ['09:00', '10:00', '11:00', '12:00'];
    expect(await availableStarts(service.id, date)).toEqual(all);
    // A reservation rolled back changes nothing; the cached answer stays right.
    await expect(
      withTenant(handle.db, tenant.tenantId, async (trx) => {
        await reserveOccupancy(trx, reservation(resourceId, madrid(date, '09:00'), 60));
        throw new Error('declined');
      }),
    ).rejects.toThrow('declined');
    expect(await availableStarts(service.id, date)).toEqual(all);
    const bookingId = randomUUID();
    await withTenant(handle.db, tenant.tenantId, (trx) => reserveOccupancy(trx, reservation(resourceId, madrid(date, '10:00'), 60, { bookingId })));
    expect(await availableStarts(service.id, date)).toEqual(['09:00', '11:00', '12:00']);
    await withTenant(handle.db, tenant.tenantId, (trx) => releaseOccupancy(trx, { tenantId: tenant.tenantId, bookingId }));
    expect(await availableStarts(service.id, date)).toEqual(all);
  });

  it('keeps allocations of one tenant invisible to another (RLS)', async () => {
    const stranger = await makeTenant(handle);
    const visible = await withTenant(handle.db, stranger.tenantId, (trx) =>
      sql<{ count: number }>`select count(*)::int as count from allocations`.execute(trx),
    );
    expect(visible.rows[0]?.count).toBe(0);
  });
});
