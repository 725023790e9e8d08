import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { TwilioFake } from './twilio-fake.ts';

const AUTH_TOKEN = 'token-status-callbacks';
const CALLBACK_URL = 'https://book.example.test/api/v1/notifications/webhooks/twilio';

let database: TestDatabase;
let harness: Harness;
let twilio: TwilioFake;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  twilio = await new TwilioFake().start();
  // The harness sets PUBLIC_URL=https://book.example.test: the callback URL Twilio is given and signs.
  harness = await startHarness(database, {
    env: { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: '+34910000000', TWILIO_API_BASE: twilio.url },
  });
});
afterAll(async () => {
  await harness?.close();
  await twilio?.close();
  await database?.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  twilio.requests.length = 0;
});

/** Sends one SMS through the real pipeline and returns its outbox row. */
async function sendSms(phone: string): Promise<Record<string, unknown>> {
  await withTenant(database.db, tenant.tenantId, (trx) =>
    harness.notifications.bookingMessages.queueVerificationCode(trx, tenant.tenantId, {
      verificationId: randomUUID(),
      channel: 'sms',
      destination: phone,
      code: '123456',
      expiresMinutes: 10,
    }),
  );
  await harness.drain();
  return message(phone);
}

async function message(phone: string): Promise<Record<string, unknown>> {
  const response = await harness.server.inject({ method: 'GET', url: '/api/v1/notifications?channel=sms', headers: { authorization: readerToken(tenant.tenantId) } });
  const masked = `${phone.slice(0, 3)}${'*'.repeat(phone.length - 6)}${phone.slice(-3)}`;
  const row = (response.json().data as Array<Record<string, unknown>>).find((item) => item.recipient === masked);
  if (!row) throw new Error(`no SMS to ${masked}`);
  return row;
}

async function callback(params: Record<string, string>, options: { token?: string; url?: string; tamper?: (payload: string) => string } = {}) {
  const signed = twilio.statusCallback(options.token ?? AUTH_TOKEN, options.url ?? CALLBACK_URL, params);
  return harness.server.inject({
    method: 'POST',
    url: '/api/v1/notifications/webhooks/twilio',
    headers: signed.headers,
    payload: options.tamper ? options.tamper(signed.payload) : signed.payload,
  });
}

const report = (sid: string, status: string, extra: Record<string, string> = {}) => ({
  AccountSid: 'AC123',
  ApiVersion: '2010-04-01',
  From: '+34910000000',
  MessageSid: sid,
  MessageStatus: status,
  SmsSid: sid,
  SmsStatus: status,
  To: '+34600000000',
  ...extra,
});

describe('Twilio status callbacks', () => {
  it('gives Twilio the callback URL, then marks the message delivered; late and repeated reports change nothing', async () => {
    const sent = await sendSms('+34600100200');
    expect(twilio.requests[0]?.form.get('StatusCallback')).toBe(CALLBACK_URL);
    expect(sent).toMatchObject({ status: 'sent', transport: 'twilio', delivered_at: null });
    const sid = String(sent.provider_message_id);

    const queued = await callback(report(sid, 'queued'));
    expect(queued.statusCode).toBe(200);
    expect(queued.json().data).toEqual({ received: true, outcome: 'ignored' });

    const delivered = await callback(report(sid, 'delivered'));
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(delivered.json().data.outcome).toBe('applied');
    const after = await message('+34600100200');
    expect(after).toMatchObject({ status: 'delivered', error_code: null });
    expect(after.delivered_at).not.toBeNull();

    // Out of order, repeated, or contradicting a final state: never moves the message back.
    for (const status of ['sent', 'delivered', 'failed', 'undelivered']) {
      const late = await callback(report(sid, status, status === 'failed' ? { ErrorCode: '30008' } : {}));
      expect(late.statusCode).toBe(200);
      expect(['ignored', 'unchanged']).toContain(late.json().data.outcome);
    }
    expect(await message('+34600100200')).toMatchObject({ status: 'delivered', error_code: null, delivered_at: after.delivered_at });
  });

  it('marks an undelivered message failed with Twilio’s error code', async () => {
    const sent = await sendSms('+34600100300');
    const response = await callback(report(String(sent.provider_message_id), 'undelivered', { ErrorCode: '30003' }));
    expect(response.json().data.outcome).toBe('applied');
    const failed = await message('+34600100300');
    expect(failed).toMatchObject({ status: 'failed', error_code: '30003' });
    expect(String(failed.error)).toContain('30003');
    expect(failed.failed_at).not.toBeNull();
  });

  it.each([
    ['a wrong auth token', { token: 'not-the-token' }],
    ['another URL', { url: 'https://attacker.example/api/v1/notifications/webhooks/twilio' }],
    ['a tampered parameter', { tamper: (payload: string) => payload.replace('MessageStatus=delivered', 'MessageStatus=failed') }],
    ['an added parameter', { tamper: (payload: string) => `${payload}&ErrorCode=30003` }],
  ])('refuses a callback signed with %s (400 INVALID_SIGNATURE) and changes nothing', async (_case, options) => {
    const sent = await sendSms('+34600100400');
    const response = await callback(report(String(sent.provider_message_id), 'delivered'), options);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_SIGNATURE');
    expect(await message('+34600100400')).toMatchObject({ status: 'sent', delivered_at: null });
  });

  it('refuses a callback without a signature, or not form-encoded', async () => {
    const sent = await sendSms('+34600100500');
    const sid = String(sent.provider_message_id);
    const unsigned = await harness.server.inject({
      method: 'POST',
      url: '/api/v1/notifications/webhooks/twilio',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(report(sid, 'delivered')).toString(),
    });
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().error.code).toBe('INVALID_SIGNATURE');
    const json = await harness.server.inject({ method: 'POST', url: '/api/v1/notifications/webhooks/twilio', payload: report(sid, 'delivered') });
    expect(json.statusCode).toBe(400);
    expect(await message('+34600100500')).toMatchObject({ status: 'sent' });
  });

  it('accepts a signature over the URL with its default port, and answers unknown for a message that is not ours', async () => {
    const sent = await sendSms('+34600100600');
    const withPort = await callback(report(String(sent.provider_message_id), 'delivered'), { url: 'https://book.example.test:443/api/v1/notifications/webhooks/twilio' });
    expect(withPort.json().data.outcome).toBe('applied');
    const unknown = await callback(report(`SM${'f'.repeat(32)}`, 'delivered'));
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json().data.outcome).toBe('unknown');
  });
});

describe('without Twilio settings', () => {
  it('answers 404 to status callbacks: nothing can be verified', async () => {
    const bare = await startHarness(database, { keySpec: harness.keyRingSpec });
    try {
      const signed = twilio.statusCallback(AUTH_TOKEN, CALLBACK_URL, report('SM1', 'delivered'));
      const response = await bare.server.inject({ method: 'POST', url: '/api/v1/notifications/webhooks/twilio', headers: signed.headers, payload: signed.payload });
      expect(response.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
