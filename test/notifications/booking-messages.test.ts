/**
 * The booking module's own messages — guest verification codes and waitlist
 * offers — through the notifications pipeline: templates in Spanish and
 * English, real channels (SMTP sink, Twilio fake), delivery tracking, and a
 * code that is never stored readable after sending nor logged.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeModules } from '../../src/composition.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { KeyRing, parseMasterKeys } from '../../src/platform/crypto/field-encryption.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { SECRET_PLACEHOLDER } from '../../src/modules/notifications/one-time-secret.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makeTenant, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { makeCustomer } from './fixtures.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { TwilioFake } from './twilio-fake.ts';

const TWILIO_ENV = { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'token-xyz', TWILIO_FROM: '+34910000000' };

let database: TestDatabase;
let smtp: SmtpSink;
let twilio: TwilioFake;
/** SMTP and Twilio configured: messages really go out. */
let harness: Harness;
/** Neither: the embedded mode, messages captured in the outbox. */
let capturing: Harness;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  smtp = await new SmtpSink().start();
  twilio = await new TwilioFake().start();
  harness = await startHarness(database, { env: { SMTP_URL: smtp.url, ...TWILIO_ENV, TWILIO_API_BASE: twilio.url } });
  capturing = await startHarness(database, { keySpec: harness.keyRingSpec });
});
afterAll(async () => {
  await harness?.close();
  await capturing?.close();
  await smtp?.close();
  await twilio?.close();
  await database?.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  smtp.messages.length = 0;
  twilio.requests.length = 0;
});

const newCode = (): string => String(100_000 + Math.floor(Math.random() * 900_000));

async function queueCode(target: Harness, destination: string, code: string, channel: 'email' | 'sms' = destination.includes('@') ? 'email' : 'sms') {
  await withTenant(database.db, tenant.tenantId, (trx) =>
    target.notifications.bookingMessages.queueVerificationCode(trx, tenant.tenantId, {
      verificationId: randomUUID(),
      channel,
      destination,
      code,
      expiresMinutes: 10,
    }),
  );
}

async function setSettings(body: Record<string, unknown>) {
  const response = await harness.server.inject({
    method: 'PATCH',
    url: '/api/v1/notification-settings',
    headers: { authorization: adminToken(tenant.tenantId) },
    payload: body,
  });
  expect(response.statusCode).toBe(200);
}

async function outbox(target: Harness = harness): Promise<Array<Record<string, unknown>>> {
  const response = await target.server.inject({ method: 'GET', url: '/api/v1/notifications', headers: { authorization: readerToken(tenant.tenantId) } });
  expect(response.statusCode).toBe(200);
  return response.json().data as Array<Record<string, unknown>>;
}

/** Every stored column of the tenant's messages, the encrypted ones decrypted: what anyone with the database and the keys could read. */
async function storedMessages(keyRing: KeyRing): Promise<Array<Record<string, unknown>>> {
  const rows = await withTenant(database.db, tenant.tenantId, (trx) => trx.selectFrom('notifications').selectAll().execute());
  return rows.map((row) => {
    const context = `notifications:${row.tenant_id}:${row.id}`;
    return {
      ...row,
      subject: keyRing.decryptNullable(row.subject_enc, context),
      body: keyRing.decryptNullable(row.body_enc, context),
      body_html: keyRing.decryptNullable(row.body_html_enc, context),
      recipient: keyRing.decryptNullable(row.recipient_enc, context),
      secret: keyRing.decryptNullable(row.secret_enc, context),
    };
  });
}

