/**
 * Location-scoped members (migration 0096): an owner narrows a manager or receptionist to some of the
 * business's locations, and the server keeps them there. Lists show only their locations' bookings,
 * resources, schedules and locations; a row of another location answers 404 as if absent; creating
 * a booking or resource there is refused the same way; reports are refused (403). The owner and
 * unscoped members are unaffected, and a scope never reaches another business.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type Json } from '../support/http.ts';

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
const call = httpClient(() => t.server);

interface Site {
  locationId: string;
  resourceId: string;
  scheduleId: string;
  exceptionId: string;
}
let serviceId: string;
let siteA: Site;
let siteB: Site;
let bookingA: string;
let bookingB: string;
let theirs: { locationId: string; resourceId: string; bookingId: string };
let manager: Actor;
let receptionist: Actor;

/** `HH:MM` Madrid time on the date `days` ahead (summer or winter offset), as an instant. */
function madridSlot(days: number, time: string): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const probe = new Date(`${date}T12:00:00Z`);
  const offsetHours = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', hourCycle: 'h23' }).format(probe)) - 12;
  return `${date}T${time}:00+${String(offsetHours).padStart(2, '0')}:00`;
}

async function created(who: Pick<Actor, 'headers'>, url: string, body: Record<string, unknown>): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { headers: who.headers, body });
  expect(response.status, `${url}: ${response.text}`).toBe(201);
  return response.body.data.id;
}

async function makeSite(who: Pick<Actor, 'headers'>, name: string): Promise<Site> {
  const locationId = await created(who, '/api/v1/locations', { name, timezone: 'Europe/Madrid', address: { line1: `${name} 1`, city: 'Madrid', country: 'ES' } });
  const resourceId = await created(who, '/api/v1/resources', { location_id: locationId, name: `${name} chair`, type: 'staff' });
  const scheduleId = await created(who, '/api/v1/schedules', {
    resource_id: resourceId,
    name: 'Always',
    start_date: '2020-01-01',
    time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }],
  });
  const exceptionId = await created(who, '/api/v1/schedule-exceptions', { resource_id: resourceId, exception_date: '2031-12-24', type: 'unavailable', reason: 'Holiday' });
  return { locationId, resourceId, scheduleId, exceptionId };
}

let guests = 0;
const bookingBody = (resourceId: string, days: number, time: string) => ({
  service_id: serviceId,
  resource_id: resourceId,
  start_time: madridSlot(days, time),
  customer: { first_name: 'Ana', last_name: 'Ruiz', email: `ana${(guests += 1)}@example.com`, phone: '+34600000000' },
});

async function book(who: Pick<Actor, 'headers'>, resourceId: string, days: number, time: string): Promise<string> {
  return created(who, '/api/v1/bookings', bookingBody(resourceId, days, time));
}

const REPORT = '/api/v1/analytics/reports/overview?from=2026-01-01&to=2026-01-31';
const ids = (response: { body: Json }): string[] => (response.body.data as Array<{ id: string }>).map((row) => row.id).sort();

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  other = await signupTenant(t);
  siteA = await makeSite(owner, 'Centro');
  siteB = await makeSite(owner, 'Norte');
  serviceId = await created(owner, '/api/v1/services', {
    name: 'Corte',
    duration_minutes: 30,
    price: { amount: 2000, currency: 'EUR' },
    resource_ids: [siteA.resourceId, siteB.resourceId],
  });
  bookingA = await book(owner, siteA.resourceId, 3, '10:00');
  bookingB = await book(owner, siteB.resourceId, 3, '10:00');
  const theirSite = await makeSite(other, 'Elsewhere');
  const theirService = await created(other, '/api/v1/services', { name: 'Tinte', duration_minutes: 30, price: { amount: 3000, currency: 'EUR' }, resource_ids: [theirSite.resourceId] });
  const theirBooking = await created(other, '/api/v1/bookings', { ...bookingBody(theirSite.resourceId, 3, '10:00'), service_id: theirService });
  theirs = { locationId: theirSite.locationId, resourceId: theirSite.resourceId, bookingId: theirBooking };
  // The manager is scoped through the invitation, the receptionist afterwards by the owner.
  manager = await createUserWithRole(t, owner, 'manager', { locationIds: [siteA.locationId] });
  receptionist = await createUserWithRole(t, owner, 'receptionist');
  const scoped = await call('PATCH', `/api/v1/users/${receptionist.userId}`, { headers: owner.headers, body: { location_ids: [siteA.locationId] } });
  expect(scoped.status, scoped.text).toBe(200);
  expect(scoped.body.data.location_ids).toEqual([siteA.locationId]);
}, 120_000);
afterAll(async () => t?.close());

