import { createHmac, timingSafeEqual, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makePendingJobsDue, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from './harness.ts';
import { Receiver } from './receiver.ts';
import { expireJobLeases } from '../support/wait.ts';

/**
 * Standard Webhooks verification, written from the specification
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
 * independently of the code under test.
 */
function verifyStandardWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64'));
  return signatures.split(' ').some((candidate) => {
    const [version, signature] = candidate.split(',');
    if (version !== 'v1' || signature === undefined) return false;
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

let database: TestDatabase;
let harness: Harness;
let tenant: TestTenant;
let receiver: Receiver;
const disabledNotices: Array<{ id: string; reason: string }> = [];

beforeAll(async () => {
  database = await openTestDatabase();
  harness = await startHarness(database, {
    allowPrivateTargets: true,
    requestTimeoutMs: 1_000,
    onEndpointDisabled: async (_trx, _tenantId, endpoint) => {
      disabledNotices.push({ id: endpoint.id, reason: endpoint.reason });
    },
  });
});
afterAll(async () => {
  await harness.close();
  await database.close();
});
beforeEach(async () => {
  // A fresh tenant per test: no endpoints of earlier tests receive its events.
  tenant = await makeTenant(database);
  receiver = await new Receiver().start();
  await sql`delete from jobs`.execute(database.db);
  return async () => receiver.close();
});

function bookingData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    booking_number: 'BK-TEST01',
    status: 'confirmed',
    start_time: '2030-03-29T09:00:00+02:00',
    end_time: '2030-03-29T09:45:00+02:00',
    service: { id: randomUUID(), name: 'Haircut' },
    resource: { id: randomUUID(), name: 'Marta' },
    customer: { id: randomUUID(), first_name: 'Ana' },
    ...overrides,
  };
}

async function createEndpoint(
  forTenant: TestTenant,
  body: Record<string, unknown> = {},
): Promise<{ id: string; secret: string; status: number; json: { data: Record<string, unknown> } }> {
  const response = await harness.server.inject({
    method: 'POST',
    url: '/api/v1/webhook-endpoints',
    headers: { authorization: adminToken(forTenant.tenantId) },
    payload: { url: `${receiver.url}/hooks`, events: ['booking.created', 'booking.cancelled'], ...body },
  });
  const json = response.json();
  return { id: json.data?.id, secret: json.data?.secret, status: response.statusCode, json };
}

async function deliveriesOf(forTenant: TestTenant, endpointId: string) {
  const response = await harness.server.inject({
    method: 'GET',
    url: `/api/v1/webhook-endpoints/${endpointId}/deliveries`,
    headers: { authorization: readerToken(forTenant.tenantId) },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data as Array<{
    id: string;
    status: string;
    attempts: number;
    attempt_log: Array<{ attempt: number; request: { headers: Record<string, string> }; response: { status: number } | null; error: string | null }>;
  }>;
}

async function pendingDeliveryJob(): Promise<{ run_at: Date } | undefined> {
  const result = await sql<{ run_at: Date }>`
    select run_at from jobs where name = 'webhooks.deliver' and status = 'pending' order by run_at`.execute(database.db);
  return result.rows[0];
}

describe('webhook endpoints', () => {
  it('shows the whsec_ secret once, at creation', async () => {
    const created = await createEndpoint(tenant);
    expect(created.status).toBe(201);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const fetched = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/webhook-endpoints/${created.id}`,
      headers: { authorization: readerToken(tenant.tenantId) },
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json().data).not.toHaveProperty('secret');
    expect(fetched.json().data.events).toEqual(['booking.created', 'booking.cancelled']);
  });

  it('rejects unknown event types and non-http URLs with 400', async () => {
    expect((await createEndpoint(tenant, { events: ['booking.exploded'] })).status).toBe(400);
    const ftp = await createEndpoint(tenant, { url: 'ftp://example.com/x' });
    expect(ftp.status).toBe(400);
    expect(ftp.json).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  });

  it('answers 404 for another tenant’s endpoint, deliveries and replays', async () => {
    const other = await makeTenant(database);
    const created = await createEndpoint(tenant);
    for (const [method, url] of [
      ['GET', `/api/v1/webhook-endpoints/${created.id}`],
      ['GET', `/api/v1/webhook-endpoints/${created.id}/deliveries`],
      ['PATCH', `/api/v1/webhook-endpoints/${created.id}`],
      ['DELETE', `/api/v1/webhook-endpoints/${created.id}`],
      ['POST', `/api/v1/webhook-endpoints/${created.id}/rotate-secret`],
    ] as const) {
      const response = await harness.server.inject({
        method,
        url,
        headers: { authorization: adminToken(other.tenantId) },
        ...(method === 'PATCH' ? { payload: { description: 'x' } } : method === 'POST' ? { payload: {} } : {}),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it('needs the manage permission to create', async () => {
    const response = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: { authorization: readerToken(tenant.tenantId) },
      payload: { url: `${receiver.url}/hooks`, events: ['booking.created'] },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('delivery', () => {
  it('delivers a signed WebhookEvent that a Standard Webhooks verifier accepts', async () => {
    const endpoint = await createEndpoint(tenant);
    const data = bookingData();
    const eventId = await publish(database, tenant.tenantId, 'booking.created', data);
    await harness.drain();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    if (!request) throw new Error('no request');
    expect(verifyStandardWebhook(endpoint.secret, request.headers, request.body)).toBe(true);
    expect(verifyStandardWebhook(endpoint.secret, request.headers, `${request.body} `)).toBe(false);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ id: eventId, type: 'booking.created', data: { object: data } });
    expect(typeof body.created).toBe('number');
    expect(typeof body.api_version).toBe('string');
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(delivery?.attempt_log[0]?.response?.status).toBe(200);
  });

  it('sends nothing for event types the endpoint did not choose, and sends each event once', async () => {
    const endpoint = await createEndpoint(tenant, { events: ['booking.cancelled'] });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    const eventId = await publish(database, tenant.tenantId, 'booking.cancelled', bookingData({ status: 'cancelled' }));
    await harness.drain();
    // The fan-out of the same event running again (at-least-once) adds nothing.
    await sql`update jobs set status = 'pending', run_at = now() where name = 'events.fanout' and dedupe_key = ${eventId}`.execute(database.db);
    await harness.drain();
    const forEndpoint = receiver.requests.filter((request) => JSON.parse(request.body).type === 'booking.cancelled');
    expect(forEndpoint).toHaveLength(1);
    expect((await deliveriesOf(tenant, endpoint.id)).length).toBe(1);
  });

  it('retries failures on the schedule (≈5 s, then ≈5 min) and succeeds later', async () => {
    const endpoint = await createEndpoint(tenant);
    receiver.replies({ status: 500 }, { status: 503 }, { status: 200 });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    const before = Date.now();
    await harness.drain();
    const first = await pendingDeliveryJob();
    if (!first) throw new Error('no retry scheduled');
    const firstDelay = first.run_at.getTime() - before;
    expect(firstDelay).toBeGreaterThan(4_000);
    expect(firstDelay).toBeLessThan(7_000);

    await makePendingJobsDue(database, 'webhooks.deliver');
    const beforeSecond = Date.now();
    await harness.drain();
    const second = await pendingDeliveryJob();
    if (!second) throw new Error('no second retry scheduled');
    const secondDelay = second.run_at.getTime() - beforeSecond;
    expect(secondDelay).toBeGreaterThan(4.4 * 60_000);
    expect(secondDelay).toBeLessThan(5.6 * 60_000);

    await makePendingJobsDue(database, 'webhooks.deliver');
    await harness.drain();
    expect(receiver.requests).toHaveLength(3);
    // Every retry carries the same message id, with a fresh valid signature.
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    for (const request of receiver.requests) expect(verifyStandardWebhook(endpoint.secret, request.headers, request.body)).toBe(true);
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempt_log.map((attempt) => attempt.response?.status)).toEqual([500, 503, 200]);
    expect(await pendingDeliveryJob()).toBeUndefined();
  });

  it('disables the endpoint on 410 Gone', async () => {
    const endpoint = await createEndpoint(tenant);
    receiver.replies({ status: 410 });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const fetched = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/webhook-endpoints/${endpoint.id}`,
      headers: { authorization: readerToken(tenant.tenantId) },
    });
    expect(fetched.json().data).toMatchObject({ status: 'disabled' });
    expect(fetched.json().data.disabled_reason).toContain('410');
    expect(disabledNotices.some((notice) => notice.id === endpoint.id)).toBe(true);
    expect(await pendingDeliveryJob()).toBeUndefined();
    // Later events are not sent to a disabled endpoint.
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('disables an endpoint that has failed for days and tells its owner', async () => {
    const endpoint = await createEndpoint(tenant);
    await sql`update webhook_endpoints set failing_since = now() - interval '6 days' where id = ${endpoint.id}`.execute(database.db);
    receiver.replies({ status: 500 });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const fetched = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/webhook-endpoints/${endpoint.id}`,
      headers: { authorization: readerToken(tenant.tenantId) },
    });
    expect(fetched.json().data.status).toBe('disabled');
    expect(disabledNotices.find((notice) => notice.id === endpoint.id)?.reason).toMatch(/failed since/);
  });

  it('does not follow redirects', async () => {
    const endpoint = await createEndpoint(tenant);
    receiver.replies({ status: 302, headers: { location: `${receiver.url}/elsewhere` } });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hooks']);
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery?.status).toBe('pending');
    expect(delivery?.attempt_log[0]?.error).toMatch(/302.*redirects are not followed/);
  });

  it('gives up an attempt after the timeout and retries it', async () => {
    const endpoint = await createEndpoint(tenant);
    receiver.replies('hang');
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery?.attempt_log[0]?.error).toMatch(/timed out/);
    expect(delivery?.status).toBe('pending');
  });

  it('signs with both secrets during a rotation overlap', async () => {
    const endpoint = await createEndpoint(tenant);
    const rotated = await harness.server.inject({
      method: 'POST',
      url: `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { overlap_hours: 24 },
    });
    expect(rotated.statusCode).toBe(200);
    const newSecret: string = rotated.json().data.secret;
    expect(newSecret).not.toBe(endpoint.secret);
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const [request] = receiver.requests;
    if (!request) throw new Error('no request');
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(newSecret, request.headers, request.body)).toBe(true);
    expect(verifyStandardWebhook(endpoint.secret, request.headers, request.body)).toBe(true);

    // After the overlap, only the new secret signs.
    await sql`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${endpoint.id}`.execute(database.db);
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const latest = receiver.requests[1];
    if (!latest) throw new Error('no second request');
    expect(verifyStandardWebhook(newSecret, latest.headers, latest.body)).toBe(true);
    expect(verifyStandardWebhook(endpoint.secret, latest.headers, latest.body)).toBe(false);
  });

  it('replays a delivery with the same webhook-id', async () => {
    const endpoint = await createEndpoint(tenant);
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    await harness.drain();
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    if (!delivery) throw new Error('no delivery');
    const replay = await harness.server.inject({
      method: 'POST',
      url: `/api/v1/webhook-deliveries/${delivery.id}/replay`,
      headers: { authorization: adminToken(tenant.tenantId) },
    });
    expect(replay.statusCode).toBe(202);
    await harness.drain();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]?.headers['webhook-id']).toBe(receiver.requests[0]?.headers['webhook-id']);
    expect(verifyStandardWebhook(endpoint.secret, receiver.requests[1]?.headers ?? {}, receiver.requests[1]?.body ?? '')).toBe(true);
    const [after] = await deliveriesOf(tenant, endpoint.id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2 });
    const other = await makeTenant(database);
    const foreign = await harness.server.inject({
      method: 'POST',
      url: `/api/v1/webhook-deliveries/${delivery.id}/replay`,
      headers: { authorization: adminToken(other.tenantId) },
    });
    expect(foreign.statusCode).toBe(404);
  });
});

