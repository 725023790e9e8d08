/**
 * The utilisation heat map by local weekday and hour, on the known month of fixtures.ts
 * (Europe/Madrid): exact cells for the spring-forward week (the skipped hour holds nothing),
 * a fall-back Sunday (the repeated hour holds two hours), totals equal to the overview's,
 * staff limited to their own resources, exports, and no figure of another tenant.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsModule } from '../../src/modules/analytics/index.ts';
import { applyRefresh } from '../../src/modules/analytics/rollup-refresh.job.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, testToken, type TestTenant } from '../support/module-server.ts';
import { seedMonth, startAnalyticsServer, type MonthFixture } from './fixtures.ts';

let db: TestDatabase;
let server: HttpServer;
let analytics: AnalyticsModule;
let tenant: TestTenant;
let other: TestTenant;
let f: MonthFixture;
let g: MonthFixture;

/** Monday 23 – Sunday 29 March 2026; Madrid springs forward on the Sunday (02:00 → 03:00). */
const DST_WEEK = 'from=2026-03-23&to=2026-03-29';
/** Madrid falls back on Sunday 25 October 2026 (03:00 → 02:00): 02:00–03:00 local happens twice. */
const FALL_BACK_SUNDAY = 'from=2026-10-25&to=2026-10-25';

interface Cell {
  weekday: number;
  hour: number;
  bookings: number;
  booked_minutes: number;
  available_minutes: number;
  utilisation_bps: number | null;
}

async function get(path: string, token: string) {
  const response = await server.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: token } });
  const json = String(response.headers['content-type'] ?? '').includes('json');
  return { status: response.statusCode, body: json ? JSON.parse(response.body) : null, raw: response };
}
const admin = () => testToken(tenant, 'business_admin');
const cell = (weekday: number, hour: number, bookings: number, booked: number, available: number): Cell => ({
  weekday,
  hour,
  bookings,
  booked_minutes: booked,
  available_minutes: available,
  utilisation_bps: available === 0 ? null : Math.round((booked * 10_000) / available),
});

/** Bea, Sunday 25 October 2026, 01:30 CEST (23:30 UTC the day before) for 120 minutes: until 02:30 CET. */
async function addFallBackBooking(target: TestTenant, fixture: MonthFixture): Promise<void> {
  await withPlatform(db.db, async (trx) => {
    await sql`insert into bookings (tenant_id, id, business_id, location_id, service_id, resource_id, customer_id, booking_number, status,
        start_time, end_time, service_name, resource_name, resource_type, time_zone, base_price, total_price, deposit_required, deposit_paid,
        currency, customer_type, source, created_at)
      values (${target.tenantId}, ${randomUUID()}, ${target.businessId}, ${fixture.locationId}, ${fixture.colorId}, ${fixture.beaId}, ${fixture.customers.c1},
        'BK-ZZZZZZZ', 'confirmed', '2026-10-24T23:30:00Z', '2026-10-25T01:30:00Z', 'Color', 'bea', 'staff', 'Europe/Madrid', 6000, 6000, 0, 0,
        'EUR', 'guest', 'web', '2026-10-01T00:00:00Z')`.execute(trx);
  });
}

