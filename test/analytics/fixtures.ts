/**
 * A month of known raw data for the analytics tests, written straight into the raw tables
 * (as booking and payments would have left them): one location in Europe/Madrid, two staff
 * resources with schedules, a holiday and a location closure, fourteen bookings around March
 * 2026 (whose last Sunday is the spring-forward day), payments and refunds. The expected
 * figures are worked out by hand in exactness.test.ts from the comments here.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { createAnalyticsModule, type AnalyticsModule, type AnalyticsModuleDeps } from '../../src/modules/analytics/index.ts';
import { startModuleServer, type ModuleServer, type TestTenant } from '../support/module-server.ts';

export interface MonthFixture {
  locationId: string;
  anaId: string;
  beaId: string;
  anaUserId: string;
  corteId: string;
  colorId: string;
  customers: Record<'c1' | 'c2' | 'c3' | 'c4' | 'c5', string>;
  bookings: Record<string, { id: string; resourceId: string; customerId: string; start: string }>;
}

interface BookingSpec {
  key: string;
  resource: 'ana' | 'bea';
  service: 'corte' | 'color';
  customer: keyof MonthFixture['customers'];
  /** UTC instants. */
  start: string;
  minutes: number;
  status: string;
  source: string;
  created: string;
  total: number;
  depositRequired?: number;
  depositPaid?: number;
  currency?: string;
  actual?: [string, string];
}

/** Times are UTC; Madrid is UTC+1 until 2026-03-29 02:00 local, UTC+2 after. */
const BOOKINGS: BookingSpec[] = [
  // B1 Mon 2 Mar 10:00 local; checked in 10:05, out 11:15 (70 min for 60 planned).
  { key: 'b1', resource: 'ana', service: 'corte', customer: 'c1', start: '2026-03-02T09:00:00Z', minutes: 60, status: 'completed', source: 'web', created: '2026-02-20T10:00:00Z', total: 3000, depositRequired: 1000, depositPaid: 1000, actual: ['2026-03-02T09:05:00Z', '2026-03-02T10:15:00Z'] },
  { key: 'b2', resource: 'ana', service: 'color', customer: 'c2', start: '2026-03-03T11:00:00Z', minutes: 90, status: 'cancelled', source: 'widget', created: '2026-03-01T12:00:00Z', total: 6000, depositRequired: 2000, depositPaid: 2000 },
  { key: 'b3', resource: 'ana', service: 'corte', customer: 'c1', start: '2026-03-10T08:00:00Z', minutes: 60, status: 'no_show', source: 'admin', created: '2026-03-09T08:00:00Z', total: 3000 },
  // B4 Sun 29 Mar 00:30 local = Sat 28 Mar 23:30 UTC: belongs to the local 29th (DST day). In 00:35, out 01:30.
  { key: 'b4', resource: 'bea', service: 'corte', customer: 'c2', start: '2026-03-28T23:30:00Z', minutes: 60, status: 'completed', source: 'api', created: '2026-03-28T10:00:00Z', total: 3000, actual: ['2026-03-28T23:35:00Z', '2026-03-29T00:30:00Z'] },
  // B5 Sun 29 Mar 04:00 local (after the clock jumped) = 02:00 UTC.
  { key: 'b5', resource: 'bea', service: 'color', customer: 'c3', start: '2026-03-29T02:00:00Z', minutes: 90, status: 'confirmed', source: 'web', created: '2026-03-20T00:00:00Z', total: 6000, depositRequired: 2000, depositPaid: 0 },
  // B6 Wed 1 Apr 00:30 local = Tue 31 Mar 22:30 UTC: April locally, not in March.
  { key: 'b6', resource: 'ana', service: 'corte', customer: 'c4', start: '2026-03-31T22:30:00Z', minutes: 60, status: 'confirmed', source: 'web', created: '2026-03-15T00:00:00Z', total: 3000 },
  // B7 Sun 1 Mar 00:30 local = Sat 28 Feb 23:30 UTC: March locally.
  { key: 'b7', resource: 'ana', service: 'corte', customer: 'c3', start: '2026-02-28T23:30:00Z', minutes: 60, status: 'completed', source: 'manage_link', created: '2026-02-28T23:00:00Z', total: 3000 },
  { key: 'b8', resource: 'ana', service: 'corte', customer: 'c5', start: '2026-03-12T09:00:00Z', minutes: 60, status: 'expired', source: 'web', created: '2026-03-12T09:30:00Z', total: 3000, depositRequired: 1000 },
  { key: 'b9', resource: 'bea', service: 'corte', customer: 'c5', start: '2026-03-14T00:00:00Z', minutes: 60, status: 'pending_payment', source: 'widget', created: '2026-03-13T00:00:00Z', total: 3000, depositRequired: 1000 },
  { key: 'b10', resource: 'ana', service: 'corte', customer: 'c5', start: '2026-03-16T09:00:00Z', minutes: 60, status: 'draft', source: 'web', created: '2026-03-15T09:00:00Z', total: 3000 },
  { key: 'b11', resource: 'ana', service: 'corte', customer: 'c1', start: '2026-02-10T09:00:00Z', minutes: 60, status: 'completed', source: 'web', created: '2026-02-09T09:00:00Z', total: 3000 },
  { key: 'b12', resource: 'bea', service: 'corte', customer: 'c2', start: '2026-02-14T00:00:00Z', minutes: 60, status: 'cancelled', source: 'web', created: '2026-02-12T00:00:00Z', total: 3000 },
  { key: 'b13', resource: 'bea', service: 'corte', customer: 'c4', start: '2026-03-21T01:00:00Z', minutes: 60, status: 'completed', source: 'web', created: '2026-03-20T01:00:00Z', total: 4000, currency: 'USD' },
  { key: 'b14', resource: 'ana', service: 'corte', customer: 'c1', start: '2026-03-20T09:00:00Z', minutes: 60, status: 'completed', source: 'admin', created: '2026-03-02T10:00:00Z', total: 3000 },
];