describe('crash during delivery', () => {
  it('delivers once after the worker holding the job stops mid-request (lease expiry)', async () => {
    const crashing = await startHarness(database, { allowPrivateTargets: true, requestTimeoutMs: 10_000, deliveryLeaseMs: 300, keySpec: harness.keyRingSpec });
    try {
      const endpoint = await createEndpoint(tenant);
      receiver.replies('hang', { status: 200 });
      await publish(database, tenant.tenantId, 'booking.created', bookingData());
      // The first worker fans out, claims the delivery and hangs in the HTTP request: as good as dead.
      const stuck = crashing.worker('doomed').drain();
      await receiver.waitFor(1);
      // Its lease runs out: another worker takes the job over and delivers.
      await expireJobLeases(database.db, { name: 'webhooks.deliver' });
      await crashing.worker('rescuer').drain();
      expect(receiver.requests).toHaveLength(2);
      // The doomed worker's request finally fails; its late outcome must not undo the delivery.
      receiver.dropHanging();
      await stuck;
      const [delivery] = await deliveriesOf(tenant, endpoint.id);
      expect(delivery?.status).toBe('succeeded');
      const acknowledged = delivery?.attempt_log.filter((attempt) => attempt.response?.status === 200) ?? [];
      expect(acknowledged).toHaveLength(1);
      // Both requests carried the same webhook-id: a receiver de-duplicating by id processes it once.
      expect(receiver.requests[0]?.headers['webhook-id']).toBe(receiver.requests[1]?.headers['webhook-id']);
      expect(await pendingDeliveryJob()).toBeUndefined();
    } finally {
      await crashing.close();
    }
  });

  it.runIf(onPostgres())('delivers once after a worker process is killed with SIGKILL mid-request', async () => {
    const { spawn } = await import('node:child_process');
    const endpoint = await createEndpoint(tenant);
    receiver.replies('hang', { status: 200 });
    await publish(database, tenant.tenantId, 'booking.created', bookingData());
    const child = spawn(process.execPath, ['test/webhooks/crash-delivery-worker.ts', database.url ?? '', harness.keyRingSpec], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      await receiver.waitFor(1);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    receiver.dropHanging();
    // The killed worker's lease runs out.
    await expireJobLeases(database.db, { name: 'webhooks.deliver' });
    await harness.drain();
    expect(receiver.requests).toHaveLength(2);
    const [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempt_log).toHaveLength(1);
    expect(delivery?.attempt_log[0]?.response?.status).toBe(200);
  });
});
