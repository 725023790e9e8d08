/**
 * Payments taken at the front desk (issue 15), through the whole application: a booking whose
 * deposit was paid online (sandbox), its balance collected in cash by a receptionist, the
 * booking's paid amount raised by the same `payment.succeeded` path online payments take (the
 * real worker runs the fan-out), the cash refunded at the desk without the provider, and the
 * platform's consistency check still agreeing.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../src/platform/jobs/worker.ts';
import { madridSlot } from './harness.ts';
import { onPostgres } from '../support/database.ts';
import { asPlatform, createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;

interface BookingView {
  id: string;
  status: string;
  pricing: { total_price: number; deposit_required: number; deposit_paid: number; currency: string };
  payments?: Array<{ method: string; amount: number }>;
}

interface PaymentView {
  id: string;
  status: string;
  amount: number;
  currency: string;
  refunded_amount: number;
  method: string;
  recorded_by: string | null;
  reference: string | null;
  provider: string;
}

interface DeskAnswer {
  payment: PaymentView;
  total_price: number;
  paid: number;
  balance_due: number;
}

let t: TestApp;
const call = httpClient(() => t.server);
let owner: TenantOwner;
let receptionist: Actor;
let worker: Worker;
let serviceId: string;
let resourceId: string;
let guests = 0;

async function create(url: string, payload: Json, who: TenantOwner = owner): Promise<string> {
  const response = await call<{ id: string }>('POST', url, { body: payload, headers: who.headers });
  if (response.status !== 201) throw new Error(`${url} → ${response.status} ${response.text}`);
  return response.body.data.id;
}

/** A 60-minute service at 50.00 EUR with a 30 % deposit (15.00), on one resource working 09:00–18:00. */
async function makeCatalog(who: TenantOwner): Promise<{ serviceId: string; resourceId: string }> {
  const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } }, who);
  const resource = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' }, who);
  await create('/api/v1/schedules', { resource_id: resource, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] }, who);
  const service = await create(
    '/api/v1/services',
    { name: 'Tinte', duration_minutes: 60, resource_ids: [resource], price: { amount: 5000, currency: 'EUR' }, deposit: { type: 'percentage', value: 30 } },
    who,
  );
  return { serviceId: service, resourceId: resource };
}

/** A guest booking whose deposit is paid online at once (sandbox `pm_card_visa`): confirmed, 15.00 paid. */
async function bookWithDeposit(start: string): Promise<BookingView> {
  const response = await call<BookingView>('POST', '/api/v1/bookings', {
    tenant: owner.tenant.slug,
    body: {
      service_id: serviceId,
      resource_id: resourceId,
      start_time: start,
      customer: { first_name: 'Ana', last_name: 'Ruiz', email: `ana${guests++}@example.com`, phone: '+34600000000' },
      payment_method_id: 'pm_card_visa',
    },
  });
  expect(response.status, response.text).toBe(201);
  expect(response.body.data).toMatchObject({ status: 'confirmed', pricing: { deposit_paid: 1500, total_price: 5000 } });
  return response.body.data;
}

const takeAtDesk = (bookingId: string, payload: Json, who: Pick<Actor, 'headers'> = receptionist, key?: string) =>
  call<DeskAnswer>('POST', `/api/v1/bookings/${bookingId}/payments/desk`, {
    body: payload,
    headers: { ...who.headers, ...(key ? { 'idempotency-key': key } : {}) },
  });

const paymentsOf = async (bookingId: string): Promise<PaymentView[]> => {
  const response = await call<PaymentView[]>('GET', `/api/v1/payments?booking_id=${bookingId}`, { headers: receptionist.headers });
  expect(response.status, response.text).toBe(200);
  return response.body.data;
};

/** Runs the worker until the booking records `paid` as received (the event fan-out reaches booking). */
async function paidAmountReaches(bookingId: string, paid: number): Promise<number> {
  const read = async () => (await call<BookingView>('GET', `/api/v1/bookings/${bookingId}`, { headers: owner.headers })).body.data.pricing.deposit_paid;
  return waitFor(async () => {
    await worker.drain();
    const current = await read();
    return current === paid ? current : undefined;
  }).catch(read);
}

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  receptionist = await createUserWithRole(t, owner, 'receptionist');
  worker = t.app.createWorker(pino({ level: 'silent' }));
  ({ serviceId, resourceId } = await makeCatalog(owner));
});

afterAll(async () => {
  await t?.close();
});

