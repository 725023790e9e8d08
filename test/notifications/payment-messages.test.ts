/**
 * Payment events reach the customer as messages, read with the schemas payments declares
 * (`payments.events.ts`): the producer's own payload, published through its descriptor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { publishEvent } from '../../src/platform/events/outbox.ts';
import { paymentEvents } from '../../src/modules/payments/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { makeTenant, publish, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';

let database: TestDatabase;
let harness: Harness;
let smtp: SmtpSink;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  smtp = await new SmtpSink().start();
  harness = await startHarness(database, { env: { SMTP_URL: smtp.url, EMAIL_FROM: 'Peluquería Sol <citas@sol.example>' } });
});
afterAll(async () => {
  await harness.close();
  await smtp.close();
  await database.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
  smtp.messages.length = 0;
});

describe('payment messages from payment events', () => {
  it('tells the customer a payment and then its partial refund, with the amounts of the event', async () => {
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana.pay@example.com', language: 'es' });
    const booking = bookingData(customerId);
    await publish(database, tenant.tenantId, 'booking.created', booking);
    await harness.drain();
    smtp.messages.length = 0;

    const payment = {
      booking_id: String(booking.id),
      payment_id: randomUUID(),
      customer_id: customerId,
      type: 'deposit' as const,
      status: 'succeeded' as const,
      amount: 2500,
      currency: 'EUR',
      platform_fee: 0,
      provider: 'sandbox',
    };
    await withTenant(database.db, tenant.tenantId, (trx) =>
      publishEvent(trx, paymentEvents.succeeded, { tenantId: tenant.tenantId, aggregateId: payment.payment_id, data: payment }),
    );
    await harness.drain();
    await withTenant(database.db, tenant.tenantId, (trx) =>
      publishEvent(trx, paymentEvents.refunded, {
        tenantId: tenant.tenantId,
        aggregateId: payment.payment_id,
        data: { ...payment, status: 'partially_refunded', refund_id: randomUUID(), refund_amount: 1000, refunded_total: 1000, reason: 'requested_by_customer' },
      }),
    );
    await harness.drain();

    expect(smtp.messages.map((message) => message.parsed.subject)).toEqual(['Pago recibido: 25,00 €', 'Reembolso de 10,00 €']);
    expect(smtp.messages[1]?.parsed.text).toMatch(/Te hemos devuelto 10,00\s€ de la reserva BK-7KQ2M9/);
  });
});
