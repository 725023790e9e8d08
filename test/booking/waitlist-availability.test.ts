/**
 * A waitlist offer's hold and the public availability (issue 15): with the availability cache on
 * (and in Redis when REDIS_URL is set, as in production with several processes), a time held for an
 * open offer is listed as taken from the moment the offer exists, and free again once the offer is
 * withdrawn or expires with nobody else waiting. The answers are checked against booking attempts:
 * the list never offers a time a booking is refused for.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { httpClient, type Json } from '../support/http.ts';
import { composeTestModules, silentLogger, startModuleServer } from '../support/module-server.ts';
import { FakePayments, makeCatalog, madridSlot, makeTenant, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';

let db: TestDatabase;
let redis: Redis | undefined;
let app: BookingTestApp;
let tenant: TestTenant;
let other: TestTenant;
let catalog: Catalog;
const clock: { now: Date | null } = { now: null };

/** The booking harness's modules with the availability cache on, shared through Redis when there is one. */
async function startCachedServer(): Promise<BookingTestApp> {
  const payments = new FakePayments();
  const { server, modules } = await startModuleServer(db, {
    env: { PUBLIC_URL: 'https://book.example.test' },
    permissions: 'role-table',
    register(api, context) {
      const { catalog: catalogModule, scheduling, customers, booking, notifications } = composeTestModules(
        context,
        {
          linkKey: Buffer.alloc(32, 7),
          scheduling: { cacheTtlSeconds: 300, computeBudget: false },
          notifications: { logger: silentLogger },
          booking: { payments, now: () => clock.now ?? new Date() },
        },
        redis,
      );
      catalogModule.registerRoutes(api);
      scheduling.registerRoutes(api);
      customers.registerRoutes(api);
      booking.registerRoutes(api);
      return { booking, deps: { keyRing: context.keyRing, messages: notifications.bookingMessages }, notifications };
    },
  });
  return { server, payments, clock, ...modules };
}

beforeAll(async () => {
  db = await openTestDatabase();
  redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
  app = await startCachedServer();
  tenant = await makeTenant(db, { settings: { guest_verification: 'none' } });
  other = await makeTenant(db, { settings: { guest_verification: 'none' } });
  catalog = await makeCatalog(app, tenant, { slot_interval_minutes: 30 });
  await makeCatalog(app, other);
});
afterAll(async () => {
  await app?.server.close();
  app?.notifications.close();
  redis?.disconnect();
  await db?.close();
});

const call = httpClient(() => app.server);
const admin = () => tokenFor(tenant);
let n = 0;
const guest = () => ({ first_name: 'Ana', email: `hold${n++}@example.com` });
const dateOf = (days: number) => madridSlot(days, '12:00').slice(0, 10);

/**
 * How the public list shows `start` with the catalog's resource: a held or booked time is still listed,
 * as `available: false` (what every client must filter on), so `taken` is told apart from `absent`.
 */
async function listed(days: number, start: string, slug = tenant.slug): Promise<'free' | 'taken' | 'absent'> {
  const url = `/api/v1/availability?service_id=${catalog.serviceId}&resource_id=${catalog.resourceId}&from_date=${dateOf(days)}&to_date=${dateOf(days)}`;
  const response = await call('GET', url, { tenant: slug });
  expect(response.status, response.text).toBe(200);
  const slots: Json[] = response.body.data.resources[0].dates[0].slots;
  const slot = slots.find((candidate) => Date.parse(candidate.start_time) === Date.parse(start));
  return slot === undefined ? 'absent' : slot.available === true ? 'free' : 'taken';
}

/** Asks until the answer is cached with its counters (the first computation only learns the resources involved). */
async function warm(days: number, start: string): Promise<'free' | 'taken' | 'absent'> {
  const first = await listed(days, start);
  expect(await listed(days, start)).toBe(first);
  return first;
}

const book = (start: string) =>
  call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: start, customer: guest() } });

