import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, customerToken, makePendingJobsDue, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';
import { BrowserSubscription, PushServiceFake } from './push-service-fake.ts';

let database: TestDatabase;
/** Allows the loopback fake push service (PUSH_ALLOW_PRIVATE=true), as tests and a self-hosted push service need. */
let lenient: Harness;
/** The default: push endpoints must resolve to public addresses. */
let strict: Harness;
let pushService: PushServiceFake;
let tenant: TestTenant;
const vapid = webpush.generateVAPIDKeys();
const VAPID_ENV = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@reservehub.test' };

beforeAll(async () => {
  database = await openTestDatabase();
  pushService = await new PushServiceFake().start();
  lenient = await startHarness(database, { env: { ...VAPID_ENV, PUSH_ALLOW_PRIVATE: 'true' } });
  strict = await startHarness(database, { env: VAPID_ENV, keySpec: lenient.keyRingSpec });
});
afterAll(async () => {
  await lenient?.close();
  await strict?.close();
  await pushService?.close();
  await database?.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  pushService.requests.length = 0;
  const response = await lenient.server.inject({
    method: 'PATCH',
    url: '/api/v1/notification-settings',
    headers: { authorization: adminToken(tenant.tenantId) },
    payload: { channels: { push: true } },
  });
  expect(response.statusCode).toBe(200);
});

const pathOf = (browser: BrowserSubscription): string => new URL(browser.endpoint).pathname;

async function subscribe(target: Harness, customerId: string, endpoint: string) {
  const browser = new BrowserSubscription(endpoint);
  const response = await target.server.inject({
    method: 'POST',
    url: '/api/v1/push-subscriptions',
    headers: { authorization: customerToken(tenant.tenantId, customerId) },
    payload: browser.toJSON(),
  });
  return { browser, response };
}

async function customerWithBrowsers(...paths: string[]) {
  const customerId = await makeCustomer(database, lenient.keyRing, tenant.tenantId, { first_name: 'Ana', email: `ana-${randomUUID().slice(0, 6)}@example.com` });
  const browsers: BrowserSubscription[] = [];
  for (const path of paths) {
    const { browser, response } = await subscribe(lenient, customerId, `${pushService.url}${path}${randomUUID()}`);
    expect(response.statusCode).toBe(201);
    browsers.push(browser);
  }
  return { customerId, browsers };
}

async function pushRow() {
  const rows = await withTenant(database.db, tenant.tenantId, async (trx) =>
    (await sql<{ id: string; status: string; attempts: number; error_message: string | null; push_accepted_ids: string[] }>`
      select id, status, attempts, error_message, push_accepted_ids from notifications where channel = 'push'`.execute(trx)).rows,
  );
  expect(rows).toHaveLength(1);
  const [row] = rows;
  if (!row) throw new Error('no push message');
  return row;
}

async function deliveryJob(notificationId: string) {
  const result = await sql<{ status: string; run_at: Date; attempts: number }>`
    select status, run_at, attempts from jobs where name = 'notifications.deliver' and dedupe_key = ${`notification:${notificationId}`}`.execute(database.db);
  return result.rows[0];
}

async function subscriptionIds(customerId: string): Promise<string[]> {
  return withTenant(database.db, tenant.tenantId, async (trx) =>
    (await sql<{ id: string }>`select id from push_subscriptions where customer_id = ${customerId} order by created_at`.execute(trx)).rows.map((row) => row.id),
  );
}

describe('push endpoints are checked like webhook targets (SSRF)', () => {
  it.each([
    'http://127.0.0.1:8080/push/abc',
    'http://localhost/push/abc',
    'http://[::1]/push/abc',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.7/push',
    'http://192.168.1.1/push',
    'http://[::ffff:127.0.0.1]/push',
    'http://0x7f000001/push',
  ])('refuses to subscribe %s (400 VALIDATION_ERROR, non_public_address)', async (endpoint) => {
    const customerId = await makeCustomer(database, strict.keyRing, tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com' });
    const { response } = await subscribe(strict, customerId, endpoint);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'body.endpoint', code: 'non_public_address' }] });
    expect(await subscriptionIds(customerId)).toEqual([]);
  });

  it('refuses at send time an endpoint that is private (registered while allowed): removed, never contacted', async () => {
    const { customerId } = await customerWithBrowsers('/push/');
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await strict.drain();
    expect(pushService.requests).toHaveLength(0);
    expect(await pushRow()).toMatchObject({ status: 'bounced' });
    expect(await subscriptionIds(customerId)).toEqual([]);
  });
});

