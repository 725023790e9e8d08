import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { actorOf } from '../../src/modules/booking/booking-deps.ts';
import { BOOKING_API_ACTIONS, holdsSlot, isTerminal, type BookingStatus } from '../../src/modules/booking/booking-state.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';

let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let plain: Catalog;
let withDeposit: Catalog;

beforeAll(async () => {
  db = await openTestDatabase();
  app = await startBookingServer(db);
  tenant = await makeTenant(db);
  plain = await makeCatalog(app, tenant);
  withDeposit = await makeCatalog(app, tenant, { deposit: { type: 'fixed', value: 500 } });
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const admin = () =>
  actorOf({
    tenantId: tenant.tenantId,
    actor: { type: 'user', id: tenant.tenantId },
    userId: null,
    role: 'business_admin',
    sessionId: null,
    can: () => true,
    attributes: {},
  });

let slotCounter = 0;
/** A fresh start each time: day 30+ at 09:00..17:30, so runs never collide. */
function nextSlot(): string {
  const index = slotCounter++;
  const minutes = (index % 18) * 30;
  return madridSlot(30 + Math.floor(index / 18), `${String(9 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
}

async function activeAllocations(bookingId: string): Promise<number> {
  return withTenant(db.db, tenant.tenantId, async (trx) => {
    const result = await sql<{ count: number }>`select count(*)::int as count from allocations where booking_id = ${bookingId} and active`.execute(trx);
    return result.rows[0]?.count ?? -1;
  });
}

async function statusOf(bookingId: string): Promise<BookingStatus> {
  return (await app.booking.services.query.get(tenant.tenantId, bookingId, admin())).status;
}

const step = fc.oneof(
  fc.constantFrom(...BOOKING_API_ACTIONS).map((action) => ({ kind: 'api' as const, action })),
  fc.constant({ kind: 'expire' as const }),
  fc.constant({ kind: 'paid' as const }),
);

it('random action sequences: terminal states never change; a booking holds its slot exactly in active states', async () => {
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 7 }), async (deposit, steps) => {
      const catalog = deposit ? withDeposit : plain;
      const created = await app.booking.services.create.create(
        tenant.tenantId,
        { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: nextSlot(), customer: { first_name: 'Prop', email: `prop${slotCounter}@example.com` } },
        admin(),
        null,
      );
      const id = created.id;
      let status: BookingStatus = created.status;
      expect(await activeAllocations(id)).toBe(holdsSlot(status) ? 1 : 0);
      for (const next of steps) {
        const before = status;
        try {
          if (next.kind === 'api') {
            await app.booking.services.actions.patch(tenant.tenantId, id, {
              action: next.action,
              ...(next.action === 'reschedule' ? { new_start_time: nextSlot() } : {}),
            }, admin());
          } else if (next.kind === 'expire') {
            // Force the hold to have run out, as the expiry job sees it.
            await withTenant(db.db, tenant.tenantId, (trx) => sql`update bookings set payment_expires_at = now() - interval '1 minute' where id = ${id} and status = 'pending_payment'`.execute(trx));
            await app.booking.services.actions.expireUnpaid(tenant.tenantId, id);
          } else {
            await app.booking.services.actions.confirmPaid(tenant.tenantId, id, 500, null);
          }
        } catch (error) {
          if (!(error instanceof AppError) || !['INVALID_TRANSITION', 'POLICY_VIOLATION', 'SLOT_UNAVAILABLE'].includes(error.code)) throw error;
        }
        status = await statusOf(id);
        if (isTerminal(before)) expect(status).toBe(before);
        expect(status).not.toBe('rescheduled');
        expect(await activeAllocations(id)).toBe(holdsSlot(status) ? 1 : 0);
      }
      const history = (await app.booking.services.query.get(tenant.tenantId, id, admin())).history ?? [];
      expect(history.at(-1)?.to).toBe(status);
      // Every recorded step starts where the previous one ended.
      for (let index = 1; index < history.length; index += 1) {
        const previous = history[index - 1];
        const current = history[index];
        if (previous && current && current.from !== null) expect(current.from).toBe(previous.to);
      }
    }),
    { numRuns: 25 },
  );
}, 240_000);
