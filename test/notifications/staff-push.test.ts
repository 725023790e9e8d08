/**
 * Booking notices on staff devices (Web Push), through the whole application: members register
 * their browsers at /api/v1/me/push-subscriptions, a booking made on the public page is created,
 * confirmed, moved or cancelled, the real worker runs the event fan-out and the notices, and a
 * local HTTP server stands in for the push service. The notice reaches exactly the members who
 * may read the booking (identity's own permission code: the owner, the stylist of the booked
 * resource, not another stylist, never another business), encrypted for each browser (RFC 8291);
 * a 410 removes the subscription, a 503 is retried; members manage only their own devices.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { madridSlot } from '../booking/harness.ts';
import { createUserWithRole, runDueJobs, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';
import { composeTestModules, startModuleServer, testToken, type ModuleServer } from '../support/module-server.ts';
import { BrowserSubscription, PushServiceFake } from './push-service-fake.ts';

type Json = Record<string, unknown>;
interface Notice {
  title: string;
  body: string;
  url: string;
  tag: string;
}
interface SubscriptionView {
  id: string;
  push_service: string;
  user_agent: string | null;
  created_at: string;
  last_success_at: string | null;
}

const vapid = webpush.generateVAPIDKeys();
const VAPID_ENV = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@reservehub.test' };
const PUBLIC_URL = 'https://app.reservehub.test';

let t: TestApp;
const call = httpClient(() => t.server);
let pushService: PushServiceFake;
/** The same application's routes without PUSH_ALLOW_PRIVATE: endpoints must be public https. */
let strict: ModuleServer<unknown>;

let owner: TenantOwner;
let marta: Actor;
let luis: Actor;
let rival: TenantOwner;
let serviceId: string;
let martaResource: string;
let luisResource: string;
let guests = 0;

let centro: string;

async function create(url: string, payload: Json, who: TenantOwner = owner): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: who.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