beforeAll(async () => {
  db = await openTestDatabase();
  tenant = await makeTenant(db, { timezone: 'Europe/Madrid' });
  other = await makeTenant(db, { timezone: 'Europe/Madrid' });
  f = await seedMonth(db, tenant);
  // The other tenant has the same month, but not the October booking.
  g = await seedMonth(db, other);
  await addFallBackBooking(tenant, f);
  const started = await startAnalyticsServer(db);
  server = started.server;
  analytics = started.modules;
  await analytics.rebuild(null);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('heat map of the spring-forward week', () => {
  it('puts each minute in its local weekday and hour; the skipped hour holds nothing', async () => {
    const { status, body } = await get(`/analytics/reports/heatmap?${DST_WEEK}`, admin());
    expect(status).toBe(200);
    const ana: Cell[] = [];
    for (let weekday = 1; weekday <= 5; weekday += 1) for (let hour = 9; hour <= 16; hour += 1) ana.push(cell(weekday, hour, 0, 0, 60));
    expect(body.data).toEqual([
      ...ana,
      // Bea, Saturday 28 March 00:00–06:00: no bookings (B4 at 23:30 UTC is already Sunday in Madrid).
      ...[0, 1, 2, 3, 4, 5].map((hour) => cell(6, hour, 0, 0, 60)),
      // Sunday 29 March: B4 00:30–01:30 CET splits 30 + 30; 02:00–03:00 never happens; B5 04:00–05:30 CEST.
      cell(7, 0, 1, 30, 60),
      cell(7, 1, 0, 30, 60),
      cell(7, 3, 0, 0, 60),
      cell(7, 4, 1, 60, 60),
      cell(7, 5, 0, 30, 60),
    ]);
  });

  it("adds up to the overview's booked and available minutes", async () => {
    for (const period of [DST_WEEK, 'from=2026-03-01&to=2026-03-31']) {
      const cells: Cell[] = (await get(`/analytics/reports/heatmap?${period}`, admin())).body.data;
      const overview = (await get(`/analytics/reports/overview?${period}`, admin())).body.data.current.utilisation;
      expect(cells.reduce((sum, c) => sum + c.booked_minutes, 0)).toBe(overview.booked_minutes);
      expect(cells.reduce((sum, c) => sum + c.available_minutes, 0)).toBe(overview.available_minutes);
    }
  });

  it('narrows by resource and service', async () => {
    const bea = (await get(`/analytics/reports/heatmap?${DST_WEEK}&resource_id=${f.beaId}`, admin())).body.data as Cell[];
    expect(bea.every((c) => c.weekday >= 6)).toBe(true);
    expect(bea).toHaveLength(11);
    const color = (await get(`/analytics/reports/heatmap?${DST_WEEK}&service_id=${f.colorId}`, admin())).body.data as Cell[];
    expect(color.filter((c) => c.booked_minutes > 0)).toEqual([cell(7, 4, 1, 60, 60), cell(7, 5, 0, 30, 60)]);
  });
});

describe('heat map of the fall-back Sunday', () => {
  it('the repeated hour counts two hours of working time and of booking', async () => {
    const { body } = await get(`/analytics/reports/heatmap?${FALL_BACK_SUNDAY}`, admin());
    expect(body.data).toEqual([
      cell(7, 0, 0, 0, 60),
      // 01:30–02:00 CEST.
      cell(7, 1, 1, 30, 60),
      // 02:00–03:00 CEST, then 02:00–02:30 CET.
      cell(7, 2, 0, 90, 120),
      cell(7, 3, 0, 0, 60),
      cell(7, 4, 0, 0, 60),
      cell(7, 5, 0, 0, 60),
    ]);
  });
});

describe('isolation, staff and export', () => {
  it("another tenant sees its own figures only, never this tenant's", async () => {
    const theirs = await get(`/analytics/reports/heatmap?${FALL_BACK_SUNDAY}`, testToken(other, 'business_admin'));
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.map((c: Cell) => c.booked_minutes)).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await get(`/analytics/reports/heatmap?${FALL_BACK_SUNDAY}&business_id=${tenant.businessId}`, testToken(other, 'business_admin'))).status).toBe(404);
    const crossed = await get(`/analytics/reports/heatmap?${FALL_BACK_SUNDAY}&resource_id=${f.beaId}`, testToken(other, 'business_admin'));
    expect(crossed.body.data).toEqual([]);
    const ownWeek = await get(`/analytics/reports/heatmap?${DST_WEEK}&resource_id=${g.beaId}`, testToken(other, 'business_admin'));
    expect(ownWeek.body.data.reduce((sum: number, c: Cell) => sum + c.booked_minutes, 0)).toBe(150);
  });

  it('staff read only the hours of their own resources, and cannot read the business map', async () => {
    const ana = testToken(tenant, 'staff', f.anaUserId);
    expect((await get(`/analytics/reports/heatmap?${DST_WEEK}`, ana)).status).toBe(403);
    const own = await get(`/analytics/me/heatmap?${DST_WEEK}`, ana);
    expect(own.status).toBe(200);
    expect(own.body.data).toHaveLength(40);
    expect(own.body.data.every((c: Cell) => c.weekday <= 5 && c.available_minutes === 60)).toBe(true);
    // Ana's March: B3 (no-show) Tuesday 10 March 09:00–10:00 local.
    const march = await get('/analytics/me/heatmap?from=2026-03-01&to=2026-03-31', ana);
    expect(march.body.data.find((c: Cell) => c.weekday === 2 && c.hour === 9)).toMatchObject({ bookings: 1, booked_minutes: 60 });
    expect(march.body.data.some((c: Cell) => c.weekday === 6)).toBe(false);
    const exported = await get(`/analytics/me/heatmap/export?${DST_WEEK}&format=csv`, ana);
    expect(exported.status).toBe(200);
    expect(exported.raw.body.trim().split('\r\n')).toHaveLength(41);
    expect((await get(`/analytics/me/funnel/export?${DST_WEEK}`, ana)).status).toBe(400);
  });

  it('exports the heat map as CSV and XLSX', async () => {
    const csv = await get(`/analytics/reports/heatmap/export?${FALL_BACK_SUNDAY}&format=csv`, admin());
    expect(csv.status).toBe(200);
    expect(csv.raw.headers['content-disposition']).toBe('attachment; filename="heatmap-2026-10-25-2026-10-25.csv"');
    const lines = csv.raw.body.trim().split('\r\n');
    expect(lines[0]).toBe('weekday,hour,bookings,booked_minutes,available_minutes,utilisation_bps');
    expect(lines[3]).toBe('7,2,0,90,120,7500');
    const xlsx = await server.inject({ method: 'GET', url: `/api/v1/analytics/reports/heatmap/export?${DST_WEEK}&format=xlsx`, headers: { authorization: admin() } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('the hourly rollup behind the heat map', () => {
  let numbered = 0;
  /** Inserts a confirmed booking of `target`'s Bea in `timeZone` and returns its id. */
  async function addBooking(target: TestTenant, fixture: MonthFixture, start: string, end: string, timeZone: string): Promise<string> {
    const id = randomUUID();
    await withPlatform(db.db, async (trx) => {
      await sql`insert into bookings (tenant_id, id, business_id, location_id, service_id, resource_id, customer_id, booking_number, status,
          start_time, end_time, service_name, resource_name, resource_type, time_zone, base_price, total_price, deposit_required, deposit_paid,
          currency, customer_type, source, created_at)
        values (${target.tenantId}, ${id}, ${target.businessId}, ${fixture.locationId}, ${fixture.colorId}, ${fixture.beaId}, ${fixture.customers.c1},
          ${`BK-YYYYYY${'23456789'[numbered++]}`}, 'confirmed', ${start}, ${end}, 'Color', 'bea', 'staff', ${timeZone}, 6000, 6000, 0, 0,
          'EUR', 'guest', 'web', '2026-10-01T00:00:00Z')`.execute(trx);
    });
    return id;
  }
  const refresh = (target: TestTenant, bookingId: string) =>
    withTenant(db.db, target.tenantId, (trx) => applyRefresh(trx, target.tenantId, { booking_id: bookingId, places: [], customer_ids: [] }));
  const bookedCells = async (target: TestTenant, period: string) =>
    ((await get(`/analytics/reports/heatmap?${period}`, testToken(target, 'business_admin'))).body.data as Cell[])
      .filter((c) => c.booked_minutes > 0 || c.bookings > 0)
      .map((c) => [c.weekday, c.hour, c.bookings, c.booked_minutes]);

  it('reads the rollup, not the bookings: a new booking shows once its refresh has run, and goes with its cancellation', async () => {
    const before = await bookedCells(tenant, FALL_BACK_SUNDAY);
    // Sunday 25 October 2026, 10:00–11:00 CET.
    const id = await addBooking(tenant, f, '2026-10-25T09:00:00Z', '2026-10-25T10:00:00Z', 'Europe/Madrid');
    expect(await bookedCells(tenant, FALL_BACK_SUNDAY)).toEqual(before);
    await refresh(tenant, id);
    expect(await bookedCells(tenant, FALL_BACK_SUNDAY)).toEqual([...before, [7, 10, 1, 60]]);
    await withPlatform(db.db, (trx) => sql`update bookings set status = 'cancelled' where tenant_id = ${tenant.tenantId} and id = ${id}`.execute(trx));
    await refresh(tenant, id);
    expect(await bookedCells(tenant, FALL_BACK_SUNDAY)).toEqual(before);
  });

  it('cuts at the local hour in a zone a quarter hour off UTC (Kathmandu, +05:45), and past midnight into the next weekday', async () => {
    // Tuesday 10 November 2026, 09:30–11:00 in Kathmandu.
    const morning = await addBooking(other, g, '2026-11-10T03:45:00Z', '2026-11-10T05:15:00Z', 'Asia/Kathmandu');
    // Tuesday 10 November 2026, 23:30 – Wednesday 00:45 in Kathmandu: kept on its start's day.
    const night = await addBooking(other, g, '2026-11-10T17:45:00Z', '2026-11-10T19:00:00Z', 'Asia/Kathmandu');
    await refresh(other, morning);
    await refresh(other, night);
    expect(await bookedCells(other, 'from=2026-11-10&to=2026-11-10')).toEqual([
      [2, 9, 1, 30],
      [2, 10, 0, 60],
      [2, 23, 1, 30],
      [3, 0, 0, 45],
    ]);
    // The next day's report does not count the night booking again.
    expect(await bookedCells(other, 'from=2026-11-11&to=2026-11-11')).toEqual([]);
    // A rebuild writes the same rows the refreshes wrote.
    const rows = () => withPlatform(db.db, async (trx) => (await sql`select * from analytics_hourly where tenant_id = ${other.tenantId} order by resource_id, day, service_id, weekday, hour`.execute(trx)).rows);
    const incremental = await rows();
    await analytics.rebuild(other.tenantId);
    expect(await rows()).toEqual(incremental);
  });
});
