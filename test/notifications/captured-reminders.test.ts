import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makePendingJobsDue, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';
import { TwilioFake } from './twilio-fake.ts';

let database: TestDatabase;
let harness: Harness;
let twilio: TwilioFake;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  twilio = await new TwilioFake().start();
  // No SMTP_URL: email is captured. Twilio settings point at the local fake through the production adapter.
  harness = await startHarness(database, {
    env: { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'token-xyz', TWILIO_FROM: '+34910000000', TWILIO_API_BASE: twilio.url },
  });
});
afterAll(async () => {
  await harness.close();
  await twilio.close();
  await database.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  twilio.requests.length = 0;
});

async function outbox(query = '') {
  const response = await harness.server.inject({
    method: 'GET',
    url: `/api/v1/notifications${query}`,
    headers: { authorization: readerToken(tenant.tenantId) },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data as Array<Record<string, unknown>>;
}

async function reminderJobs(bookingId: string) {
  const result = await sql<{ status: string; run_at: Date; dedupe_key: string }>`
    select status, run_at, dedupe_key from jobs where name = 'notifications.reminder' and starts_with(dedupe_key, ${`booking:${bookingId}:reminder:`})
    order by created_at, run_at`.execute(database.db);
  return result.rows;
}

function hoursFromNow(hours: number): Date {
  const date = new Date(Date.now() + hours * 3_600_000);
  date.setUTCSeconds(0, 0);
  return date;
}

async function setSettings(body: Record<string, unknown>) {
  const response = await harness.server.inject({
    method: 'PATCH',
    url: '/api/v1/notification-settings',
    headers: { authorization: adminToken(tenant.tenantId) },
    payload: body,
  });
  expect(response.statusCode).toBe(200);
  return response.json().data;
}

describe('embedded mode without SMTP', () => {
  it('captures email in the outbox instead of sending it', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com', language: 'es' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    const [message] = await outbox();
    expect(message).toMatchObject({ channel: 'email', transport: 'captured', status: 'captured', recipient: 'a***@example.com' });
    expect(message?.subject).toBe('Reserva confirmada: Corte de pelo el viernes, 29 de marzo de 2030');
    expect(String(message?.body)).toContain('Hola Ana:');
    const detail = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/notifications/${String(message?.id)}`,
      headers: { authorization: readerToken(tenant.tenantId) },
    });
    expect(detail.json().data.body_html).toContain('<p>Hola Ana:</p>');
    const other = await makeTenant(database);
    const foreign = await harness.server.inject({
      method: 'GET',
      url: `/api/v1/notifications/${String(message?.id)}`,
      headers: { authorization: readerToken(other.tenantId) },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('stores no address or body in clear', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Zoe', email: 'zoe@example.com' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    const rows = await sql<{ dump: string }>`select row_to_json(n)::text as dump from notifications n where tenant_id = ${tenant.tenantId}`.execute(database.db);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.dump).not.toContain('zoe@example.com');
    expect(rows.rows[0]?.dump).not.toContain('Zoe');
  });
});

describe('reminders', () => {
  it('schedules 24 h and 2 h reminders, moves them on reschedule and removes them on cancel', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com', language: 'en' });
    const start = hoursFromNow(72);
    const data = bookingData(customerId, {
      start_time: start.toISOString(),
      end_time: new Date(start.getTime() + 45 * 60_000).toISOString(),
    });
    const bookingId = String(data.id);
    await publish(database, tenant.tenantId, 'booking.created', data);
    await harness.drain();
    const planned = await reminderJobs(bookingId);
    expect(planned.map((job) => [job.status, job.run_at.getTime()])).toEqual([
      ['pending', start.getTime() - 24 * 3_600_000],
      ['pending', start.getTime() - 2 * 3_600_000],
    ]);

    const moved = hoursFromNow(96);
    await publish(
      database,
      tenant.tenantId,
      'booking.rescheduled',
      { ...data, start_time: moved.toISOString(), end_time: new Date(moved.getTime() + 45 * 60_000).toISOString() },
      { start_time: start.toISOString() },
    );
    await harness.drain();
    const afterMove = await reminderJobs(bookingId);
    expect(afterMove.filter((job) => job.status === 'cancelled')).toHaveLength(2);
    expect(afterMove.filter((job) => job.status === 'pending').map((job) => job.run_at.getTime())).toEqual([
      moved.getTime() - 24 * 3_600_000,
      moved.getTime() - 2 * 3_600_000,
    ]);

    // Time passes: the reminders come due and are sent once each.
    await makePendingJobsDue(database, 'notifications.reminder');
    await harness.drain();
    const reminders = (await outbox()).filter((message) => message.event_type === 'booking.reminder');
    expect(reminders).toHaveLength(2);
    expect(String(reminders[0]?.subject)).toMatch(/^Reminder: Corte de pelo on /);

    await publish(database, tenant.tenantId, 'booking.cancelled', { ...data, status: 'cancelled', start_time: moved.toISOString(), end_time: new Date(moved.getTime() + 45 * 60_000).toISOString() });
    await harness.drain();
    expect((await reminderJobs(bookingId)).filter((job) => job.status === 'pending')).toHaveLength(0);
  });

  it('a cancellation removes pending reminders; a stale reminder sends nothing', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com' });
    const start = hoursFromNow(50);
    const data = bookingData(customerId, { start_time: start.toISOString(), end_time: new Date(start.getTime() + 3_600_000).toISOString() });
    await publish(database, tenant.tenantId, 'booking.created', data);
    await harness.drain();
    expect((await reminderJobs(String(data.id))).filter((job) => job.status === 'pending')).toHaveLength(2);
    await publish(database, tenant.tenantId, 'booking.cancelled', { ...data, status: 'cancelled' });
    await harness.drain();
    expect((await reminderJobs(String(data.id))).map((job) => job.status)).toEqual(['cancelled', 'cancelled']);
    // Even a reminder that escaped cancellation (already running) finds the booking cancelled and sends nothing.
    await sql`update jobs set status = 'pending', run_at = now() where name = 'notifications.reminder' and starts_with(dedupe_key, ${`booking:${String(data.id)}:reminder:`})`.execute(database.db);
    await harness.drain();
    expect((await outbox()).filter((message) => message.event_type === 'booking.reminder')).toHaveLength(0);
  });

  it('uses the tenant’s and the service’s own offsets', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com' });
    const data = bookingData(customerId);
    const serviceId = String((data.service as { id: string }).id);
    const settings = await setSettings({ reminder_offsets_minutes: [60], service_reminder_offsets: { [serviceId]: [2880, 30] } });
    expect(settings.reminder_offsets_minutes).toEqual([60]);
    const start = hoursFromNow(100);
    await publish(database, tenant.tenantId, 'booking.created', { ...data, start_time: start.toISOString(), end_time: new Date(start.getTime() + 3_600_000).toISOString() });
    const other = bookingData(customerId);
    await publish(database, tenant.tenantId, 'booking.created', { ...other, start_time: start.toISOString(), end_time: new Date(start.getTime() + 3_600_000).toISOString() });
    await harness.drain();
    expect((await reminderJobs(String(data.id))).map((job) => (start.getTime() - job.run_at.getTime()) / 60_000)).toEqual([2880, 30]);
    expect((await reminderJobs(String(other.id))).map((job) => (start.getTime() - job.run_at.getTime()) / 60_000)).toEqual([60]);
  });

  it('rejects bad settings with 400', async () => {
    const response = await harness.server.inject({
      method: 'PATCH',
      url: '/api/v1/notification-settings',
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { reminder_offsets_minutes: [-5] },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('SMS through the Twilio adapter', () => {
  it('posts to Twilio’s Messages endpoint and records the message sid', async () => {
    await setSettings({ channels: { sms: true, email: false } });
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', phone: '+34600111222', language: 'es' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    expect(twilio.requests).toHaveLength(1);
    const [request] = twilio.requests;
    expect(request?.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(request?.authorization).toBe(`Basic ${Buffer.from('AC123:token-xyz').toString('base64')}`);
    expect(request?.form.get('To')).toBe('+34600111222');
    expect(request?.form.get('From')).toBe('+34910000000');
    expect(request?.form.get('Body')).toMatch(/^.*reserva confirmada, Corte de pelo el viernes, 29 de marzo de 2030 a las 09:00/);
    const [message] = await outbox();
    expect(message).toMatchObject({ channel: 'sms', transport: 'twilio', status: 'sent', recipient: '+34******222' });
    expect(String(message?.provider_message_id)).toMatch(/^SM/);
  });

  it('sends WhatsApp with the whatsapp: prefix', async () => {
    await setSettings({ channels: { whatsapp: true, email: false } });
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', phone: '+34600333444' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    expect(twilio.requests[0]?.form.get('To')).toBe('whatsapp:+34600333444');
    expect(twilio.requests[0]?.form.get('From')).toBe('whatsapp:+34910000000');
  });

  it('fails an invalid number at once and retries a Twilio outage', async () => {
    await setSettings({ channels: { sms: true, email: false } });
    const first = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', phone: '+34600555666' });
    twilio.statuses.push(400);
    await publish(database, tenant.tenantId, 'booking.created', bookingData(first));
    await harness.drain();
    expect((await outbox())[0]).toMatchObject({ status: 'failed', attempts: 1 });

    const second = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Leo', phone: '+34600777888' });
    twilio.statuses.push(503);
    await publish(database, tenant.tenantId, 'booking.created', bookingData(second));
    await harness.drain();
    const pending = (await outbox('?status=pending'))[0];
    expect(pending).toMatchObject({ attempts: 1 });
    expect(String(pending?.error)).toContain('503');
    await makePendingJobsDue(database, 'notifications.deliver');
    await harness.drain();
    expect((await outbox(`?customer_id=${second}`))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