describe('the team API stores and shows a member’s locations', () => {
  test('GET /users shows the scope of scoped members and null for the owner', async () => {
    const listed = await call<Array<{ id: string; location_ids: string[] | null }>>('GET', '/api/v1/users', { headers: owner.headers });
    expect(listed.status, listed.text).toBe(200);
    const scopeOf = (userId: string) => listed.body.data.find((member) => member.id === userId)?.location_ids;
    expect(scopeOf(manager.userId)).toEqual([siteA.locationId]);
    expect(scopeOf(receptionist.userId)).toEqual([siteA.locationId]);
    expect(scopeOf(owner.userId)).toBeNull();
    const one = await call('GET', `/api/v1/users/${manager.userId}`, { headers: owner.headers });
    expect(one.body.data.location_ids).toEqual([siteA.locationId]);
  });

  test('a pending invitation shows its locations', async () => {
    const email = `pending-${randomUUID().slice(0, 8)}@example.test`;
    const invited = await call('POST', '/api/v1/users/invitations', { headers: owner.headers, body: { email, role: 'receptionist', location_ids: [siteB.locationId] } });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body.data.location_ids).toEqual([siteB.locationId]);
    const pending = await call<Array<{ email: string; location_ids: string[] | null }>>('GET', '/api/v1/users/invitations', { headers: owner.headers });
    expect(pending.body.data.find((row) => row.email === email)?.location_ids).toEqual([siteB.locationId]);
  });

  test('a location of another business, or none at all, is 422 UNKNOWN_LOCATION, and nothing changes', async () => {
    for (const locationIds of [[theirs.locationId], [siteA.locationId, randomUUID()]]) {
      const patched = await call('PATCH', `/api/v1/users/${manager.userId}`, { headers: owner.headers, body: { location_ids: locationIds } });
      expect(patched.status, patched.text).toBe(422);
      expect(patched.body.error?.code).toBe('UNKNOWN_LOCATION');
      const invited = await call('POST', '/api/v1/users/invitations', {
        headers: owner.headers,
        body: { email: `x-${randomUUID().slice(0, 8)}@example.test`, role: 'manager', location_ids: locationIds },
      });
      expect(invited.status, invited.text).toBe(422);
      expect(invited.body.error?.code).toBe('UNKNOWN_LOCATION');
    }
    const after = await call('GET', `/api/v1/users/${manager.userId}`, { headers: owner.headers });
    expect(after.body.data.location_ids).toEqual([siteA.locationId]);
  });

  test('the owner is never scoped; an empty list or a malformed id is a 400', async () => {
    const ownerScoped = await call('PATCH', `/api/v1/users/${owner.userId}`, { headers: owner.headers, body: { location_ids: [siteA.locationId] } });
    expect(ownerScoped.status, ownerScoped.text).toBe(400);
    expect(ownerScoped.body.error?.code).toBe('VALIDATION_ERROR');
    const invitedOwner = await call('POST', '/api/v1/users/invitations', {
      headers: owner.headers,
      body: { email: `o-${randomUUID().slice(0, 8)}@example.test`, role: 'business_admin', location_ids: [siteA.locationId] },
    });
    expect(invitedOwner.status, invitedOwner.text).toBe(400);
    for (const locationIds of [[], ['not-a-uuid']]) {
      const bad = await call('PATCH', `/api/v1/users/${manager.userId}`, { headers: owner.headers, body: { location_ids: locationIds } });
      expect(bad.status, bad.text).toBe(400);
    }
  });

  test('a scoped manager cannot widen their own scope (members are changed by owners)', async () => {
    const widened = await call('PATCH', `/api/v1/users/${manager.userId}`, { headers: manager.headers, body: { location_ids: null } });
    expect(widened.status, widened.text).toBe(403);
  });
});

