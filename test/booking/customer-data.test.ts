import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { httpClient } from '../support/http.ts';

let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let catalog: Catalog;

beforeAll(async () => {
  db = await openTestDatabase();
  // With the availability cache, as in production: a freed slot must reach what it serves.
  app = await startBookingServer(db, { cacheTtlSeconds: 300 });
  tenant = await makeTenant(db);
  catalog = await makeCatalog(app, tenant);
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

// Response bodies as `JSON.parse` gives them; shapes are asserted where it matters (bookingSchema.parse).
const call = httpClient(() => app.server, { headers: () => ({ authorization: tokenFor(tenant) }) });

it('exports the customer\'s bookings; erasure cancels future bookings and strips notes; the slot is free again', async () => {
  const customer = await call('POST', '/api/v1/customers', { body: { first_name: 'Berta', email: 'berta@example.com' } });
  const booked = await call('POST', '/api/v1/bookings', { body: {
    service_id: catalog.serviceId,
    resource_id: catalog.resourceId,
    start_time: madridSlot(9, '09:00'),
    customer: { customer_id: customer.body.data.id },
    notes: 'allergic to latex',
  } });
  expect(booked.status).toBe(201);
  const exported = await call('GET', `/api/v1/customers/${customer.body.data.id}/export?format=json`);
  expect(exported.status).toBe(200);
  expect(JSON.stringify(exported.body)).toContain(booked.body.data.booking_number);

  const erased = await call('DELETE', `/api/v1/customers/${customer.body.data.id}`);
  expect(erased.status).toBe(200);
  const after = await call('GET', `/api/v1/bookings/${booked.body.data.id}`);
  expect(after.body.data.status).toBe('cancelled');
  expect(after.body.data.notes).toBeNull();
  expect(after.body.data.customer.email).toBeNull();
  const again = await call('POST', '/api/v1/bookings', { body: {
    service_id: catalog.serviceId,
    resource_id: catalog.resourceId,
    start_time: madridSlot(9, '09:00'),
    customer: { first_name: 'Next', email: 'next@example.com' },
  } });
  expect(again.status).toBe(201);
});

it('erasing a customer frees their future slots in the availability it serves (the cache is refreshed after commit)', async () => {
  const start = madridSlot(10, '11:00');
  const date = start.slice(0, 10);
  const slotAt11 = async (): Promise<boolean | undefined> => {
    const availability = await call('GET', `/api/v1/availability?service_id=${catalog.serviceId}&resource_id=${catalog.resourceId}&from_date=${date}&to_date=${date}`);
    expect(availability.status).toBe(200);
    const slots: Array<{ start_time: string; available: boolean }> = availability.body.data.resources[0].dates[0].slots;
    return slots.find((slot) => Date.parse(slot.start_time) === Date.parse(start))?.available;
  };
  expect(await slotAt11()).toBe(true);
  const customer = await call('POST', '/api/v1/customers', { body: { first_name: 'Carla', email: 'carla@example.com' } });
  const booked = await call('POST', '/api/v1/bookings', { body: {
    service_id: catalog.serviceId,
    resource_id: catalog.resourceId,
    start_time: start,
    customer: { customer_id: customer.body.data.id },
  } });
  expect(booked.status).toBe(201);
  // Read (and cached) while the booking holds the slot.
  expect(await slotAt11()).toBe(false);

  expect((await call('DELETE', `/api/v1/customers/${customer.body.data.id}`)).status).toBe(200);
  expect((await call('GET', `/api/v1/bookings/${booked.body.data.id}`)).body.data.status).toBe('cancelled');
  // The erasure cancelled the booking in its own transaction: the slot is offered again at once.
  expect(await slotAt11()).toBe(true);
});
