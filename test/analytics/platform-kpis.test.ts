/**
 * Platform KPIs count businesses: not the platform's own tenant (its administrators' home, made
 * by a migration), and a business that books in two currencies once.
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformKpisService } from '../../src/modules/analytics/platform-kpis.service.ts';
import { PLATFORM_TENANT_ID } from '../../src/modules/tenancy/tenancy.service.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, type TestTenant } from '../support/module-server.ts';

let db: TestDatabase;
let euro: TestTenant;
let dollar: TestTenant;
let both: TestTenant;
let idle: TestTenant;
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };

/** One rollup row: `bookings` bookings of a business on a day, in a currency. */
async function daily(tenant: TestTenant, day: string, currency: string, bookings: number) {
  await withPlatform(db.db, (trx) =>
    sql`insert into analytics_daily (tenant_id, resource_id, day, service_id, location_id, currency, business_id, bookings, confirmed)
        values (${tenant.tenantId}, ${randomUUID()}, ${day}::date, ${randomUUID()}, ${randomUUID()}, ${currency}, ${tenant.businessId}, ${bookings}, ${bookings})`.execute(trx),
  );
}

beforeAll(async () => {
  db = await openTestDatabase();
  euro = await makeTenant(db, { currency: 'EUR' });
  dollar = await makeTenant(db, { currency: 'USD' });
  both = await makeTenant(db, { currency: 'EUR' });
  idle = await makeTenant(db, { currency: 'GBP' });
  await daily(euro, '2026-11-03', 'EUR', 2);
  await daily(dollar, '2026-11-03', 'USD', 1);
  await daily(both, '2026-11-04', 'EUR', 1);
  await daily(both, '2026-11-05', 'USD', 3);
  // A rollup row without bookings (a refund of an older booking, say) is no booking activity.
  await daily(idle, '2026-11-06', 'GBP', 0);
  // Outside the period.
  await daily(idle, '2026-10-31', 'USD', 4);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('platform KPIs', () => {
  const service = () => new PlatformKpisService({ db: db.db, now: () => new Date('2026-11-30T12:00:00Z') });

  it("leave the platform's own tenant out of the businesses and their health", async () => {
    const platformTenant = await withPlatform(db.db, (trx) => sql<{ id: string }>`select id from tenants where id = ${PLATFORM_TENANT_ID}`.execute(trx));
    expect(platformTenant.rows).toHaveLength(1);

    const kpis = await service().kpis(PERIOD);
    expect(kpis.tenants.total).toBe(4);
    const health = await service().tenantHealth();
    expect(health.map((row) => row.tenant_id).sort()).toEqual([euro.tenantId, dollar.tenantId, both.tenantId, idle.tenantId].sort());
  });

  it('count businesses with bookings once across currencies, and only those with bookings', async () => {
    const kpis = await service().kpis(PERIOD);
    // euro (EUR), dollar (USD) and both (EUR and USD): two in each currency, three businesses.
    // idle has a row without bookings in the period, and its bookings are in October.
    expect(kpis.tenants.with_bookings_in_period).toBe(3);
    expect(kpis.volume.map((row) => [row.currency, row.bookings])).toEqual([
      ['EUR', 3],
      ['GBP', 0],
      ['USD', 4],
    ]);
  });
});
