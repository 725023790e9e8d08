import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makeTenant, publish, readerToken, startHarness, type Harness } from './harness.ts';
import { Receiver } from './receiver.ts';

let database: TestDatabase;
let strict: Harness;
let receiver: Receiver;

beforeAll(async () => {
  database = await openTestDatabase();
  strict = await startHarness(database, { allowPrivateTargets: false });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver.close();
  await strict.close();
  await database.close();
});

describe('private targets (WEBHOOKS_ALLOW_PRIVATE unset)', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.7/hook',
    'http://192.168.1.1/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0x7f000001/hook',
  ])('refuses an endpoint at %s with 400', async (url) => {
    const tenant = await makeTenant(database);
    const response = await strict.server.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { url, events: ['booking.created'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'url', code: 'non_public_address' }] });
  });

  it('refuses at delivery time a target that became private (checked on every attempt)', async () => {
    const tenant = await makeTenant(database);
    // Registered while private targets were allowed (e.g. DNS then pointed elsewhere).
    const lenient = await startHarness(database, { allowPrivateTargets: true, keySpec: strict.keyRingSpec });
    const created = await lenient.server.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { url: `${receiver.url}/hook`, events: ['booking.created'] },
    });
    await lenient.close();
    expect(created.statusCode).toBe(201);
    await publish(database, tenant.tenantId, 'booking.created', {
      id: randomUUID(),
      status: 'confirmed',
      start_time: '2030-01-01T10:00:00Z',
      end_time: '2030-01-01T11:00:00Z',
    });
    await strict.drain();
    expect(receiver.requests).toHaveLength(0);
    const deliveries = await strict.server.inject({
      method: 'GET',
      url: `/api/v1/webhook-endpoints/${created.json().data.id}/deliveries`,
      headers: { authorization: readerToken(tenant.tenantId) },
    });
    expect(deliveries.json().data[0].attempt_log[0].error).toMatch(/private, loopback or reserved/);
  });
});