describe('POST /bookings/{id}/payments/desk', () => {
  it('collects the balance after a deposit in cash: recorded with method and recorder, announced, paid amount raised, consistency agrees', async () => {
    const booking = await bookWithDeposit(madridSlot(10, '09:00'));

    const over = await takeAtDesk(booking.id, { method: 'cash', amount: 3501 });
    expect(over.status).toBe(409);
    expect(over.body.error?.code).toBe('PAYMENT_EXCEEDS_BALANCE');
    expect(over.body.error?.details).toMatchObject({ requested: 3501, balance_due: 3500, currency: 'EUR' });

    const taken = await takeAtDesk(booking.id, { method: 'cash', amount: 3500, currency: 'EUR', note: 'Paid at the counter' }, receptionist, 'desk-cash-1');
    expect(taken.status, taken.text).toBe(201);
    expect(taken.body.data).toMatchObject({ total_price: 5000, paid: 5000, balance_due: 0 });
    expect(taken.body.data.payment).toMatchObject({
      status: 'succeeded',
      amount: 3500,
      currency: 'EUR',
      method: 'cash',
      provider: 'desk',
      recorded_by: receptionist.userId,
      note: 'Paid at the counter',
    });

    const listed = await paymentsOf(booking.id);
    expect(listed.map((payment) => [payment.method, payment.amount]).sort()).toEqual([
      ['cash', 3500],
      ['online', 1500],
    ]);
    // The booking itself says how each payment came, so the desk's panel needs no second request.
    const detail = await call<BookingView>('GET', `/api/v1/bookings/${booking.id}`, { headers: receptionist.headers });
    expect(detail.body.data.payments?.map((payment) => [payment.method, payment.amount]).sort()).toEqual([
      ['cash', 3500],
      ['online', 1500],
    ]);

    expect(await paidAmountReaches(booking.id, 5000)).toBe(5000);
    const events = await asPlatform(t, async (trx) =>
      (await sql<{ type: string; data: Json }>`select type, data from events where aggregate_id = ${taken.body.data.payment.id}`.execute(trx)).rows,
    );
    expect(events).toEqual([expect.objectContaining({ type: 'payment.succeeded', data: expect.objectContaining({ amount: 3500, provider: 'desk', booking_id: booking.id }) })]);

    const nothingLeft = await takeAtDesk(booking.id, { method: 'card_terminal', amount: 1 });
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.body.error?.details).toMatchObject({ balance_due: 0 });

    const admin = await createPlatformAdminSession(t);
    const consistency = await call<{ findings: Array<{ booking_id: string }> }>('GET', `/api/v1/platform/tenants/${owner.tenant.id}/consistency`, { headers: admin.headers });
    expect(consistency.status, consistency.text).toBe(200);
    expect(consistency.body.data.findings.filter((finding) => finding.booking_id === booking.id)).toEqual([]);
  });

  it('records a retry with the same Idempotency-Key once', async () => {
    const booking = await bookWithDeposit(madridSlot(10, '11:00'));
    const first = await takeAtDesk(booking.id, { method: 'card_terminal', amount: 2000, reference: 'TPV-0042' }, receptionist, 'desk-retry');
    const again = await takeAtDesk(booking.id, { method: 'card_terminal', amount: 2000, reference: 'TPV-0042' }, receptionist, 'desk-retry');
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.data.payment.id).toBe(first.body.data.payment.id);
    const desk = (await paymentsOf(booking.id)).filter((payment) => payment.method !== 'online');
    expect(desk).toHaveLength(1);
    expect(desk[0]).toMatchObject({ amount: 2000, reference: 'TPV-0042' });
  });

  it('refunds a cash payment at the desk: recorded as succeeded without the provider, announced, and the balance is due again', async () => {
    const booking = await bookWithDeposit(madridSlot(10, '13:00'));
    const taken = await takeAtDesk(booking.id, { method: 'cash', amount: 3500 });
    expect(taken.status, taken.text).toBe(201);
    const paymentId = taken.body.data.payment.id;

    // Receptionists take payments but the catalogue gives refunds to managers and owners.
    const byReceptionist = await call('POST', `/api/v1/payments/${paymentId}/refund`, { headers: receptionist.headers, body: { amount: 1000 } });
    expect(byReceptionist.status).toBe(403);

    const refund = await call<{ status: string; amount: number }>('POST', `/api/v1/payments/${paymentId}/refund`, { headers: owner.headers, body: { amount: 1000, reason: 'change given back' } });
    expect(refund.status, refund.text).toBe(201);
    expect(refund.body.data).toMatchObject({ status: 'succeeded', amount: 1000 });

    const cash = (await paymentsOf(booking.id)).find((payment) => payment.id === paymentId);
    expect(cash).toMatchObject({ status: 'partially_refunded', refunded_amount: 1000 });
    const refunds = await asPlatform(t, async (trx) =>
      (await sql<{ provider_refund_id: string | null; status: string }>`select provider_refund_id, status from refunds where payment_id = ${paymentId}`.execute(trx)).rows,
    );
    expect(refunds).toEqual([{ provider_refund_id: null, status: 'succeeded' }]);
    const types = await asPlatform(t, async (trx) =>
      (await sql<{ type: string }>`select type from events where aggregate_id = ${paymentId} order by created_at`.execute(trx)).rows.map((row) => row.type),
    );
    expect(types).toEqual(['payment.succeeded', 'payment.refunded']);

    const rest = await takeAtDesk(booking.id, { method: 'cash', amount: 1000 });
    expect(rest.status, rest.text).toBe(201);
    expect(rest.body.data.balance_due).toBe(0);
  });

  it('refuses a cancelled booking, another currency and an empty amount', async () => {
    const booking = await bookWithDeposit(madridSlot(11, '09:00'));
    const wrongCurrency = await takeAtDesk(booking.id, { method: 'cash', amount: 100, currency: 'USD' });
    expect(wrongCurrency.status).toBe(400);
    expect(wrongCurrency.body.error?.code).toBe('VALIDATION_ERROR');
    const zero = await takeAtDesk(booking.id, { method: 'cash', amount: 0 });
    expect(zero.status).toBe(400);
    const unknownMethod = await takeAtDesk(booking.id, { method: 'online', amount: 100 });
    expect(unknownMethod.status).toBe(400);

    const cancelled = await call('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'cancel' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    const refused = await takeAtDesk(booking.id, { method: 'cash', amount: 100 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'BOOKING_NOT_PAYABLE', details: { reason: 'booking_cancelled' } });
  });

  // Only PostgreSQL runs two transactions at once (PGlite has one connection).
  it.skipIf(!onPostgres())('a cancellation racing a desk payment never keeps the cash: the payment waits for the booking, then is refused', async () => {
    const booking = await bookWithDeposit(madridSlot(12, '10:00'));
    const url = t.db.url ?? '';
    const holder = new pg.Client({ connectionString: url });
    const watcher = new pg.Client({ connectionString: url });
    await Promise.all([holder.connect(), watcher.connect()]);
    const waitingOnLocks = async (count: number) =>
      waitFor(async () => {
        const { rows } = await watcher.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        return (rows[0]?.n ?? 0) >= count ? true : undefined;
      });
    try {
      // Hold the booking's deposit payment, so both requests stop at the point where they meet it:
      // the cancellation (holding the booking) to refund it, the desk to add to it.
      await holder.query('begin');
      await holder.query('select id from payments where booking_id = $1 for update', [booking.id]);
      const cancelling = call('PATCH', `/api/v1/bookings/${booking.id}`, { headers: owner.headers, body: { action: 'cancel' } });
      await waitingOnLocks(1);
      const paying = takeAtDesk(booking.id, { method: 'cash', amount: 3500 });
      await waitingOnLocks(2);
      await holder.query('commit');
      const [cancelled, paid] = await Promise.all([cancelling, paying]);
      expect(cancelled.status, cancelled.text).toBe(200);
      // Cash recorded against a booking whose refund was already worked out would be kept by nobody's choice.
      expect(paid.status, paid.text).toBe(409);
      expect(paid.body.error).toMatchObject({ code: 'BOOKING_NOT_PAYABLE', details: { reason: 'booking_cancelled' } });
      expect((await paymentsOf(booking.id)).map((payment) => [payment.method, payment.refunded_amount])).toEqual([['online', 1500]]);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await Promise.all([holder.end(), watcher.end()]);
    }
  });

  it('answers 404 to another business and 403 to staff who may not change the booking', async () => {
    const booking = await bookWithDeposit(madridSlot(11, '11:00'));
    const other = await signupTenant(t);
    const crossTenant = await takeAtDesk(booking.id, { method: 'cash', amount: 100 }, other);
    expect(crossTenant.status).toBe(404);
    expect(crossTenant.body.error?.code).toBe('NOT_FOUND');

    // A stylist changes only the bookings of the resources linked to them; this one is not.
    const stylist = await createUserWithRole(t, owner, 'staff');
    const refused = await takeAtDesk(booking.id, { method: 'cash', amount: 100 }, stylist);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('PAYMENT_NOT_ALLOWED');
    expect((await paymentsOf(booking.id)).filter((payment) => payment.method !== 'online')).toEqual([]);
  });
});
