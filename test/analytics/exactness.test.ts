/**
 * Every report figure of a known month checked against numbers worked out by hand from
 * the fixture (fixtures.ts), on the rollups built both incrementally (the refresh the events
 * trigger) and from scratch (the rebuild). Plus tenant isolation and roles.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsModule } from '../../src/modules/analytics/index.ts';
import { applyRefresh, refreshFor } from '../../src/modules/analytics/rollup-refresh.job.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, testToken, type TestTenant } from '../support/module-server.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { creationEvents, seedMonth, startAnalyticsServer, type MonthFixture } from './fixtures.ts';

let db: TestDatabase;
let server: HttpServer;
let analytics: AnalyticsModule;
let tenant: TestTenant;
let other: TestTenant;
let f: MonthFixture;
const MARCH = 'from=2026-03-01&to=2026-03-31';

async function get(path: string, token: string) {
  const response = await server.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: token } });
  const json = String(response.headers['content-type'] ?? '').includes('json');
  return { status: response.statusCode, body: json ? JSON.parse(response.body) : null, raw: response };
}
const admin = () => testToken(tenant, 'business_admin');

async function rollupRows(tenantId: string) {
  return withPlatform(db.db, async (trx) => ({
    daily: (await sql`select * from analytics_daily where tenant_id = ${tenantId} order by resource_id, day, service_id, currency`.execute(trx)).rows,
    customers: (await sql`select * from analytics_customer_days where tenant_id = ${tenantId} order by customer_id, day, resource_id`.execute(trx)).rows,
  }));
}

beforeAll(async () => {
  db = await openTestDatabase();
  tenant = await makeTenant(db, { timezone: 'Europe/Madrid' });
  other = await makeTenant(db, { timezone: 'Europe/Madrid' });
  f = await seedMonth(db, tenant);
  const started = await startAnalyticsServer(db);
  server = started.server;
  analytics = started.modules;
  // Incrementally, as the events would: each booking's creation event, one of them twice and out of order.
  const events = creationEvents(f);
  for (const event of [...events.reverse(), events[0]!]) {
    const request = refreshFor({ ...event, type: event.type });
    if (request) await withTenant(db.db, tenant.tenantId, (trx) => applyRefresh(trx, tenant.tenantId, request));
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('rollups', () => {
  it('the incremental result equals a rebuild from scratch', async () => {
    const incremental = await rollupRows(tenant.tenantId);
    expect(incremental.daily.length).toBeGreaterThan(0);
    await analytics.rebuild(tenant.tenantId);
    expect(await rollupRows(tenant.tenantId)).toEqual(incremental);
  });
});

describe('overview of March 2026 in Europe/Madrid', () => {
  it('counts bookings by status and channel on local days (00:30 local on the 1st is March, on 1 April is not)', async () => {
    const { status, body } = await get(`/analytics/reports/overview?${MARCH}`, admin());
    expect(status).toBe(200);
    const current = body.data.current;
    // b1 b2 b3 b4 b5 b7 b8 b9 b13 b14: ten (b6 is April locally, b10 a draft, b11 b12 February).
    expect(current.bookings).toEqual({
      total: 10,
      by_status: { pending_payment: 1, confirmed: 1, rescheduled: 0, completed: 5, cancelled: 1, no_show: 1, expired: 1 },
      by_channel: { booking_page: 5, widget: 2, staff: 2, api: 1, waitlist: 0, other: 0 },
    });
    expect(current.cancellation_rate_bps).toBe(1111); // 1 / (10 − 1 expired)
    expect(current.no_show_rate_bps).toBe(1667); // 1 / (5 completed + 1 no-show)
    // Lead seconds: 860400 + 169200 + 86400 + 48600 + 784800 + 1800 + 0 + 86400 + 86400 + 1551600 = 3675600; / 10 / 60.
    expect(current.average_lead_time_minutes).toBe(6126);
  });

  it('utilisation and RevPAH from schedules, the holiday, the closure and the 23-hour day', async () => {
    const { body } = await get(`/analytics/reports/overview?${MARCH}`, admin());
    const current = body.data.current;
    // Ana: 22 weekdays − holiday (19th) − closure (6th) = 20 × 480 = 9600. Bea: 8 weekend days × 360 + 29th (5 h) 300 = 3180.
    // Booked: b1 b3 b7 b14 60 each, b4 60, b5 90, b9 60, b13 60 = 510.
    expect(current.utilisation).toEqual({ booked_minutes: 510, available_minutes: 12780, rate_bps: 399 });
    expect(current.duration).toEqual({ timed_bookings: 2, actual_minutes: 125, planned_minutes: 120, difference_minutes: 5 });
    expect(current.revenue).toEqual([
      {
        currency: 'EUR',
        collected: 6000, // b1 1000 + b2 2000 (later refunded) + b4 3000
        refunded: 2500, // 2000 + 500 (the failed 300 does not count)
        net_collected: 5000, // 6000 + 1500 − 2500
        outstanding_deposits: 3000, // b5 2000 + b9 1000 (b8 expired)
        no_show_fees: 1500,
        platform_fees: 335, // 65 + 100 + 50 + 120
        service_revenue: 12000, // b1 b4 b7 b14
        revenue_per_available_hour: 56, // 12000 × 60 / 12780 = 56.34
      },
      {
        currency: 'USD',
        collected: 4000,
        refunded: 0,
        net_collected: 4000,
        outstanding_deposits: 0,
        no_show_fees: 0,
        platform_fees: 150,
        service_revenue: 4000,
        revenue_per_available_hour: 19, // 4000 × 60 / 12780 = 18.78
      },
    ]);
  });

  it('compares with the 31 days before (29 January – 28 February)', async () => {
    const { body } = await get(`/analytics/reports/overview?${MARCH}`, admin());
    expect(body.data.previous_period).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    const previous = body.data.previous;
    expect(previous.bookings.total).toBe(2); // b11, b12 (b7 at 23:30 UTC on the 28th is March locally)
    expect(previous.cancellation_rate_bps).toBe(5000);
    expect(previous.no_show_rate_bps).toBe(0);
    expect(previous.average_lead_time_minutes).toBe(2160); // (86400 + 172800) / 2 / 60
    // 22 weekdays × 480 + 9 weekend days × 360 = 13800; booked b11 60.
    expect(previous.utilisation).toEqual({ booked_minutes: 60, available_minutes: 13800, rate_bps: 43 });
    expect(previous.revenue).toEqual([
      expect.objectContaining({ currency: 'EUR', collected: 0, service_revenue: 3000, revenue_per_available_hour: 13 }),
    ]);
  });
});

describe('tables', () => {
  it('services by revenue, profit from the cost entered (only in its own currency)', async () => {
    const { body } = await get(`/analytics/reports/services?${MARCH}`, admin());
    expect(body.data).toEqual([
      { service_id: f.corteId, name: 'Corte', currency: 'EUR', bookings: 7, completed: 4, cancelled: 0, no_show: 1, service_revenue: 12000, cost_per_booking: 1000, total_cost: 4000, profit: 8000, margin_bps: 6667 },
      { service_id: f.corteId, name: 'Corte', currency: 'USD', bookings: 1, completed: 1, cancelled: 0, no_show: 0, service_revenue: 4000, cost_per_booking: null, total_cost: null, profit: null, margin_bps: null },
      { service_id: f.colorId, name: 'Color', currency: 'EUR', bookings: 2, completed: 0, cancelled: 1, no_show: 0, service_revenue: 0, cost_per_booking: null, total_cost: null, profit: null, margin_bps: null },
    ]);
  });

  it('staff performance: revenue, utilisation, rebooking, actual against planned', async () => {
    const { body } = await get(`/analytics/reports/staff?${MARCH}`, admin());
    const byName = Object.fromEntries(body.data.map((row: { name: string }) => [row.name, row]));
    expect(byName.Ana).toMatchObject({
      bookings: 6, completed: 3, no_show: 1, revenue: [{ currency: 'EUR', service_revenue: 9000 }],
      booked_minutes: 240, available_minutes: 9600, utilisation_bps: 250,
      // March visits with Ana: c1 on the 2nd (next visit with Ana: rebooked), c1 on the 20th, c3 on the 1st (next with Bea).
      visits: 3, rebooked_visits: 1, rebooking_rate_bps: 3333,
      timed_bookings: 1, actual_minutes: 70, planned_minutes: 60,
    });
    expect(byName.Bea).toMatchObject({
      bookings: 4, completed: 2, no_show: 0,
      revenue: [{ currency: 'EUR', service_revenue: 3000 }, { currency: 'USD', service_revenue: 4000 }],
      booked_minutes: 270, available_minutes: 3180, utilisation_bps: 849,
      visits: 3, rebooked_visits: 0, rebooking_rate_bps: 0,
      timed_bookings: 1, actual_minutes: 55, planned_minutes: 60,
    });
  });

  it('new and returning customers, retention with the same professional', async () => {
    const { body } = await get(`/analytics/reports/customers?${MARCH}`, admin());
    // c1 first came in February; c2, c3, c4 first in March. Repeat visits: c1 (2nd, 20th, both after Ana), c3 (29th, after Ana, now Bea).
    expect(body.data.current).toEqual({ customers: 4, new_customers: 3, returning_customers: 1, repeat_visits: 3, same_professional_visits: 2, same_professional_rate_bps: 6667 });
    expect(body.data.previous).toEqual({ customers: 1, new_customers: 1, returning_customers: 0, repeat_visits: 0, same_professional_visits: 0, same_professional_rate_bps: null });
  });

  it('retention cohorts by month of first visit', async () => {
    const { body } = await get('/analytics/reports/cohorts?from=2026-02-01&to=2026-04-30', admin());
    expect(body.data).toEqual([
      { cohort: '2026-02', customers: 1, months: [{ offset: 0, customers: 1, rate_bps: 10000 }, { offset: 1, customers: 1, rate_bps: 10000 }, { offset: 2, customers: 0, rate_bps: 0 }] },
      { cohort: '2026-03', customers: 3, months: [{ offset: 0, customers: 3, rate_bps: 10000 }, { offset: 1, customers: 1, rate_bps: 3333 }] },
    ]);
  });

  it('exports a table as CSV and XLSX', async () => {
    const csv = await get(`/analytics/reports/services/export?${MARCH}&format=csv`, admin());
    expect(csv.status).toBe(200);
    expect(csv.raw.headers['content-type']).toContain('text/csv');
    const lines = csv.raw.body.trim().split('\r\n');
    expect(lines[0]).toBe('service_id,name,currency,bookings,completed,cancelled,no_show,service_revenue,cost_per_booking,total_cost,profit,margin_bps');
    expect(lines[1]).toBe(`${f.corteId},Corte,EUR,7,4,0,1,12000,1000,4000,8000,6667`);
    const xlsx = await server.inject({ method: 'GET', url: `/api/v1/analytics/reports/overview/export?${MARCH}&format=xlsx`, headers: { authorization: admin() } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('funnel', () => {
  it('counts public steps per business and day, without a credential', async () => {
    const steps = ['page_view', 'page_view', 'page_view', 'page_view', 'slot_chosen', 'slot_chosen', 'slot_chosen', 'details', 'details', 'confirmed'];
    for (const step of steps) {
      const response = await server.inject({ method: 'POST', url: '/api/v1/analytics/funnel', headers: { 'x-tenant': tenant.slug }, payload: { step } });
      expect(response.statusCode).toBe(204);
    }
    const bad = await server.inject({ method: 'POST', url: '/api/v1/analytics/funnel', headers: { 'x-tenant': tenant.slug }, payload: { step: 'email', email: 'a@b.c' } });
    expect(bad.statusCode).toBe(400);
    const today = new Date().toISOString().slice(0, 10);
    const { body } = await get(`/analytics/reports/funnel?from=${today.slice(0, 8)}01&to=${today.slice(0, 8)}28`, admin());
    expect(body.data.current.map((step: { count: number }) => step.count)).toEqual([4, 3, 2, 0, 0, 1]);
    expect(body.data.current.map((step: { from_previous_bps: number | null }) => step.from_previous_bps)).toEqual([null, 7500, 6667, 0, null, null]);
    expect(body.data.conversion_bps).toBe(2500);
  });
});

describe('isolation and roles', () => {
  it("another tenant's credential sees nothing of this tenant", async () => {
    const mine = await get(`/analytics/reports/overview?${MARCH}`, testToken(other, 'business_admin'));
    expect(mine.status).toBe(200);
    expect(mine.body.data.current.bookings.total).toBe(0);
    expect(mine.body.data.current.revenue).toEqual([]);
    const theirs = await get(`/analytics/reports/overview?${MARCH}&business_id=${tenant.businessId}`, testToken(other, 'business_admin'));
    expect(theirs.status).toBe(404);
    const staff = await get(`/analytics/reports/staff?${MARCH}&resource_id=${f.anaId}`, testToken(other, 'business_admin'));
    expect(staff.body.data).toEqual([]);
  });

  it('staff cannot read business-wide figures, and read only their own', async () => {
    const ana = testToken(tenant, 'staff', f.anaUserId);
    expect((await get(`/analytics/reports/overview?${MARCH}`, ana)).status).toBe(403);
    expect((await get(`/analytics/reports/services/export?${MARCH}`, ana)).status).toBe(403);
    const own = await get(`/analytics/me/staff?${MARCH}`, ana);
    expect(own.status).toBe(200);
    expect(own.body.data.map((row: { name: string }) => row.name)).toEqual(['Ana']);
    const overview = await get(`/analytics/me/overview?${MARCH}`, ana);
    expect(overview.body.data.current.bookings.total).toBe(6);
    expect(overview.body.data.current.utilisation.available_minutes).toBe(9600);
  });

  it('a business admin cannot reach platform KPIs', async () => {
    expect((await get('/analytics/platform/kpis?from=2026-03-01&to=2026-03-31', admin())).status).toBe(403);
    expect((await get('/analytics/platform/tenants', admin())).status).toBe(403);
  });

  it('refuses bad periods with a validation error', async () => {
    expect((await get('/analytics/reports/overview?from=2026-03-31&to=2026-03-01', admin())).body.error.code).toBe('VALIDATION_ERROR');
    expect((await get('/analytics/reports/overview?from=2025-01-01&to=2026-03-01', admin())).status).toBe(400);
  });
});