describe('guest verification codes', () => {
  it('emails the code in the tenant’s language; once sent, no stored column keeps it', async () => {
    await setSettings({ default_language: 'es' });
    const code = newCode();
    await queueCode(harness, 'olga.guest@example.com', code);
    await harness.drain();

    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail?.envelopeTo).toEqual(['olga.guest@example.com']);
    expect(mail?.parsed.subject).toMatch(/^Tu código de verificación de /);
    // Mail servers log subjects: the code is only in the body.
    expect(mail?.parsed.subject).not.toContain(code);
    expect(mail?.parsed.text).toContain(`Tu código de verificación es ${code}. Caduca en 10 minutos.`);
    expect(mail?.parsed.html).toContain(code);

    const [stored] = await storedMessages(harness.keyRing);
    expect(stored).toMatchObject({ status: 'sent', transport: 'smtp', recipient_kind: 'address', customer_id: null, event_type: 'verification.code', secret_enc: null });
    expect(String(stored?.body)).toContain(SECRET_PLACEHOLDER);
    expect(JSON.stringify(stored)).not.toContain(code);

    const [view] = await outbox();
    expect(view).toMatchObject({ channel: 'email', status: 'sent', recipient_kind: 'address', recipient: 'o***@example.com' });
    expect(String(view?.body)).toContain('Tu código de verificación es ••••••.');
    expect(JSON.stringify(view)).not.toContain(code);
    const detail = await harness.server.inject({ method: 'GET', url: `/api/v1/notifications/${String(view?.id)}`, headers: { authorization: readerToken(tenant.tenantId) } });
    expect(detail.body).not.toContain(code);

    // A code is never sent twice: the guest asks for a new one.
    const resend = await harness.server.inject({ method: 'POST', url: `/api/v1/notifications/${String(view?.id)}/resend`, headers: { authorization: adminToken(tenant.tenantId) } });
    expect(resend.statusCode).toBe(409);
    expect(smtp.messages).toHaveLength(1);
  });

  it('texts the code by SMS in English through Twilio, even with SMS off for the tenant (the guest chose it)', async () => {
    const code = newCode();
    await queueCode(harness, '+34600123456', code);
    await harness.drain();

    expect(smtp.messages).toHaveLength(0);
    expect(twilio.requests).toHaveLength(1);
    const form = twilio.requests[0]?.form;
    expect(form?.get('To')).toBe('+34600123456');
    expect(form?.get('Body')).toMatch(new RegExp(`: your code is ${code} \\(expires in 10 min\\)\\.$`));
    expect(form?.get('StatusCallback')).toBe('https://book.example.test/api/v1/notifications/webhooks/twilio');
    const [stored] = await storedMessages(harness.keyRing);
    expect(stored).toMatchObject({ channel: 'sms', status: 'sent', transport: 'twilio', secret_enc: null });
    expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('shows the code in a captured message: in the embedded mode the outbox is the delivery', async () => {
    const code = newCode();
    await queueCode(capturing, 'guest@example.com', code);
    await capturing.drain();
    const [view] = await outbox(capturing);
    expect(view).toMatchObject({ status: 'captured', transport: 'captured', recipient: 'g***@example.com' });
    expect(String(view?.body)).toContain(code);
    // Stored apart from the text, encrypted; the text holds only the placeholder.
    const [stored] = await storedMessages(capturing.keyRing);
    expect(String(stored?.body)).not.toContain(code);
    expect(stored?.secret).toBe(code);
  });

  it('keeps a new code for the same address a separate message; a repeated queue of the same verification is one', async () => {
    const verificationId = randomUUID();
    const queue = (code: string, id = verificationId) =>
      withTenant(database.db, tenant.tenantId, (trx) =>
        harness.notifications.bookingMessages.queueVerificationCode(trx, tenant.tenantId, { verificationId: id, channel: 'email', destination: 'twice@example.com', code, expiresMinutes: 10 }),
      );
    await queue('111111');
    await queue('111111');
    await queue('222222', randomUUID());
    await harness.drain();
    const codes = smtp.messages.map((message) => /\b(\d{6})\b/.exec(message.parsed.text ?? '')?.[1]);
    expect(codes.sort()).toEqual(['111111', '222222']);
  });

  it('refuses a tenant template for verification codes that does not show the code, and uses one that does', async () => {
    const post = (body: string) =>
      harness.server.inject({
        method: 'POST',
        url: '/api/v1/notification-templates',
        headers: { authorization: adminToken(tenant.tenantId) },
        // No subject: a code message keeps the product's (tenants change the wording only).
        payload: { event_type: 'verification.code', channel: 'email', language: 'en', body },
      });
    const without = await post('Here is your code, valid {{ expires_minutes }} minutes.');
    expect(without.statusCode).toBe(400);
    expect(without.json().error.details[0]).toMatchObject({ field: 'body', code: 'template' });
    expect((await post('{{ business.name }} code: {{ code | upcase }} ({{ expires_minutes }} min)')).statusCode).toBe(201);

    const code = newCode();
    await queueCode(harness, 'custom@example.com', code);
    await harness.drain();
    expect(smtp.messages[0]?.parsed.text).toContain(`code: ${code} (10 min)`);
    expect(smtp.messages[0]?.parsed.subject).toMatch(/^Your .* verification code$/);
  });

  it('never logs the code or the address, not even when a send fails and is retried', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace', PUBLIC_URL: 'https://book.example.test', SMTP_URL: smtp.url, ...TWILIO_ENV, TWILIO_API_BASE: twilio.url });
    const keyRing = new KeyRing({ keys: parseMasterKeys(harness.keyRingSpec) });
    const module = composeModules({ config, db: database.db, keyRing }, { notifications: { logger } }).notifications;
    const worker = new Worker({ handle: database, definitions: module.jobs, logger, concurrency: 2, pollMs: 50 });
    try {
      const smsCode = newCode();
      const emailCode = newCode();
      twilio.statuses.push(503);
      smtp.rejected.add('refused@example.com');
      await withTenant(database.db, tenant.tenantId, async (trx) => {
        await module.bookingMessages.queueVerificationCode(trx, tenant.tenantId, { verificationId: randomUUID(), channel: 'sms', destination: '+34600999888', code: smsCode, expiresMinutes: 10 });
        await module.bookingMessages.queueVerificationCode(trx, tenant.tenantId, { verificationId: randomUUID(), channel: 'email', destination: 'refused@example.com', code: emailCode, expiresMinutes: 10 });
      });
      await worker.drain();
      await sql`update jobs set run_at = now() where status = 'pending' and name = 'notifications.deliver'`.execute(database.db);
      await worker.drain();

      expect(twilio.requests.map((request) => request.form.get('Body')?.includes(smsCode))).toEqual([true, true]);
      const log = lines.join('');
      // The failures were logged (so the assertion below is about a log that exists)...
      expect(log).toContain('notification send failed');
      // ...without the codes or where they went.
      for (const secret of [smsCode, emailCode, '+34600999888', '600999888', 'refused@example.com']) expect(log).not.toContain(secret);
    } finally {
      smtp.rejected.delete('refused@example.com');
      module.close();
    }
  });
});

