import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import ICAL from 'ical.js';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { adminToken, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from '../../../test/webhooks/harness.ts';
import { makeCustomer } from '../../../test/notifications/fixtures.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';

let database: TestDatabase;
let harness: Harness;
let tenant: TestTenant;
let resourceId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  harness = await startHarness(database);
  tenant = await makeTenant(database, { timezone: 'America/New_York' });
  resourceId = randomUUID();
  const locationId = randomUUID();
  await withPlatform(database.db, async (trx) => {
    await sql`insert into locations (tenant_id, id, business_id, name, timezone) values (${tenant.tenantId}, ${locationId}, ${tenant.businessId}, 'Main', 'America/New_York')`.execute(trx);
    await sql`insert into resources (tenant_id, id, location_id, name, type) values (${tenant.tenantId}, ${resourceId}, ${locationId}, 'Sam', 'staff')`.execute(trx);
  });
});
afterAll(async () => {
  await harness.close();
  await database.close();
});

function booking(customerId: string, start: string, end: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    booking_number: `BK-${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    status: 'confirmed',
    start_time: start,
    end_time: end,
    service: { id: randomUUID(), name: 'Massage' },
    resource: { id: resourceId, name: 'Sam' },
    customer: { id: customerId, first_name: 'Ana' },
    location: { name: 'Main', timezone: 'America/New_York' },
    ...overrides,
  };
}

async function createFeed(body: Record<string, unknown>) {
  const response = await harness.server.inject({
    method: 'POST',
    url: '/api/v1/calendar/feeds',
    headers: { authorization: adminToken(tenant.tenantId) },
    payload: body,
  });
  return response;
}

function eventsOf(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return calendar.getAllSubcomponents('vevent').map((vevent) => ({
    vevent,
    event: new ICAL.Event(vevent),
    status: vevent.getFirstPropertyValue('status'),
    tzid: vevent.getFirstProperty('dtstart')?.getParameter('tzid'),
  }));
}

describe('ICS feeds', () => {
  it('serves a resource’s bookings in its zone, cancelled ones with the same UID and a higher SEQUENCE', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'feed@example.com' });
    // 2030-03-10 is the US spring-forward day: 10:00 local is EDT (-04:00).
    const kept = booking(customerId, '2030-03-10T10:00:00-04:00', '2030-03-10T11:00:00-04:00');
    const cancelled = booking(customerId, '2030-03-09T10:00:00-05:00', '2030-03-09T11:00:00-05:00');
    await publish(database, tenant.tenantId, 'booking.created', kept);
    await publish(database, tenant.tenantId, 'booking.created', cancelled);
    await harness.drain();
    const created = await createFeed({ kind: 'resource', resource_id: resourceId, name: 'Sam' });
    expect(created.statusCode).toBe(201);
    const { token, url } = created.json().data as { token: string; url: string };
    expect(token).toMatch(/^rhcal_[A-Za-z0-9_-]{43}$/);
    expect(url).toBe(`https://book.example.test/api/v1/calendar/feeds/${token}.ics`);

    const before = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/${token}.ics` });
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-type']).toContain('text/calendar');
    const firstSequence = eventsOf(before.body).find((entry) => entry.event.uid === `${cancelled.id}@reservehub`)?.event.sequence ?? -1;

    await publish(database, tenant.tenantId, 'booking.cancelled', { ...cancelled, status: 'cancelled' });
    await harness.drain();
    const feed = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/${token}.ics` });
    const events = eventsOf(feed.body);
    expect(events).toHaveLength(2);
    const live = events.find((entry) => entry.event.uid === `${kept.id}@reservehub`);
    expect(live?.tzid).toBe('America/New_York');
    expect(live?.event.startDate.toString()).toBe('2030-03-10T10:00:00');
    expect(live?.event.startDate.toJSDate().toISOString()).toBe('2030-03-10T14:00:00.000Z');
    expect(live?.status).toBe('CONFIRMED');
    const gone = events.find((entry) => entry.event.uid === `${cancelled.id}@reservehub`);
    expect(gone?.status).toBe('CANCELLED');
    expect(gone?.event.startDate.toJSDate().toISOString()).toBe('2030-03-09T15:00:00.000Z');
    expect(gone?.event.sequence).toBeGreaterThan(firstSequence);
  });

  it('serves a customer’s own bookings only, and stops when revoked', async () => {
    const mine = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Eva', email: 'eva-feed@example.com' });
    const theirs = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Leo', email: 'leo-feed@example.com' });
    const own = booking(mine, '2030-06-01T10:00:00-04:00', '2030-06-01T11:00:00-04:00');
    await publish(database, tenant.tenantId, 'booking.created', own);
    await publish(database, tenant.tenantId, 'booking.created', booking(theirs, '2030-06-02T10:00:00-04:00', '2030-06-02T11:00:00-04:00'));
    await harness.drain();
    const created = await createFeed({ kind: 'customer', customer_id: mine });
    const { id, token } = created.json().data as { id: string; token: string };
    const feed = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/${token}.ics` });
    expect(eventsOf(feed.body).map((entry) => entry.event.uid)).toEqual([`${own.id}@reservehub`]);

    const revoke = await harness.server.inject({ method: 'DELETE', url: `/api/v1/calendar/feeds/${id}`, headers: { authorization: adminToken(tenant.tenantId) } });
    expect(revoke.statusCode).toBe(204);
    const after = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/${token}.ics` });
    expect(after.statusCode).toBe(404);
    const list = await harness.server.inject({ method: 'GET', url: '/api/v1/calendar/feeds', headers: { authorization: readerToken(tenant.tenantId) } });
    expect(list.json().data.find((feedRow: { id: string }) => feedRow.id === id)?.status).toBe('revoked');
  });

  it('reads the booking module’s flat payload, taking names and zone from the catalog', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'flat@example.com' });
    const id = randomUUID();
    await publish(database, tenant.tenantId, 'booking.created', {
      id,
      booking_number: 'BK-FLAT01',
      status: 'confirmed',
      service_id: randomUUID(),
      resource_id: resourceId,
      location_id: randomUUID(),
      customer_id: customerId,
      start_time: '2030-07-01T13:00:00.000Z',
      end_time: '2030-07-01T14:00:00.000Z',
      pricing: { total_price: 5000, deposit_required: 0, deposit_paid: 0, currency: 'USD' },
    });
    await harness.drain();
    const created = await createFeed({ kind: 'customer', customer_id: customerId });
    const feed = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/${String(created.json().data.token)}.ics` });
    const [entry] = eventsOf(feed.body);
    expect(entry?.event.uid).toBe(`${id}@reservehub`);
    expect(entry?.tzid).toBe('America/New_York');
    expect(entry?.event.startDate.toString()).toBe('2030-07-01T09:00:00');
    expect(entry?.event.summary).toBe('Booking · Sam');
  });

  it('answers 404 for unknown tokens and other tenants’ resources', async () => {
    const unknown = await harness.server.inject({ method: 'GET', url: `/api/v1/calendar/feeds/rhcal_${'A'.repeat(43)}.ics` });
    expect(unknown.statusCode).toBe(404);
    const other = await makeTenant(database);
    const foreign = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/calendar/feeds',
      headers: { authorization: adminToken(other.tenantId) },
      payload: { kind: 'resource', resource_id: resourceId },
    });
    expect(foreign.statusCode).toBe(404);
    const missing = await createFeed({ kind: 'customer' });
    expect(missing.statusCode).toBe(400);
  });
});
