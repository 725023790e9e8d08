/**
 * The platform console's business page beyond plan and usage: the business's people (roles, second
 * factor, last activity, pending invitations), its customers' latest payments (a deposit taken
 * through the sandbox flow, with its booking number) and its recent errors (a dead job, a webhook
 * delivery that failed for good, a bounced message), without personal data. Platform
 * administrators only, 404 for an unknown business, the platform's own tenant or another business's
 * rows. Failure states the product reaches only over time are made with SQL on the platform connection.
 */
import { sql } from 'kysely';
import { generate as totp } from 'otplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { madridSlot } from '../booking/harness.ts';
import { asPlatform, createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

type Json = Record<string, unknown>;

interface Member {
  user_id: string;
  email: string;
  role: string;
  custom_role_name: string | null;
  status: string;
  two_factor: boolean;
  last_active_at: string | null;
  last_sign_in_at: string | null;
}
interface People {
  total: number;
  pending_invitations: number;
  members: Member[];
}
interface Payment {
  id: string;
  booking_id: string;
  booking_number: string | null;
  kind: string;
  status: string;
  amount: number;
  currency: string;
  refunded_amount: number;
}
interface RecentError {
  kind: string;
  id: string;
  what: string;
  error: string | null;
  error_code: string | null;
  http_status: number | null;
  summary: string;
}

let t: TestApp;
const call = httpClient(() => t.server);
let owner: TenantOwner;
let other: TenantOwner;
let admin: Actor;
let receptionist: Actor;
let coordinator: Actor;
let serviceId = '';
let resourceId = '';
const booked: Array<{ id: string; booking_number: string }> = [];
let deadJobId = '';
let deliveryId = '';
let messageId = '';

const platform = (path: string, tenantId = owner.tenant.id) => `/api/v1/platform/tenants/${tenantId}${path}`;

async function create(url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: owner.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

async function bookWithCard(start: string): Promise<{ id: string; booking_number: string }> {
  const response = await call<{ id: string; booking_number: string }>('POST', '/api/v1/bookings', {
    tenant: owner.tenant.slug,
    body: { service_id: serviceId, resource_id: resourceId, start_time: start, payment_method_id: 'pm_card_visa', customer: { first_name: 'Ana', last_name: 'Ruiz', email: `ana${booked.length}@example.com` } },
  });
  if (response.status !== 201) throw new Error(`booking → ${response.status} ${response.text}`);
  return response.body.data;
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t, { tenant_name: 'Salón Actividad' });
  other = await signupTenant(t, { tenant_name: 'Salón Ajeno' });
  admin = await createPlatformAdminSession(t);

  // People: a receptionist, a member with a custom role who turns on a second factor, an invitation still open.
  receptionist = await createUserWithRole(t, owner, 'receptionist');
  const roleId = await create('/api/v1/roles', { name: 'Coordinadora', permissions: ['read:Booking'] });
  coordinator = await createUserWithRole(t, owner, 'custom', { customRoleId: roleId });
  const enroll = await call<{ secret: string }>('POST', '/api/v1/auth/mfa/enroll', { headers: coordinator.headers });
  const enable = await call('POST', '/api/v1/auth/mfa/enable', { headers: coordinator.headers, body: { code: await totp({ secret: enroll.body.data.secret }) } });
  expect(enable.status, enable.text).toBe(200);
  const invited = await call('POST', '/api/v1/users/invitations', { headers: owner.headers, body: { email: 'pending@example.test', role: 'staff' } });
  expect(invited.status, invited.text).toBe(201);

  // Payments: two deposits through the sandbox flow.
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  serviceId = await create('/api/v1/services', { name: 'Tinte', duration_minutes: 60, resource_ids: [resourceId], price: { amount: 5000, currency: 'EUR' }, deposit: { type: 'percentage', value: 30 } });
  booked.push(await bookWithCard(madridSlot(10, '09:00')));
  booked.push(await bookWithCard(madridSlot(10, '11:00')));

  // Errors: the fan-out writes the booking's message; then one job dies, one delivery and that message fail.
  await t.app.createWorker(pino({ level: 'silent' })).drain();
  const tenantId = owner.tenant.id;
  await asPlatform(t, async (trx) => {
    const job = await sql<{ id: string }>`
      insert into jobs (tenant_id, name, status, attempts, max_attempts, last_error, completed_at)
      values (${tenantId}, 'notifications.deliver', 'dead', 5, 5, 'SMTP refused ana0@example.com (+34 600 123 456): mailbox full', now() - interval '1 hour')
      returning id`.execute(trx);
    deadJobId = job.rows[0]?.id ?? '';
    await sql`insert into jobs (tenant_id, name, status, attempts, last_error, completed_at)
      values (${tenantId}, 'old.job', 'dead', 3, 'too old to matter', now() - interval '8 days')`.execute(trx);
    await sql`insert into jobs (tenant_id, name, status, attempts, last_error, completed_at)
      values (${other.tenant.id}, 'other.job', 'dead', 3, 'another business', now())`.execute(trx);
    const endpoint = await sql<{ id: string }>`
      insert into webhook_endpoints (tenant_id, url, events, secret_enc) values (${tenantId}, 'https://hooks.example.com/salon', '{booking.created}', 'x') returning id`.execute(trx);
    const delivery = await sql<{ id: string }>`
      insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, payload, status, attempts, last_response_status, last_attempt_at)
      select ${tenantId}, ${endpoint.rows[0]?.id ?? ''}, e.id, 'booking.created', '{}', 'failed', 8, 503, now() - interval '2 hours'
      from events e where e.tenant_id = ${tenantId} and e.type = 'booking.created' order by e.created_at limit 1
      returning id`.execute(trx);
    deliveryId = delivery.rows[0]?.id ?? '';
    const message = await sql<{ id: string }>`
      update notifications set status = 'bounced', failed_at = now() - interval '3 hours', error_code = '550'
      where id = (select id from notifications where tenant_id = ${tenantId} order by created_at limit 1)
      returning id`.execute(trx);
    messageId = message.rows[0]?.id ?? '';
  });
  if (!deadJobId || !deliveryId || !messageId) throw new Error('the failure states were not made');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('people', () => {
  test('lists the members with their roles, custom role names and second factor, and the pending invitations', async () => {
    const response = await call<People>('GET', platform('/people'), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    const { members, total, pending_invitations } = response.body.data;
    expect(total).toBe(3);
    expect(pending_invitations).toBe(1);
    const byId = new Map(members.map((member) => [member.user_id, member]));
    expect(byId.get(owner.userId)).toMatchObject({ email: owner.email, role: 'business_admin', custom_role_name: null, status: 'active', two_factor: false });
    expect(byId.get(receptionist.userId)).toMatchObject({ role: 'receptionist', two_factor: false });
    expect(byId.get(coordinator.userId)).toMatchObject({ role: 'custom', custom_role_name: 'Coordinadora', two_factor: true, status: 'active' });
    expect(byId.get(coordinator.userId)?.last_sign_in_at).not.toBeNull();
    expect(members.some((member) => member.email === 'pending@example.test')).toBe(false);
  });

  test("another business's people never appear, and its own list has only its owner", async () => {
    const response = await call<People>('GET', platform('/people', other.tenant.id), { headers: admin.headers });
    expect(response.body.data.members.map((member) => member.user_id)).toEqual([other.userId]);
    expect(response.body.data.pending_invitations).toBe(0);
  });
});

describe('payments', () => {
  test('lists the deposits taken through the sandbox, newest first, with their booking numbers', async () => {
    const response = await call<Payment[]>('GET', platform('/payments?limit=10'), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    expect(response.body.data).toEqual([
      expect.objectContaining({ booking_id: booked[1]?.id, booking_number: booked[1]?.booking_number, kind: 'deposit', status: 'succeeded', amount: 1500, currency: 'EUR', refunded_amount: 0 }),
      expect.objectContaining({ booking_id: booked[0]?.id, booking_number: booked[0]?.booking_number, kind: 'deposit', status: 'succeeded', amount: 1500 }),
    ]);
  });

  test('pages with a cursor', async () => {
    const first = await call<Payment[]>('GET', platform('/payments?limit=1'), { headers: admin.headers });
    expect(first.body.metadata?.pagination).toMatchObject({ has_more: true });
    const cursor = first.body.metadata?.pagination?.cursor ?? '';
    const second = await call<Payment[]>('GET', platform(`/payments?limit=1&cursor=${encodeURIComponent(cursor)}`), { headers: admin.headers });
    expect(second.body.data.map((payment) => payment.booking_id)).toEqual([booked[0]?.id]);
    expect(second.body.metadata?.pagination).toMatchObject({ has_more: false });
  });

  test('another business has no payments of this one', async () => {
    const response = await call<Payment[]>('GET', platform('/payments', other.tenant.id), { headers: admin.headers });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });
});

describe('recent errors', () => {
  test('lists the dead job, the failed delivery and the bounced message of the last 7 days, newest first, without personal data', async () => {
    const response = await call<{ since: string; errors: RecentError[] }>('GET', platform('/errors'), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    const { errors } = response.body.data;
    expect(errors.map((error) => [error.kind, error.id])).toEqual([
      ['job', deadJobId],
      ['webhook_delivery', deliveryId],
      ['message', messageId],
    ]);
    expect(errors[0]).toMatchObject({ what: 'notifications.deliver', error: 'SMTP refused [e-mail] ([number]): mailbox full' });
    expect(errors[1]).toMatchObject({ what: 'booking.created', http_status: 503 });
    expect(errors[1]?.summary).toContain('https://hooks.example.com/salon');
    expect(errors[2]).toMatchObject({ error_code: '550', error: null });
    expect(response.text).not.toContain('ana0@example.com');
    expect(response.text).not.toContain('600 123 456');
  });

  test("another business sees none of this one's errors", async () => {
    const response = await call<{ errors: RecentError[] }>('GET', platform('/errors', other.tenant.id), { headers: admin.headers });
    expect(response.body.data.errors.map((error) => error.what)).toEqual(['other.job']);
  });
});

describe('who may read them', () => {
  const reads = ['/people', '/payments', '/errors'];

  test("the business's own administrator gets 403", async () => {
    for (const path of reads) expect((await call('GET', platform(path), { headers: owner.headers })).status, path).toBe(403);
  });

  test('an unknown business and the platform tenant are 404', async () => {
    for (const path of reads) {
      expect((await call('GET', platform(path, '7f1c2b7e-0000-4000-8000-000000000001'), { headers: admin.headers })).status, path).toBe(404);
      expect((await call('GET', platform(path, '00000000-0000-0000-0000-000000000000'), { headers: admin.headers })).status, path).toBe(404);
    }
  });
});