describe('waitlist offers', () => {
  const offer = (customerId: string) => ({
    offerId: randomUUID(),
    customerId,
    serviceName: 'Corte de pelo',
    start: new Date('2030-03-30T08:00:00Z'),
    timeZone: 'Europe/Madrid',
    claimUrl: `https://book.example.test/waitlist/claim/${randomUUID()}`,
    expiresAt: new Date('2030-03-29T17:30:00Z'),
  });

  // 30 March 2030 is still winter time in Madrid (UTC+1): 08:00 UTC is 09:00 there.
  it('emails the offer with its claim link, in the customer’s language and the location’s time zone', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com', language: 'es' });
    const sent = offer(customerId);
    await withTenant(database.db, tenant.tenantId, (trx) => harness.notifications.bookingMessages.queueWaitlistOffer(trx, tenant.tenantId, sent));
    await harness.drain();
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]?.parsed;
    expect(mail?.subject).toBe('Hay un hueco libre: Corte de pelo el sábado, 30 de marzo de 2030');
    expect(mail?.text).toContain('Hola Ana:');
    expect(mail?.text).toContain('a las 09:00');
    expect(mail?.text).toContain('Resérvalo antes de 29 mar 2030, 18:30');
    expect(mail?.text).toContain(sent.claimUrl);
    const [view] = await outbox();
    expect(view).toMatchObject({ event_type: 'waitlist.offer', recipient_kind: 'customer', customer_id: customerId, status: 'sent' });

    const english = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'John', email: 'john@example.com', language: 'en' });
    await withTenant(database.db, tenant.tenantId, (trx) => harness.notifications.bookingMessages.queueWaitlistOffer(trx, tenant.tenantId, offer(english)));
    await harness.drain();
    expect(smtp.messages[1]?.parsed.subject).toBe('A slot opened up: Corte de pelo on Saturday, 30 March 2030');
    expect(smtp.messages[1]?.parsed.text).toContain('at 09:00. Claim it before 29 Mar 2030, 18:30');
  });

  it('texts a customer who has only a phone even with SMS off: the slot is held for them', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Leo', phone: '+34600444555', language: 'es' });
    const sent = offer(customerId);
    await withTenant(database.db, tenant.tenantId, (trx) => harness.notifications.bookingMessages.queueWaitlistOffer(trx, tenant.tenantId, sent));
    await harness.drain();
    expect(twilio.requests).toHaveLength(1);
    expect(twilio.requests[0]?.form.get('Body')).toContain(sent.claimUrl);
  });

  it('follows the tenant’s channels when they reach the customer', async () => {
    await setSettings({ channels: { email: true, sms: true } });
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Eva', email: 'eva@example.com', phone: '+34600666777' });
    await withTenant(database.db, tenant.tenantId, (trx) => harness.notifications.bookingMessages.queueWaitlistOffer(trx, tenant.tenantId, offer(customerId)));
    await harness.drain();
    expect(smtp.messages).toHaveLength(1);
    expect(twilio.requests).toHaveLength(1);
  });
});
