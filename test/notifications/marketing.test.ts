/**
 * A business's marketing message through the API (RF2.15), delivered over a real SMTP conversation:
 * only customers with standing marketing consent in that business get it, each copy's visible
 * unsubscribe link withdraws that consent, and the next message skips them.
 */
import { describe, expect, it } from 'vitest';
import { adminToken, makeTenant, readerToken } from '../webhooks/harness.ts';
import { makeCustomer } from './fixtures.ts';
import { useSmtpHarness } from './smtp-harness.ts';

const env = useSmtpHarness();

async function send(tenantId: string, body: unknown, authorization = adminToken(tenantId)) {
  return env.harness.server.inject({ method: 'POST', url: '/api/v1/notifications/marketing', headers: { authorization }, payload: body as object });
}

describe('marketing messages', () => {
  it('reach only the business\'s consenting customers; the visible link unsubscribes; the next message skips them', async () => {
    await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com', marketing: true });
    await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Iris', email: 'iris@example.com', marketing: true });
    await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Leo', email: 'leo@example.com' });
    const other = await makeTenant(env.database);
    await makeCustomer(env.database, env.harness.keyRing, other.tenantId, { first_name: 'Ona', email: 'ona@example.com', marketing: true });

    const first = await send(env.tenant.tenantId, { subject: 'Spring news', body: '10% off colour this week.' });
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json().data).toMatchObject({ queued: 2 });
    await env.harness.drain();
    expect(env.smtp.messages.flatMap((message) => message.envelopeTo).sort()).toEqual(['eva@example.com', 'iris@example.com']);
    const eva = env.smtp.messages.find((message) => message.envelopeTo.includes('eva@example.com'));
    expect(eva?.parsed.subject).toBe('Spring news');
    expect(eva?.parsed.text).toContain('10% off colour this week.');
    const visible = /\/unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(eva?.parsed.text ?? '');
    if (!visible) throw new Error(`no visible unsubscribe link in: ${eva?.parsed.text ?? ''}`);
    const unsubscribed = await env.harness.server.inject({ method: 'POST', url: `/api/v1/notifications/unsubscribe?token=${visible[1]}` });
    expect(unsubscribed.statusCode).toBe(204);

    env.smtp.messages.length = 0;
    const second = await send(env.tenant.tenantId, { subject: 'Summer news', body: 'Open late on Fridays.' });
    expect(second.json().data).toMatchObject({ queued: 1 });
    expect(second.json().data.campaign_id).not.toBe(first.json().data.campaign_id);
    await env.harness.drain();
    expect(env.smtp.messages.flatMap((message) => message.envelopeTo)).toEqual(['iris@example.com']);
  });

  it('is refused without the permission to manage notifications, and for an empty or unknown body', async () => {
    await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com', marketing: true });
    const reader = await send(env.tenant.tenantId, { subject: 'News', body: 'Text' }, readerToken(env.tenant.tenantId));
    expect(reader.statusCode).toBe(403);
    const empty = await send(env.tenant.tenantId, { subject: '   ', body: 'Text' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('VALIDATION_ERROR');
    const extra = await send(env.tenant.tenantId, { subject: 'News', body: 'Text', to: 'everyone@example.com' });
    expect(extra.statusCode).toBe(400);
    await env.harness.drain();
    expect(env.smtp.messages).toHaveLength(0);
  });
});
