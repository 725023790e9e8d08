import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makeTenant, readerToken, startTestServer, type TestServer, type TestTenant } from './harness.ts';
import { httpClient } from '../support/http.ts';

let handle: TestDatabase;
let app: TestServer;
let tenant: TestTenant;
let other: TestTenant;

/** A weekday (Mon–Fri) at least a week ahead, so notice and advance rules do not interfere. */
function nextWeekday(isoWeekday: number): string {
  let date = Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 7 });
  while (date.dayOfWeek !== isoWeekday) date = date.add({ days: 1 });
  return date.toString();
}

const call = httpClient(() => app.server);

async function setUpSalon(owner: TestTenant) {
  const auth = adminToken(owner);
  const location = await call('POST', '/api/v1/locations', {
    auth,
    body: { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } },
  });
  expect(location.status).toBe(201);
  const resource = await call('POST', '/api/v1/resources', {
    auth,
    body: { location_id: location.body.data.id, name: 'Marta', type: 'staff', skills: ['Massage'] },
  });
  expect(resource.status).toBe(201);
  const schedule = await call('POST', '/api/v1/schedules', {
    auth,
    body: {
      resource_id: resource.body.data.id,
      name: 'Semana',
      start_date: '2026-01-01',
      time_slots: [{ start: '09:00', end: '14:00', days: [1, 2, 3, 4, 5] }],
    },
  });
  expect(schedule.status).toBe(201);
  const service = await call('POST', '/api/v1/services', {
    auth,
    body: { name: 'Corte', duration_minutes: 30, price: { amount: 2000, currency: 'EUR' }, resource_ids: [resource.body.data.id] },
  });
  expect(service.status).toBe(201);
  return {
    locationId: location.body.data.id as string,
    resourceId: resource.body.data.id as string,
    scheduleId: schedule.body.data.id as string,
    serviceId: service.body.data.id as string,
  };
}

beforeAll(async () => {
  handle = await openTestDatabase();
  app = await startTestServer(handle);
  tenant = await makeTenant(handle);
  other = await makeTenant(handle);
});

afterAll(async () => {
  await app.server.close();
  await handle.close();
});

