import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { lockSlot } from '../../src/modules/booking/slot-lock.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { waitFor } from '../support/wait.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let catalog: Catalog;
let base = '';

beforeAll(async () => {
  if (!onPostgres) return;
  db = await openTestDatabase();
  app = await startBookingServer(db);
  tenant = await makeTenant(db);
  catalog = await makeCatalog(app, tenant);
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

it.runIf(onPostgres)('200 concurrent requests for one slot over HTTP: exactly one 201, 199 × 409 SLOT_UNAVAILABLE, no deadlock, no 5xx', async () => {
  const start = madridSlot(5, '12:00');
  const began = performance.now();
  const responses = await Promise.all(
    Array.from({ length: 200 }, async (_, index) => {
      const response = await fetch(`${base}/api/v1/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenant': tenant.slug },
        body: JSON.stringify({
          service_id: catalog.serviceId,
          resource_id: catalog.resourceId,
          start_time: start,
          customer: { first_name: `Storm ${index}`, email: `storm${index}@example.com` },
        }),
      });
      const body = (await response.json()) as { error?: { code: string } };
      return { status: response.status, code: body.error?.code };
    }),
  );
  const elapsedMs = performance.now() - began;
  const created = responses.filter((response) => response.status === 201);
  const refused = responses.filter((response) => response.status === 409 && response.code === 'SLOT_UNAVAILABLE');
  expect(responses.filter((response) => response.status >= 500)).toEqual([]);
  expect(created).toHaveLength(1);
  expect(refused).toHaveLength(199);
  // A deadlock would surface as 409 CONFLICT (40P01) or a stall of seconds per victim. The
  // duration itself depends on the machine (bench/bookings prints it standalone): here it is
  // only a guard against serial retries, generous enough for a loaded CI runner.
  expect(elapsedMs).toBeLessThan(15_000);
  const counts = await withTenant(db.db, tenant.tenantId, async (trx) => {
    const bookings = await sql<{ count: number }>`select count(*)::int as count from bookings where start_time = ${new Date(start)}`.execute(trx);
    const allocations = await sql<{ count: number }>`select count(*)::int as count from allocations where active and resource_id = ${catalog.resourceId}`.execute(trx);
    return { bookings: bookings.rows[0]?.count, allocations: allocations.rows[0]?.count };
  });
  expect(counts).toEqual({ bookings: 1, allocations: 1 });
  process.stdout.write(`storm: 1 × 201, 199 × 409 in ${Math.round(elapsedMs)} ms` + '\n');
});

it.runIf(onPostgres)('when the request holding a slot gives it up, exactly one of the requests waiting for it books it', async () => {
  const start = madridSlot(6, '12:00');
  const slotStart = new Date(start);
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  let giveUp!: () => void;
  const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
  // A booking in progress (say, a card being charged) holds the slot's lock, then fails and rolls back.
  const holder = withTenant(db.db, tenant.tenantId, async (trx) => {
    await lockSlot(trx, tenant.tenantId, catalog.resourceId, slotStart);
    holding();
    await givenUp;
    throw new Error('payment declined');
  }).catch((error: unknown) => (error instanceof Error ? error.message : 'failed'));
  await held;

  const requests = Array.from({ length: 5 }, async (_, index) => {
    const response = await fetch(`${base}/api/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': tenant.slug },
      body: JSON.stringify({
        service_id: catalog.serviceId,
        resource_id: catalog.resourceId,
        start_time: start,
        customer: { first_name: `Waiter ${index}`, email: `waiter${index}@example.com` },
      }),
    });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  });
  // All five are queued behind the holder before it gives up.
  await waitFor(
    async () => {
      const waiting = await sql<{ count: number }>`select count(*)::int as count from pg_locks where locktype = 'advisory' and not granted`.execute(db.db);
      return (waiting.rows[0]?.count ?? 0) >= 5;
    },
    { timeoutMs: 10_000, intervalMs: 50, message: 'the requests to queue on the slot' },
  );
  giveUp();
  const responses = await Promise.all(requests);

  expect(await holder).toBe('payment declined');
  expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
  expect(responses.filter((response) => response.status === 409 && response.code === 'SLOT_UNAVAILABLE')).toHaveLength(4);
  const bookings = await withTenant(db.db, tenant.tenantId, async (trx) =>
    (await sql<{ count: number }>`select count(*)::int as count from bookings where start_time = ${slotStart} and status = 'confirmed'`.execute(trx)).rows[0]?.count,
  );
  expect(bookings).toBe(1);
});
