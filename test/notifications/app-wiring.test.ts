/**
 * The whole application as `buildApp` composes it: the booking module's
 * guest codes go out through the notifications module (its messages port),
 * and the customers registry knows the notifications' part in export and
 * erasure. Embedded mode without SMTP: the code is read in the outbox.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { captureLogs } from '../customers/support/customers-app.ts';

let t: TestApp;
let owner: TenantOwner;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  t = await startTestApp({ LOG_LEVEL: 'info' });
  owner = await signupTenant(t);
});
afterAll(async () => {
  logs?.restore();
  await t?.close();
});

describe('guest verification codes in the composed application', () => {
  it('sends the code through the notifications outbox, verifies it, and erases the message with the customer', async () => {
    const email = `guest-${owner.tenant.slug}@example.com`;
    const requested = await t.server.inject({
      method: 'POST',
      url: '/api/v1/verifications',
      headers: { 'x-tenant': owner.tenant.slug },
      payload: { channel: 'email', destination: email },
    });
    expect(requested.statusCode, requested.body).toBe(202);
    await t.app.createWorker(pino({ level: 'info' })).drain();

    const outbox = await t.server.inject({ method: 'GET', url: '/api/v1/notifications', headers: owner.headers });
    expect(outbox.statusCode, outbox.body).toBe(200);
    const message = body<Array<Record<string, unknown>>>(outbox).data.find((item) => item.event_type === 'verification.code');
    expect(message).toMatchObject({ channel: 'email', status: 'captured', recipient_kind: 'address', recipient: 'g***@example.com' });
    const code = /\b(\d{6})\b/.exec(String(message?.body))?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const verified = await t.server.inject({
      method: 'POST',
      url: '/api/v1/verifications/verify',
      headers: { 'x-tenant': owner.tenant.slug },
      payload: { destination: email, code },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(body<{ verification_token: string }>(verified).data.verification_token).toEqual(expect.any(String));

    // The guest becomes a customer: the code sent to their address is theirs in the export.
    const created = await t.server.inject({ method: 'POST', url: '/api/v1/customers', headers: owner.headers, payload: { first_name: 'Olga', email } });
    expect(created.statusCode, created.body).toBe(201);
    const customerId = body<{ id: string }>(created).data.id;
    const exported = await t.server.inject({ method: 'GET', url: `/api/v1/customers/${customerId}/export`, headers: owner.headers });
    expect(exported.statusCode, exported.body).toBe(200);
    const data = body<{ data: Record<string, unknown>; retention_policy: { categories: Array<{ category: string }> } }>(exported).data;
    expect(data.data.communications).toEqual([expect.objectContaining({ template: 'verification.code', channel: 'email', status: 'captured', recipient: email })]);
    expect(data.retention_policy.categories.map((category) => category.category)).toEqual(expect.arrayContaining(['communications', 'push_subscriptions']));

    const erased = await t.server.inject({ method: 'DELETE', url: `/api/v1/customers/${customerId}`, headers: owner.headers });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(body<{ deleted_records: unknown[] }>(erased).data.deleted_records).toEqual(
      expect.arrayContaining([{ table: 'notifications', count: 1, anonymized: true }]),
    );
    const after = await t.server.inject({ method: 'GET', url: `/api/v1/notifications/${String(message?.id)}`, headers: owner.headers });
    expect(after.statusCode).toBe(200);
    expect(body(after).data).toMatchObject({ status: 'captured', recipient: null, subject: null, body: '', body_html: null });
    const resend = await t.server.inject({ method: 'POST', url: `/api/v1/notifications/${String(message?.id)}/resend`, headers: owner.headers });
    expect(resend.statusCode).toBe(409);

    const logText = logs.lines();
    expect(logText).toContain('request completed');
    expect(logText).not.toContain(code);
    expect(logText).not.toContain(email);
  });
});
