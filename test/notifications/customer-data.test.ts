/**
 * Notifications in the customer's privacy rights: the export lists the
 * messages sent to them (also the verification codes sent to their email or
 * phone before they were a customer) and their push subscriptions; erasure
 * strips those messages of content and addresses and removes the
 * subscriptions. Same pattern as test/customers/privacy.test.ts.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { deletionReportSchema, userDataExportSchema } from '../../src/modules/customers/privacy.schemas.ts';
import type { NotificationsModule } from '../../src/modules/notifications/index.ts';
import { savePushSubscription } from '../../src/modules/notifications/push-subscriptions.ts';
import { bearer, createCustomersTestApp, createTenant, findPlaintext, uniqueSuffix, type CustomersTestApp } from '../customers/support/customers-app.ts';
import { BrowserSubscription, PushServiceFake } from './push-service-fake.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { TwilioFake } from './twilio-fake.ts';

let app: CustomersTestApp;
let notifications: NotificationsModule;
let worker: Worker;
let smtp: SmtpSink;
let twilio: TwilioFake;
let pushService: PushServiceFake;
let tenant: string;

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  twilio = await new TwilioFake().start();
  pushService = await new PushServiceFake().start();
  // As the composition root wires them: notifications' part reaches the customers module at construction.
  app = await createCustomersTestApp({
    env: {
      PUBLIC_URL: 'https://book.example.test',
      SMTP_URL: smtp.url,
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'token-xyz',
      TWILIO_FROM: '+34910000000',
      TWILIO_API_BASE: twilio.url,
    },
    dataHolders: 'wired',
  });
  notifications = app.modules.notifications;
  worker = new Worker({ handle: app.database, definitions: notifications.jobs, logger: pino({ level: 'silent' }), concurrency: 2, pollMs: 50 });
  tenant = await createTenant(app.database);
});
afterAll(async () => {
  notifications?.close();
  await app?.close();
  await smtp?.close();
  await twilio?.close();
  await pushService?.close();
});

/** Values no notification row may hold (decrypted or not) once the customer is erased. */
function distinctivePerson() {
  const tag = uniqueSuffix().replace(/\d/g, (digit) => 'ghijklmnop'.charAt(Number(digit)));
  return {
    first_name: `Wenceslao${tag}`,
    last_name: `Quetzalcoatl${tag}`,
    email: `wenceslao.${tag}@plaintext-probe.example`,
    phone: `+3469${randomInt(1_000_000, 9_999_999)}`,
  };
}
type Person = ReturnType<typeof distinctivePerson>;

const needlesOf = (person: Person): string[] => [person.first_name, person.last_name, person.email, person.email.split('@')[0] ?? '', person.phone, person.phone.slice(1)];

async function createCustomer(person: Person): Promise<string> {
  const response = await app.server.inject({ method: 'POST', url: '/api/v1/customers', headers: bearer(tenant), payload: person });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().data.id as string;
}

/** What a guest and then a customer receive: codes to their email and phone, an offer, and one still pending. */
async function messagesFor(person: Person, customerId: string): Promise<void> {
  await withTenant(app.database.db, tenant, async (trx) => {
    for (const [channel, destination] of [['email', person.email], ['sms', person.phone]] as const) {
      await notifications.bookingMessages.queueVerificationCode(trx, tenant, { verificationId: randomUUID(), channel, destination, code: '424242', expiresMinutes: 10 });
    }
    await notifications.bookingMessages.queueWaitlistOffer(trx, tenant, {
      offerId: randomUUID(),
      customerId,
      serviceName: 'Corte',
      start: new Date('2030-05-01T08:00:00Z'),
      timeZone: 'Europe/Madrid',
      claimUrl: `https://book.example.test/waitlist/claim/${randomUUID()}`,
      expiresAt: new Date('2030-04-30T12:00:00Z'),
    });
    const browser = new BrowserSubscription(`${pushService.url}/push/${randomUUID()}`);
    await savePushSubscription(trx, app.keyRing, tenant, customerId, { ...browser.toJSON(), userAgent: 'Firefox/140' });
  });
  await worker.drain();
}

/** Every notification row of the tenant with its ciphertexts decrypted, as text. */
async function decryptedRows(): Promise<Array<{ id: string; status: string; text: string }>> {
  const rows = await withTenant(app.database.db, tenant, (trx) => trx.selectFrom('notifications').selectAll().execute());
  return rows.map((row) => {
    const context = `notifications:${tenant}:${row.id}`;
    const decrypted = [row.subject_enc, row.body_enc, row.body_html_enc, row.recipient_enc, row.secret_enc].map((value) => app.keyRing.decryptNullable(value, context));
    return { id: row.id, status: row.status, text: JSON.stringify({ ...row, decrypted }) };
  });
}

