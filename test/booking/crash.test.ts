/**
 * Crash safety (PostgreSQL): the real server runs as a child process, takes
 * bookings under load and is killed with SIGKILL mid-flight. After a restart,
 * every booking that was answered 201 exists, and nothing is half-written: no
 * booking in an active status without its allocation, no active allocation
 * without its booking, no booking without its history and created event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { waitFor } from '../support/wait.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let catalog: Catalog;
let dataDir = '';
let child: ChildProcess | null = null;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function startChild(port: number): Promise<ChildProcess> {
  const started = spawn(process.execPath, ['src/main.ts', 'serve'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      DATABASE_URL: db.url ?? '',
      DATABASE_POOL_SIZE: '20',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      NODE_ENV: 'development',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Each guest comes from an address of their own (the per-address bound of public bookings is not under test).
      TRUSTED_PROXIES: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const healthy = () => fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
  try {
    await waitFor(healthy, { timeoutMs: 30_000, intervalMs: 100, message: 'the server to start' });
    return started;
  } catch (error) {
    started.kill('SIGKILL');
    throw error;
  }
}

beforeAll(async () => {
  if (!onPostgres) return;
  db = await openTestDatabase();
  app = await startBookingServer(db);
  tenant = await makeTenant(db);
  catalog = await makeCatalog(app, tenant);
  dataDir = mkdtempSync(join(tmpdir(), 'rh-crash-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await app?.server.close();
  await db?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it.runIf(onPostgres)('kill -9 under load: every 201 survives, no half-written booking remains', async () => {
  const port = await freePort();
  child = await startChild(port);
  const slots: Array<{ resourceId: string; start: string }> = [];
  for (let day = 40; day < 70; day += 1) {
    for (let minutes = 0; minutes < 9 * 60; minutes += 30) {
      const time = `${String(9 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      for (const resourceId of [catalog.resourceId, catalog.otherResourceId]) slots.push({ resourceId, start: madridSlot(day, time) });
    }
  }
  const acknowledged: string[] = [];
  let sent = 0;
  let next = 0;
  let killed = false;
  const client = async () => {
    while (!killed && next < slots.length) {
      const slot = slots[next++];
      if (!slot) break;
      sent += 1;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tenant': tenant.slug, 'x-forwarded-for': `10.77.${Math.floor(next / 250)}.${(next % 250) + 1}` },
          body: JSON.stringify({ service_id: catalog.serviceId, resource_id: slot.resourceId, start_time: slot.start, customer: { first_name: 'Crash', email: `crash${next}@example.com` } }),
        });
        const body = (await response.json()) as { data?: { id: string } };
        if (response.status === 201 && body.data) acknowledged.push(body.data.id);
      } catch {
        // The connection died with the server: not acknowledged, may or may not exist.
      }
    }
  };
  const clients = Array.from({ length: 16 }, () => client());
  // Kill once a good number of bookings are through, while requests are in flight.
  await waitFor(() => acknowledged.length >= 60, { timeoutMs: 60_000, message: '60 acknowledged bookings' });
  child.kill('SIGKILL');
  killed = true;
  await Promise.all(clients);
  expect(sent).toBeGreaterThan(acknowledged.length);

  child = await startChild(port);
  const facts = await sql<{ id: string }>`select id from bookings where tenant_id = ${tenant.tenantId}`.execute(db.db);
  const stored = new Set(facts.rows.map((row) => row.id));
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

  const bookingWithoutAllocation = await sql<{ id: string }>`
    select b.id from bookings b
    where b.tenant_id = ${tenant.tenantId} and b.status in ('pending_payment', 'confirmed', 'rescheduled')
      and not exists (select 1 from allocations a where a.tenant_id = b.tenant_id and a.booking_id = b.id and a.active)`.execute(db.db);
  expect(bookingWithoutAllocation.rows).toEqual([]);
  const allocationWithoutBooking = await sql<{ id: string }>`
    select a.id from allocations a
    where a.tenant_id = ${tenant.tenantId} and a.active
      and not exists (select 1 from bookings b where b.tenant_id = a.tenant_id and b.id = a.booking_id)
      and not exists (select 1 from waitlist_offers o where o.tenant_id = a.tenant_id and o.booking_id = a.booking_id and o.status = 'open')`.execute(db.db);
  expect(allocationWithoutBooking.rows).toEqual([]);
  const withoutTrail = await sql<{ id: string }>`
    select b.id from bookings b
    where b.tenant_id = ${tenant.tenantId}
      and (not exists (select 1 from booking_history h where h.tenant_id = b.tenant_id and h.booking_id = b.id)
        or not exists (select 1 from events e where e.tenant_id = b.tenant_id and e.aggregate_id = b.id and e.type = 'booking.created'))`.execute(db.db);
  expect(withoutTrail.rows).toEqual([]);

  // The restarted server takes bookings again.
  const after = await fetch(`http://127.0.0.1:${port}/api/v1/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant': tenant.slug },
    body: JSON.stringify({ service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(80, '10:00'), customer: { first_name: 'After', email: 'after@example.com' } }),
  });
  expect(after.status).toBe(201);
  process.stdout.write(`crash: ${sent} sent, ${acknowledged.length} acknowledged, ${stored.size} stored before restart` + '\n');
}, 120_000);
