import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, customerToken, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';
import { BrowserSubscription, PushServiceFake } from './push-service-fake.ts';

let database: TestDatabase;
let harness: Harness;
let captureHarness: Harness;
let pushService: PushServiceFake;
let tenant: TestTenant;
const vapid = webpush.generateVAPIDKeys();
const VAPID_ENV = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@reservehub.test' };

beforeAll(async () => {
  database = await openTestDatabase();
  pushService = await new PushServiceFake().start();
  // The fake push service listens on loopback: allowed explicitly, as a self-hosted push service would be.
  harness = await startHarness(database, {
    env: { ...VAPID_ENV, PUSH_ALLOW_PRIVATE: 'true' },
  });
  // Without VAPID settings push is captured, like email without SMTP.
  captureHarness = await startHarness(database, { keySpec: harness.keyRingSpec, env: { PUSH_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await harness?.close();
  await captureHarness?.close();
  await pushService?.close();
  await database?.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  pushService.requests.length = 0;
});

async function enablePush(target: Harness = harness) {
  const response = await target.server.inject({
    method: 'PATCH',
    url: '/api/v1/notification-settings',
    headers: { authorization: adminToken(tenant.tenantId) },
    payload: { channels: { push: true } },
  });
  expect(response.statusCode).toBe(200);
}

async function subscribe(customerId: string, browser: BrowserSubscription, target: Harness = harness) {
  return target.server.inject({
    method: 'POST',
    url: '/api/v1/push-subscriptions',
    headers: { authorization: customerToken(tenant.tenantId, customerId), 'user-agent': 'Firefox/140' },
    payload: { ...browser.toJSON(), expirationTime: null },
  });
}

async function subscriptionRows() {
  return withTenant(database.db, tenant.tenantId, async (trx) =>
    (await sql<{ id: string; customer_id: string; endpoint_enc: string; p256dh_enc: string }>`
      select id, customer_id, endpoint_enc, p256dh_enc from push_subscriptions order by created_at`.execute(trx)).rows,
  );
}

async function pushMessages(target: Harness = harness) {
  const response = await target.server.inject({
    method: 'GET',
    url: '/api/v1/notifications?channel=push',
    headers: { authorization: readerToken(tenant.tenantId) },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data as Array<Record<string, unknown>>;
}

describe('Web Push', () => {
  it('sends a booking confirmation with VAPID and an aes128gcm body; a 410 removes the subscription', async () => {
    await enablePush();
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com', language: 'es' });
    const laptop = new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`);
    const oldPhone = new BrowserSubscription(`${pushService.url}/gone/${randomUUID()}`);
    for (const browser of [laptop, oldPhone]) {
      const response = await subscribe(customerId, browser);
      expect(response.statusCode).toBe(201);
      expect(response.json().data.customer_id).toBe(customerId);
    }
    const stored = await subscriptionRows();
    expect(stored).toHaveLength(2);
    // Endpoint and keys are encrypted at rest.
    expect(JSON.stringify(stored)).not.toContain(pushService.url);
    expect(JSON.stringify(stored)).not.toContain(laptop.toJSON().keys.p256dh);

    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();

    expect(pushService.requests.map((request) => request.path.split('/')[1]).sort()).toEqual(['gone', 'push']);
    const delivered = pushService.requests.find((request) => request.path.startsWith('/push/'));
    if (!delivered) throw new Error('nothing reached the push service');
    expect(delivered.headers['content-encoding']).toBe('aes128gcm');
    expect(delivered.headers['content-type']).toBe('application/octet-stream');
    expect(Number(delivered.headers.ttl)).toBeGreaterThan(0);

    // VAPID (RFC 8292): `vapid t=<ES256 JWT for the push service's origin>, k=<our public key>`.
    const authorization = String(delivered.headers.authorization);
    const vapidMatch = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(authorization);
    expect(vapidMatch).not.toBeNull();
    expect(vapidMatch?.[2]).toBe(vapid.publicKey);
    const raw = Buffer.from(vapid.publicKey, 'base64url');
    const key = await importJWK(
      { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
      'ES256',
    );
    const { payload } = await jwtVerify(vapidMatch?.[1] ?? '', key, { audience: pushService.url });
    expect(payload.sub).toBe('mailto:ops@reservehub.test');

    // The body decrypts with the browser's keys into the rendered message.
    const message = JSON.parse(laptop.decrypt(delivered.body)) as { title: string; body: string; tag: string };
    expect(message.title).toContain('Reserva confirmada');
    expect(message.body).toContain('reserva confirmada');
    expect(delivered.body.toString('utf8')).not.toContain('Reserva');

    const [row] = await pushMessages();
    expect(row).toMatchObject({ channel: 'push', transport: 'webpush', status: 'sent' });
    expect(row?.id).toBe(message.tag);

    // 410 Gone: that browser's subscription is removed; the other stays.
    const remaining = await subscriptionRows();
    expect(remaining).toHaveLength(1);

    // The same event again sends nothing more.
    await harness.drain();
    expect(pushService.requests).toHaveLength(2);
  });

  it('bounces when every subscription is gone and sends nothing to a customer without subscriptions', async () => {
    await enablePush();
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Luis', email: 'luis@example.com' });
    expect((await subscribe(customerId, new BrowserSubscription(`${pushService.url}/missing/${randomUUID()}`))).statusCode).toBe(201);
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    const [row] = await pushMessages();
    expect(row).toMatchObject({ channel: 'push', status: 'bounced' });
    expect(await subscriptionRows()).toHaveLength(0);

    pushService.requests.length = 0;
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    expect(pushService.requests).toHaveLength(0);
    expect(await pushMessages()).toHaveLength(1);
  });

  it('captures push messages when no VAPID keys are configured', async () => {
    await enablePush(captureHarness);
    const customerId = await makeCustomer(database, captureHarness.keyRing, tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com' });
    expect((await subscribe(customerId, new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`), captureHarness)).statusCode).toBe(201);
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await captureHarness.drain();
    expect(pushService.requests).toHaveLength(0);
    const [row] = await pushMessages(captureHarness);
    expect(row).toMatchObject({ channel: 'push', transport: 'captured', status: 'captured' });
  });

  it('lets a customer unsubscribe, re-subscribing replaces the keys, and guards who may subscribe whom', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana2@example.com' });
    const other = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Otro', email: 'otro@example.com' });
    const browser = new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`);
    expect((await subscribe(customerId, browser)).statusCode).toBe(201);
    expect((await subscribe(customerId, browser)).statusCode).toBe(201);
    expect(await subscriptionRows()).toHaveLength(1);

    const asCustomer = { authorization: customerToken(tenant.tenantId, customerId) };
    const forOther = await harness.server.inject({ method: 'POST', url: '/api/v1/push-subscriptions', headers: asCustomer, payload: { ...browser.toJSON(), customer_id: other } });
    expect(forOther.statusCode).toBe(403);
    const reader = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/push-subscriptions',
      headers: { authorization: readerToken(tenant.tenantId) },
      payload: { ...browser.toJSON(), customer_id: other },
    });
    expect(reader.statusCode).toBe(403);
    const anonymous = await harness.server.inject({ method: 'POST', url: '/api/v1/push-subscriptions', payload: browser.toJSON() });
    expect(anonymous.statusCode).toBe(401);
    const staff = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/push-subscriptions',
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { ...new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`).toJSON(), customer_id: other },
    });
    expect(staff.statusCode).toBe(201);
    const unknown = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/push-subscriptions',
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { ...browser.toJSON(), customer_id: randomUUID() },
    });
    expect(unknown.statusCode).toBe(404);

    const removed = await harness.server.inject({ method: 'DELETE', url: '/api/v1/push-subscriptions', headers: asCustomer, payload: { endpoint: browser.endpoint } });
    expect(removed.statusCode).toBe(204);
    const again = await harness.server.inject({ method: 'DELETE', url: '/api/v1/push-subscriptions', headers: asCustomer, payload: { endpoint: browser.endpoint } });
    expect(again.statusCode).toBe(404);
    expect((await subscriptionRows()).map((row) => row.customer_id)).toEqual([other]);
  });
});