async function join(days: number, window: [string, string]): Promise<Json> {
  const joined = await call('POST', '/api/v1/waitlist', {
    auth: admin(),
    body: { service_id: catalog.serviceId, customer: guest(), preferred_times: [{ start: madridSlot(days, window[0]), end: madridSlot(days, window[1]) }] },
  });
  expect(joined.status, joined.text).toBe(201);
  return joined.body.data;
}

describe('availability while a waitlist offer holds a time', () => {
  it('a staff offer takes the time off the cached list at once; withdrawing it puts it back', async () => {
    const start = madridSlot(40, '15:00');
    expect(await warm(40, start)).toBe('free');
    const entry = await join(40, ['09:00', '10:00']);
    const offered = await call('POST', `/api/v1/waitlist/${entry.id}/offer`, { auth: admin(), body: { resource_id: catalog.resourceId, start_time: start } });
    expect(offered.status, offered.text).toBe(201);
    expect(await listed(40, start)).toBe('taken');
    expect((await book(start)).status).toBe(409);

    expect((await call('DELETE', `/api/v1/waitlist/${entry.id}`, { auth: admin() })).status).toBe(204);
    expect(await listed(40, start)).toBe('free');
    expect((await book(start)).status).toBe(201);
    expect(await listed(40, start)).toBe('taken');
  });

  it('a cancellation offered to the waitlist stays taken; the expired offer frees it; a new offer takes it again', async () => {
    const start = madridSlot(41, '11:00');
    const booked = await book(start);
    expect(booked.status, booked.text).toBe(201);
    expect(await warm(41, start)).toBe('taken');
    const entry = await join(41, ['10:00', '12:00']);
    const cancelled = await call('PATCH', `/api/v1/bookings/${booked.body.data.id}`, { auth: admin(), body: { action: 'cancel' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    const offers = (await call('GET', `/api/v1/waitlist?service_id=${catalog.serviceId}`, { auth: admin() })).body.data.find((row: Json) => row.id === entry.id).offers;
    expect(offers).toMatchObject([{ status: 'open', start_time: new Date(start).toISOString() }]);
    // The freed time went straight to the offer: never listed, never bookable by someone else.
    expect(await listed(41, start)).toBe('taken');
    expect((await book(start)).status).toBe(409);

    // Past its expiry with nobody else waiting, the offer lets the time go.
    clock.now = new Date(Date.parse(offers[0].expires_at) + 1000);
    try {
      expect(await app.booking.services.waitlist.expireOffer(tenant.tenantId, offers[0].id)).toBe('expired');
    } finally {
      clock.now = null;
    }
    expect(await listed(41, start)).toBe('free');

    // Offered again by staff: taken again.
    const again = await call('POST', `/api/v1/waitlist/${entry.id}/offer`, { auth: admin(), body: { resource_id: catalog.resourceId, start_time: start } });
    expect(again.status, again.text).toBe(201);
    expect(await listed(41, start)).toBe('taken');
  });

  it('another business neither sees nor frees the hold', async () => {
    const start = madridSlot(42, '10:00');
    expect(await warm(42, start)).toBe('free');
    const entry = await join(42, ['09:00', '18:00']);
    expect((await call('POST', `/api/v1/waitlist/${entry.id}/offer`, { auth: admin(), body: { resource_id: catalog.resourceId, start_time: start } })).status).toBe(201);
    const foreign = await call('DELETE', `/api/v1/waitlist/${entry.id}`, { auth: tokenFor(other) });
    expect(foreign.status).toBe(404);
    expect(await listed(42, start)).toBe('taken');
    // Our service does not exist for the other business: a 404, never our calendar.
    const crossed = await call('GET', `/api/v1/availability?service_id=${catalog.serviceId}&from_date=${dateOf(42)}&to_date=${dateOf(42)}`, { tenant: other.slug });
    expect(crossed.status).toBe(404);
  });
});
