/**
 * GET /platform/tenants/{id}/diagnostics: what support sees of one business — a service nobody
 * active delivers, a staff member without working hours, a failed payment, a webhook endpoint in a
 * failure streak, bounced e-mails — and nothing of another business; platform administrators only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asPlatform, body, createPlatformAdminSession, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
let admin: Actor;

async function create(who: TenantOwner, url: string, payload: Record<string, unknown>): Promise<string> {
  const response = await t.server.inject({ method: 'POST', url, headers: who.headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return body<{ id: string }>(response).data.id;
}

const diagnostics = (tenantId: string, headers: { authorization: string }) => t.server.inject({ method: 'GET', url: `/api/v1/platform/tenants/${tenantId}/diagnostics`, headers });

interface Diagnostics {
  problems: number;
  configuration: { services_without_resources: Array<{ id: string; name: string }>; resources_without_schedule: Array<{ id: string; name: string }> };
  failed_payments: { count: number; latest: Array<{ amount: number; currency: string }> };
  failing_webhooks: Array<{ url: string; status: string; failing_since: string | null }>;
  undelivered_messages: Array<{ channel: string; status: string; count: number }>;
}

let colorId = '';
let martaId = '';
let luisId = '';

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t, { tenant_name: 'Salón Roto' });
  other = await signupTenant(t, { tenant_name: 'Salón Sano' });
  admin = await createPlatformAdminSession(t);
  const locationId = await create(owner, '/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  martaId = await create(owner, '/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  luisId = await create(owner, '/api/v1/resources', { location_id: locationId, name: 'Luis', type: 'staff' });
  colorId = await create(owner, '/api/v1/services', { name: 'Color', duration_minutes: 60, resource_ids: [martaId], price: { amount: 5000, currency: 'EUR' } });
  await create(owner, '/api/v1/services', { name: 'Corte', duration_minutes: 30, resource_ids: [luisId], price: { amount: 2500, currency: 'EUR' } });
  await asPlatform(t, async (trx) => {
    // Marta stops working here: Color has nobody left. Luis works, but has no hours set.
    await sql`update resources set status = 'inactive' where tenant_id = ${owner.tenant.id} and id = ${martaId}`.execute(trx);
    const customerId = randomUUID();
    await sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx) values (${owner.tenant.id}, ${customerId}, 'guest', 'x', 'x', ${randomUUID()})`.execute(trx);
    for (const [tenantId, amount] of [
      [owner.tenant.id, 5000],
      [owner.tenant.id, 2500],
    ] as const) {
      await sql`insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, platform_fee, provider, idempotency_key)
        values (${tenantId}, ${randomUUID()}, ${customerId}, 'deposit', 'failed', ${amount}, 'EUR', 0, 'sandbox', ${randomUUID()})`.execute(trx);
    }
    // A failure from two months ago is not counted.
    await sql`insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, platform_fee, provider, idempotency_key, created_at)
      values (${owner.tenant.id}, ${randomUUID()}, ${customerId}, 'deposit', 'failed', 900, 'EUR', 0, 'sandbox', ${randomUUID()}, now() - interval '60 days')`.execute(trx);
    await sql`insert into webhook_endpoints (tenant_id, url, events, secret_enc, failing_since)
      values (${owner.tenant.id}, 'https://hooks.example.com/reservehub', '{booking.created}', 'x', now() - interval '3 hours')`.execute(trx);
    await sql`insert into webhook_endpoints (tenant_id, url, events, secret_enc)
      values (${owner.tenant.id}, 'https://ok.example.com/hook', '{booking.created}', 'x')`.execute(trx);
    for (const status of ['bounced', 'bounced', 'failed', 'delivered']) {
      await sql`insert into notifications (tenant_id, dedupe_key, event_type, channel, recipient_kind, language, body_enc, status)
        values (${owner.tenant.id}, ${randomUUID()}, 'booking.confirmed', 'email', 'customer', 'es', 'x', ${status})`.execute(trx);
    }
  });
});
afterAll(async () => t?.close());

describe('tenant diagnostics', () => {
  test("name what keeps the business from working, counted over 30 days", async () => {
    const response = await diagnostics(owner.tenant.id, admin.headers);
    expect(response.statusCode, response.body).toBe(200);
    const data = body<Diagnostics>(response).data;
    expect(data.configuration.services_without_resources).toEqual([{ id: colorId, name: 'Color' }]);
    expect(data.configuration.resources_without_schedule).toEqual([{ id: luisId, name: 'Luis' }]);
    expect(data.failed_payments.count).toBe(2);
    expect(data.failed_payments.latest.map((payment) => payment.amount).sort()).toEqual([2500, 5000]);
    expect(data.failing_webhooks).toEqual([expect.objectContaining({ url: 'https://hooks.example.com/reservehub', status: 'enabled' })]);
    expect(data.undelivered_messages).toEqual([
      { channel: 'email', status: 'bounced', count: 2 },
      { channel: 'email', status: 'failed', count: 1 },
    ]);
    expect(data.problems).toBe(5);
  });

  test('another business has none of them; a business with nothing wrong has no problems', async () => {
    const data = body<Diagnostics>(await diagnostics(other.tenant.id, admin.headers)).data;
    expect(data).toMatchObject({
      problems: 0,
      configuration: { services_without_resources: [], resources_without_schedule: [] },
      failed_payments: { count: 0, latest: [] },
      failing_webhooks: [],
      undelivered_messages: [],
    });
  });

  test('platform administrators only; an unknown business or the platform itself is 404', async () => {
    expect((await diagnostics(owner.tenant.id, owner.headers)).statusCode).toBe(403);
    expect((await diagnostics(other.tenant.id, owner.headers)).statusCode).toBe(403);
    expect((await diagnostics(randomUUID(), admin.headers)).statusCode).toBe(404);
    expect((await diagnostics('00000000-0000-0000-0000-000000000000', admin.headers)).statusCode).toBe(404);
    expect((await t.server.inject({ method: 'GET', url: `/api/v1/platform/tenants/${owner.tenant.id}/diagnostics` })).statusCode).toBe(401);
  });
});
