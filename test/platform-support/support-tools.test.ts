/**
 * The platform console's support tools on one business (RF6.2): resending a failed message through
 * the outbox's own resend, replaying a webhook delivery to a real local receiver through the
 * Developers screen's own replay, and booking's consistency check with its safe repair. The
 * inconsistencies the product cannot produce are made with SQL under the platform connection;
 * everything else is the real application driven over HTTP, with its real job worker.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { madridSlot } from '../booking/harness.ts';
import { asPlatform, createPlatformAdminSession, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type Method } from '../support/http.ts';
import { Receiver } from '../webhooks/receiver.ts';

type Json = Record<string, unknown>;

interface Finding {
  kind: string;
  booking_id: string;
  booking_number: string;
  repairable: boolean;
  summary: string;
  resource_ids: string[];
  payment_ids: string[];
  recorded_paid: number | null;
  payments_paid: number | null;
  amount: number | null;
}
interface Report {
  findings: Finding[];
  repairable: number;
}
interface RepairResult {
  repaired: Array<{ kind: string; booking_id: string; resource_ids: string[]; recorded_paid: number | null; payments_paid: number | null }>;
  failed: unknown[];
  after: Report;
}

let t: TestApp;
const call = httpClient(() => t.server);
let owner: TenantOwner;
let other: TenantOwner;
let admin: Actor;
let worker: Worker;
let receiver: Receiver;
let serviceId = '';
let resourceId = '';

async function create(url: string, payload: Json, who: TenantOwner = owner): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: who.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

let guests = 0;
async function book(start: string, extra: Json = {}): Promise<{ id: string; booking_number: string; status: string }> {
  const response = await call<{ id: string; booking_number: string; status: string }>('POST', '/api/v1/bookings', {
    tenant: owner.tenant.slug,
    body: { service_id: serviceId, resource_id: resourceId, start_time: start, customer: { first_name: 'Ana', last_name: 'Ruiz', email: `ana${guests++}@example.com` }, ...extra },
  });
  if (response.status !== 201) throw new Error(`booking → ${response.status} ${response.text}`);
  return response.body.data;
}

const platform = (path: string) => `/api/v1/platform/tenants/${owner.tenant.id}${path}`;
const rows = <T>(query: ReturnType<typeof sql<T>>) => asPlatform(t, async (trx) => (await query.execute(trx)).rows);

beforeAll(async () => {
  receiver = await new Receiver().start();
  t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
  worker = t.app.createWorker(pino({ level: 'silent' }));
  owner = await signupTenant(t, { tenant_name: 'Salón Revuelto' });
  other = await signupTenant(t, { tenant_name: 'Salón Vecino' });
  admin = await createPlatformAdminSession(t);
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  serviceId = await create('/api/v1/services', { name: 'Tinte', duration_minutes: 60, resource_ids: [resourceId], price: { amount: 5000, currency: 'EUR' }, deposit: { type: 'percentage', value: 30 } });
  await create('/api/v1/webhook-endpoints', { url: `${receiver.url}/hooks`, events: ['booking.created'] });
});

afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('consistency check and repair', () => {
  const made: Record<'paidDiffers' | 'endedHolding' | 'liveWithout' | 'keptMoney', { id: string; booking_number: string }> = {} as never;

  beforeAll(async () => {
    made.paidDiffers = await book(madridSlot(12, '09:00'), { payment_method_id: 'pm_card_visa' });
    made.endedHolding = await book(madridSlot(12, '11:00'), { payment_method_id: 'pm_card_visa' });
    made.liveWithout = await book(madridSlot(12, '13:00'), { payment_method_id: 'pm_card_visa' });
    made.keptMoney = await book(madridSlot(12, '15:00'));
    const tenantId = owner.tenant.id;
    await asPlatform(t, async (trx) => {
      // The booking forgets the deposit it received (1,500) that its payment still shows.
      await sql`update bookings set deposit_paid = 0 where tenant_id = ${tenantId} and id = ${made.paidDiffers.id}`.execute(trx);
      // Cancelled without its time being released.
      await sql`update bookings set status = 'cancelled', cancelled_at = now() where tenant_id = ${tenantId} and id = ${made.endedHolding.id}`.execute(trx);
      // Confirmed, but its time was released.
      await sql`update allocations set active = false, released_at = now() where tenant_id = ${tenantId} and booking_id = ${made.liveWithout.id}`.execute(trx);
      // Expired unpaid (time released), yet its payment went through and was never refunded.
      await sql`update bookings set status = 'expired', payment_expires_at = null where tenant_id = ${tenantId} and id = ${made.keptMoney.id}`.execute(trx);
      await sql`update allocations set active = false, released_at = now() where tenant_id = ${tenantId} and booking_id = ${made.keptMoney.id}`.execute(trx);
      await sql`update payments set status = 'succeeded' where tenant_id = ${tenantId} and booking_id = ${made.keptMoney.id}`.execute(trx);
    });
  });

  test('names each disagreement with its booking, ids and figures, and says which ones repair fixes', async () => {
    const response = await call<Report>('GET', platform('/consistency'), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    const byKind = Object.fromEntries(response.body.data.findings.map((finding) => [finding.kind, finding]));
    expect(response.body.data.findings).toHaveLength(4);
    expect(byKind.ended_booking_holds_time).toMatchObject({ booking_id: made.endedHolding.id, repairable: true, resource_ids: [resourceId] });
    expect(byKind.live_booking_without_time).toMatchObject({ booking_id: made.liveWithout.id, repairable: false, resource_ids: [resourceId] });
    expect(byKind.paid_amount_differs).toMatchObject({ booking_id: made.paidDiffers.id, repairable: true, recorded_paid: 0, payments_paid: 1500 });
    expect(byKind.money_kept_for_unpaid_booking).toMatchObject({ booking_id: made.keptMoney.id, repairable: false, amount: 1500 });
    expect(byKind.live_booking_without_time?.summary).toContain(made.liveWithout.booking_number);
    expect(byKind.live_booking_without_time?.summary).toMatch(/double-book/);
    expect(response.body.data.repairable).toBe(2);
  });

  test('repairs what is safe, audited in both logs; a second run finds and repairs nothing more', async () => {
    const response = await call<RepairResult>('POST', platform('/consistency/repair'), { headers: admin.headers });
    expect(response.status, response.text).toBe(200);
    const result = response.body.data;
    expect(result.failed).toEqual([]);
    expect(result.repaired).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ended_booking_holds_time', booking_id: made.endedHolding.id, resource_ids: [resourceId] }),
        expect.objectContaining({ kind: 'paid_amount_differs', booking_id: made.paidDiffers.id, recorded_paid: 0, payments_paid: 1500 }),
      ]),
    );
    expect(result.repaired).toHaveLength(2);
    expect(result.after.findings.map((finding) => finding.kind).sort()).toEqual(['live_booking_without_time', 'money_kept_for_unpaid_booking']);
    expect(result.after.repairable).toBe(0);

    const tenantId = owner.tenant.id;
    expect(await rows(sql<{ deposit_paid: number }>`select deposit_paid from bookings where tenant_id = ${tenantId} and id = ${made.paidDiffers.id}`)).toEqual([{ deposit_paid: 1500 }]);
    expect(await rows(sql`select id from allocations where tenant_id = ${tenantId} and booking_id = ${made.endedHolding.id} and active`)).toEqual([]);
    // The booking's history says what changed; who did it is in the audit logs.
    expect(await rows(sql`select reason from booking_history where tenant_id = ${tenantId} and booking_id = ${made.paidDiffers.id} and reason = 'consistency_repair'`)).toHaveLength(1);
    const audits = await rows(sql<{ tenant_id: string; entity_id: string; user_id: string }>`
      select tenant_id, entity_id, user_id from audit_logs where action = 'platform.booking_consistency_repaired' order by tenant_id, entity_id`);
    expect(audits).toHaveLength(4);
    expect(new Set(audits.map((row) => row.tenant_id))).toEqual(new Set([tenantId, '00000000-0000-0000-0000-000000000000']));
    expect(new Set(audits.map((row) => row.user_id))).toEqual(new Set([admin.userId]));

    // The freed time can be sold again.
    expect((await book(madridSlot(12, '11:00'))).status).toBe('pending_payment');

    const again = await call<RepairResult>('POST', platform('/consistency/repair'), { headers: admin.headers });
    expect(again.body.data.repaired).toEqual([]);
    expect(again.body.data.after.findings).toHaveLength(2);
    expect(await rows(sql`select id from audit_logs where action = 'platform.booking_consistency_repaired'`)).toHaveLength(4);
  });

  test('another business has nothing to repair, and nothing of this one', async () => {
    const response = await call<Report>('GET', `/api/v1/platform/tenants/${other.tenant.id}/consistency`, { headers: admin.headers });
    expect(response.body.data).toMatchObject({ findings: [], repairable: 0 });
    const repair = await call<RepairResult>('POST', `/api/v1/platform/tenants/${other.tenant.id}/consistency/repair`, { headers: admin.headers });
    expect(repair.body.data.repaired).toEqual([]);
  });
});

describe('resend and replay', () => {
  let notificationId = '';
  let deliveryId = '';

  beforeAll(async () => {
    // Runs the fan-out: booking messages are captured, booking.created is delivered to the receiver.
    await worker.drain();
    const tenantId = owner.tenant.id;
    const [message] = await rows(sql<{ id: string }>`
      select id from notifications where tenant_id = ${tenantId} and status = 'captured' and body_enc is not null and secret_enc is null order by created_at limit 1`);
    const [delivery] = await rows(sql<{ id: string }>`
      select id from webhook_deliveries where tenant_id = ${tenantId} and status = 'succeeded' order by created_at limit 1`);
    if (!message || !delivery) throw new Error('the booking produced no message or no delivery');
    notificationId = message.id;
    deliveryId = delivery.id;
    await asPlatform(t, async (trx) => {
      await sql`update notifications set status = 'bounced', failed_at = now(), error_code = '550' where tenant_id = ${tenantId} and id = ${notificationId}`.execute(trx);
      await sql`update webhook_deliveries set status = 'failed', last_response_status = 500 where tenant_id = ${tenantId} and id = ${deliveryId}`.execute(trx);
    });
  });

  test('diagnostics list the bounced message and the failed delivery, one by one', async () => {
    const response = await call<{ latest_undelivered_messages: Array<{ id: string; status: string; error_code: string | null }>; latest_failed_deliveries: Array<{ id: string; url: string; last_response_status: number }> }>(
      'GET',
      platform('/diagnostics'),
      { headers: admin.headers },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.data.latest_undelivered_messages).toEqual([expect.objectContaining({ id: notificationId, status: 'bounced', error_code: '550' })]);
    expect(response.body.data.latest_failed_deliveries).toEqual([expect.objectContaining({ id: deliveryId, url: `${receiver.url}/hooks`, last_response_status: 500 })]);
  });

  test('resend queues the message again through the outbox, which sends it, audited in both logs', async () => {
    const response = await call<{ id: string; status: string; resend_count: number }>('POST', platform(`/notifications/${notificationId}/resend`), { headers: admin.headers });
    expect(response.status, response.text).toBe(202);
    expect(response.body.data).toMatchObject({ id: notificationId, status: 'pending', resend_count: 1 });
    expect(await rows(sql`select id from jobs where dedupe_key = ${`notification:${notificationId}:resend:1`}`)).toHaveLength(1);
    await worker.drain();
    expect(await rows(sql<{ status: string; attempts: number }>`select status from notifications where id = ${notificationId}`)).toEqual([{ status: 'captured' }]);
    const audits = await rows(sql<{ tenant_id: string }>`select tenant_id from audit_logs where action = 'platform.notification_resent' and entity_id = ${notificationId}`);
    expect(audits.map((row) => row.tenant_id).sort()).toEqual(['00000000-0000-0000-0000-000000000000', owner.tenant.id].sort());
  });

  test('replay re-delivers to the receiver with the same webhook-id, audited in both logs', async () => {
    const before = receiver.requests.length;
    const response = await call<{ id: string; status: string; replays: number }>('POST', platform(`/webhook-deliveries/${deliveryId}/replay`), { headers: admin.headers });
    expect(response.status, response.text).toBe(202);
    expect(response.body.data).toMatchObject({ id: deliveryId, status: 'pending', replays: 1 });
    await worker.drain();
    await receiver.waitFor(before + 1);
    const replayed = receiver.requests.slice(before);
    expect(replayed).toHaveLength(1);
    expect(JSON.parse(replayed[0]?.body ?? '{}')).toMatchObject({ type: 'booking.created' });
    // The same message as the first delivery: same webhook-id, same body.
    const original = receiver.requests.slice(0, before).find((request) => request.headers['webhook-id'] === replayed[0]?.headers['webhook-id']);
    expect(original?.body).toBe(replayed[0]?.body);
    expect(await rows(sql`select status from webhook_deliveries where id = ${deliveryId}`)).toEqual([{ status: 'succeeded' }]);
    expect(await rows(sql`select tenant_id from audit_logs where action = 'platform.webhook_delivery_replayed' and entity_id = ${deliveryId}`)).toHaveLength(2);
  });

  test('resend every failed one: the bounced messages of the window go again, one erased with its customer is listed with why, a second click finds nothing', async () => {
    const tenantId = owner.tenant.id;
    const captured = await rows(sql<{ id: string }>`
      select id from notifications where tenant_id = ${tenantId} and status = 'captured' and body_enc is not null and secret_enc is null and id <> ${notificationId} order by created_at limit 2`);
    const [first, second] = captured;
    if (!first || !second) throw new Error('the booking produced fewer than three messages');
    await asPlatform(t, (trx) => sql`
      update notifications set status = 'bounced', failed_at = now(), error_code = '550',
        body_enc = case when id = ${second.id}::uuid then null else body_enc end
      where tenant_id = ${tenantId} and id in (${first.id}::uuid, ${second.id}::uuid)`.execute(trx));
    const response = await call<{ resent: number; skipped: Array<{ id: string; reason: string }>; more: boolean }>('POST', platform('/notifications/resend-failed'), {
      headers: admin.headers,
      body: { days: 7 },
    });
    expect(response.status, response.text).toBe(202);
    expect(response.body.data).toEqual({ resent: 1, skipped: [{ id: second.id, reason: 'This message was erased with its customer' }], more: false });
    expect(await rows(sql`select status from notifications where id = ${first.id}`)).toEqual([{ status: 'pending' }]);
    await worker.drain();
    expect(await rows(sql`select status from notifications where id = ${first.id}`)).toEqual([{ status: 'captured' }]);
    const again = await call<{ resent: number; skipped: unknown[] }>('POST', platform('/notifications/resend-failed'), { headers: admin.headers, body: { days: 7 } });
    expect(again.body.data).toMatchObject({ resent: 0, skipped: [{ id: second.id }] });
    expect(await rows(sql`select tenant_id from audit_logs where action = 'platform.notifications_resent' and entity_id = ${tenantId}`)).toHaveLength(4);
    expect((await call('POST', platform('/notifications/resend-failed'), { headers: admin.headers, body: { days: 31 } })).status).toBe(400);
    expect((await call('POST', platform('/notifications/resend-failed'), { headers: owner.headers, body: {} })).status).toBe(403);
  });

  test("another business's id answers 404: the message and the delivery belong to this one", async () => {
    const foreign = (path: string) => call('POST', `/api/v1/platform/tenants/${other.tenant.id}${path}`, { headers: admin.headers });
    expect((await foreign(`/notifications/${notificationId}/resend`)).status).toBe(404);
    expect((await foreign(`/webhook-deliveries/${deliveryId}/replay`)).status).toBe(404);
    expect((await call('POST', `/api/v1/platform/tenants/00000000-0000-0000-0000-000000000000/notifications/${notificationId}/resend`, { headers: admin.headers })).status).toBe(404);
  });
});

describe('who may use the tools', () => {
  const tools = (): Array<[Method, string]> => [
    ['GET', platform('/consistency')],
    ['POST', platform('/consistency/repair')],
    ['POST', platform(`/notifications/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/resend`)],
    ['POST', platform(`/webhook-deliveries/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/replay`)],
  ];

  test("the business's own administrator gets 403", async () => {
    for (const [method, url] of tools()) expect((await call(method as Method, url, { headers: owner.headers })).status, url).toBe(403);
  });

  test('a platform administrator without a second factor is refused', async () => {
    const unproven = await createPlatformAdminSession(t, { withoutMfa: true });
    for (const [method, url] of tools()) {
      const response = await call(method as Method, url, { headers: unproven.headers });
      expect(response.status, url).toBe(403);
      expect(response.body.error.details).toEqual({ mfa_enrollment_required: true });
    }
  });
});