describe.each([
  ['manager', () => manager],
  ['receptionist', () => receptionist],
])('a %s scoped to location A', (_role, who) => {
  test('lists only A’s bookings, resources, schedules, exceptions and locations', async () => {
    const headers = who().headers;
    const bookings = await call('GET', '/api/v1/bookings', { headers });
    expect(bookings.status, bookings.text).toBe(200);
    expect(ids(bookings)).toContain(bookingA);
    expect(ids(bookings)).not.toContain(bookingB);
    const askedForB = await call('GET', `/api/v1/bookings?resource_id=${siteB.resourceId}`, { headers });
    expect(ids(askedForB)).toEqual([]);
    expect(ids(await call('GET', '/api/v1/resources', { headers }))).toEqual([siteA.resourceId]);
    expect(ids(await call('GET', `/api/v1/resources?location_id=${siteB.locationId}`, { headers }))).toEqual([]);
    expect(ids(await call('GET', '/api/v1/schedules', { headers }))).toEqual([siteA.scheduleId]);
    expect(ids(await call('GET', '/api/v1/schedule-exceptions', { headers }))).toEqual([siteA.exceptionId]);
    expect(ids(await call('GET', '/api/v1/locations', { headers }))).toEqual([siteA.locationId]);
  });

  test('reads A’s rows, and B’s answer 404 as if absent', async () => {
    const headers = who().headers;
    const reachable: string[] = [
      `/api/v1/bookings/${bookingA}`,
      `/api/v1/resources/${siteA.resourceId}`,
      `/api/v1/schedules/${siteA.scheduleId}`,
      `/api/v1/schedule-exceptions/${siteA.exceptionId}`,
      `/api/v1/locations/${siteA.locationId}`,
      `/api/v1/locations/${siteA.locationId}/closures`,
    ];
    for (const url of reachable) {
      const response = await call('GET', url, { headers });
      expect(response.status, `${url}: ${response.text}`).toBe(200);
    }
    const hidden: string[] = [
      `/api/v1/bookings/${bookingB}`,
      `/api/v1/resources/${siteB.resourceId}`,
      `/api/v1/schedules/${siteB.scheduleId}`,
      `/api/v1/schedule-exceptions/${siteB.exceptionId}`,
      `/api/v1/locations/${siteB.locationId}`,
      `/api/v1/locations/${siteB.locationId}/closures`,
    ];
    for (const url of hidden) {
      const response = await call('GET', url, { headers });
      expect(response.status, `${url}: ${response.text}`).toBe(404);
      expect(response.body.error?.code).toBe('NOT_FOUND');
    }
  });

  test('cannot move, cancel or create bookings in B, nor move an A booking to B', async () => {
    const headers = who().headers;
    const moved = await call('PATCH', `/api/v1/bookings/${bookingB}`, { headers, body: { action: 'reschedule', new_start_time: madridSlot(4, '11:00') } });
    expect(moved.status, moved.text).toBe(404);
    const cancelled = await call('PATCH', `/api/v1/bookings/${bookingB}`, { headers, body: { action: 'cancel', cancellation_reason: 'test' } });
    expect(cancelled.status, cancelled.text).toBe(404);
    const toB = await call('PATCH', `/api/v1/bookings/${bookingA}`, {
      headers,
      body: { action: 'reschedule', new_start_time: madridSlot(5, '12:00'), new_resource_id: siteB.resourceId },
    });
    expect(toB.status, toB.text).toBe(404);
    const createdInB = await call('POST', '/api/v1/bookings', { headers, body: bookingBody(siteB.resourceId, 6, '10:00') });
    expect(createdInB.status, createdInB.text).toBe(404);
    // The owner still sees B's booking as it was.
    const seen = await call('GET', `/api/v1/bookings/${bookingB}`, { headers: owner.headers });
    expect(seen.body.data.status).toBe('confirmed');
    expect(new Date(seen.body.data.start_time).getTime()).toBe(new Date(madridSlot(3, '10:00')).getTime());
  });

  test('books and moves within A', async () => {
    const headers = who().headers;
    const time = _role === 'manager' ? '14:00' : '15:00';
    const createdInA = await call<{ id: string }>('POST', '/api/v1/bookings', { headers, body: bookingBody(siteA.resourceId, 7, time) });
    expect(createdInA.status, createdInA.text).toBe(201);
    const moved = await call('PATCH', `/api/v1/bookings/${createdInA.body.data.id}`, { headers, body: { action: 'reschedule', new_start_time: madridSlot(8, time) } });
    expect(moved.status, moved.text).toBe(200);
  });

  test('reports are refused (403): their figures are the whole business’s', async () => {
    const report = await call('GET', REPORT, { headers: who().headers });
    expect(report.status, report.text).toBe(403);
  });
});

