/**
 * Property: whatever sequence of booking changes happens, and whatever order (with
 * duplicates) their events reach the refresh in, the incremental rollups equal a rebuild
 * from scratch of the final raw state.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAnalyticsModule } from '../../src/modules/analytics/index.ts';
import { applyRefresh, refreshFor } from '../../src/modules/analytics/rollup-refresh.job.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant } from '../support/module-server.ts';
import { seedMonth, type MonthFixture } from './fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

const STATUSES = ['confirmed', 'completed', 'cancelled', 'no_show', 'rescheduled', 'expired'] as const;

/** A change to one of the fixture's bookings: a new status, or a move to another resource and start. */
const changeArbitrary = fc.record({
  booking: fc.integer({ min: 0, max: 13 }),
  status: fc.constantFrom(...STATUSES),
  move: fc.option(fc.record({ toBea: fc.boolean(), hours: fc.integer({ min: -48, max: 48 }) }), { nil: null }),
  refund: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
});

async function rows(tenantId: string) {
  return withPlatform(db.db, async (trx) => ({
    daily: (await sql`select * from analytics_daily where tenant_id = ${tenantId} order by resource_id, day, service_id, location_id, currency`.execute(trx)).rows,
    hourly: (await sql`select * from analytics_hourly where tenant_id = ${tenantId} order by resource_id, day, service_id, location_id, weekday, hour`.execute(trx)).rows,
    customers: (await sql`select * from analytics_customer_days where tenant_id = ${tenantId} order by customer_id, day, resource_id, location_id`.execute(trx)).rows,
  }));
}

interface Event {
  type: string;
  aggregateId: string;
  data: Record<string, unknown>;
  previousAttributes: Record<string, unknown> | null;
}

/** Applies a change to the raw tables as booking and payments would, returning the events they would publish. */
type Change = typeof changeArbitrary extends fc.Arbitrary<infer T> ? T : never;

async function applyChange(f: MonthFixture, tenantId: string, change: Change): Promise<Event[]> {
  const booking = Object.values(f.bookings)[change.booking]!;
  return withPlatform(db.db, async (trx) => {
    const before = (await sql<{ resource_id: string; start_time: Date; customer_id: string }>`
      select resource_id, start_time, customer_id from bookings where tenant_id = ${tenantId} and id = ${booking.id}`.execute(trx)).rows[0]!;
    const events: Event[] = [];
    if (change.move) {
      const resource = change.move.toBea ? f.beaId : f.anaId;
      const start = new Date(before.start_time.getTime() + change.move.hours * 3_600_000);
      await sql`update bookings set resource_id = ${resource}, start_time = ${start}, end_time = ${new Date(start.getTime() + 3_600_000)}
        where tenant_id = ${tenantId} and id = ${booking.id}`.execute(trx);
      events.push({
        type: 'booking.rescheduled',
        aggregateId: booking.id,
        data: { id: booking.id, customer_id: before.customer_id, resource_id: resource, start_time: start.toISOString() },
        previousAttributes: { resource_id: before.resource_id, start_time: before.start_time.toISOString() },
      });
    }
    await sql`update bookings set status = ${change.status} where tenant_id = ${tenantId} and id = ${booking.id}`.execute(trx);
    events.push({ type: 'booking.updated', aggregateId: booking.id, data: { id: booking.id, customer_id: before.customer_id }, previousAttributes: null });
    if (change.refund !== null) {
      const payment = (await sql<{ id: string; currency: string }>`select id, currency from payments where tenant_id = ${tenantId} and booking_id = ${booking.id} limit 1`.execute(trx)).rows[0];
      if (payment) {
        await sql`insert into refunds (tenant_id, payment_id, amount, currency, status, idempotency_key)
          values (${tenantId}, ${payment.id}, ${change.refund}, ${payment.currency}, 'succeeded', ${randomUUID()})`.execute(trx);
        events.push({ type: 'payment.refunded', aggregateId: payment.id, data: { booking_id: booking.id, customer_id: before.customer_id }, previousAttributes: null });
      }
    }
    return events;
  });
}

it('incremental rollups equal a rebuild over random changes, delivered shuffled and duplicated', async () => {
  const analytics = createAnalyticsModule({ db: db.db });
  await fc.assert(
    fc.asyncProperty(fc.array(changeArbitrary, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), async (changes, randomness) => {
      const tenant = await makeTenant(db, { timezone: 'Europe/Madrid' });
      const f = await seedMonth(db, tenant);
      await analytics.rebuild(tenant.tenantId);
      const events: Event[] = [];
      const random = randomness[Symbol.iterator]();
      const deliver = async (event: Event) => {
        const request = refreshFor(event);
        if (request) await withTenant(db.db, tenant.tenantId, (trx) => applyRefresh(trx, tenant.tenantId, request));
      };
      for (const change of changes) {
        events.push(...(await applyChange(f, tenant.tenantId, change)));
        // Some events arrive early, before later changes (their recomputation is then stale).
        for (const event of events) if (random.next().value % 4 === 0) await deliver(event);
      }
      // Then every event at least once, some twice, in a shuffled order.
      const delivered = [...events, ...events.filter(() => random.next().value % 3 === 0)];
      for (let i = delivered.length - 1; i > 0; i -= 1) {
        const j = random.next().value % (i + 1);
        [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
      }
      for (const event of delivered) await deliver(event);
      const incremental = await rows(tenant.tenantId);
      await analytics.rebuild(tenant.tenantId);
      expect(incremental).toEqual(await rows(tenant.tenantId));
    }),
    { numRuns: 15 },
  );
}, 300_000);
