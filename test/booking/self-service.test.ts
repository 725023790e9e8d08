import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pino } from 'pino';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { createEventFanoutJob, publishEvent } from '../../src/platform/events/outbox.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { paymentEvents } from '../../src/modules/payments/index.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type Catalog, type TestTenant } from './harness.ts';
import { httpClient, type Json } from '../support/http.ts';

let db: TestDatabase;
let app: BookingTestApp;
let tenant: TestTenant;
let catalog: Catalog;
let worker: Worker;
// Guest codes and waitlist offers arrive by email, through the notifications module.
let smtp: SmtpSink;

beforeAll(async () => {
  db = await openTestDatabase();
  smtp = await new SmtpSink().start();
  app = await startBookingServer(db, { env: { SMTP_URL: smtp.url } });
  tenant = await makeTenant(db, { settings: { guest_verification: 'none' } });
  catalog = await makeCatalog(app, tenant, {
    deposit: { type: 'fixed', value: 500 },
    cancellation_policy: { window_hours: 24, rules: [{ min_hours: 72, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }], guest: { window_hours: 48 } },
  });
  worker = new Worker({
    handle: db,
    definitions: [createEventFanoutJob(app.booking.subscribers), ...app.booking.jobs, ...app.notifications.jobs],
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    pollMs: 50,
  });
});
afterAll(async () => {
  await app?.server.close();
  app?.notifications.close();
  await smtp?.close();
  await db?.close();
});

/** The newest email delivered to `address` (after the worker ran the delivery jobs). */
function lastEmailTo(address: string): string {
  const message = smtp.messages.filter((sent) => sent.envelopeTo.includes(address)).at(-1);
  if (!message) throw new Error(`no email to ${address}`);
  return message.parsed.text ?? '';
}

// Response bodies as `JSON.parse` gives them; shapes are asserted where it matters (bookingSchema.parse).
const call = httpClient(() => app.server);
let n = 0;
const guest = (extra: Json = {}) => ({ first_name: 'Eva', email: `eva${n++}@example.com`, ...extra });
const book = (start: string, extra: Json = {}, resourceId = catalog.resourceId) =>
  call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { service_id: catalog.serviceId, resource_id: resourceId, start_time: start, customer: guest(), ...extra } });
const tokenOf = (booking: Json): string => String(booking.manage_url).split('/').at(-1) ?? '';
async function setBusinessSettings(settings: Json) {
  await sql`update businesses set settings = ${JSON.stringify(settings)}::jsonb where id = ${tenant.businessId}`.execute(db.db);
}