describe('the manager’s writes stay in A', () => {
  test('a resource, schedule or closure in B is refused as if B were absent; a location cannot be added', async () => {
    const headers = manager.headers;
    const resource = await call('POST', '/api/v1/resources', { headers, body: { location_id: siteB.locationId, name: 'Sneaky', type: 'room' } });
    expect(resource.status, resource.text).toBe(404);
    const schedule = await call('POST', '/api/v1/schedules', {
      headers,
      body: { resource_id: siteB.resourceId, name: 'x', start_date: '2026-01-01', time_slots: [{ start: '09:00', end: '10:00', days: [1] }] },
    });
    expect(schedule.status, schedule.text).toBe(404);
    const patched = await call('PATCH', `/api/v1/resources/${siteB.resourceId}`, { headers, body: { name: 'Renamed' } });
    expect(patched.status, patched.text).toBe(404);
    const movedAway = await call('PATCH', `/api/v1/resources/${siteA.resourceId}`, { headers, body: { location_id: siteB.locationId } });
    expect(movedAway.status, movedAway.text).toBe(404);
    const closure = await call('POST', `/api/v1/locations/${siteB.locationId}/closures`, { headers, body: { closure_date: '2031-12-25', reason: 'x' } });
    expect(closure.status, closure.text).toBe(404);
    const location = await call('POST', '/api/v1/locations', { headers, body: { name: 'Sur', timezone: 'Europe/Madrid', address: { line1: 'Sur 1', city: 'Madrid', country: 'ES' } } });
    expect(location.status, location.text).toBe(403);
    const ownResource = await call('POST', '/api/v1/resources', { headers, body: { location_id: siteA.locationId, name: 'Second chair', type: 'staff' } });
    expect(ownResource.status, ownResource.text).toBe(201);
    // Nothing of B changed.
    const resourceB = await call('GET', `/api/v1/resources/${siteB.resourceId}`, { headers: owner.headers });
    expect(resourceB.body.data.name).toBe('Norte chair');
  });
});

describe('services are shared, their resources are not (manager)', () => {
  test('a service shows only A’s resources; linking B’s is 404; replacing the list keeps B’s linked', async () => {
    const seen = await call<{ resource_ids: string[] }>('GET', `/api/v1/services/${serviceId}`, { headers: manager.headers });
    expect(seen.body.data.resource_ids).toEqual([siteA.resourceId]);
    const linkB = await call('PATCH', `/api/v1/services/${serviceId}`, { headers: manager.headers, body: { resource_ids: [siteA.resourceId, siteB.resourceId] } });
    expect(linkB.status, linkB.text).toBe(404);
    const createdWithB = await call('POST', '/api/v1/services', {
      headers: manager.headers,
      body: { name: 'Peinado', duration_minutes: 30, price: { amount: 1500, currency: 'EUR' }, resource_ids: [siteB.resourceId] },
    });
    expect(createdWithB.status, createdWithB.text).toBe(404);
    const replaced = await call('PATCH', `/api/v1/services/${serviceId}`, { headers: manager.headers, body: { resource_ids: [siteA.resourceId] } });
    expect(replaced.status, replaced.text).toBe(200);
    const asOwner = await call<{ resource_ids: string[] }>('GET', `/api/v1/services/${serviceId}`, { headers: owner.headers });
    expect([...asOwner.body.data.resource_ids].sort()).toEqual([siteA.resourceId, siteB.resourceId].sort());
  });
});

