/**
 * The figures the SLOs and alerts in deploy/prometheus read: `booking_attempts_total` by outcome
 * (counted on the routes that create bookings) and `payment_attempts_total` (each charge the
 * provider settles, counted after its transaction commits).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { madridSlot, makeCatalog, makeTenant, startBookingServer, type BookingTestApp, type Catalog, type TestTenant } from '../booking/harness.ts';
import { customerToken, makeTenant as makePaymentsTenant, startPayments } from '../payments/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

/** The value of one counter series in a Prometheus text exposition (0 when absent). */
function counter(exposition: string, name: string, status: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${name}{status="${status}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('booking_attempts_total', () => {
  let app: BookingTestApp;
  let tenant: TestTenant;
  let catalog: Catalog;
  beforeAll(async () => {
    app = await startBookingServer(db);
    tenant = await makeTenant(db);
    catalog = await makeCatalog(app, tenant);
  });
  afterAll(async () => {
    await app?.server.close();
  });

  const scrape = async () => (await app.server.inject({ method: 'GET', url: '/metrics' })).body;
  const book = (start: string, extra: Record<string, unknown> = {}) =>
    app.server.inject({
      method: 'POST',
      url: '/api/v1/bookings',
      headers: { 'x-tenant': tenant.slug },
      payload: { service_id: catalog.serviceId, resource_id: catalog.resourceId, start_time: start, customer: { first_name: 'Ana', email: `ana-${randomUUID()}@example.com` }, ...extra },
    });

  it('counts a booking made, a time already taken, a refused request and nothing for other routes', async () => {
    const before = await scrape();
    const start = madridSlot(12, '10:00');
    expect((await book(start)).statusCode).toBe(201);
    expect((await book(start)).statusCode).toBe(409);
    expect((await book(start, { service_id: 'not-a-uuid' })).statusCode).toBe(400);
    // Reading bookings is not an attempt.
    await app.server.inject({ method: 'GET', url: '/api/v1/availability', headers: { 'x-tenant': tenant.slug } });
    const after = await scrape();
    const delta = (status: string) => counter(after, 'booking_attempts_total', status) - counter(before, 'booking_attempts_total', status);
    expect({ success: delta('success'), unavailable: delta('unavailable'), rejected: delta('rejected'), error: delta('error') }).toEqual({
      success: 1,
      unavailable: 1,
      rejected: 1,
      error: 0,
    });
  });
});

describe('payment_attempts_total', () => {
  it('counts each card the provider settles: a decline, then the success', async () => {
    const seen: string[] = [];
    const tenant = await makePaymentsTenant(db);
    const harness = await startPayments(db, {
      bookingLookup: async (_executor, _tenantId, bookingId) => ({
        bookingId,
        customerId: tenant.customerId,
        resourceId: randomUUID(),
        awaitingPayment: true,
        amountDue: { amount: 1500, currency: 'EUR' },
        type: 'deposit',
        description: 'Colour BK-METRIC',
      }),
      onPaymentAttempt: (status) => seen.push(status),
    });
    try {
      const intent = await harness.server.inject({
        method: 'POST',
        url: '/api/v1/payments/intent',
        headers: { authorization: customerToken(tenant, tenant.customerId) },
        payload: { booking_id: randomUUID() },
      });
      expect(intent.statusCode, intent.body).toBe(200);
      const page = new URL(intent.json().data.payment_page_url as string).pathname;
      const pay = (card: string) =>
        harness.server.inject({
          method: 'POST',
          url: page,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ card_number: card, card_exp: `12/${(new Date().getUTCFullYear() + 2) % 100}`, card_cvc: '123' }).toString(),
        });
      expect((await pay('4000000000000002')).statusCode).toBe(402);
      // A number that is not a test card never reaches the provider: no attempt.
      expect((await pay('4111111111111111')).statusCode).toBe(422);
      expect((await pay('4242424242424242')).statusCode).toBe(303);
      expect(seen).toEqual(['failed', 'success']);
    } finally {
      await harness.server.close();
    }
  });
});
