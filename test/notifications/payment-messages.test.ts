/**
 * Payment events reach the customer as messages, read with the schemas payments declares
 * (`payments.events.ts`): the producer's own payload, published through its descriptor.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { publishEvent } from '../../src/platform/events/outbox.ts';
import { paymentEvents } from '../../src/modules/payments/index.ts';
import { publish } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';
import { useSmtpHarness } from './smtp-harness.ts';

const env = useSmtpHarness();

describe('payment messages from payment events', () => {
  it('tells the customer a payment and then its partial refund, with the amounts of the event', async () => {
    const customerId = await makeCustomer(env.database, env.harness.keyRing, env.tenant.tenantId, { first_name: 'Ana', email: 'ana.pay@example.com', language: 'es' });
    const booking = bookingData(customerId);
    await publish(env.database, env.tenant.tenantId, 'booking.created', booking);
    await env.harness.drain();
    env.smtp.messages.length = 0;

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
    await withTenant(env.database.db, env.tenant.tenantId, (trx) =>
      publishEvent(trx, paymentEvents.succeeded, { tenantId: env.tenant.tenantId, aggregateId: payment.payment_id, data: payment }),
    );
    await env.harness.drain();
    await withTenant(env.database.db, env.tenant.tenantId, (trx) =>
      publishEvent(trx, paymentEvents.refunded, {
        tenantId: env.tenant.tenantId,
        aggregateId: payment.payment_id,
        data: { ...payment, status: 'partially_refunded', refund_id: randomUUID(), refund_amount: 1000, refunded_total: 1000, reason: 'requested_by_customer' },
      }),
    );
    await env.harness.drain();

    expect(env.smtp.messages.map((message) => message.parsed.subject)).toEqual(['Pago recibido: 25,00 €', 'Reembolso de 10,00 €']);
    expect(env.smtp.messages[1]?.parsed.text).toMatch(/Te hemos devuelto 10,00\s€ de la reserva BK-7KQ2M9/);
  });
});