describe('push retries', () => {
  it('retries a 5xx with backoff, only to the browser that did not accept it', async () => {
    const { customerId, browsers } = await customerWithBrowsers('/push/', '/push/');
    const [laptop, phone] = browsers;
    if (!laptop || !phone) throw new Error('browsers missing');
    pushService.script(pathOf(phone), { status: 503 });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await lenient.drain();

    const pending = await pushRow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.error_message).toContain('503');
    const [laptopId] = await subscriptionIds(customerId);
    expect(pending.push_accepted_ids).toEqual([laptopId]);
    const job = await deliveryJob(pending.id);
    expect(job?.status).toBe('pending');
    // Backoff: the retry is scheduled, not immediate.
    expect(job?.run_at.getTime()).toBeGreaterThan(Date.now());

    await makePendingJobsDue(database, 'notifications.deliver');
    await lenient.drain();
    expect(pushService.requestsTo(pathOf(laptop))).toHaveLength(1);
    expect(pushService.requestsTo(pathOf(phone))).toHaveLength(2);
    const sent = await pushRow();
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, error_message: null });
    expect(sent.push_accepted_ids).toHaveLength(2);
    expect(await subscriptionIds(customerId)).toHaveLength(2);
    // The browser that got it on the retry decrypts the same message.
    expect(JSON.parse(phone.decrypt(pushService.requestsTo(pathOf(phone))[1]?.body ?? Buffer.alloc(0))).tag).toBe(sent.id);
  });

  it('waits at least as long as a 429’s Retry-After', async () => {
    const { customerId, browsers } = await customerWithBrowsers('/push/');
    const [browser] = browsers;
    if (!browser) throw new Error('browser missing');
    pushService.script(pathOf(browser), { status: 429, retryAfter: '600' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    const before = Date.now();
    await lenient.drain();
    const pending = await pushRow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    const job = await deliveryJob(pending.id);
    expect(job?.run_at.getTime()).toBeGreaterThanOrEqual(before + 590_000);

    await makePendingJobsDue(database, 'notifications.deliver');
    await lenient.drain();
    expect(await pushRow()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries a network failure', async () => {
    // Nothing listens on port 1: the connection is refused.
    const customerId = await makeCustomer(database, lenient.keyRing, tenant.tenantId, { first_name: 'Leo', email: 'leo@example.com' });
    expect((await subscribe(lenient, customerId, `http://127.0.0.1:1/push/${randomUUID()}`)).response.statusCode).toBe(201);
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await lenient.drain();
    const pending = await pushRow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.error_message).toMatch(/unreachable/);
    expect((await deliveryJob(pending.id))?.status).toBe('pending');
    expect(await subscriptionIds(customerId)).toHaveLength(1);
  });

  it('gives up as failed when the attempts run out with no browser accepting', async () => {
    const { customerId } = await customerWithBrowsers('/busy/');
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await lenient.drain();
    const pending = await pushRow();
    expect(pending.status).toBe('pending');
    // Seven attempts already spent: the next one is the last.
    await sql`update jobs set attempts = 7, run_at = now() where name = 'notifications.deliver' and dedupe_key = ${`notification:${pending.id}`}`.execute(database.db);
    await lenient.drain();
    expect(await pushRow()).toMatchObject({ status: 'failed' });
    expect((await deliveryJob(pending.id))?.status).not.toBe('pending');
    // A transient failure never costs the customer their subscription.
    expect(await subscriptionIds(customerId)).toHaveLength(1);
  });

  it.each([404, 410])('removes the subscription on %s without retrying; the other browser still gets it', async (status) => {
    const { customerId, browsers } = await customerWithBrowsers('/push/', '/push/');
    const [laptop, oldPhone] = browsers;
    if (!laptop || !oldPhone) throw new Error('browsers missing');
    pushService.script(pathOf(oldPhone), { status });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await lenient.drain();
    const row = await pushRow();
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await subscriptionIds(customerId)).toHaveLength(1);
    expect((await deliveryJob(row.id))?.status).not.toBe('pending');

    await makePendingJobsDue(database, 'notifications.deliver');
    await lenient.drain();
    expect(pushService.requestsTo(pathOf(oldPhone))).toHaveLength(1);
    expect(pushService.requestsTo(pathOf(laptop))).toHaveLength(1);
  });

  it('shows the retry in the outbox as pending with the last error', async () => {
    const { customerId } = await customerWithBrowsers('/busy/');
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await lenient.drain();
    const response = await lenient.server.inject({ method: 'GET', url: '/api/v1/notifications?channel=push', headers: { authorization: readerToken(tenant.tenantId) } });
    expect(response.json().data[0]).toMatchObject({ status: 'pending', attempts: 1, error: 'push service 503' });
  });
});