describe('time blocks, payments, the waitlist and calendar feeds follow the scope (manager)', () => {
  test('time blocks: listed for A only; blocking B’s resource is refused', async () => {
    const day = madridSlot(10, '13:00');
    const blockOf = (resourceId: string) => ({ resource_id: resourceId, starts_at: day, ends_at: madridSlot(10, '13:30'), reason: 'break' });
    const ownerBlockB = await created(owner, '/api/v1/time-blocks', blockOf(siteB.resourceId));
    const managerBlockA = await call<{ id: string }>('POST', '/api/v1/time-blocks', { headers: manager.headers, body: blockOf(siteA.resourceId) });
    expect(managerBlockA.status, managerBlockA.text).toBe(201);
    const blockB = await call('POST', '/api/v1/time-blocks', { headers: manager.headers, body: { ...blockOf(siteB.resourceId), starts_at: madridSlot(10, '15:00'), ends_at: madridSlot(10, '15:30') } });
    expect(blockB.status, blockB.text).toBe(403);
    const range = `from=${encodeURIComponent(madridSlot(9, '00:00'))}&to=${encodeURIComponent(madridSlot(11, '00:00'))}`;
    expect(ids(await call('GET', `/api/v1/time-blocks?${range}`, { headers: manager.headers }))).toEqual([managerBlockA.body.data.id]);
    expect(ids(await call('GET', `/api/v1/time-blocks?${range}`, { headers: owner.headers }))).toEqual([managerBlockA.body.data.id, ownerBlockB].sort());
    const removeB = await call('DELETE', `/api/v1/time-blocks/${ownerBlockB}`, { headers: manager.headers });
    expect([403, 404]).toContain(removeB.status);
  });

  test('payments: B’s are not listed, not even by booking, and cannot be refunded', async () => {
    const paid = await call<{ payment: { id: string } }>('POST', `/api/v1/bookings/${bookingB}/payments/desk`, { headers: owner.headers, body: { method: 'cash', amount: 500 } });
    expect(paid.status, paid.text).toBe(201);
    const paymentB = paid.body.data.payment.id;
    const paidA = await call<{ payment: { id: string } }>('POST', `/api/v1/bookings/${bookingA}/payments/desk`, { headers: owner.headers, body: { method: 'cash', amount: 500 } });
    expect(paidA.status, paidA.text).toBe(201);
    const listed = ids(await call('GET', '/api/v1/payments', { headers: manager.headers }));
    expect(listed).toContain(paidA.body.data.payment.id);
    expect(listed).not.toContain(paymentB);
    expect(ids(await call('GET', `/api/v1/payments?booking_id=${bookingB}`, { headers: manager.headers }))).toEqual([]);
    expect(ids(await call('GET', `/api/v1/payments?booking_id=${bookingB}`, { headers: owner.headers }))).toEqual([paymentB]);
    const refund = await call('POST', `/api/v1/payments/${paymentB}/refund`, { headers: manager.headers, body: { amount: 100 } });
    expect(refund.status, refund.text).toBe(404);
    const desk = await call('POST', `/api/v1/bookings/${bookingB}/payments/desk`, { headers: manager.headers, body: { method: 'cash', amount: 100 } });
    expect([403, 404]).toContain(desk.status);
  });

  test('waitlist: entries for B’s resource are neither listed nor removable; A’s and any-resource ones are', async () => {
    const join = (resourceId: string | undefined) =>
      created(owner, '/api/v1/waitlist', {
        service_id: serviceId,
        ...(resourceId ? { resource_id: resourceId } : {}),
        customer: { first_name: 'Eva', last_name: 'Gil', email: `eva${(guests += 1)}@example.com`, phone: '+34600000001' },
        preferred_times: [{ start: madridSlot(12, '10:00'), end: madridSlot(12, '12:00') }],
      });
    const entryA = await join(siteA.resourceId);
    const entryB = await join(siteB.resourceId);
    const anywhere = await join(undefined);
    const listed = ids(await call('GET', '/api/v1/waitlist', { headers: manager.headers }));
    expect(listed).toEqual(expect.arrayContaining([entryA, anywhere]));
    expect(listed).not.toContain(entryB);
    const removed = await call('DELETE', `/api/v1/waitlist/${entryB}`, { headers: manager.headers });
    expect(removed.status, removed.text).toBe(404);
    expect(ids(await call('GET', '/api/v1/waitlist', { headers: owner.headers }))).toContain(entryB);
    const offered = await call('POST', `/api/v1/waitlist/${anywhere}/offer`, { headers: manager.headers, body: { resource_id: siteB.resourceId, start_time: madridSlot(12, '10:00') } });
    expect(offered.status, offered.text).toBe(404);
  });

  test('calendar feeds: a feed of B’s resource or of a customer is refused; A’s resource is fine', async () => {
    const feedB = await call('POST', '/api/v1/calendar/feeds', { headers: manager.headers, body: { kind: 'resource', resource_id: siteB.resourceId } });
    expect(feedB.status, feedB.text).toBe(404);
    const feedA = await call('POST', '/api/v1/calendar/feeds', { headers: manager.headers, body: { kind: 'resource', resource_id: siteA.resourceId } });
    expect(feedA.status, feedA.text).toBe(201);
  });
});

