/**
 * Export and erasure are complete (GDPR Art. 15, 17, 20), against the whole
 * application: a guest with a paid deposit, saved cards (and so a provider
 * customer), a calendar feed, a waitlist entry with notes and stored
 * Idempotency-Key answers. The export holds each kind; after erasure the
 * tables are queried directly and hold none of it. Expired idempotency records
 * are purged by the hourly job the worker schedules.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { CustomerDataRegistry } from '../../src/modules/customers/customer-data-registry.ts';
import { madridSlot } from '../booking/harness.ts';
import { asPlatform, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, request } from '../support/http.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeTenant, startPayments } from '../payments/harness.ts';

type Json = Record<string, unknown>;

let t: TestApp;
let owner: TenantOwner;
let worker: Worker;
let serviceId: string;
let resourceId: string;

const call = httpClient(() => t.server);

async function create(url: string, payload: Json): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { headers: owner.headers, body: payload });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

const count = (query: ReturnType<typeof sql<{ n: number }>>) => asPlatform(t, async (trx) => Number((await query.execute(trx)).rows[0]?.n ?? 0));

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  worker = t.app.createWorker(pino({ level: 'silent' }));
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
  resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
  await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  serviceId = await create('/api/v1/services', {
    name: 'Tinte',
    duration_minutes: 60,
    resource_ids: [resourceId],
    price: { amount: 5000, currency: 'EUR' },
    deposit: { type: 'percentage', value: 30 },
  });
});

afterAll(async () => {
  await t?.close();
});

describe('export and erasure cover payments, cards, calendar feeds, waitlist and stored answers', () => {
  it('exports each kind of data, and after erasure none of it remains in the tables', async () => {
    const email = `erase-${randomUUID().slice(0, 8)}@example.com`;
    const guest = { first_name: 'Elena', last_name: 'Borrado', email, phone: '+34600111222' };
    const page = { 'x-tenant': owner.tenant.slug };
    const bookingKey = randomUUID();

    // A paid deposit, booked with an Idempotency-Key (its answer, with the guest's email, is stored).
    const booked = await call<{ id: string; customer: { id: string }; manage_url: string }>('POST', '/api/v1/bookings', { headers: { ...page, 'idempotency-key': bookingKey }, body: {
      service_id: serviceId,
      resource_id: resourceId,
      start_time: madridSlot(3, '10:00'),
      customer: guest,
      payment_method_id: 'pm_card_visa',
    } });
    expect(booked.status, booked.text).toBe(201);
    const booking = booked.body.data;
    const customerId = booking.customer.id;
    const manageToken = booking.manage_url.split('/').at(-1) ?? '';

    // A card saved by the customer (a provider customer is created for it).
    const saved = await call('POST', '/api/v1/payment-methods', { headers: page, body: {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' },
      customer_id: customerId,
      manage_token: manageToken,
    } });
    expect(saved.status, saved.text).toBe(201);
    // A calendar feed of the customer, and a waitlist entry with notes the business took for them (a public
    // join by email alone would not be matched to the customer: the contact is not proven).
    const feed = await call('POST', '/api/v1/calendar/feeds', { headers: owner.headers, body: { kind: 'customer', customer_id: customerId, name: 'Elena' } });
    expect(feed.status, feed.text).toBe(201);
    const from = new Date(Date.now() + 5 * 86_400_000);
    const waitlist = await call<{ customer_id: string }>('POST', '/api/v1/waitlist', { headers: owner.headers, body: {
      service_id: serviceId,
      customer: guest,
      preferred_times: [{ start: from.toISOString(), end: new Date(from.getTime() + 86_400_000).toISOString() }],
      notes: 'Prefers mornings, allergic to ammonia',
    } });
    expect(waitlist.status, waitlist.text).toBe(201);
    expect(waitlist.body.data.customer_id).toBe(customerId);
    await worker.drain();

    const exported = await call<{ data: Record<string, Array<Json>> }>('GET', `/api/v1/customers/${customerId}/export`, { headers: owner.headers });
    expect(exported.status, exported.text).toBe(200);
    const data = exported.body.data.data;
    expect(data.payments).toEqual([expect.objectContaining({ booking_id: booking.id, status: 'succeeded', amount: 1500 })]);
    expect(data.saved_payment_methods).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payment_method', brand: 'visa', last4: '4242' }),
        expect.objectContaining({ kind: 'provider_customer', provider: 'sandbox' }),
      ]),
    );
    expect(data.calendar_feeds).toEqual([expect.objectContaining({ name: 'Elena', revoked_at: null })]);
    expect(data.waitlist).toEqual([expect.objectContaining({ notes: 'Prefers mornings, allergic to ammonia', status: 'waiting' })]);
    expect(data.stored_api_responses).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'POST', path: '/api/v1/bookings', status: 201 })]));
    expect(JSON.stringify(data.stored_api_responses)).toContain(email);
    expect(exported.text).not.toContain('4242424242424242');

    const erased = await call<{ deleted_records: Array<{ table: string; count: number }>; retained_records: Array<{ table: string }> }>('DELETE', `/api/v1/customers/${customerId}`, { headers: owner.headers });
    expect(erased.status, erased.text).toBe(200);
    const report = erased.body.data;
    expect(report.deleted_records).toEqual(
      expect.arrayContaining([
        { table: 'payment_methods', count: 1, anonymized: false },
        { table: 'payment_customers', count: 1, anonymized: false },
        { table: 'calendar_feeds', count: 1, anonymized: false },
        { table: 'waitlist_entries', count: 1, anonymized: false },
        expect.objectContaining({ table: 'idempotency_keys', anonymized: false }),
      ]),
    );
    expect(report.retained_records).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'payments', count: 1 })]));

    const tenantId = owner.tenant.id;
    expect(await count(sql`select count(*)::int as n from payment_methods where tenant_id = ${tenantId} and customer_id = ${customerId}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from payment_customers where tenant_id = ${tenantId} and customer_id = ${customerId}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from calendar_feeds where tenant_id = ${tenantId} and customer_id = ${customerId}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from waitlist_entries where tenant_id = ${tenantId} and customer_id = ${customerId}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from idempotency_keys where key = ${bookingKey}`)).toBe(0);
    // The payment stays as an accounting record, with nothing that leads to a card or a browser.
    expect(
      await count(sql`
        select count(*)::int as n from payments where tenant_id = ${tenantId} and customer_id = ${customerId}
          and (client_secret is not null or return_url is not null or next_action_url is not null
               or payment_method_id is not null or provider_customer_id is not null)`),
    ).toBe(0);
    expect(await count(sql`select count(*)::int as n from payments where tenant_id = ${tenantId} and customer_id = ${customerId}`)).toBe(1);
  });
});

describe('the provider is asked to forget the customer', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await openTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('sandbox: the saved method is detached and the provider customer deleted, so neither can be charged again', async () => {
    const tenant = await makeTenant(handle);
    const harness = await startPayments(handle);
    try {
      const saved = await request(harness.server, 'POST', '/api/v1/payment-methods', {
        auth: `Bearer test:${tenant.tenantId}:business_admin`,
        body: { type: 'card', provider_payment_method_id: 'pm_card_visa', customer_id: tenant.customerId },
      });
      expect(saved.status, saved.text).toBe(201);
      const providerCustomer = await withTenant(handle.db, tenant.tenantId, async (trx) =>
        (await sql<{ id: string }>`select provider_customer_id as id from payment_customers where customer_id = ${tenant.customerId}`.execute(trx)).rows[0]?.id ?? '',
      );
      const sandbox = harness.payments.sandbox;
      if (!sandbox) throw new Error('the harness runs the sandbox');
      expect(sandbox.isCustomerDeleted(providerCustomer)).toBe(false);

      const registry = new CustomerDataRegistry().addHolder(harness.payments.customerData);
      await withTenant(handle.db, tenant.tenantId, async (trx) => {
        for (const participant of registry.erasureParticipants) {
          await participant.erase(trx, tenant.tenantId, tenant.customerId, { reason: 'data_subject_request', erasedAt: new Date() });
        }
      });
      expect(sandbox.isCustomerDeleted(providerCustomer)).toBe(true);
      await expect(sandbox.attachPaymentMethod({ paymentMethod: 'pm_card_visa', customer: providerCustomer })).rejects.toThrow(/deleted/);
      // Off-session (a no-show fee) the saved method is refused too.
      await expect(
        sandbox.createIntent({
          amount: { amount: 1500, currency: 'EUR' },
          confirm: true,
          paymentMethod: 'pm_card_visa',
          customer: providerCustomer,
          offSession: true,
          idempotencyKey: randomUUID(),
          metadata: {},
          description: 'No-show fee',
          applicationFee: 0,
          connectedAccount: null,
        }),
      ).rejects.toThrow();
    } finally {
      await harness.server.close();
    }
  });
});

describe('expired idempotency records are purged on schedule', () => {
  it('the worker schedules an hourly purge that deletes records past their window and queues the next run', async () => {
    await t.app.scheduleRecurringJobs();
    await t.app.scheduleRecurringJobs(); // a second process: still one run per hour
    const queued = await asPlatform(t, async (trx) =>
      (await sql<{ id: string; run_at: Date; payload: { slot: string } }>`
        select id, run_at, payload from jobs where name = 'platform.idempotency_purge' and status = 'pending'`.execute(trx)).rows,
    );
    expect(queued).toHaveLength(1);
    const runAt = new Date(queued[0]?.run_at ?? 0).getTime();
    expect(runAt).toBeGreaterThan(Date.now());
    expect(runAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const expired = `expired-${randomUUID()}`;
    const live = `live-${randomUUID()}`;
    await asPlatform(t, async (trx) => {
      await sql`insert into idempotency_keys (scope, key, fingerprint, method, path, locked_until, created_at, expires_at)
                values (${`${owner.tenant.id}:anonymous`}, ${expired}, 'f', 'POST', '/api/v1/bookings', now(), now() - interval '49 hours', now() - interval '1 hour'),
                       (${`${owner.tenant.id}:anonymous`}, ${live}, 'f', 'POST', '/api/v1/bookings', now(), now(), now() + interval '47 hours')`.execute(trx);
      // The hour has come.
      await sql`update jobs set run_at = now() where id = ${queued[0]?.id ?? ''}`.execute(trx);
    });
    await worker.drain();

    expect(await count(sql`select count(*)::int as n from idempotency_keys where key = ${expired}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from idempotency_keys where key = ${live}`)).toBe(1);
    const next = await asPlatform(t, async (trx) =>
      (await sql<{ run_at: Date }>`select run_at from jobs where name = 'platform.idempotency_purge' and status = 'pending'`.execute(trx)).rows,
    );
    expect(next).toHaveLength(1);
    expect(new Date(next[0]?.run_at ?? 0).getTime()).toBe(runAt + 3_600_000);
  });
});
