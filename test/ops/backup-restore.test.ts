/**
 * Backups (docs/operations.md): a populated database dumped with `pg_dump` and restored with
 * `pg_restore` into a fresh database keeps its bookings, its customers' encrypted data (readable
 * with the same keys, and only encrypted at rest) and its jobs queue. PostgreSQL only: the embedded
 * database is backed up by copying its data directory.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCustomerForBooking } from '../../src/modules/customers/index.ts';
import { openPostgres, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { madridSlot, makeCatalog, makeTenant, startBookingServer, type BookingTestApp } from '../booking/harness.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';

describe.skipIf(!onPostgres())('backup and restore with pg_dump / pg_restore', () => {
  let source: TestDatabase;
  let app: BookingTestApp;
  let restored: DatabaseHandle | null = null;
  let restoredName = '';
  const workdir = mkdtempSync(join(tmpdir(), 'reservehub-backup-'));

  beforeAll(async () => {
    source = await openTestDatabase();
    app = await startBookingServer(source);
  });
  afterAll(async () => {
    await restored?.close();
    await app?.server.close();
    await source?.close();
    if (restoredName) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${restoredName} with (force)`);
      await admin.end();
    }
    rmSync(workdir, { recursive: true, force: true });
  });

  it('keeps bookings, decryptable customer data and the jobs queue', async () => {
    const tenant = await makeTenant(source);
    const catalog = await makeCatalog(app, tenant);
    const email = `backup-${randomUUID()}@example.com`;
    const booked = await app.server.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'x-tenant': tenant.slug },
      payload: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(5, '10:00'), customer: { first_name: 'Berta', email } },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const bookingId = booked.json().data.id as string;
    const count = async (db: DatabaseHandle['db'], table: 'bookings' | 'jobs' | 'customers') =>
      (await sql<{ count: number }>`select count(*)::int as count from ${sql.table(table)}`.execute(db)).rows[0]?.count ?? 0;
    const before = { bookings: await count(source.db, 'bookings'), jobs: await count(source.db, 'jobs'), customers: await count(source.db, 'customers') };
    expect(before.bookings).toBeGreaterThan(0);
    expect(before.jobs).toBeGreaterThan(0);

    const dump = join(workdir, 'reservehub.dump');
    execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, source.url ?? ''], { stdio: 'pipe' });
    restoredName = `rh_restore_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${restoredName}`);
    await admin.end();
    const target = new URL(process.env.DATABASE_URL ?? '');
    target.pathname = `/${restoredName}`;
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.toString()}`, dump], { stdio: 'pipe' });
    restored = openPostgres({ connectionString: target.toString(), poolSize: 2 });

    expect({ bookings: await count(restored.db, 'bookings'), jobs: await count(restored.db, 'jobs'), customers: await count(restored.db, 'customers') }).toEqual(before);
    const booking = await withTenant(restored.db, tenant.tenantId, (trx) =>
      sql<{ customer_id: string; status: string }>`select customer_id, status from bookings where tenant_id = ${tenant.tenantId} and id = ${bookingId}`.execute(trx),
    );
    expect(booking.rows[0]?.status).toBe('confirmed');
    const customerId = booking.rows[0]?.customer_id ?? '';
    // Encrypted at rest: the dump's rows hold no address in clear ...
    const raw = await sql<{ email_enc: string | null }>`select email_enc from customers where id = ${customerId}`.execute(restored.db);
    expect(raw.rows[0]?.email_enc).toBeTruthy();
    expect(raw.rows[0]?.email_enc).not.toContain(email);
    // ... and the same keys read it back.
    const customer = await withTenant(restored.db, tenant.tenantId, (trx) => getCustomerForBooking(trx, app.deps.keyRing, tenant.tenantId, customerId));
    expect(customer.email).toBe(email);
    expect(customer.first_name).toBe('Berta');
  });
});