/** Payments: [booking, type, status, amount, platform fee, currency, refunds [amount, status][]]. */
const PAYMENTS: Array<[string, string, string, number, number, string, Array<[number, string]>]> = [
  ['b1', 'deposit', 'succeeded', 1000, 65, 'EUR', []],
  ['b2', 'deposit', 'refunded', 2000, 100, 'EUR', [[2000, 'succeeded']]],
  ['b3', 'penalty', 'succeeded', 1500, 50, 'EUR', []],
  ['b4', 'full_payment', 'partially_refunded', 3000, 120, 'EUR', [[500, 'succeeded'], [300, 'failed']]],
  ['b9', 'deposit', 'requires_payment_method', 1000, 30, 'EUR', []],
  ['b13', 'full_payment', 'succeeded', 4000, 150, 'USD', []],
];

export async function seedMonth(handle: DatabaseHandle, tenant: TestTenant): Promise<MonthFixture> {
  const t = tenant.tenantId;
  const f: MonthFixture = {
    locationId: randomUUID(),
    anaId: randomUUID(),
    beaId: randomUUID(),
    anaUserId: randomUUID(),
    corteId: randomUUID(),
    colorId: randomUUID(),
    customers: { c1: randomUUID(), c2: randomUUID(), c3: randomUUID(), c4: randomUUID(), c5: randomUUID() },
    bookings: {},
  };
  await withPlatform(handle.db, async (trx) => {
    await sql`insert into locations (tenant_id, id, business_id, name, timezone) values (${t}, ${f.locationId}, ${tenant.businessId}, 'Centro', 'Europe/Madrid')`.execute(trx);
    await sql`insert into resources (tenant_id, id, location_id, name, type, user_id) values
      (${t}, ${f.anaId}, ${f.locationId}, 'Ana', 'staff', ${f.anaUserId}), (${t}, ${f.beaId}, ${f.locationId}, 'Bea', 'staff', null)`.execute(trx);
    await sql`insert into services (tenant_id, id, business_id, name, duration_minutes, price_amount, currency, cost_amount) values
      (${t}, ${f.corteId}, ${tenant.businessId}, 'Corte', 60, 3000, 'EUR', 1000), (${t}, ${f.colorId}, ${tenant.businessId}, 'Color', 90, 6000, 'EUR', null)`.execute(trx);
    // Ana: weekdays 09:00–17:00; a holiday on Thu 19 Mar; the location is closed on Fri 6 Mar.
    // Bea: weekends 00:00–06:00 local (5 h on the spring-forward Sunday, 29 Mar).
    await sql`insert into schedules (tenant_id, resource_id, name, start_date, time_slots) values
      (${t}, ${f.anaId}, 'Weekdays', '2026-01-01', ${JSON.stringify([{ start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }])}::jsonb),
      (${t}, ${f.beaId}, 'Weekend nights', '2026-01-01', ${JSON.stringify([{ start: '00:00', end: '06:00', days: [6, 7] }])}::jsonb)`.execute(trx);
    await sql`insert into schedule_exceptions (tenant_id, resource_id, exception_date, type) values (${t}, ${f.anaId}, '2026-03-19', 'holiday')`.execute(trx);
    await sql`insert into location_closures (tenant_id, location_id, closure_date) values (${t}, ${f.locationId}, '2026-03-06')`.execute(trx);
    for (const [key, id] of Object.entries(f.customers)) {
      await sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx)
        values (${t}, ${id}, 'guest', ${`enc-${key}`}, ${`enc-${key}`}, ${`bidx-${id}`})`.execute(trx);
    }
    for (const [index, spec] of BOOKINGS.entries()) {
      const id = randomUUID();
      const resourceId = spec.resource === 'ana' ? f.anaId : f.beaId;
      const customerId = f.customers[spec.customer];
      const end = new Date(Date.parse(spec.start) + spec.minutes * 60_000).toISOString();
      const service = spec.service === 'corte' ? { id: f.corteId, name: 'Corte' } : { id: f.colorId, name: 'Color' };
      await sql`insert into bookings (tenant_id, id, business_id, location_id, service_id, resource_id, customer_id, booking_number, status,
          start_time, end_time, service_name, resource_name, resource_type, time_zone, actual_start_time, actual_end_time,
          base_price, total_price, deposit_required, deposit_paid, currency, customer_type, source, created_at, payment_expires_at)
        values (${t}, ${id}, ${tenant.businessId}, ${f.locationId}, ${service.id}, ${resourceId}, ${customerId},
          ${`BK-AAAAA${'23456789ABCDEFGH'[index]}${'23456789ABCDEFGH'[index]}`}, ${spec.status}, ${spec.start}, ${end}, ${service.name}, ${spec.resource}, 'staff',
          'Europe/Madrid', ${spec.actual?.[0] ?? null}, ${spec.actual?.[1] ?? null}, ${spec.total}, ${spec.total}, ${spec.depositRequired ?? 0},
          ${spec.depositPaid ?? 0}, ${spec.currency ?? 'EUR'}, 'guest', ${spec.source}, ${spec.created},
          ${spec.status === 'pending_payment' ? spec.start : null})`.execute(trx);
      f.bookings[spec.key] = { id, resourceId, customerId, start: spec.start };
    }
    for (const [index, [key, type, status, amount, fee, currency, refunds]] of PAYMENTS.entries()) {
      const booking = f.bookings[key]!;
      const paymentId = randomUUID();
      await sql`insert into payments (tenant_id, id, booking_id, customer_id, type, status, amount, currency, platform_fee, provider, idempotency_key)
        values (${t}, ${paymentId}, ${booking.id}, ${booking.customerId}, ${type}, ${status}, ${amount}, ${currency}, ${fee}, 'sandbox', ${`pay-${index}`})`.execute(trx);
      for (const [refundIndex, [refundAmount, refundStatus]] of refunds.entries()) {
        await sql`insert into refunds (tenant_id, payment_id, amount, currency, status, idempotency_key)
          values (${t}, ${paymentId}, ${refundAmount}, ${currency}, ${refundStatus}, ${`refund-${index}-${refundIndex}`})`.execute(trx);
      }
    }
  });
  return f;
}

/** The events booking would have published for each booking, as (type, data) pairs the refresh reads. */
export function creationEvents(f: MonthFixture): Array<{ type: string; aggregateId: string; data: Record<string, unknown>; previousAttributes: null }> {
  return Object.values(f.bookings).map((booking) => ({
    type: 'booking.created',
    aggregateId: booking.id,
    data: { id: booking.id, customer_id: booking.customerId, resource_id: booking.resourceId, start_time: booking.start },
    previousAttributes: null,
  }));
}

/** The analytics module's routes on a test server that applies identity's role table. */
export function startAnalyticsServer(handle: DatabaseHandle, deps: Omit<AnalyticsModuleDeps, 'db'> = {}): Promise<ModuleServer<AnalyticsModule>> {
  return startModuleServer(handle, {
    permissions: 'role-table',
    register(api) {
      const module = createAnalyticsModule({ db: handle.db, ...deps });
      module.registerRoutes(api);
      return module;
    },
  });
}