describe('who is not scoped', () => {
  test('the owner sees and reads every location', async () => {
    const bookings = ids(await call('GET', '/api/v1/bookings', { headers: owner.headers }));
    expect(bookings).toEqual(expect.arrayContaining([bookingA, bookingB]));
    expect(ids(await call('GET', '/api/v1/locations', { headers: owner.headers }))).toEqual([siteA.locationId, siteB.locationId].sort());
    expect((await call('GET', `/api/v1/bookings/${bookingB}`, { headers: owner.headers })).status).toBe(200);
    expect((await call('GET', REPORT, { headers: owner.headers })).status).toBe(200);
  });

  test('an unscoped manager reaches B; lifting a scope takes effect at once', async () => {
    const wide = await createUserWithRole(t, owner, 'manager');
    expect((await call('GET', `/api/v1/bookings/${bookingB}`, { headers: wide.headers })).status).toBe(200);
    const narrowed = await call('PATCH', `/api/v1/users/${wide.userId}`, { headers: owner.headers, body: { location_ids: [siteA.locationId] } });
    expect(narrowed.status, narrowed.text).toBe(200);
    expect((await call('GET', `/api/v1/bookings/${bookingB}`, { headers: wide.headers })).status).toBe(404);
    const lifted = await call('PATCH', `/api/v1/users/${wide.userId}`, { headers: owner.headers, body: { location_ids: null } });
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.data.location_ids).toBeNull();
    expect((await call('GET', `/api/v1/bookings/${bookingB}`, { headers: wide.headers })).status).toBe(200);
  });

  test('promoting a scoped manager to owner drops the scope', async () => {
    const promoted = await createUserWithRole(t, owner, 'manager', { locationIds: [siteA.locationId] });
    const patched = await call('PATCH', `/api/v1/users/${promoted.userId}`, { headers: owner.headers, body: { role: 'business_admin' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data.location_ids).toBeNull();
    expect((await call('GET', `/api/v1/bookings/${bookingB}`, { headers: promoted.headers })).status).toBe(200);
  });
});

describe('a scope never crosses businesses', () => {
  test('the scoped manager of one business gets 404 for another business’s booking, resource and location', async () => {
    for (const url of [`/api/v1/bookings/${theirs.bookingId}`, `/api/v1/resources/${theirs.resourceId}`, `/api/v1/locations/${theirs.locationId}`]) {
      const response = await call('GET', url, { headers: manager.headers });
      expect(response.status, `${url}: ${response.text}`).toBe(404);
    }
    const cancelled = await call('PATCH', `/api/v1/bookings/${theirs.bookingId}`, { headers: manager.headers, body: { action: 'cancel', cancellation_reason: 'x' } });
    expect(cancelled.status, cancelled.text).toBe(404);
    const createdThere = await call('POST', '/api/v1/bookings', { headers: manager.headers, body: bookingBody(theirs.resourceId, 9, '10:00') });
    expect(createdThere.status, createdThere.text).toBe(404);
    const theirBooking = await call('GET', `/api/v1/bookings/${theirs.bookingId}`, { headers: other.headers });
    expect(theirBooking.body.data.status).toBe('confirmed');
  });
});
