/**
 * Attacks on the public booking surface, over HTTP against the booking module server:
 * what a guest form reveals about existing customers, who can burn a business's plan
 * quota, and how much work one availability request may cost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeCatalog, madridSlot, makeTenant, startBookingServer, tokenFor, type BookingTestApp, type TestTenant } from '../booking/harness.ts';
import { Redis } from 'ioredis';
import { PUBLIC_BOOKINGS_PER_CONTACT, PUBLIC_BOOKINGS_PER_IP } from '../../src/modules/booking/public-booking-guard.ts';
import { ComputeBudget, DEFAULT_PER_IP, InProcessTokenBuckets, RedisTokenBuckets } from '../../src/modules/scheduling/compute-budget.ts';
import { httpClient, type HttpResponse } from '../support/http.ts';

const usagePeriod = () => new Date().toISOString().slice(0, 7) + '-01';

let db: TestDatabase;
let app: BookingTestApp;
/** Codes the verification endpoint sent, by destination (captured at the messages port). */
const codes = new Map<string, string>();

beforeAll(async () => {
  db = await openTestDatabase();
  app = await startBookingServer(db);
  const messages = app.deps.messages;
  const send = messages.queueVerificationCode.bind(messages);
  messages.queueVerificationCode = async (trx, tenantId, message) => {
    codes.set(message.destination, message.code);
    await send(trx, tenantId, message);
  };
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const call = httpClient(() => app.server, { remoteAddress: () => '198.51.100.1' });

let unique = 0;
const suffix = () => `${Date.now().toString(36)}${unique++}`;
const phoneNumber = () => `+3461${String(1_000_000 + Math.floor(Math.random() * 8_999_999))}`;

/** A customer the business knows: name, email and phone on file. */
async function knownCustomer(tenant: TestTenant) {
  const person = { first_name: 'Victoria', last_name: `Reservada${suffix()}`, email: `victoria.${suffix()}@clinic.example`, phone: phoneNumber() };
  const created = await call('POST', '/api/v1/customers', { auth: tokenFor(tenant), body: person });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ...person, id: created.body.data.id as string };
}

async function verificationToken(tenant: TestTenant, destination: string): Promise<string> {
  const channel = destination.includes('@') ? 'email' : 'sms';
  const sent = await call('POST', '/api/v1/verifications', { tenant: tenant.slug, body: { channel, destination } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  const verified = await call('POST', '/api/v1/verifications/verify', { tenant: tenant.slug, body: { destination, code: codes.get(destination) } });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified.body.data.verification_token as string;
}

describe('guest bookings reveal nothing about existing customers', () => {
  let tenant: TestTenant;
  let catalog: Awaited<ReturnType<typeof makeCatalog>>;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    catalog = await makeCatalog(app, tenant);
  });
  const slot = (time: string, days = 20) => ({ service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(days, time) });

  it('a guest typing a customer\'s email gets back only what they sent, and the booking is not theirs', async () => {
    const victim = await knownCustomer(tenant);
    const booked = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...slot('09:00'), customer: { first_name: 'Mallory', email: victim.email.toUpperCase() } } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const shown = booked.body.data.customer;
    expect(shown).toMatchObject({ first_name: 'Mallory', last_name: null, email: victim.email, phone: null });
    expect(shown.id).not.toBe(victim.id);
    expect(JSON.stringify(booked.body)).not.toContain(victim.last_name);
    expect(JSON.stringify(booked.body)).not.toContain(victim.phone);
    // The victim's record holds no booking of Mallory's, and their data is unchanged.
    const theirs = await call('GET', `/api/v1/bookings?customer_id=${victim.id}`, { auth: tokenFor(tenant) });
    expect(theirs.body.data).toEqual([]);
    const record = await call('GET', `/api/v1/customers/${victim.id}`, { auth: tokenFor(tenant) });
    expect(record.body.data).toMatchObject({ first_name: 'Victoria', last_name: victim.last_name });
  });

  it('a guest typing a customer\'s phone learns neither their name, their email nor their id', async () => {
    const victim = await knownCustomer(tenant);
    const booked = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...slot('09:30'), customer: { first_name: 'Mallory', phone: victim.phone } } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.data.customer).toMatchObject({ first_name: 'Mallory', email: null, phone: victim.phone });
    expect(booked.body.data.customer.id).not.toBe(victim.id);
    expect(JSON.stringify(booked.body)).not.toContain(victim.email);
  });

  it('a batch for an existing customer\'s email shows only what was sent', async () => {
    const victim = await knownCustomer(tenant);
    const batch = await call('POST', '/api/v1/bookings/batch', {
      tenant: tenant.slug,
      body: { customer: { first_name: 'Mallory', email: victim.email }, items: [slot('10:00'), slot('10:30')] },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    for (const booking of batch.body.data.bookings) {
      expect(booking.customer).toMatchObject({ first_name: 'Mallory', email: victim.email, phone: null });
      expect(booking.customer.id).not.toBe(victim.id);
    }
  });

  it('POST /waitlist with a customer\'s email does not answer with their customer id', async () => {
    const victim = await knownCustomer(tenant);
    const joined = await call('POST', '/api/v1/waitlist', {
      tenant: tenant.slug,
      body: {
        service_id: catalog.serviceId,
        customer: { first_name: 'Mallory', email: victim.email },
        preferred_times: [{ start: madridSlot(21, '09:00'), end: madridSlot(21, '12:00') }],
      },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body.data.customer_id).not.toBe(victim.id);
  });

  it('a proven contact (verification code) and a staff booking do find the existing customer', async () => {
    const known = await knownCustomer(tenant);
    const token = await verificationToken(tenant, known.email);
    const proven = await call('POST', '/api/v1/bookings', {
      tenant: tenant.slug,
      body: { ...slot('11:00'), customer: { first_name: 'Victoria', email: known.email }, verification_token: token },
    });
    expect(proven.status, JSON.stringify(proven.body)).toBe(201);
    expect(proven.body.data.customer.id).toBe(known.id);
    const byStaff = await call('POST', '/api/v1/bookings', { auth: tokenFor(tenant), body: { ...slot('11:30'), customer: { first_name: 'V', phone: known.phone } } });
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(201);
    expect(byStaff.body.data.customer.id).toBe(known.id);
  });
});

describe('a party booking verifies every guest when the business verifies guests', () => {
  it('refuses a second guest whose contact no token proves, books when each item carries its own', async () => {
    const tenant = await makeTenant(db, { settings: { guest_verification: 'otp' } });
    const catalog = await makeCatalog(app, tenant);
    const first = { first_name: 'Ana', email: `ana.${suffix()}@example.com` };
    const second = { first_name: 'Bea', email: `bea.${suffix()}@example.com` };
    const items = (time: string) => [
      { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(22, time), customer: first },
      { service_id: catalog.serviceId, resource_id: catalog.otherResourceId, start_time: madridSlot(22, time), customer: second },
    ];
    const firstToken = await verificationToken(tenant, first.email);
    const refused = await call('POST', '/api/v1/bookings/batch', { tenant: tenant.slug, body: { items: items('10:00'), verification_token: firstToken } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error.code).toBe('VERIFICATION_REQUIRED');

    const secondToken = await verificationToken(tenant, second.email);
    const [a, b] = items('10:00');
    const booked = await call('POST', '/api/v1/bookings/batch', {
      tenant: tenant.slug,
      body: { items: [{ ...a, verification_token: firstToken }, { ...b, verification_token: secondToken }] },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.data.bookings).toHaveLength(2);
  });
});

describe('a guest booking for the family under their own name', () => {
  it('proves the one contact once with the request\'s token, and the group is a party', async () => {
    const tenant = await makeTenant(db, { settings: { guest_verification: 'otp' } });
    const catalog = await makeCatalog(app, tenant);
    const parent = { first_name: 'Ana', email: `ana.${suffix()}@example.com` };
    const items = [catalog.resourceId, catalog.otherResourceId].map((resource_id) => ({ service_id: catalog.serviceId, resource_id, start_time: madridSlot(23, '10:00') }));
    const unproven = await call('POST', '/api/v1/bookings/batch', { tenant: tenant.slug, body: { customer: parent, items } });
    expect(unproven.status).toBe(403);
    const booked = await call('POST', '/api/v1/bookings/batch', { tenant: tenant.slug, body: { customer: parent, items, verification_token: await verificationToken(tenant, parent.email) } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.data.kind).toBe('party');
    expect(new Set(booked.body.data.bookings.map((booking: { customer: { id: string } }) => booking.customer.id)).size).toBe(1);
  });
});

/** A plan of `limit` bookings a month, and a tenant on it whose business has an email (owner notices). */
async function tenantOnPlan(limit: number | null): Promise<TestTenant> {
  const plan = `sec-${suffix()}`;
  await sql`insert into plans (id, name, bookings_per_month, users, fee_bps, fee_fixed_amount, support, sort_order, is_public)
            values (${plan}, ${plan}, ${limit}, 3, 0, 0, 'email', 99, false)`.execute(db.db);
  const tenant = await makeTenant(db, { plan });
  await sql`update businesses set email = ${`owner.${suffix()}@business.example`} where id = ${tenant.businessId}`.execute(db.db);
  return tenant;
}

async function usageOf(tenant: TestTenant): Promise<number> {
  const { rows } = await sql<{ total: string | null }>`
    select sum(value) as total from tenant_usage where tenant_id = ${tenant.tenantId} and metric = 'bookings_per_month'`.execute(db.db);
  return Number(rows[0]?.total ?? 0);
}

async function usageWarnings(tenant: TestTenant): Promise<string[]> {
  const { rows } = await sql<{ dedupe_key: string }>`
    select dedupe_key from notifications where tenant_id = ${tenant.tenantId} and event_type = 'plan.usage_warning' order by created_at`.execute(db.db);
  return rows.map((row) => row.dedupe_key.split(':').slice(0, 3).join(':'));
}

/** Slot `index` of a 2-resource catalog: half-hour starts from 09:00, both resources, day after day. */
function nthSlot(catalog: Awaited<ReturnType<typeof makeCatalog>>, index: number, firstDay = 30) {
  const perDay = 36;
  const day = firstDay + Math.floor(index / perDay);
  const within = index % perDay;
  const minutes = 9 * 60 + Math.floor(within / 2) * 30;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return { service_id: catalog.serviceId, resource_id: within % 2 === 0 ? catalog.resourceId : catalog.otherResourceId, start_time: madridSlot(day, time) };
}

describe('anonymous callers cannot burn the plan quota', () => {
  it('a flood of public bookings from one address and from rotating guests leaves the owner able to book', async () => {
    const tenant = await tenantOnPlan(10);
    const catalog = await makeCatalog(app, tenant);
    const outcomes: Array<{ status: number; code?: string; details?: unknown }> = [];
    for (let index = 0; index < 14; index += 1) {
      const ip = index % 2 === 0 ? '192.0.2.66' : `203.0.113.${index}`;
      const response = await call('POST', '/api/v1/bookings', {
        tenant: tenant.slug,
        remoteAddress: ip,
        body: { ...nthSlot(catalog, index), customer: { first_name: 'Bot', email: `bot${index}.${suffix()}@flood.example` } },
      });
      outcomes.push({ status: response.status, code: response.body.error?.code, details: response.body.error?.details });
    }
    // Public bookings may fill 80 % of the limit (8 of 10); the rest are refused without the business's figures.
    expect(outcomes.filter((outcome) => outcome.status === 201)).toHaveLength(8);
    const refused = outcomes.filter((outcome) => outcome.status !== 201);
    expect(refused.every((outcome) => outcome.status === 402 && outcome.code === 'PLAN_LIMIT_REACHED' && outcome.details === undefined)).toBe(true);
    const batch = await call('POST', '/api/v1/bookings/batch', {
      tenant: tenant.slug,
      remoteAddress: '198.51.100.77',
      body: { customer: { first_name: 'Bot', phone: phoneNumber() }, items: [nthSlot(catalog, 20), nthSlot(catalog, 22)] },
    });
    expect(batch.status).toBe(402);

    // The owner still books the remaining 20 %.
    for (const index of [30, 31]) {
      const staff = await call('POST', '/api/v1/bookings', { auth: tokenFor(tenant), body: { ...nthSlot(catalog, index), customer: { first_name: 'Walk-in', phone: phoneNumber() } } });
      expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    }
    expect(await usageOf(tenant)).toBe(10);
    // Warned at 80 % and at 100 %, once each.
    expect(await usageWarnings(tenant)).toEqual([`plan-usage:${usagePeriod()}:80`, `plan-usage:${usagePeriod()}:100`]);
  });

  it('bounds active public bookings per client address and per guest contact', async () => {
    const tenant = await tenantOnPlan(null);
    const catalog = await makeCatalog(app, tenant);
    const ip = '192.0.2.99';
    for (let index = 0; index < PUBLIC_BOOKINGS_PER_IP; index += 1) {
      const booked = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, remoteAddress: ip, body: { ...nthSlot(catalog, index), customer: { first_name: 'R', email: `r${index}.${suffix()}@x.example` } } });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    }
    const over = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, remoteAddress: ip, body: { ...nthSlot(catalog, 40), customer: { first_name: 'R', email: `r.${suffix()}@x.example` } } });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('PUBLIC_BOOKING_LIMIT');

    const email = `same.${suffix()}@x.example`;
    const statuses: number[] = [];
    for (let index = 0; index <= PUBLIC_BOOKINGS_PER_CONTACT; index += 1) {
      const response = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, remoteAddress: `198.18.0.${index + 1}`, body: { ...nthSlot(catalog, 50 + index), customer: { first_name: 'S', email } } });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(PUBLIC_BOOKINGS_PER_CONTACT).fill(201), 429]);
    // Staff are not bounded by anonymous traffic.
    const staff = await call('POST', '/api/v1/bookings', { auth: tokenFor(tenant), body: { ...nthSlot(catalog, 70), customer: { first_name: 'S', email } } });
    expect(staff.status).toBe(201);
  });

  it('gives back the quota of a booking that expires unpaid or is cancelled the day it was made', async () => {
    const tenant = await tenantOnPlan(10);
    const catalog = await makeCatalog(app, tenant);
    const unpaid = await call('POST', '/api/v1/bookings', {
      tenant: tenant.slug,
      body: { ...nthSlot(catalog, 0), require_deposit: true, customer: { first_name: 'U', email: `u.${suffix()}@x.example` } },
    });
    expect(unpaid.body.data.status).toBe('pending_payment');
    const cancelled = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...nthSlot(catalog, 1), customer: { first_name: 'C', email: `c.${suffix()}@x.example` } } });
    expect(await usageOf(tenant)).toBe(2);

    app.clock.now = new Date(Date.now() + 60 * 60_000);
    try {
      expect(await app.booking.services.actions.expireUnpaid(tenant.tenantId, unpaid.body.data.id)).toBe('expired');
    } finally {
      app.clock.now = null;
    }
    expect(await usageOf(tenant)).toBe(1);
    const cancel = await call('PATCH', `/api/v1/bookings/${cancelled.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'cancel' } });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(await usageOf(tenant)).toBe(0);
  });
});

describe('availability cannot be used to exhaust the server', () => {
  let tenant: TestTenant;
  let catalog: Awaited<ReturnType<typeof makeCatalog>>;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    catalog = await makeCatalog(app, tenant);
  });
  const range = (days: number) => {
    const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    return `from_date=${from}&to_date=${to}`;
  };

  it('a public caller cannot shorten the service\'s duration (finer slots); staff can', async () => {
    const url = `/api/v1/availability?service_id=${catalog.serviceId}&${range(2)}&duration_minutes=1`;
    const refused = await call('GET', url, { tenant: tenant.slug, remoteAddress: '192.0.2.10' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_ERROR');
    const longer = await call('GET', `/api/v1/availability?service_id=${catalog.serviceId}&${range(2)}&duration_minutes=60`, { tenant: tenant.slug, remoteAddress: '192.0.2.10' });
    expect(longer.status).toBe(200);
    expect((await call('GET', url, { auth: tokenFor(tenant) })).status).toBe(200);
  });

  it('refuses a request whose days × resources × slot positions pass the bound with 400 AVAILABILITY_RANGE_TOO_LARGE', async () => {
    const fine = await makeCatalog(app, tenant, { duration_minutes: 5, slot_interval_minutes: 1 });
    const tooMuch = await call('GET', `/api/v1/availability?service_id=${fine.serviceId}&${range(40)}`, { tenant: tenant.slug, remoteAddress: '192.0.2.11' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.code).toBe('AVAILABILITY_RANGE_TOO_LARGE');
    // Staff are bounded the same way; a smaller request is answered.
    expect((await call('GET', `/api/v1/availability?service_id=${fine.serviceId}&${range(40)}`, { auth: tokenFor(tenant) })).status).toBe(400);
    expect((await call('GET', `/api/v1/availability?service_id=${fine.serviceId}&resource_id=${fine.resourceId}&${range(7)}`, { tenant: tenant.slug, remoteAddress: '192.0.2.11' })).status).toBe(200);
  });

  it('bounds uncached public computations per client address (token bucket), not other addresses', async () => {
    const url = `/api/v1/availability?service_id=${catalog.serviceId}&resource_id=${catalog.resourceId}&${range(1)}`;
    const statuses: number[] = [];
    let refused: HttpResponse | null = null;
    for (let attempt = 0; attempt < DEFAULT_PER_IP.burst + 20 && refused === null; attempt += 1) {
      const response = await call('GET', url, { tenant: tenant.slug, remoteAddress: '192.0.2.200' });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(refused?.body.error.code).toBe('RATE_LIMITED');
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(DEFAULT_PER_IP.burst);
    expect((await call('GET', url, { tenant: tenant.slug, remoteAddress: '192.0.2.201' })).status).toBe(200);
    expect((await call('GET', url, { auth: tokenFor(tenant), remoteAddress: '192.0.2.200' })).status).toBe(200);
  });

  it('the per-tenant bucket holds whatever the addresses, and in Redis every process shares it', async () => {
    const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : null;
    const shared = redis ? new RedisTokenBuckets(redis) : new InProcessTokenBuckets();
    const rules = { perIp: { burst: 100, perSecond: 1 }, perTenant: { burst: 3, perSecond: 0.001 } };
    const first = new ComputeBudget(shared, rules);
    const second = new ComputeBudget(shared, rules);
    const tenantId = `t-${suffix()}`;
    const now = Date.now();
    const takes = [await first.take(tenantId, '10.0.0.1', now), await second.take(tenantId, '10.0.0.2', now), await first.take(tenantId, '10.0.0.3', now), await second.take(tenantId, '10.0.0.4', now)];
    expect(takes.map((take) => take.ok)).toEqual([true, true, true, false]);
    redis?.disconnect();
  });
});

describe('a reschedule is priced for the new time', () => {
  it('moves into an evening tier at its price and deposit; a guest cannot move into a deposit they did not pay', async () => {
    const tenant = await makeTenant(db);
    const catalog = await makeCatalog(app, tenant);
    const tier = await call('POST', `/api/v1/services/${catalog.serviceId}/pricing`, {
      auth: tokenFor(tenant),
      body: {
        name: 'Evening',
        base_price: 3000,
        currency: 'EUR',
        deposit_type: 'percentage',
        deposit_value: 5000,
        is_default: false,
        conditions: { start_time: '17:00', end_time: '18:00' },
        valid_from: null,
        valid_until: null,
      },
    });
    expect(tier.status, JSON.stringify(tier.body)).toBe(201);
    const morning = (time: string) => ({ service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: madridSlot(25, time) });
    const booked = await call('POST', '/api/v1/bookings', { tenant: tenant.slug, body: { ...morning('10:00'), customer: { first_name: 'G', email: `g.${suffix()}@x.example` } } });
    expect(booked.body.data).toMatchObject({ status: 'confirmed', pricing: { total_price: 2000, deposit_required: 0 } });

    // Through the guest's own link: the evening needs a deposit they never paid.
    const token = String(booked.body.data.manage_url).split('/').pop();
    const byGuest = await call('PATCH', `/api/v1/manage/${token}`, { body: { action: 'reschedule', new_start_time: madridSlot(25, '17:00') } });
    expect(byGuest.status, JSON.stringify(byGuest.body)).toBe(422);
    expect(byGuest.body.error.details).toEqual({ reason: 'deposit_increase' });

    const byStaff = await call('PATCH', `/api/v1/bookings/${booked.body.data.id}`, { auth: tokenFor(tenant), body: { action: 'reschedule', new_start_time: madridSlot(25, '17:00') } });
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(200);
    expect(byStaff.body.data.pricing).toMatchObject({ total_price: 3000, deposit_required: 1500 });
  });
});