beforeAll(async () => {
  pushService = await new PushServiceFake().start();
  // The push service is on loopback, so private endpoints are allowed here (the strict server below refuses them).
  t = await startTestApp({ ...VAPID_ENV, PUSH_ALLOW_PRIVATE: 'true', PUBLIC_URL });
  strict = await startModuleServer(t.db, {
    env: { ...VAPID_ENV, PUBLIC_URL },
    permissions: 'role-table',
    register(api, context) {
      composeTestModules(context).notifications.registerRoutes(api);
      return undefined;
    },
  });
  owner = await signupTenant(t);
  marta = await createUserWithRole(t, owner, 'staff');
  luis = await createUserWithRole(t, owner, 'staff');
  rival = await signupTenant(t);
  centro = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  martaResource = await create('/api/v1/resources', { location_id: centro, name: 'Marta', type: 'staff', user_id: marta.userId });
  luisResource = await create('/api/v1/resources', { location_id: centro, name: 'Luis', type: 'staff', user_id: luis.userId });
  for (const resource of [martaResource, luisResource]) {
    await create('/api/v1/schedules', { resource_id: resource, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  }
  serviceId = await create('/api/v1/services', { name: 'Corte de pelo', duration_minutes: 30, resource_ids: [martaResource, luisResource], price: { amount: 2000, currency: 'EUR' } });
});
afterAll(async () => {
  await strict?.server.close();
  await t?.close();
  await pushService?.close();
});
beforeEach(async () => {
  await runDueJobs(t);
  pushService.requests.length = 0;
});

async function subscribe(who: Pick<Actor, 'headers'>, prefix = '/push/'): Promise<{ browser: BrowserSubscription; id: string }> {
  const browser = new BrowserSubscription(`${pushService.url}${prefix}${randomUUID()}`);
  const response = await call<SubscriptionView>('POST', '/api/v1/me/push-subscriptions', { headers: who.headers, body: browser.toJSON() });
  expect(response.status, response.text).toBe(201);
  return { browser, id: response.body.data.id };
}

const pathOf = (browser: BrowserSubscription): string => new URL(browser.endpoint).pathname;
const noticesTo = (browser: BrowserSubscription): Notice[] =>
  pushService.requestsTo(pathOf(browser)).map((request) => JSON.parse(browser.decrypt(request.body)) as Notice);

/** A guest books on the business's public page, as customers do. */
async function book(resourceId: string, start: string, firstName = 'Ana'): Promise<string> {
  const response = await call<{ id: string }>('POST', '/api/v1/bookings', {
    tenant: owner.tenant.slug,
    body: { service_id: serviceId, resource_id: resourceId, start_time: start, customer: { first_name: firstName, last_name: 'Ruiz', email: `guest${guests++}@example.com` } },
  });
  expect(response.status, response.text).toBe(201);
  return response.body.data.id;
}

const mySubscriptions = async (who: Pick<Actor, 'headers'>): Promise<SubscriptionView[]> => {
  const response = await call<SubscriptionView[]>('GET', '/api/v1/me/push-subscriptions', { headers: who.headers });
  expect(response.status, response.text).toBe(200);
  return response.body.data;
};

describe('who hears of a booking', () => {
  it('the owner and the stylist of the booked resource; not the other stylist, never another business', async () => {
    const ownerPhone = await subscribe(owner);
    const martaPhone = await subscribe(marta);
    const luisPhone = await subscribe(luis);
    const rivalPhone = await subscribe(rival);

    const bookingId = await book(martaResource, madridSlot(3, '10:00'), 'Ana');
    await runDueJobs(t);

    expect(noticesTo(luisPhone.browser)).toEqual([]);
    expect(noticesTo(rivalPhone.browser)).toEqual([]);
    const [toOwner] = noticesTo(ownerPhone.browser);
    const [toMarta] = noticesTo(martaPhone.browser);
    expect(noticesTo(ownerPhone.browser)).toHaveLength(1);
    expect(toMarta).toEqual(toOwner);
    expect(toOwner).toMatchObject({ title: 'New booking', url: `${PUBLIC_URL}/admin/bookings?booking=${bookingId}`, tag: `booking:${bookingId}` });
    // Service, the customer's first name only, and the time in the location's zone (Madrid), whatever the server's.
    expect(toOwner?.body).toMatch(/^Corte de pelo · Ana · \w{3} \d{1,2} \w{3}, 10:00$/);
    expect(toOwner?.body).not.toContain('Ruiz');

    // Sent as Web Push requires: encrypted (aes128gcm) and signed with the VAPID key.
    const [request] = pushService.requestsTo(pathOf(ownerPhone.browser));
    expect(request?.headers['content-encoding']).toBe('aes128gcm');
    expect(request?.headers.authorization).toContain(`k=${vapid.publicKey}`);
    expect(request?.body.toString('utf8')).not.toContain('Ana');

    // A notice that arrived is noted on the member's device.
    const [mine] = await mySubscriptions(owner);
    expect(mine?.last_success_at).not.toBeNull();
  });

  it('tells of cancellations and moves, in the business’s language (Spanish)', async () => {
    await withTenant(t.db.db, owner.tenant.id, (trx) =>
      sql`update businesses set settings = settings || '{"language":"es"}'::jsonb where tenant_id = ${owner.tenant.id}`.execute(trx),
    );
    try {
      const martaPhone = await subscribe(marta);
      const luisPhone = await subscribe(luis);
      const bookingId = await book(martaResource, madridSlot(4, '11:30'), 'Eva');
      await runDueJobs(t);
      const moved = await call('PATCH', `/api/v1/bookings/${bookingId}`, { headers: owner.headers, body: { action: 'reschedule', new_start_time: madridSlot(4, '15:00') } });
      expect(moved.status, moved.text).toBe(200);
      await runDueJobs(t);
      const cancelled = await call('PATCH', `/api/v1/bookings/${bookingId}`, { headers: owner.headers, body: { action: 'cancel' } });
      expect(cancelled.status, cancelled.text).toBe(200);
      await runDueJobs(t);

      const titles = noticesTo(martaPhone.browser).map((notice) => notice.title);
      expect(titles).toEqual(['Nueva reserva', 'Reserva cambiada', 'Reserva cancelada']);
      expect(noticesTo(martaPhone.browser)[1]?.body).toMatch(/^Corte de pelo · Eva · .+ 15:00$/);
      expect(noticesTo(luisPhone.browser)).toEqual([]);
    } finally {
      await withTenant(t.db.db, owner.tenant.id, (trx) =>
        sql`update businesses set settings = settings - 'language' where tenant_id = ${owner.tenant.id}`.execute(trx),
      );
    }
  });

  it('follows a change of role at once: a stylist made manager hears of every booking', async () => {
    const promoted = await createUserWithRole(t, owner, 'staff');
    const phone = await subscribe(promoted);
    await book(martaResource, madridSlot(5, '09:30'));
    await runDueJobs(t);
    expect(noticesTo(phone.browser)).toEqual([]);

    const changed = await call('PATCH', `/api/v1/users/${promoted.userId}`, { headers: owner.headers, body: { role: 'manager' } });
    expect(changed.status, changed.text).toBe(200);
    await book(martaResource, madridSlot(5, '12:00'));
    await runDueJobs(t);
    expect(noticesTo(phone.browser).map((notice) => notice.title)).toEqual(['New booking']);
  });

  it('stops at once for a member the owner deactivated, though their device is still registered', async () => {
    const leaving = await createUserWithRole(t, owner, 'manager');
    const phone = await subscribe(leaving);
    const deactivated = await call('PATCH', `/api/v1/users/${leaving.userId}`, { headers: owner.headers, body: { status: 'deactivated' } });
    expect(deactivated.status, deactivated.text).toBe(200);
    const ownerPhone = await subscribe(owner);
    await book(luisResource, madridSlot(5, '16:00'));
    await runDueJobs(t);
    expect(noticesTo(ownerPhone.browser)).toHaveLength(1);
    expect(noticesTo(phone.browser)).toEqual([]);
  });
});

describe('members scoped to some locations', () => {
  it('a receptionist hears of bookings at their location only', async () => {
    const norte = await create('/api/v1/locations', { name: 'Norte', timezone: 'Europe/Madrid', address: { line1: 'Calle Norte 2', city: 'Madrid', country: 'ES' } });
    const atCentro = await createUserWithRole(t, owner, 'receptionist', { locationIds: [centro] });
    const atNorte = await createUserWithRole(t, owner, 'receptionist', { locationIds: [norte] });
    const centroPhone = await subscribe(atCentro);
    const nortePhone = await subscribe(atNorte);
    await book(martaResource, madridSlot(7, '10:00'));
    await runDueJobs(t);
    expect(noticesTo(centroPhone.browser).map((notice) => notice.title)).toEqual(['New booking']);
    expect(noticesTo(nortePhone.browser)).toEqual([]);
  });
});

describe('the push service’s answers', () => {
  it('removes a subscription the push service says is gone (410), and still reaches the member’s other device', async () => {
    const oldPhone = await subscribe(marta, '/gone/');
    const newPhone = await subscribe(marta);
    await book(martaResource, madridSlot(6, '10:00'));
    await runDueJobs(t);
    expect(pushService.requestsTo(pathOf(oldPhone.browser))).toHaveLength(1);
    expect(noticesTo(newPhone.browser)).toHaveLength(1);
    const ids = (await mySubscriptions(marta)).map((subscription) => subscription.id);
    expect(ids).toContain(newPhone.id);
    expect(ids).not.toContain(oldPhone.id);
  });

  it('retries a 503 later through the job queue, keeping the subscription', async () => {
    const phone = await subscribe(luis);
    pushService.script(pathOf(phone.browser), { status: 503 });
    await book(luisResource, madridSlot(6, '13:00'));
    await runDueJobs(t);
    expect(pushService.requestsTo(pathOf(phone.browser))).toHaveLength(1);
    const job = await sql<{ status: string; run_at: Date; attempts: number }>`
      select status, run_at, attempts from jobs where name = 'notifications.staff_push_send' and payload->>'subscription_id' = ${phone.id}`.execute(t.db.db);
    expect(job.rows).toHaveLength(1);
    expect(job.rows[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job.rows[0]?.run_at.getTime()).toBeGreaterThan(Date.now());

    await sql`update jobs set run_at = now() where name = 'notifications.staff_push_send' and status = 'pending'`.execute(t.db.db);
    await runDueJobs(t);
    // The same notice again (the first answer was the 503), and no third attempt.
    expect(noticesTo(phone.browser).map((notice) => notice.title)).toEqual(['New booking', 'New booking']);
    const retried = await sql<{ status: string }>`
      select status from jobs where name = 'notifications.staff_push_send' and payload->>'subscription_id' = ${phone.id}`.execute(t.db.db);
    expect(retried.rows[0]?.status).toBe('succeeded');
    expect((await mySubscriptions(luis)).map((subscription) => subscription.id)).toContain(phone.id);
  });
});

describe('members manage only their own devices', () => {
  it('lists only the caller’s own; another member’s or another business’s subscription is 404 and stays', async () => {
    const martaPhone = await subscribe(marta);
    const rivalPhone = await subscribe(rival);
    const mine = await mySubscriptions(luis);
    expect(mine.map((subscription) => subscription.id)).not.toContain(martaPhone.id);
    expect(mine.every((subscription) => subscription.push_service === pushService.url)).toBe(true);

    for (const [who, id] of [
      [luis, martaPhone.id],
      [owner, rivalPhone.id],
      [rival, martaPhone.id],
    ] as const) {
      const refused = await call('DELETE', `/api/v1/me/push-subscriptions/${id}`, { headers: who.headers });
      expect(refused.status, refused.text).toBe(404);
      expect(refused.body.error?.code).toBe('NOT_FOUND');
    }
    expect((await mySubscriptions(marta)).map((subscription) => subscription.id)).toContain(martaPhone.id);
    expect((await mySubscriptions(rival)).map((subscription) => subscription.id)).toContain(rivalPhone.id);

    const removed = await call('DELETE', `/api/v1/me/push-subscriptions/${martaPhone.id}`, { headers: marta.headers });
    expect(removed.status, removed.text).toBe(204);
    expect((await mySubscriptions(marta)).map((subscription) => subscription.id)).not.toContain(martaPhone.id);
  });

  it('refuses an API key (no one’s device) with 403 and a credential-less caller with 401', async () => {
    const created = await call<{ key: string }>('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'Sync', permissions: ['read:Booking'] } });
    expect(created.status, created.text).toBe(201);
    const browser = new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`);
    const byKey = await call('POST', '/api/v1/me/push-subscriptions', { headers: { authorization: `Bearer ${created.body.data.key}` }, body: browser.toJSON() });
    expect(byKey.status, byKey.text).toBe(403);
    expect(byKey.body.error?.code).toBe('FORBIDDEN');
    const anonymous = await call('GET', '/api/v1/me/push-subscriptions');
    expect(anonymous.status).toBe(401);
  });

  it('gives browsers the VAPID public key to subscribe with', async () => {
    const response = await call<{ public_key: string | null }>('GET', '/api/v1/push/public-key');
    expect(response.status, response.text).toBe(200);
    expect(response.body.data.public_key).toBe(vapid.publicKey);
  });
});

describe('endpoints are checked before they are stored (422 PUSH_ENDPOINT_REFUSED)', () => {
  const member = () => ({ authorization: testToken(owner.tenant.id, 'manager', owner.userId) });

  it.each([
    ['http://push.example.com/abc', 'not_https'],
    ['https://127.0.0.1/push/abc', 'non_public_address'],
    ['https://10.0.0.7/push', 'non_public_address'],
    ['https://169.254.169.254/latest/meta-data', 'non_public_address'],
    ['https://[::1]/push', 'non_public_address'],
  ])('refuses %s (%s)', async (endpoint, reason) => {
    const browser = new BrowserSubscription(endpoint);
    const response = await strict.server.inject({ method: 'POST', url: '/api/v1/me/push-subscriptions', headers: member(), payload: browser.toJSON() });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'PUSH_ENDPOINT_REFUSED', details: { field: 'body.endpoint', reason } });
  });

  it('refuses a customer’s credential (403): customers have /push-subscriptions, not the staff’s notices', async () => {
    const browser = new BrowserSubscription('https://push.example.com/customer');
    const response = await strict.server.inject({
      method: 'POST',
      url: '/api/v1/me/push-subscriptions',
      headers: { authorization: testToken(owner.tenant.id, 'customer', randomUUID()) },
      payload: browser.toJSON(),
    });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
  });

  it('answers 400 VALIDATION_ERROR to what is not a URL or lacks keys', async () => {
    for (const payload of [{ endpoint: 'not a url', keys: { p256dh: 'x'.repeat(87), auth: 'y'.repeat(22) } }, { endpoint: 'https://push.example.com/a' }]) {
      const response = await strict.server.inject({ method: 'POST', url: '/api/v1/me/push-subscriptions', headers: member(), payload });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_ERROR');
    }
  });
});
