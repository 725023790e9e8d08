/**
 * The one-time-code endpoints are not a relay (attack tests on the whole application):
 * `POST /verifications` (guest codes), `POST /customer-auth/code` (sign-in codes),
 * `POST /me/phone/code` (a customer's phone) and the templates of code messages.
 *
 * - a destination is exactly one address or one phone: lists, display names, comments, groups,
 *   domain literals and CR/LF are refused, and nothing is queued;
 * - budgets shared by every endpoint and kept in the database: per destination (three at once,
 *   then waits doubling from 30 s; across businesses), per destination at one business (10 a
 *   day, sign-in codes included), per IP (30 an hour across businesses), per business (100 an
 *   hour on trial); 429 TOO_MANY_CODES with Retry-After;
 * - SMS only to the business's countries (default: its own);
 * - a tenant template cannot change a code message's subject or recipients, and free or trial
 *   businesses cannot change code templates at all (403 TEMPLATE_LOCKED).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { asPlatform, bearer, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, request, type HttpResponse } from '../support/http.ts';

type Headers = Record<string, string>;
interface Outgoing {
  event_type: string;
  recipient: string | null;
  subject: string | null;
  body: string;
  status: string;
}

let t: TestApp;
let worker: Worker;

let addressCounter = 0;
/** A fresh client address per request unless a test pins one: the per-IP budget stays out of the way. */
const nextAddress = () => `198.18.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;
const uniqueEmail = (label: string) => `${label}.${randomUUID().slice(0, 8)}@${randomUUID().slice(0, 6)}.codes-probe.example`;

const call = httpClient(() => t.server, { remoteAddress: nextAddress });

const page = (who: TenantOwner): Headers => ({ 'x-tenant': who.tenant.slug });
const guestCode = (who: TenantOwner, destination: string, channel: 'email' | 'sms' = 'email', ip?: string) =>
  call('POST', '/api/v1/verifications', { headers: page(who), body: { channel, destination, language: 'en' }, remoteAddress: ip });
const signInCode = (who: TenantOwner, email: string, ip?: string) => call('POST', '/api/v1/customer-auth/code', { headers: page(who), body: { email, language: 'en' }, remoteAddress: ip });

/** Lets time pass for the back-off only: each counter's last send moves back, its window stays. */
async function waitBackoff(seconds: number): Promise<void> {
  await sql`update code_send_budgets set last_sent_at = last_sent_at - make_interval(secs => ${seconds})`.execute(t.db.db);
}

/** The code messages a business composed (its outbox), newest first. */
async function codeMessages(who: TenantOwner): Promise<Outgoing[]> {
  const response = await call<Outgoing[]>('GET', '/api/v1/notifications?limit=100', { headers: who.headers });
  expect(response.status, response.text).toBe(200);
  return response.body.data.filter((message) => message.event_type === 'verification.code');
}

function expectTooManyCodes(response: HttpResponse, min: number, max: number): void {
  expect(response.status, response.text).toBe(429);
  expect(response.body.error?.code).toBe('TOO_MANY_CODES');
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(min);
  expect(retryAfter).toBeLessThanOrEqual(max);
}

/** A business past its trial, on a paid plan. */
async function paid(who: TenantOwner): Promise<TenantOwner> {
  await asPlatform(t, (trx) => sql`update subscriptions set status = 'active' where tenant_id = ${who.tenant.id}`.execute(trx));
  return who;
}

beforeAll(async () => {
  t = await startTestApp();
  worker = t.app.createWorker(pino({ level: 'silent' }));
});

afterAll(async () => {
  await t?.close();
});

describe('a code goes to exactly one destination', () => {
  const notOneAddress = [
    'victim@example.com,other@example.com',
    'victim@example.com, other@example.com',
    'victim@example.com;other@example.com',
    'Eve <victim@example.com>',
    '<victim@example.com>',
    'victim@example.com\r\nBcc: other@example.com',
    'victim@example.com\nBcc: other@example.com',
    'victim@example.com\r\n',
    'victim(comment)@example.com',
    'victim@example.com (comment)',
    '"victim other"@example.com',
    'undisclosed-recipients:victim@example.com;',
    'victim@[192.0.2.1]',
    'victim@example.com@other.example',
  ];

  it('refuses lists, names, comments, groups and header lines on both e-mail code endpoints, queuing nothing', async () => {
    const owner = await signupTenant(t);
    for (const destination of notOneAddress) {
      const guest = await guestCode(owner, destination);
      expect(guest.status, `/verifications ${JSON.stringify(destination)}`).toBe(400);
      expect(guest.body.error?.code).toBe('VALIDATION_ERROR');
      const signIn = await signInCode(owner, destination);
      expect(signIn.status, `/customer-auth/code ${JSON.stringify(destination)}`).toBe(400);
    }
    for (const destination of ['+34600111222,+34600111333', '+34600111222\n+34600111333', '+34600111222;ext=1']) {
      const sms = await guestCode(owner, destination, 'sms');
      expect(sms.status, `/verifications sms ${JSON.stringify(destination)}`).toBe(400);
    }
    expect(await codeMessages(owner)).toEqual([]);

    // One plain address goes, to exactly that address.
    const plain = uniqueEmail('plain');
    expect((await guestCode(owner, plain)).status).toBe(202);
    expect((await codeMessages(owner)).map((message) => message.recipient)).toEqual([maskRecipient(plain)]);
  });
});

describe('send budgets', () => {
  it('backs off exponentially per destination, counting guest and sign-in codes together (429 TOO_MANY_CODES, Retry-After)', async () => {
    const owner = await signupTenant(t);
    const email = uniqueEmail('backoff');
    expect((await guestCode(owner, email)).status).toBe(202);
    expect((await guestCode(owner, email)).status).toBe(202);
    expect((await signInCode(owner, email)).status).toBe(202);

    const fourth = await signInCode(owner, email);
    expectTooManyCodes(fourth, 1, 30);
    expect(fourth.body.error?.details).toEqual({ retry_after_seconds: Number(fourth.headers['retry-after']) });
    await waitBackoff(30);
    expect((await guestCode(owner, email)).status).toBe(202);
    // The next waits twice as long, then four times.
    expectTooManyCodes(await guestCode(owner, email), 31, 60);
    await waitBackoff(60);
    expect((await signInCode(owner, email)).status).toBe(202);
    expectTooManyCodes(await signInCode(owner, email), 61, 120);
    // Refused requests queued nothing: five codes, five messages.
    expect((await codeMessages(owner)).filter((message) => message.recipient === maskRecipient(email))).toHaveLength(5);
  });

  it('holds across processes: a second server on the same database sees the same counters', async () => {
    const owner = await signupTenant(t);
    const email = uniqueEmail('processes');
    const second = await buildApp({ config: t.config, handle: t.db });
    try {
      await second.server.ready();
      for (let sent = 0; sent < 3; sent += 1) expect((await guestCode(owner, email)).status).toBe(202);
      const elsewhere = await request(second.server, 'POST', '/api/v1/verifications', {
        headers: page(owner),
        remoteAddress: nextAddress(),
        body: { channel: 'email', destination: email },
      });
      expectTooManyCodes(elsewhere, 1, 30);
    } finally {
      await second.server.close();
    }
  });

  it('counts a destination across businesses: another business does not start the back-off again', async () => {
    const first = await signupTenant(t);
    const second = await signupTenant(t);
    const email = uniqueEmail('across');
    for (let sent = 0; sent < 3; sent += 1) expect((await guestCode(first, email)).status).toBe(202);
    expectTooManyCodes(await guestCode(second, email), 1, 30);
    expectTooManyCodes(await signInCode(second, email), 1, 30);
    expect(await codeMessages(second)).toEqual([]);
  });

  it('limits sign-in codes to one address to 10 a day at a business, however long the waits between them', async () => {
    const owner = await signupTenant(t);
    const email = uniqueEmail('daily');
    for (let sent = 0; sent < 10; sent += 1) {
      const response = await signInCode(owner, email);
      expect(response.status, `code ${sent + 1}: ${response.text}`).toBe(202);
      await waitBackoff(3 * 3600);
    }
    // The eleventh waits for the day to end (its window started with the first code).
    expectTooManyCodes(await signInCode(owner, email), 3600, 24 * 3600);
    expectTooManyCodes(await guestCode(owner, email), 3600, 24 * 3600);
  });

  it('limits one IP address to 30 codes an hour at all businesses together', async () => {
    const first = await signupTenant(t);
    const second = await signupTenant(t);
    const ip = '203.0.113.77';
    for (let sent = 0; sent < 30; sent += 1) {
      const response = sent % 2 === 0 ? await guestCode(first, uniqueEmail('ip'), 'email', ip) : await signInCode(second, uniqueEmail('ip'), ip);
      expect(response.status, `code ${sent + 1}: ${response.text}`).toBe(202);
    }
    expectTooManyCodes(await signInCode(first, uniqueEmail('ip'), ip), 1, 3600);
    expectTooManyCodes(await guestCode(second, uniqueEmail('ip'), 'email', ip), 1, 3600);
    // Another address is not affected.
    expect((await guestCode(second, uniqueEmail('ip'))).status).toBe(202);
  });

  it('limits a business on trial to 100 codes an hour, whoever asks', async () => {
    const owner = await signupTenant(t);
    for (let sent = 0; sent < 100; sent += 1) {
      const response = sent % 2 === 0 ? await guestCode(owner, uniqueEmail('tenant')) : await signInCode(owner, uniqueEmail('tenant'));
      expect(response.status, `code ${sent + 1}: ${response.text}`).toBe(202);
    }
    expectTooManyCodes(await guestCode(owner, uniqueEmail('tenant')), 1, 3600);
    expectTooManyCodes(await signInCode(owner, uniqueEmail('tenant')), 1, 3600);
    // Another business keeps its own budget.
    const other = await signupTenant(t);
    expect((await guestCode(other, uniqueEmail('tenant'))).status).toBe(202);
  });
});

describe('SMS countries', () => {
  it('texts codes only to the business’s own country unless it enables more, on guest and account endpoints', async () => {
    const owner = await signupTenant(t, { timezone: 'Europe/Madrid' });
    const american = '+12025550143';
    const british = '+447700900123';
    for (const phone of [american, british]) {
      const refused = await guestCode(owner, phone, 'sms');
      expect(refused.status, refused.text).toBe(422);
      expect(refused.body.error?.code).toBe('SMS_COUNTRY_NOT_ALLOWED');
    }
    expect((await guestCode(owner, '+34600111222', 'sms')).status).toBe(202);

    const enabled = await call('PATCH', `/api/v1/businesses/${owner.business.id}`, { headers: owner.headers, body: { settings: { sms_countries: ['ES', 'US'] } } });
    expect(enabled.status, enabled.text).toBe(200);
    expect((await guestCode(owner, american, 'sms')).status).toBe(202);
    expect((await guestCode(owner, british, 'sms')).status).toBe(422);
    const unknownCountry = await call('PATCH', `/api/v1/businesses/${owner.business.id}`, { headers: owner.headers, body: { settings: { sms_countries: ['XX'] } } });
    expect(unknownCountry.status).toBe(400);

    // A signed-in customer adding a phone: the same rule.
    const email = uniqueEmail('phone');
    expect((await signInCode(owner, email)).status).toBe(202);
    await worker.drain();
    const code = /\b(\d{6})\b/.exec((await codeMessages(owner)).find((message) => message.recipient === maskRecipient(email))?.body ?? '')?.[1];
    const session = await call<{ access_token: string }>('POST', '/api/v1/customer-auth/verify', { headers: page(owner), body: { email, code, first_name: 'Nora' } });
    expect(session.status, session.text).toBe(200);
    const customer = bearer(session.body.data.access_token);
    const phoneCode = await call('POST', '/api/v1/me/phone/code', { headers: customer, body: { phone: british } });
    expect(phoneCode.status, phoneCode.text).toBe(422);
    expect(phoneCode.body.error?.code).toBe('SMS_COUNTRY_NOT_ALLOWED');
    expect((await call('POST', '/api/v1/me/phone/code', { headers: customer, body: { phone: '+34600333444' } })).status).toBe(202);
  });
});

describe('templates of code messages', () => {
  const template = (subject?: string) => ({
    event_type: 'verification.code',
    channel: 'email',
    language: 'en',
    ...(subject === undefined ? {} : { subject }),
    body: 'Security notice from {{ business.name }}: {{ code }} ({{ expires_minutes }} min). Call us at +1 555 0100.',
  });

  it('cannot be changed by a business on trial (403 TEMPLATE_LOCKED), and one stored earlier is not used', async () => {
    const owner = await signupTenant(t);
    const created = await call('POST', '/api/v1/notification-templates', { headers: owner.headers, body: template() });
    expect(created.status, created.text).toBe(403);
    expect(created.body.error?.code).toBe('TEMPLATE_LOCKED');

    // A template written before the lock (or while the business was paying): left unused.
    await asPlatform(t, (trx) =>
      trx
        .insertInto('notification_templates')
        .values({
          tenant_id: owner.tenant.id,
          name: 'legacy',
          event_type: 'verification.code',
          channel: 'email',
          language: 'en',
          subject: 'Your bank account is locked',
          body: 'Visit https://phish.example.test now. {{ code }}',
          body_html: null,
          variables: JSON.stringify(['code']),
          is_active: true,
        })
        .execute(),
    );
    const [legacy] = (await call<Array<{ id: string }>>('GET', '/api/v1/notification-templates', { headers: owner.headers })).body.data;
    const changed = await call('PATCH', `/api/v1/notification-templates/${legacy?.id ?? ''}`, { headers: owner.headers, body: { body: 'Still {{ code }}' } });
    expect(changed.status, changed.text).toBe(403);
    expect(changed.body.error?.code).toBe('TEMPLATE_LOCKED');

    const email = uniqueEmail('trial-template');
    expect((await guestCode(owner, email)).status).toBe(202);
    const [message] = await codeMessages(owner);
    expect(message?.subject).toMatch(/^Your .* verification code$/);
    expect(message?.body).not.toContain('phish');
  });

  it('on a paid plan changes the wording only: the subject stays the product’s, the message goes to the proven address alone', async () => {
    const owner = await paid(await signupTenant(t));
    const withSubject = await call('POST', '/api/v1/notification-templates', { headers: owner.headers, body: template('Your account is locked: reply with your password') });
    expect(withSubject.status, withSubject.text).toBe(400);
    expect(withSubject.body.error?.details).toEqual([expect.objectContaining({ field: 'subject' })]);

    const created = await call<{ id: string }>('POST', '/api/v1/notification-templates', { headers: owner.headers, body: template() });
    expect(created.status, created.text).toBe(201);
    const id = created.body.data.id;
    const patched = await call('PATCH', `/api/v1/notification-templates/${id}`, { headers: owner.headers, body: { subject: 'Urgent' } });
    expect(patched.status).toBe(400);
    // A subject stored before subjects were refused is not used either.
    await asPlatform(t, (trx) => sql`update notification_templates set subject = 'Urgent: your bank' where tenant_id = ${owner.tenant.id}`.execute(trx));

    const email = uniqueEmail('paid-template');
    expect((await guestCode(owner, email)).status).toBe(202);
    const messages = await codeMessages(owner);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ recipient: maskRecipient(email), subject: expect.stringMatching(/^Your .* verification code$/) });
    expect(messages[0]?.body).toContain('Security notice from');
  });
});
