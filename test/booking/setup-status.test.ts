/**
 * The first-run checklist (`GET /business/setup-status`): a brand-new business walks location →
 * service → staff → hours → booking page → first booking, each step flipping to done as the real
 * endpoints create what it asks for; another business's catalogue, hours and bookings never count;
 * customers and callers without `read Business` are refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { customerToken } from '../support/module-server.ts';
import { setupStatusSchema, type SetupStatus } from '../../src/modules/booking/setup-status.schemas.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type TestTenant } from './harness.ts';
import { httpClient } from '../support/http.ts';

let db: TestDatabase;
let app: BookingTestApp;
let fresh: TestTenant;
let busy: TestTenant;

beforeAll(async () => {
  db = await openTestDatabase();
  app = await startBookingServer(db);
  fresh = await makeTenant(db, { settings: { guest_verification: 'none' } });
  busy = await makeTenant(db, { settings: { guest_verification: 'none' } });
  // The other business has everything, a shared page and a booking: none of it may count for the new one.
  const catalog = await makeCatalog(app, busy);
  const booked = await call('POST', '/api/v1/bookings', {
    tenant: busy.slug,
    body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(3, '10:00'), customer: { first_name: 'Ana', email: 'ana@example.com' } },
  });
  expect(booked.status, booked.text).toBe(201);
  expect((await call('POST', '/api/v1/business/setup-status/booking-page-shared', { auth: tokenFor(busy) })).status).toBe(200);
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const call = httpClient(() => app.server);

async function statusOf(tenant: TestTenant, auth = tokenFor(tenant)): Promise<SetupStatus> {
  const response = await call('GET', '/api/v1/business/setup-status', { auth });
  expect(response.status, response.text).toBe(200);
  return setupStatusSchema.parse(response.body.data);
}
const doneSteps = (status: SetupStatus) => status.steps.filter((step) => step.done).map((step) => step.key);

async function created(url: string, tenant: TestTenant, body: Record<string, unknown>): Promise<string> {
  const response = await call('POST', url, { auth: tokenFor(tenant), body });
  expect(response.status, response.text).toBe(201);
  return response.body.data.id as string;
}

describe('GET /business/setup-status', () => {
  it('walks a brand-new business through every step, each flipping to done only when its own data exists', async () => {
    let status = await statusOf(fresh);
    expect(status.steps.map((step) => step.key)).toEqual(['location', 'service', 'staff', 'hours', 'booking_page', 'first_booking']);
    expect(doneSteps(status)).toEqual([]);
    expect(status).toMatchObject({ next_step: 'location', complete: false, booking_page_url: `https://book.example.test/book/${fresh.slug}` });

    const locationId = await created('/api/v1/locations', fresh, { name: 'Estudio', timezone: 'Europe/Madrid', address: { line1: 'Calle Luna 3', city: 'Madrid', country: 'ES' } });
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location']);
    expect(status.next_step).toBe('service');

    // A service nobody delivers yet: the service step is done, the staff step is not.
    const serviceId = await created('/api/v1/services', fresh, { name: 'Masaje', duration_minutes: 60, price: { amount: 4000, currency: 'EUR' } });
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location', 'service']);
    expect(status.next_step).toBe('staff');

    // A staff member who delivers no service does not finish the staff step; linking them does.
    const resourceId = await created('/api/v1/resources', fresh, { location_id: locationId, name: 'Lucía', type: 'staff', user_id: randomUUID() });
    expect(doneSteps(await statusOf(fresh))).toEqual(['location', 'service']);
    const linked = await call('PATCH', `/api/v1/services/${serviceId}`, { auth: tokenFor(fresh), body: { resource_ids: [resourceId] } });
    expect(linked.status, linked.text).toBe(200);
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location', 'service', 'staff']);
    expect(status.next_step).toBe('hours');

    await created('/api/v1/schedules', fresh, { resource_id: resourceId, name: 'Semana', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location', 'service', 'staff', 'hours']);
    expect(status.next_step).toBe('booking_page');

    const shared = await call('POST', '/api/v1/business/setup-status/booking-page-shared', { auth: tokenFor(fresh) });
    expect(shared.status, shared.text).toBe(200);
    expect(setupStatusSchema.parse(shared.body.data).next_step).toBe('first_booking');
    // Sharing again keeps the first time (and changes nothing visible).
    expect((await call('POST', '/api/v1/business/setup-status/booking-page-shared', { auth: tokenFor(fresh) })).status).toBe(200);
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location', 'service', 'staff', 'hours', 'booking_page']);
    expect(status.complete).toBe(false);

    const booked = await call('POST', '/api/v1/bookings', {
      tenant: fresh.slug,
      body: { service_id: serviceId, resource_id: resourceId, start_time: madridSlot(2, '11:00'), customer: { first_name: 'Pablo', email: 'pablo@example.com' } },
    });
    expect(booked.status, booked.text).toBe(201);
    status = await statusOf(fresh);
    expect(doneSteps(status)).toEqual(['location', 'service', 'staff', 'hours', 'booking_page', 'first_booking']);
    expect(status).toMatchObject({ next_step: null, complete: true });
  });

  it('never counts another business: a new business stays at step one while its neighbour is complete', async () => {
    const newcomer = await makeTenant(db);
    const status = await statusOf(newcomer);
    expect(doneSteps(status)).toEqual([]);
    expect(status.complete).toBe(false);
    expect(status.booking_page_url).toContain(`/book/${newcomer.slug}`);
    // And the neighbour sees its own progress, not the newcomer's emptiness.
    expect((await statusOf(busy)).complete).toBe(true);
  });

  it('marking the booking page shared marks only the caller’s business', async () => {
    const newcomer = await makeTenant(db);
    const neighbour = await makeTenant(db);
    expect((await call('POST', '/api/v1/business/setup-status/booking-page-shared', { auth: tokenFor(newcomer) })).status).toBe(200);
    expect(doneSteps(await statusOf(newcomer))).toEqual(['booking_page']);
    expect(doneSteps(await statusOf(neighbour))).toEqual([]);
  });

  it('counts only what customers can book: an inactive service or staff member undoes its step; a booking counts the page as seen', async () => {
    const shop = await makeTenant(db, { settings: { guest_verification: 'none' } });
    const catalog = await makeCatalog(app, shop);
    expect(doneSteps(await statusOf(shop))).toEqual(['location', 'service', 'staff', 'hours']);
    // Both staff members stop taking bookings: nobody delivers the service any more.
    for (const id of [catalog.resourceId, catalog.otherResourceId]) {
      const paused = await call('PATCH', `/api/v1/resources/${id}`, { auth: tokenFor(shop), body: { status: 'inactive' } });
      expect(paused.status, paused.text).toBe(200);
    }
    expect(doneSteps(await statusOf(shop))).toEqual(['location', 'service', 'hours']);
    // The service is taken off the booking page (kept, not deleted): it no longer counts either.
    const archived = await call('PATCH', `/api/v1/services/${catalog.serviceId}`, { auth: tokenFor(shop), body: { status: 'inactive' } });
    expect(archived.status, archived.text).toBe(200);
    const status = await statusOf(shop);
    expect(doneSteps(status)).toEqual(['location', 'hours']);
    expect(status.next_step).toBe('service');

    // A business that takes bookings without ever opening its page from the dashboard has evidently shared it.
    const other = await makeTenant(db, { settings: { guest_verification: 'none' } });
    const otherCatalog = await makeCatalog(app, other);
    const booked = await call('POST', '/api/v1/bookings', {
      tenant: other.slug,
      body: { service_id: otherCatalog.serviceId, resource_id: otherCatalog.resourceId, start_time: madridSlot(4, '12:00'), customer: { first_name: 'Eva', email: 'eva@example.com' } },
    });
    expect(booked.status, booked.text).toBe(201);
    expect(await statusOf(other)).toMatchObject({ complete: true, next_step: null });
    expect(doneSteps(await statusOf(other))).toContain('booking_page');
  });

  it('is for the business’s team: a staff member reads it, a signed-in customer and an anonymous caller are refused', async () => {
    expect((await statusOf(busy, tokenFor(busy, 'staff', randomUUID()))).complete).toBe(true);
    expect((await statusOf(busy, tokenFor(busy, 'receptionist'))).complete).toBe(true);
    const asCustomer = await call('GET', '/api/v1/business/setup-status', { auth: customerToken(busy, randomUUID()) });
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.body.error.code).toBe('FORBIDDEN');
    const marked = await call('POST', '/api/v1/business/setup-status/booking-page-shared', { auth: customerToken(fresh, randomUUID()) });
    expect(marked.status).toBe(403);
    const anonymous = await call('GET', '/api/v1/business/setup-status', { tenant: busy.slug });
    expect(anonymous.status).toBe(401);
  });
});
