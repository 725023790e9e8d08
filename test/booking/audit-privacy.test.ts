/**
 * The automatic audit record of public booking requests on the whole application: it says
 * who did what to which booking, but never stores the guest's name, email or phone, nor a
 * verification code or its destination (those live encrypted in their own tables, where
 * erasure reaches them).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { asPlatform, body, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { madridSlot } from './harness.ts';

let t: TestApp;
let worker: Worker;
let owner: TenantOwner;
let catalog: { serviceId: string; resourceId: string; businessId: string };

async function create(url: string, payload: Record<string, unknown>): Promise<string> {
  const response = await t.server.inject({ method: 'POST', url, headers: owner.headers, payload });
  if (response.statusCode !== 201) throw new Error(`${url} → ${response.statusCode} ${response.body}`);
  return body<{ id: string }>(response).data.id;
}

beforeAll(async () => {
  t = await startTestApp();
  worker = t.app.createWorker(pino({ level: 'silent' }));
  owner = await signupTenant(t);
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  const resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  const serviceId = await create('/api/v1/services', { name: 'Corte', duration_minutes: 60, price: { amount: 2500, currency: 'EUR' }, resource_ids: [resourceId] });
  const businesses = await t.server.inject({ method: 'GET', url: '/api/v1/businesses', headers: owner.headers });
  const businessId = body<Array<{ id: string }>>(businesses).data[0]?.id ?? '';
  catalog = { serviceId, resourceId, businessId };
});

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

it('audits a verified guest booking without the guest\'s name, email, phone or code', async () => {
  const settings = await t.server.inject({
    method: 'PATCH',
    url: `/api/v1/businesses/${catalog.businessId}`,
    headers: owner.headers,
    payload: { settings: { guest_verification: 'otp' } },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  const guest = { first_name: 'Quintiliana', last_name: 'Zubizarreta', email: `q.${randomUUID().slice(0, 8)}@audit-probe.example`, phone: '+34611223344' };
  const page = { 'x-tenant': owner.tenant.slug };

  const sent = await t.server.inject({ method: 'POST', url: '/api/v1/verifications', headers: page, payload: { channel: 'email', destination: guest.email } });
  expect(sent.statusCode, sent.body).toBe(202);
  await worker.drain();
  const outbox = await t.server.inject({ method: 'GET', url: '/api/v1/notifications?channel=email&limit=100', headers: owner.headers });
  const message = body<Array<{ recipient: string | null; body: string }>>(outbox).data.find((item) => item.recipient === maskRecipient(guest.email));
  const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1] ?? '';
  expect(code).toMatch(/^\d{6}$/);
  const verified = await t.server.inject({ method: 'POST', url: '/api/v1/verifications/verify', headers: page, payload: { destination: guest.email, code } });
  expect(verified.statusCode, verified.body).toBe(200);
  const token = body<{ verification_token: string }>(verified).data.verification_token;

  const booked = await t.server.inject({
    method: 'POST',
    url: '/api/v1/bookings',
    headers: page,
    payload: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(4, '10:00'), customer: guest, notes: 'Quintiliana prefers mornings', verification_token: token },
  });
  expect(booked.statusCode, booked.body).toBe(201);
  const bookingId = body<{ id: string }>(booked).data.id;

  const audit = await asPlatform(t, async (trx) =>
    (await sql<{ action: string; entity_id: string | null; record: string }>`
      select action, entity_id::text, to_jsonb(audit_logs)::text as record from audit_logs where tenant_id = ${owner.tenant.id}`.execute(trx)).rows,
  );
  // The records exist and name the booking…
  expect(audit.some((row) => row.action === 'POST /api/v1/bookings' && row.entity_id === bookingId)).toBe(true);
  expect(audit.some((row) => row.action === 'POST /api/v1/verifications/verify')).toBe(true);
  // …but hold none of the person's details, nor the code.
  const everything = audit.map((row) => row.record).join('\n');
  for (const secret of [guest.first_name, guest.last_name, guest.email, guest.phone, guest.phone.slice(1), code]) {
    expect(everything, secret).not.toContain(secret);
  }
});
