/**
 * Blocking part of a resource's day from the calendar (issue 15), through the whole application:
 * the blocked hour leaves the public availability, a booking on it is refused, a block over a
 * booking is refused with the booking it would hit, removing the block offers the time again,
 * and the block is the business's own (tenant) and its staff's by resource (role).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { madridSlot } from '../booking/harness.ts';
import { createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

type Json = Record<string, unknown>;

interface Slot {
  start_time: string;
  available: boolean;
}
interface Availability {
  resources: Array<{ dates: Array<{ date: string; slots: Slot[] }> }>;
}
interface Block {
  id: string;
  resource_id: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  note: string | null;
}

let t: TestApp;
const call = httpClient(() => t.server);
let owner: TenantOwner;
let receptionist: Actor;
let serviceId: string;
let resourceId: string;

async function create(url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: owner.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

/** The public booking page's view of one local date: the starts it offers. */
async function offeredStarts(date: string): Promise<number[]> {
  const response = await call<Availability>('GET', `/api/v1/availability?service_id=${serviceId}&resource_id=${resourceId}&from_date=${date}&to_date=${date}`, {
    tenant: owner.tenant.slug,
  });
  expect(response.status, response.text).toBe(200);
  return (response.body.data.resources[0]?.dates[0]?.slots ?? []).filter((slot) => slot.available).map((slot) => Date.parse(slot.start_time));
}

const block = (payload: Json, who: Pick<Actor, 'headers'> = receptionist) => call<Block>('POST', '/api/v1/time-blocks', { body: payload, headers: who.headers });

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  receptionist = await createUserWithRole(t, owner, 'receptionist');
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  serviceId = await create('/api/v1/services', { name: 'Corte', duration_minutes: 30, resource_ids: [resourceId], price: { amount: 2000, currency: 'EUR' } });
});

afterAll(async () => {
  await t?.close();
});

describe('time blocks', () => {
  it('takes the blocked hour out of public availability, refuses a booking on it, and gives it back when removed', async () => {
    const date = madridSlot(5, '12:00').slice(0, 10);
    const noon = Date.parse(madridSlot(5, '12:00'));
    const halfPast = Date.parse(madridSlot(5, '12:30'));
    const before = await offeredStarts(date);
    expect(before).toEqual(expect.arrayContaining([noon, halfPast]));

    const created = await block({ resource_id: resourceId, starts_at: madridSlot(5, '12:00'), ends_at: madridSlot(5, '13:00'), reason: 'break', note: 'Lunch' });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ resource_id: resourceId, reason: 'break', note: 'Lunch', starts_at: new Date(noon).toISOString() });

    const during = await offeredStarts(date);
    expect(during).not.toContain(noon);
    expect(during).not.toContain(halfPast);
    // 11:30–12:00 ends where the block starts; 13:00 starts where it ends.
    expect(during).toEqual(expect.arrayContaining([Date.parse(madridSlot(5, '11:30')), Date.parse(madridSlot(5, '13:00'))]));

    const booking = await call('POST', '/api/v1/bookings', {
      tenant: owner.tenant.slug,
      body: { service_id: serviceId, resource_id: resourceId, start_time: madridSlot(5, '12:30'), customer: { first_name: 'Ana', email: 'ana@example.com', phone: '+34600000001' } },
    });
    expect(booking.status).toBe(409);

    const listed = await call<Block[]>('GET', `/api/v1/time-blocks?from=${encodeURIComponent(madridSlot(5, '00:00'))}&to=${encodeURIComponent(madridSlot(6, '00:00'))}`, { headers: receptionist.headers });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data.map((item) => item.id)).toEqual([created.body.data.id]);

    const removed = await call('DELETE', `/api/v1/time-blocks/${created.body.data.id}`, { headers: receptionist.headers });
    expect(removed.status).toBe(204);
    expect(await offeredStarts(date)).toEqual(expect.arrayContaining([noon, halfPast]));
  });

  it('refuses a block over a booking, naming it, and one over another block', async () => {
    const booked = await call<{ id: string }>('POST', '/api/v1/bookings', {
      tenant: owner.tenant.slug,
      body: { service_id: serviceId, resource_id: resourceId, start_time: madridSlot(6, '15:00'), customer: { first_name: 'Luis', email: 'luis@example.com', phone: '+34600000002' } },
    });
    expect(booked.status, booked.text).toBe(201);
    const overBooking = await block({ resource_id: resourceId, starts_at: madridSlot(6, '14:30'), ends_at: madridSlot(6, '15:15'), reason: 'meeting' });
    expect(overBooking.status).toBe(409);
    expect(overBooking.body.error).toMatchObject({ code: 'BLOCK_OVERLAPS_BOOKING', details: { reason: 'overlaps_booking', booking_ids: [booked.body.data.id] } });

    const first = await block({ resource_id: resourceId, starts_at: madridSlot(6, '10:00'), ends_at: madridSlot(6, '11:00'), reason: 'training' });
    expect(first.status, first.text).toBe(201);
    const overBlock = await block({ resource_id: resourceId, starts_at: madridSlot(6, '10:30'), ends_at: madridSlot(6, '11:30'), reason: 'other' });
    expect(overBlock.status).toBe(409);
    expect(overBlock.body.error?.details).toMatchObject({ reason: 'overlaps_block', block_ids: [first.body.data.id] });

    const backwards = await block({ resource_id: resourceId, starts_at: madridSlot(6, '17:00'), ends_at: madridSlot(6, '16:00'), reason: 'break' });
    expect(backwards.status).toBe(400);
  });

  it('keeps blocks to their business and to staff who may change the resource\'s bookings', async () => {
    const created = await block({ resource_id: resourceId, starts_at: madridSlot(7, '09:00'), ends_at: madridSlot(7, '09:30'), reason: 'other' });
    expect(created.status, created.text).toBe(201);

    const other = await signupTenant(t);
    expect((await call('DELETE', `/api/v1/time-blocks/${created.body.data.id}`, { headers: other.headers })).status).toBe(404);
    expect((await block({ resource_id: resourceId, starts_at: madridSlot(7, '10:00'), ends_at: madridSlot(7, '10:30'), reason: 'break' }, other)).status).toBe(404);
    const theirs = await call<Block[]>('GET', `/api/v1/time-blocks?from=${encodeURIComponent(madridSlot(7, '00:00'))}&to=${encodeURIComponent(madridSlot(8, '00:00'))}`, { headers: other.headers });
    expect(theirs.body.data).toEqual([]);

    const stylist = await createUserWithRole(t, owner, 'staff');
    const refused = await block({ resource_id: resourceId, starts_at: madridSlot(7, '11:00'), ends_at: madridSlot(7, '11:30'), reason: 'break' }, stylist);
    expect(refused.status).toBe(403);
    expect((await call('DELETE', `/api/v1/time-blocks/${created.body.data.id}`, { headers: stylist.headers })).status).toBe(403);
  });
});