describe('notifications in the customer’s export and erasure', () => {
  it('exports the messages sent to the customer, codes sent to their addresses before included, and their push subscriptions', async () => {
    const person = distinctivePerson();
    // The codes are addressed as a guest's are: to the email and phone, no customer id on them.
    const customerId = await createCustomer(person);
    await messagesFor(person, customerId);

    const response = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${customerId}/export`, headers: bearer(tenant) });
    expect(response.statusCode, response.body).toBe(200);
    const exported = userDataExportSchema.parse(response.json().data);
    const communications = exported.data.communications;
    expect(communications.map((item) => [item.template, item.channel, item.status, item.recipient]).sort()).toEqual(
      [
        ['verification.code', 'email', 'sent', person.email],
        ['verification.code', 'sms', 'sent', person.phone],
        ['waitlist.offer', 'email', 'sent', person.email],
      ].sort(),
    );
    for (const item of communications) expect(item.sent_at).toEqual(expect.any(String));
    // Never the code, not even to the customer: it served once.
    expect(JSON.stringify(communications)).not.toContain('424242');
    expect(exported.data.push_subscriptions).toEqual([
      expect.objectContaining({ push_service: pushService.url, user_agent: 'Firefox/140', created_at: expect.any(String) }),
    ]);
    expect(exported.retention_policy.categories.map((category) => category.category)).toEqual(
      expect.arrayContaining(['communications', 'push_subscriptions']),
    );
  });

  it('erases them: no message or subscription keeps the customer’s email, phone or name; pending messages never go', async () => {
    const person = distinctivePerson();
    const other = distinctivePerson();
    const customerId = await createCustomer(person);
    const otherId = await createCustomer(other);
    await messagesFor(person, customerId);
    await messagesFor(other, otherId);
    // One more offer, not delivered yet when the erasure comes.
    await withTenant(app.database.db, tenant, (trx) =>
      notifications.bookingMessages.queueWaitlistOffer(trx, tenant, {
        offerId: randomUUID(),
        customerId,
        serviceName: 'Corte',
        start: new Date('2030-05-02T08:00:00Z'),
        timeZone: 'Europe/Madrid',
        claimUrl: 'https://book.example.test/waitlist/claim/late',
        expiresAt: new Date('2030-05-01T12:00:00Z'),
      }),
    );
    const before = await decryptedRows();
    const mine = before.filter((row) => needlesOf(person).some((needle) => row.text.includes(needle)));
    expect(mine).toHaveLength(4);
    const sentBefore = smtp.messages.length;

    const erased = await app.server.inject({ method: 'DELETE', url: `/api/v1/customers/${customerId}`, headers: bearer(tenant) });
    expect(erased.statusCode, erased.body).toBe(200);
    const report = deletionReportSchema.parse(erased.json().data);
    expect(report.deleted_records).toEqual(
      expect.arrayContaining([
        { table: 'notifications', count: 4, anonymized: true },
        { table: 'push_subscriptions', count: 1, anonymized: false },
      ]),
    );

    const after = await decryptedRows();
    for (const row of after) for (const needle of needlesOf(person)) expect(row.text, `message ${row.id}`).not.toContain(needle);
    // The rows stay as delivery facts; the pending one was stopped.
    const erasedRows = after.filter((row) => mine.some((item) => item.id === row.id));
    expect(erasedRows.map((row) => row.status).sort()).toEqual(['sent', 'sent', 'sent', 'skipped']);
    const subscriptions = await withTenant(app.database.db, tenant, (trx) =>
      sql<{ customer_id: string }>`select customer_id from push_subscriptions where customer_id in (${customerId}, ${otherId})`.execute(trx),
    );
    expect(subscriptions.rows.map((row) => row.customer_id)).toEqual([otherId]);
    expect(await findPlaintext(app.database, needlesOf(person))).toEqual([]);

    // The other customer's messages are untouched.
    expect(after.filter((row) => row.text.includes(other.email))).toHaveLength(2);
    expect(after.filter((row) => row.text.includes(other.phone))).toHaveLength(1);

    await worker.drain();
    expect(smtp.messages.length).toBe(sentBefore);
  });

  it('moves a merged duplicate’s messages and push subscriptions to the surviving customer', async () => {
    const survivor = distinctivePerson();
    const duplicate = distinctivePerson();
    const survivorId = await createCustomer(survivor);
    const duplicateId = await createCustomer(duplicate);
    await messagesFor(duplicate, duplicateId);
    const merged = await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${survivorId}/merge`,
      headers: bearer(tenant),
      payload: { duplicate_id: duplicateId },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    // The offer (by customer id) and the subscription; the codes follow the addresses, which the survivor may not have.
    expect(merged.json().data.merged.reassigned).toEqual(expect.arrayContaining([{ participant: 'notifications', count: 2 }]));
    const response = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${survivorId}/export`, headers: bearer(tenant) });
    const exported = userDataExportSchema.parse(response.json().data);
    expect(exported.data.communications.map((item) => item.template)).toContain('waitlist.offer');
    // Re-encrypted for the survivor: still readable.
    expect(exported.data.push_subscriptions).toEqual([expect.objectContaining({ push_service: pushService.url })]);
  });
});