describe('manage link', () => {
  it('shows the booking, previews the refund, then cancels with the refund shown before', async () => {
    const created = await book(madridSlot(10, '09:00'), { payment_method_id: 'pm_card_visa' });
    expect(created.body.data.status).toBe('confirmed');
    const token = tokenOf(created.body.data);
    const view = await call('GET', `/api/v1/manage/${token}?preview=cancel`);
    expect(view.status).toBe(200);
    expect(view.body.data.preview).toEqual({ action: 'cancel', allowed: true, reason: 'within_window', refund: { amount: 500, currency: 'EUR' } });
    const cancelled = await call('PATCH', `/api/v1/manage/${token}`, { body: { action: 'cancel', cancellation_reason: 'cannot come' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(cancelled.body.data.refund).toMatchObject({ amount: 500 });
    expect(cancelled.body.data.history.at(-1).actor.type).toBe('guest');
  });

  it('the confirmation email carries the manage link, which opens the booking; messages to the business do not', async () => {
    const customer = guest();
    const created = await book(madridSlot(10, '16:00'), { customer });
    expect(created.status).toBe(201);
    // The confirmation comes from notifications reacting to booking.created, as in the product.
    const messaging = new Worker({
      handle: db,
      definitions: [createEventFanoutJob([...app.booking.subscribers, ...app.notifications.subscribers]), ...app.booking.jobs, ...app.notifications.jobs],
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      pollMs: 50,
    });
    await messaging.drain();
    const link = /https?:\/\/\S+\/manage\/([A-Za-z0-9_-]{64})/.exec(lastEmailTo(customer.email));
    expect(link?.[0]).toBe(created.body.data.manage_url);
    const view = await call('GET', `/api/v1/manage/${link?.[1] ?? ''}`);
    expect(view.status).toBe(200);
    expect(view.body.data.booking_number).toBe(created.body.data.booking_number);
    for (const message of smtp.messages.filter((sent) => !sent.envelopeTo.includes(customer.email))) {
      expect(message.parsed.text ?? '').not.toContain(link?.[1] ?? 'no token');
    }
  });

  it('applies the stricter guest window and refuses forged or tampered tokens', async () => {
    const created = await book(madridSlot(10, '10:00'), { payment_method_id: 'pm_card_visa' });
    const token = tokenOf(created.body.data);
    app.clock.now = new Date(Date.parse(created.body.data.start_time) - 30 * 3_600_000);
    try {
      const preview = await call('GET', `/api/v1/manage/${token}?preview=cancel`);
      expect(preview.body.data.preview).toMatchObject({ allowed: false, reason: 'outside_window' });
      const refused = await call('PATCH', `/api/v1/manage/${token}`, { body: { action: 'cancel' } });
      expect(refused.status).toBe(422);
    } finally {
      app.clock.now = null;
    }
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    expect((await call('GET', `/api/v1/manage/${tampered}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/manage/not-a-token-at-all')).status).toBe(404);
  });

  it('reschedules within policy; the link expires after the booking ends', async () => {
    const created = await book(madridSlot(11, '09:00'), { payment_method_id: 'pm_card_visa' });
    const token = tokenOf(created.body.data);
    const moved = await call('PATCH', `/api/v1/manage/${token}`, { body: { action: 'reschedule', new_start_time: madridSlot(11, '12:00') } });
    expect(moved.status).toBe(200);
    expect(moved.body.data.start_time).toBe(madridSlot(11, '12:00'));
    app.clock.now = new Date(Date.parse(moved.body.data.end_time) + 60_000);
    try {
      expect((await call('GET', `/api/v1/manage/${token}`)).status).toBe(404);
    } finally {
      app.clock.now = null;
    }
  });
});

describe('guest verification (OTP)', () => {
  it('requires a verification token when the business asks for it; codes are hashed, limited and single-use', async () => {
    await setBusinessSettings({ guest_verification: 'otp' });
    try {
      const email = 'otp.guest@example.com';
      const body = { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(12, '09:00'), customer: { first_name: 'Olga', email } };
      const refused = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('VERIFICATION_REQUIRED');

      expect((await call('POST', '/api/v1/verifications', { tenant: tenant.slug, body: { channel: 'email', destination: email } })).status).toBe(202);
      await worker.drain();
      const code = /\b(\d{6})\b/.exec(lastEmailTo(email))?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const stored = await withTenant(db.db, tenant.tenantId, (trx) => sql<{ code_hash: string }>`select code_hash from booking_verifications`.execute(trx));
      expect(stored.rows.every((row) => !row.code_hash.includes(code))).toBe(true);

      const wrong = code === '000000' ? '111111' : '000000';
      const bad = await call('POST', '/api/v1/verifications/verify', { tenant: tenant.slug, body: { destination: email, code: wrong } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('INVALID_CODE');
      const good = await call('POST', '/api/v1/verifications/verify', { tenant: tenant.slug, body: { destination: email, code } });
      expect(good.status).toBe(200);
      const verificationToken = good.body.data.verification_token;
      const booked = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...body, verification_token: verificationToken } });
      expect(booked.status).toBe(201);
      // Single use.
      const reuse = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...body, start_time: madridSlot(12, '10:00'), verification_token: verificationToken } });
      expect(reuse.status).toBe(403);
      // Staff bookings need no verification.
      expect((await call('POST', '/api/v1/bookings', { auth: tokenFor(tenant), body: { ...body, start_time: madridSlot(12, '11:00') } })).status).toBe(201);
    } finally {
      await setBusinessSettings({});
    }
  });

  it('writes the code in the language the guest asks for, else their browser\'s, else the business\'s', async () => {
    const subjectTo = (address: string) => smtp.messages.filter((sent) => sent.envelopeTo.includes(address)).at(-1)?.parsed.subject ?? '';
    const asked = await app.server.inject({
      method: 'POST',
      url: '/api/v1/verifications',
      headers: { 'x-tenant': tenant.slug, 'accept-language': 'en-GB,en;q=0.8' },
      payload: { channel: 'email', destination: 'lang-asked@example.com', language: 'es' },
    });
    expect(asked.statusCode, asked.body).toBe(202);
    const browser = await app.server.inject({
      method: 'POST',
      url: '/api/v1/verifications',
      headers: { 'x-tenant': tenant.slug, 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' },
      payload: { channel: 'email', destination: 'lang-browser@example.com' },
    });
    expect(browser.statusCode, browser.body).toBe(202);
    const english = await app.server.inject({
      method: 'POST',
      url: '/api/v1/verifications',
      headers: { 'x-tenant': tenant.slug, 'accept-language': 'en-US' },
      payload: { channel: 'email', destination: 'lang-english@example.com' },
    });
    expect(english.statusCode, english.body).toBe(202);
    await worker.drain();
    expect(subjectTo('lang-asked@example.com')).toMatch(/^Tu código de verificación/);
    expect(subjectTo('lang-browser@example.com')).toMatch(/^Tu código de verificación/);
    expect(subjectTo('lang-english@example.com')).toMatch(/^Your .* verification code$/);
  });

  it('locks a code after 5 wrong attempts and limits sends per destination', async () => {
    const email = 'brute@example.com';
    expect((await call('POST', '/api/v1/verifications', { tenant: tenant.slug, body: { channel: 'email', destination: email } })).status).toBe(202);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await call('POST', '/api/v1/verifications/verify', { tenant: tenant.slug, body: { destination: email, code: '999999' } })).status);
    }
    // A lucky 999999 is possible but one in a million; the sixth try is refused whatever the code.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, 5).every((status) => status === 400 || status === 200)).toBe(true);
    const sends = [];
    for (let index = 0; index < 3; index += 1) {
      sends.push((await call('POST', '/api/v1/verifications', { tenant: tenant.slug, body: { channel: 'email', destination: email } })).status);
    }
    expect(sends).toEqual([202, 202, 429]);
    const sms = await call('POST', '/api/v1/verifications', { tenant: tenant.slug, body: { channel: 'sms', destination: 'not a phone' } });
    expect(sms.status).toBe(400);
  });
});

describe('payment hold and confirmation', () => {
  it('expires an unpaid booking after the hold and frees the slot; the hold is a business setting', async () => {
    await setBusinessSettings({ payment_hold_minutes: 5 });
    app.clock.now = new Date(Date.now() - 10 * 60_000);
    let created;
    try {
      created = await book(madridSlot(13, '09:00'));
    } finally {
      app.clock.now = null;
      await setBusinessSettings({});
    }
    expect(created.body.data.status).toBe('pending_payment');
    expect(Date.parse(created.body.data.payment_expires_at) - (Date.now() - 10 * 60_000)).toBeLessThan(6 * 60_000);
    expect((await book(madridSlot(13, '09:00'))).status).toBe(409);
    await worker.drain();
    const got = await call('GET', `/api/v1/bookings/${created.body.data.id}`, { auth: tokenFor(tenant) });
    expect(got.body.data.status).toBe('expired');
    expect(got.body.data.history.at(-1)).toMatchObject({ action: 'payment_timeout', from: 'pending_payment', to: 'expired' });
    expect(app.payments.cancelledFor).toContain(created.body.data.id);
    expect((await book(madridSlot(13, '09:00'))).status).toBe(201);
  });

  it('payment.succeeded confirms a pending booking once; after expiry it asks payments to refund', async () => {
    const created = await book(madridSlot(13, '10:00'));
    const id = created.body.data.id;
    const paymentId = randomUUID();
    const publish = () =>
      withTenant(db.db, tenant.tenantId, (trx) =>
        publishEvent(trx, paymentEvents.succeeded, {
          tenantId: tenant.tenantId,
          aggregateId: paymentId,
          data: {
            booking_id: id,
            payment_id: paymentId,
            customer_id: created.body.data.customer.id,
            type: 'deposit',
            status: 'succeeded',
            amount: 500,
            currency: 'EUR',
            platform_fee: 0,
            provider: 'sandbox',
          },
        }),
      );
    await publish();
    await publish();
    await worker.drain();
    const got = await call('GET', `/api/v1/bookings/${id}`, { auth: tokenFor(tenant) });
    expect(got.body.data.status).toBe('confirmed');
    expect(got.body.data.pricing.deposit_paid).toBe(500);
    expect(got.body.data.history.filter((entry: Json) => entry.to === 'confirmed')).toHaveLength(1);
  });
});

describe('several at once (RF5.8)', () => {
  it('books two services back to back for one person, all or nothing', async () => {
    const body = (second: string) => ({
      customer: guest(),
      items: [
        { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(14, '09:00') },
        { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: second },
      ],
    });
    await book(madridSlot(14, '10:00'));
    const failed = await call('POST', '/api/v1/bookings/batch', { auth: tokenFor(tenant), body: body(madridSlot(14, '10:00')) });
    expect(failed.status).toBe(409);
    expect((await book(madridSlot(14, '09:00'))).status).toBe(201);
    const ok = await call('POST', '/api/v1/bookings/batch', { auth: tokenFor(tenant), body: { ...body(madridSlot(14, '11:00')), items: body(madridSlot(14, '11:30')).items.map((item, index) => ({ ...item, start_time: index === 0 ? madridSlot(14, '11:00') : madridSlot(14, '11:30') })) } });
    expect(ok.status).toBe(201);
    expect(ok.body.data.kind).toBe('sequence');
    expect(ok.body.data.bookings).toHaveLength(2);
    expect(new Set(ok.body.data.bookings.map((item: Json) => item.group_id))).toEqual(new Set([ok.body.data.group_id]));
  });

  it('books one service for several people at the same time on two resources', async () => {
    const start = madridSlot(14, '15:00');
    const party = await call('POST', '/api/v1/bookings/batch', {
      tenant: tenant.slug,
      body: {
        items: [
          { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: start, customer: guest({ first_name: 'Mamá' }) },
          { service_id: catalog.serviceId, resource_id: catalog.otherResourceId, start_time: start, customer: guest({ first_name: 'Hijo' }) },
        ],
      },
    });
    expect(party.status).toBe(201);
    expect(party.body.data.kind).toBe('party');
    expect(new Set(party.body.data.bookings.map((item: Json) => item.customer.first_name))).toEqual(new Set(['Mamá', 'Hijo']));
  });
});

describe('several at once for one guest', () => {
  it('one guest booking the same start twice is a party; each booking holds its own deposit', async () => {
    const start = madridSlot(15, '10:00');
    const party = await call('POST', '/api/v1/bookings/batch', {
      tenant: tenant.slug,
      body: { customer: guest(), items: [catalog.resourceId, catalog.otherResourceId].map((resource_id) => ({ service_id: catalog.serviceId, resource_id, start_time: start })) },
    });
    expect(party.status, JSON.stringify(party.body)).toBe(201);
    expect(party.body.data.kind).toBe('party');
    const intents = party.body.data.bookings.map((booking: Json) => {
      expect(booking.status).toBe('pending_payment');
      expect(booking.payment.amount).toBe(500);
      expect(booking.manage_url).toMatch(/\/manage\//);
      return booking.payment.intent_id as string;
    });
    expect(new Set(intents).size).toBe(2);
  });
});

describe('waitlist (RF2.16)', () => {
  it('offers a freed slot to the first matching entry by priority, holds it, passes it on when unclaimed, and books on claim', async () => {
    const start = madridSlot(20, '09:00');
    const end = madridSlot(20, '12:00');
    const taken = await book(start, { payment_method_id: 'pm_card_visa' });
    expect(taken.status).toBe(201);
    const join = (priority: string | undefined, auth: string | undefined, customer: Json = guest()) =>
      call('POST', '/api/v1/waitlist', {
        ...(auth ? { auth } : { tenant: tenant.slug }),
        body: { service_id: catalog.serviceId, resource_id: catalog.resourceId, customer, preferred_times: [{ start, end }], ...(priority ? { priority } : {}) },
      });
    const standardGuest = guest();
    const standard = await join(undefined, undefined, standardGuest);
    const vip = await join('vip', tokenFor(tenant));
    const ignoredPriority = await join('vip', undefined);
    expect(standard.status).toBe(201);
    expect(ignoredPriority.body.data.priority).toBe('standard');
    const listed = await call('GET', `/api/v1/waitlist?service_id=${catalog.serviceId}`, { auth: tokenFor(tenant) });
    expect(listed.body.data.map((entry: Json) => entry.id).slice(0, 1)).toEqual([vip.body.data.id]);

    // Cancel with the clock far enough back that the offer has already run out when the worker looks.
    app.clock.now = new Date(Date.now() - 45 * 60_000);
    try {
      await call('PATCH', `/api/v1/bookings/${taken.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'cancel' } });
    } finally {
      app.clock.now = null;
    }
    const afterCancel = await call('GET', `/api/v1/waitlist?service_id=${catalog.serviceId}&status=offered`, { auth: tokenFor(tenant) });
    expect(afterCancel.body.data.map((entry: Json) => entry.id)).toEqual([vip.body.data.id]);
    // The offer holds the slot.
    expect((await book(start)).status).toBe(409);

    await worker.drain();
    // VIP's offer expired; the next entry in line (standard, earlier arrival) gets it.
    const offered = await call('GET', `/api/v1/waitlist?service_id=${catalog.serviceId}&status=offered`, { auth: tokenFor(tenant) });
    expect(offered.body.data.map((entry: Json) => entry.id)).toEqual([standard.body.data.id]);

    const claimLink = /\/waitlist\/claim\/([A-Za-z0-9_-]+)\?business=([a-z0-9-]+)/.exec(lastEmailTo(standardGuest.email));
    const claimToken = claimLink?.[1] ?? '';
    expect(claimToken).not.toBe('');
    // The link names the business, so the claim page knows whom to ask (X-Tenant).
    expect(claimLink?.[2]).toBe(tenant.slug);
    const claimed = await call('POST', `/api/v1/waitlist/offers/${claimToken}/claim`, { tenant: tenant.slug });
    expect(claimed.status).toBe(201);
    expect(claimed.body.data.start_time).toBe(start);
    expect(claimed.body.data.source).toBe('waitlist');
    expect((await call('POST', `/api/v1/waitlist/offers/${claimToken}/claim`, { tenant: tenant.slug })).status).toBe(404);
    const removed = await call('DELETE', `/api/v1/waitlist/${ignoredPriority.body.data.id}`, { auth: tokenFor(tenant) });
    expect(removed.status).toBe(204);
  });
});