describe('catalog and availability over HTTP', () => {
  it('offers exactly 10 slots 09:00..13:30 for a 30-minute service on a 09:00-14:00 weekday (contract smoke)', async () => {
    const salon = await setUpSalon(tenant);
    const date = nextWeekday(3);
    const availability = await call('GET', `/api/v1/availability?service_id=${salon.serviceId}&from_date=${date}&to_date=${date}`, {
      tenant: tenant.slug,
    });
    expect(availability.status).toBe(200);
    const [resource] = availability.body.data.resources;
    expect(resource.resource).toMatchObject({ id: salon.resourceId, name: 'Marta', type: 'staff' });
    const slots = resource.dates[0].slots;
    expect(slots.map((slot: { start_time: string }) => slot.start_time.slice(11, 16))).toEqual([
      '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30',
    ]);
    expect(slots[0].start_time).toMatch(/^\d{4}-\d\d-\d\dT09:00:00\+0[12]:00$/);
    expect(slots.every((slot: { available: boolean }) => slot.available)).toBe(true);
    expect(JSON.stringify(availability.body)).not.toContain('booking');
    expect(availability.body.data.business_hours[0].dates[0].hours).toHaveLength(1);
  });

  it('creates services with every API.md field and reads them back', async () => {
    const salon = await setUpSalon(tenant);
    const auth = adminToken(tenant);
    const category = await call('POST', '/api/v1/service-categories', { auth, body: { name: 'Color', color: '#AA3300', sort_order: 2 } });
    expect(category.status).toBe(201);
    const created = await call('POST', '/api/v1/services', {
      auth,
      body: {
        category_id: category.body.data.id,
        name: 'Coloración',
        description: 'Tinte completo',
        duration_minutes: 90,
        buffer_before_minutes: 10,
        buffer_after_minutes: 15,
        capacity: 1,
        slot_interval_minutes: 30,
        min_notice_minutes: 120,
        max_advance_days: 60,
        price: { amount: 6500, currency: 'EUR' },
        cost_amount: 2100,
        deposit: { type: 'percentage', value: 20 },
        cancellation_policy: { window_hours: 24, rules: [{ min_hours: 48, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] },
        resource_ids: [salon.resourceId],
      },
    });
    expect(created.status).toBe(201);
    const fetched = await call('GET', `/api/v1/services/${created.body.data.id}`, { auth });
    expect(fetched.body.data).toMatchObject({
      category_id: category.body.data.id,
      duration_minutes: 90,
      buffer_before_minutes: 10,
      buffer_after_minutes: 15,
      slot_interval_minutes: 30,
      min_notice_minutes: 120,
      max_advance_days: 60,
      price: { amount: 6500, currency: 'EUR' },
      cost_amount: 2100,
      deposit: { type: 'percentage', value: 20 },
      cancellation_policy: { window_hours: 24 },
      resource_ids: [salon.resourceId],
      status: 'active',
    });
    // The cost (profitability reports) can be cleared again: null means "not entered", not zero.
    const cleared = await call('PATCH', `/api/v1/services/${created.body.data.id}`, { auth, body: { cost_amount: null } });
    expect(cleared.status).toBe(200);
    expect((await call('GET', `/api/v1/services/${created.body.data.id}`, { auth })).body.data.cost_amount).toBeNull();
    const negative = await call('PATCH', `/api/v1/services/${created.body.data.id}`, { auth, body: { cost_amount: -1 } });
    expect(negative.status).toBe(400);

    const tier = await call('POST', `/api/v1/services/${created.body.data.id}/pricing`, {
      auth,
      body: {
        name: 'Sábado',
        base_price: 7500,
        currency: 'EUR',
        deposit_type: 'none',
        deposit_value: 0,
        is_default: false,
        conditions: { days: [6] },
        valid_from: null,
        valid_until: null,
      },
    });
    expect(tier.status).toBe(201);
    const wrongCurrency = await call('POST', `/api/v1/services/${created.body.data.id}/pricing`, {
      auth,
      body: { ...tier.body.data, id: undefined, currency: 'USD' },
    });
    expect(wrongCurrency.status).toBe(400);
    const tiers = await call('GET', `/api/v1/services/${created.body.data.id}/pricing`, { auth });
    expect(tiers.body.data).toHaveLength(1);
  });

  it('answers 404 for every id of another tenant', async () => {
    const theirs = await setUpSalon(other);
    const auth = adminToken(tenant);
    const exception = await call('POST', '/api/v1/schedule-exceptions', {
      auth: adminToken(other),
      body: { resource_id: theirs.resourceId, exception_date: nextWeekday(1), type: 'holiday' },
    });
    expect(exception.status).toBe(201);
    const urls = [
      `/api/v1/locations/${theirs.locationId}`,
      `/api/v1/resources/${theirs.resourceId}`,
      `/api/v1/services/${theirs.serviceId}`,
      `/api/v1/schedules/${theirs.scheduleId}`,
      `/api/v1/schedule-exceptions/${exception.body.data.id}`,
    ];
    for (const url of urls) {
      expect((await call('GET', url, { auth })).status, `GET ${url}`).toBe(404);
      expect((await call('PATCH', url, { auth, body: {} })).status, `PATCH ${url}`).toBe(404);
      expect((await call('DELETE', url, { auth })).status, `DELETE ${url}`).toBe(404);
    }
    expect((await call('GET', `/api/v1/services/${theirs.serviceId}/pricing`, { auth })).status).toBe(404);
    expect((await call('GET', `/api/v1/locations/${theirs.locationId}/closures`, { auth })).status).toBe(404);
    expect(
      (await call('POST', '/api/v1/resources', { auth, body: { location_id: theirs.locationId, name: 'x', type: 'room' } })).status,
    ).toBe(404);
    expect(
      (await call('POST', '/api/v1/schedules', {
        auth,
        body: { resource_id: theirs.resourceId, name: 'x', start_date: '2026-01-01', time_slots: [{ start: '09:00', end: '10:00', days: [1] }] },
      })).status,
    ).toBe(404);
    expect(
      (await call('POST', '/api/v1/services', {
        auth,
        body: { name: 'x', duration_minutes: 30, price: { amount: 1, currency: 'EUR' }, resource_ids: [theirs.resourceId] },
      })).status,
    ).toBe(404);
    const date = nextWeekday(3);
    expect(
      (await call('GET', `/api/v1/availability?service_id=${theirs.serviceId}&from_date=${date}&to_date=${date}`, { tenant: tenant.slug }))
        .status,
    ).toBe(404);
    // Still there for its owner.
    expect((await call('GET', `/api/v1/resources/${theirs.resourceId}`, { auth: adminToken(other) })).status).toBe(200);
  });

  it('refuses bad input with 400 VALIDATION_ERROR and field details', async () => {
    const auth = adminToken(tenant);
    const salon = await setUpSalon(tenant);
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/locations', { name: 'X', address: {}, timezone: 'Mars/Olympus' }],
      ['POST', '/api/v1/locations', { name: 42 }],
      ['POST', '/api/v1/schedules', { resource_id: salon.resourceId, name: 'x', start_date: '2026-01-01', time_slots: [{ start: '18:00', end: '09:00', days: [1] }] }],
      ['POST', '/api/v1/schedules', { resource_id: salon.resourceId, name: 'x', start_date: '2026-01-01', time_slots: [{ start: '09:00', end: '10:00', days: [8] }] }],
      ['POST', '/api/v1/schedules', { resource_id: salon.resourceId, name: 'x', start_date: '2026-01-01', recurrence_rule: 'FREQ=SOMETIMES', time_slots: [{ start: '09:00', end: '10:00', days: [1] }] }],
      ['POST', '/api/v1/schedules', { resource_id: salon.resourceId, name: 'x', start_date: '2026-02-30', time_slots: [{ start: '09:00', end: '10:00', days: [1] }] }],
      ['POST', '/api/v1/schedule-exceptions', { resource_id: salon.resourceId, exception_date: '2026-05-01', type: 'custom_hours' }],
      ['POST', '/api/v1/schedule-exceptions', { resource_id: salon.resourceId, exception_date: '2026-05-01', type: 'holiday', custom_hours: [{ start: '09:00', end: '10:00' }] }],
      ['POST', '/api/v1/services', { name: 'x', duration_minutes: 0, price: { amount: 1, currency: 'EUR' }, resource_ids: [] }],
      ['POST', '/api/v1/services', { name: 'x', duration_minutes: 30, price: { amount: 1.5, currency: 'EUR' }, resource_ids: [] }],
      ['POST', '/api/v1/services', { name: 'x', duration_minutes: 30, price: { amount: 100, currency: 'EUR' }, cancellation_policy: { window_hours: -1, rules: [] } }],
      ['POST', '/api/v1/services', { name: 'x', duration_minutes: 30, price: { amount: 100, currency: 'EUR' }, required_resources: [{ label: 'room' }] }],
    ];
    for (const [method, url, body] of cases) {
      const response = await call(method === 'POST' ? 'POST' : 'PATCH', url, { auth, body });
      expect(response.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.details, JSON.stringify(body)).toBeDefined();
    }
    const tooLong = await call(
      'GET',
      `/api/v1/availability?service_id=${salon.serviceId}&from_date=2026-01-01&to_date=2026-03-05`,
      { tenant: tenant.slug },
    );
    expect(tooLong.status).toBe(400);
    const reversed = await call('GET', `/api/v1/availability?service_id=${salon.serviceId}&from_date=2026-01-02&to_date=2026-01-01`, {
      tenant: tenant.slug,
    });
    expect(reversed.status).toBe(400);
  });

  it('lets a read-only role read but not write, and refuses anonymous writes', async () => {
    const denied = await call('POST', '/api/v1/locations', {
      auth: readerToken(tenant),
      body: { name: 'X', address: {}, timezone: 'Europe/Madrid' },
    });
    expect(denied.status).toBe(403);
    expect((await call('GET', '/api/v1/locations', { auth: readerToken(tenant) })).status).toBe(200);
    expect((await call('POST', '/api/v1/locations', { body: { name: 'X', address: {}, timezone: 'UTC' } })).status).toBe(401);
  });

  it('pages lists with an opaque cursor and filters them', async () => {
    const fresh = await makeTenant(handle);
    const auth = adminToken(fresh);
    const location = await call('POST', '/api/v1/locations', { auth, body: { name: 'L', address: {}, timezone: 'Asia/Kolkata' } });
    for (const [name, type] of [['A', 'staff'], ['B', 'room'], ['C', 'staff']] as const) {
      await call('POST', '/api/v1/resources', { auth, body: { location_id: location.body.data.id, name, type } });
    }
    const first = await call('GET', '/api/v1/resources?limit=2', { auth });
    expect(first.body.data.map((row: { name: string }) => row.name)).toEqual(['A', 'B']);
    expect(first.body.metadata.pagination.has_more).toBe(true);
    const second = await call('GET', `/api/v1/resources?limit=2&cursor=${first.body.metadata.pagination.cursor}`, { auth });
    expect(second.body.data.map((row: { name: string }) => row.name)).toEqual(['C']);
    expect(second.body.metadata.pagination).toEqual({ cursor: null, has_more: false });
    const staff = await call('GET', '/api/v1/resources?type=staff', { auth });
    expect(staff.body.data.map((row: { name: string }) => row.name)).toEqual(['A', 'C']);
    expect((await call('GET', '/api/v1/resources?cursor=garbage', { auth })).body.error.code).toBe('INVALID_CURSOR');
  });

  it('applies exceptions and location closures to availability and invalidates the cache', async () => {
    const salon = await setUpSalon(tenant);
    const auth = adminToken(tenant);
    const monday = nextWeekday(1);
    const tuesday = Temporal.PlainDate.from(monday).add({ days: 1 }).toString();
    const url = `/api/v1/availability?service_id=${salon.serviceId}&from_date=${monday}&to_date=${tuesday}`;
    const slotCount = async () =>
      ((await call('GET', url, { tenant: tenant.slug })).body.data.resources[0].dates as { slots: unknown[] }[]).map(
        (day) => day.slots.length,
      );
    expect(await slotCount()).toEqual([10, 10]);
    expect(await slotCount()).toEqual([10, 10]);

    const custom = await call('POST', '/api/v1/schedule-exceptions', {
      auth,
      body: { resource_id: salon.resourceId, exception_date: monday, type: 'custom_hours', custom_hours: [{ start: '10:00', end: '11:00' }] },
    });
    expect(custom.status).toBe(201);
    expect(await slotCount()).toEqual([2, 10]);

    const closure = await call('POST', `/api/v1/locations/${salon.locationId}/closures`, { auth, body: { closure_date: tuesday, reason: 'Fiesta' } });
    expect(closure.status).toBe(201);
    expect(await slotCount()).toEqual([2, 0]);
    const duplicate = await call('POST', `/api/v1/locations/${salon.locationId}/closures`, { auth, body: { closure_date: tuesday } });
    expect(duplicate.status).toBe(409);

    await call('DELETE', `/api/v1/locations/${salon.locationId}/closures/${closure.body.data.id}`, { auth });
    await call('DELETE', `/api/v1/schedule-exceptions/${custom.body.data.id}`, { auth });
    expect(await slotCount()).toEqual([10, 10]);

    await call('PATCH', `/api/v1/schedules/${salon.scheduleId}`, { auth, body: { time_slots: [{ start: '09:00', end: '10:00', days: [1, 2] }] } });
    expect(await slotCount()).toEqual([2, 2]);
    await call('PATCH', `/api/v1/services/${salon.serviceId}`, { auth, body: { duration_minutes: 60 } });
    expect(await slotCount()).toEqual([1, 1]);
  });

  it('archives a location that still has resources instead of deleting it', async () => {
    const salon = await setUpSalon(tenant);
    const auth = adminToken(tenant);
    const removed = await call('DELETE', `/api/v1/locations/${salon.locationId}`, { auth });
    expect(removed.status).toBe(200);
    expect(removed.body.data.status).toBe('archived');
    const category = await call('POST', '/api/v1/service-categories', { auth, body: { name: 'Solo' } });
    expect((await call('DELETE', `/api/v1/service-categories/${category.body.data.id}`, { auth })).status).toBe(204);
    expect((await call('GET', `/api/v1/service-categories/${category.body.data.id}`, { auth })).status).toBe(404);
  });

  it('publishes the routes in the OpenAPI document', async () => {
    const document = await call('GET', '/api/v1/openapi.json');
    const paths = Object.keys(document.body.paths);
    for (const path of ['/api/v1/availability', '/api/v1/services/{id}/pricing', '/api/v1/locations/{id}/closures', '/api/v1/schedule-exceptions']) {
      expect(paths).toContain(path);
    }
  });
});
