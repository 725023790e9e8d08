import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import ICAL from 'ical.js';
import { adminToken, makeTenant, publish, readerToken, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';
import { useSmtpHarness } from './smtp-harness.ts';

const env = useSmtpHarness();

function parseIcs(text: string): { method: string | null; event: ICAL.Event; vevent: ICAL.Component } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const method = calendar.getFirstPropertyValue('method');
  return { method: typeof method === 'string' ? method : null, event: new ICAL.Event(vevent), vevent };
}

async function outbox(forTenant: TestTenant, query = '') {
  const response = await env.harness.server.inject({
    method: 'GET',
    url: `/api/v1/notifications${query}`,
    headers: { authorization: readerToken(forTenant.tenantId) },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data as Array<Record<string, unknown>>;
}

describe('email over SMTP', () => {
  it('sends the confirmation in the customer’s language with text, HTML and an .ics invitation', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, {
      first_name: 'Ana',
      email: 'ana@example.com',
      language: 'es',
    });
    const data = bookingData(customerId);
    await publish(env.database, env.tenant.tenantId, 'booking.created', data);
    await env.harness.drain();

    expect(env.smtp.messages).toHaveLength(1);
    const [message] = env.smtp.messages;
    if (!message) throw new Error('no message');
    const mail = message.parsed;
    expect(message.envelopeTo).toEqual(['ana@example.com']);
    expect(mail.from?.text).toBe('"Peluquería Sol" <citas@sol.example>');
    expect(mail.subject).toBe('Reserva confirmada: Corte de pelo el viernes, 29 de marzo de 2030');
    expect(mail.messageId).toMatch(/@reservehub>$/);
    expect(message.raw).not.toMatch(/^List-Unsubscribe:/im);
    // Local time of the location (09:00 Madrid), not UTC.
    expect(mail.text).toContain('Hola Ana:');
    expect(mail.text).toContain('a las 09:00');
    expect(mail.text).toContain('Reserva: BK-7KQ2M9');
    expect(mail.text).toContain('https://book.example.test/manage/abc');
    expect(mail.html).toContain('<p>Hola Ana:</p>');
    expect(mail.html).toContain('<a href="https://book.example.test/manage/abc">');

    const ics = mail.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
    if (!ics) throw new Error('no calendar attachment');
    const { method, event, vevent } = parseIcs(ics.content.toString('utf8'));
    expect(method).toBe('REQUEST');
    expect(event.uid).toBe(`${String(data.id)}@reservehub`);
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Madrid');
    expect(event.startDate.toString()).toBe('2030-03-29T09:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-03-29T08:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-03-29T08:45:00.000Z');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const [row] = await outbox(env.tenant);
    expect(row).toMatchObject({ status: 'sent', transport: 'smtp', channel: 'email', recipient: 'a***@example.com', has_invitation: true });
  });

  it('writes in English for an English-speaking customer', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'John', email: 'john@example.com', language: 'en-GB' });
    await publish(env.database, env.tenant.tenantId, 'booking.created', bookingData(customerId, { service: { id: null, name: 'Haircut' } }));
    await env.harness.drain();
    expect(env.smtp.messages[0]?.parsed.subject).toBe('Booking confirmed: Haircut on Friday, 29 March 2030');
    expect(env.smtp.messages[0]?.parsed.text).toContain('Hi John,');
  });

  it('never sends the same event twice to the same recipient', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Ana', email: 'ana2@example.com' });
    const eventId = await publish(env.database, env.tenant.tenantId, 'booking.created', bookingData(customerId));
    await env.harness.drain();
    // Both the fan-out and the planning job run again (at-least-once delivery).
    await sql`update jobs set status = 'pending', run_at = now()
              where (name = 'events.fanout' and dedupe_key = ${eventId}) or (name = 'notifications.event' and dedupe_key = ${`event:${eventId}`})`.execute(env.database.db);
    await env.harness.drain();
    expect(env.smtp.messages).toHaveLength(1);
    expect(await outbox(env.tenant)).toHaveLength(1);
  });

  it('tells a cancellation with its refund and cancels the invitation (same UID, higher SEQUENCE)', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Ana', email: 'ana3@example.com', language: 'es' });
    const data = bookingData(customerId);
    await publish(env.database, env.tenant.tenantId, 'booking.created', data);
    await env.harness.drain();
    await publish(env.database, env.tenant.tenantId, 'booking.cancelled', { ...data, status: 'cancelled', refund: { id: 're_1', amount: 2250, currency: 'EUR', status: 'succeeded' } });
    await env.harness.drain();
    expect(env.smtp.messages).toHaveLength(2);
    const [created, cancelled] = env.smtp.messages;
    if (!created || !cancelled) throw new Error('missing messages');
    expect(cancelled.parsed.subject).toBe('Reserva cancelada: BK-7KQ2M9');
    expect(cancelled.parsed.text).toMatch(/Te devolvemos 22,50\s€/);
    const first = parseIcs(created.parsed.attachments[0]?.content.toString('utf8') ?? '');
    const second = parseIcs(cancelled.parsed.attachments[0]?.content.toString('utf8') ?? '');
    expect(second.method).toBe('CANCEL');
    expect(second.event.uid).toBe(first.event.uid);
    expect(second.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(second.event.sequence).toBeGreaterThan(first.event.sequence);
  });

  it('sends marketing only with consent, with a visible unsubscribe link and one-click List-Unsubscribe, each withdrawing it', async () => {
    const consenting = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com', marketing: true });
    const refusing = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Leo', email: 'leo@example.com' });
    const queued = await import('../../src/platform/db/tenant-context.ts').then(({ withTenant }) =>
      withTenant(env.database.db, env.tenant.tenantId, async (trx) => {
        let count = 0;
        for (const customerId of [consenting, refusing]) {
          count += await env.harness.notifications.queueMessage(trx, env.tenant.tenantId, {
            key: 'marketing.message',
            dedupeBase: 'campaign:spring',
            eventId: null,
            recipient: { kind: 'customer', customerId },
            extra: () => ({ message: { subject: 'Spring news', body: '10% off colour!' } }),
          });
        }
        return count;
      }),
    );
    expect(queued).toBe(1);
    await env.harness.drain();
    expect(env.smtp.messages).toHaveLength(1);
    const mail = env.smtp.messages[0]?.parsed;
    expect(env.smtp.messages[0]?.envelopeTo).toEqual(['eva@example.com']);
    expect(mail?.subject).toBe('Spring news');
    const raw = (env.smtp.messages[0]?.raw ?? '').replace(/\r?\n[ \t]+/g, ' ');
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/im);
    const url = /^List-Unsubscribe: <(https:\/\/book\.example\.test\/api\/v1\/notifications\/unsubscribe\?token=[A-Za-z0-9_-]+)>/im.exec(raw)?.[1];
    if (!url) throw new Error('no unsubscribe link');
    // The visible link a person clicks opens the web page (/unsubscribe?token=…), whose button posts that token.
    const visible = /https:\/\/book\.example\.test\/unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '');
    if (!visible) throw new Error(`no visible unsubscribe link in: ${mail?.text ?? ''}`);
    expect(mail?.text).not.toContain('{{');
    expect(mail?.html || '').toContain(`/unsubscribe?token=${visible[1]}`);
    const byPerson = await env.harness.server.inject({ method: 'POST', url: `/api/v1/notifications/unsubscribe?token=${visible[1]}` });
    expect(byPerson.statusCode).toBe(204);
    const response = await env.harness.server.inject({ method: 'POST', url: new URL(url).pathname + new URL(url).search });
    expect(response.statusCode).toBe(204);
    const forged = await env.harness.server.inject({ method: 'POST', url: '/api/v1/notifications/unsubscribe?token=AAAAAAAAAAAAAAAAAAAA' });
    expect(forged.statusCode).toBe(404);
    const active = await sql<{ count: number }>`
      select count(*)::int as count from consent_records where customer_id = ${consenting} and withdrawn_at is null`.execute(env.database.db);
    expect(active.rows[0]?.count).toBe(0);
  });

  it('marks a rejected recipient bounced and lets support resend it', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Ana', email: 'gone@example.com' });
    env.smtp.rejected.add('gone@example.com');
    await publish(env.database, env.tenant.tenantId, 'booking.created', bookingData(customerId));
    await env.harness.drain();
    const [bounced] = await outbox(env.tenant);
    expect(bounced).toMatchObject({ status: 'bounced', transport: 'smtp', attempts: 1 });
    expect(env.smtp.messages).toHaveLength(0);

    env.smtp.rejected.delete('gone@example.com');
    const resend = await env.harness.server.inject({
      method: 'POST',
      url: `/api/v1/notifications/${String(bounced?.id)}/resend`,
      headers: { authorization: adminToken(env.tenant.tenantId) },
    });
    expect(resend.statusCode).toBe(202);
    await env.harness.drain();
    expect(env.smtp.messages).toHaveLength(1);
    const [after] = await outbox(env.tenant);
    expect(after).toMatchObject({ status: 'sent', resend_count: 1, attempts: 2 });
    const other = await makeTenant(env.database);
    const foreign = await env.harness.server.inject({
      method: 'POST',
      url: `/api/v1/notifications/${String(bounced?.id)}/resend`,
      headers: { authorization: adminToken(other.tenantId) },
    });
    expect(foreign.statusCode).toBe(404);
  });
});
