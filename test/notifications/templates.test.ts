import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { adminToken, makeTenant, publish, readerToken, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';
import { bookingData, makeCustomer } from './fixtures.ts';

let database: TestDatabase;
let harness: Harness;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  harness = await startHarness(database);
});
afterAll(async () => {
  await harness.close();
  await database.close();
});
beforeEach(async () => {
  tenant = await makeTenant(database);
});

const post = (url: string, payload: Record<string, unknown>, token = adminToken(tenant.tenantId)) =>
  harness.server.inject({ method: 'POST', url, headers: { authorization: token }, payload });

describe('notification templates', () => {
  it('saves a tenant template that then replaces the built-in one', async () => {
    const created = await post('/api/v1/notification-templates', {
      event_type: 'booking.confirmed',
      channel: 'email',
      language: 'es',
      subject: '¡Listo, {{ customer.first_name }}!',
      body: 'Te esperamos el {{ booking.date }} a las {{ booking.time }}.',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().data.variables).toEqual(['booking.date', 'booking.time', 'customer.first_name']);
    const customerId = await makeCustomer(database, harness.keyRing, tenant.tenantId, { first_name: 'Ana', email: 'ana@example.com', language: 'es' });
    await publish(database, tenant.tenantId, 'booking.created', bookingData(customerId));
    await harness.drain();
    const outbox = await harness.server.inject({ method: 'GET', url: '/api/v1/notifications', headers: { authorization: readerToken(tenant.tenantId) } });
    expect(outbox.json().data[0]).toMatchObject({ subject: '¡Listo, Ana!', body: 'Te esperamos el viernes, 29 de marzo de 2030 a las 09:00.' });
    const duplicate = await post('/api/v1/notification-templates', { event_type: 'booking.confirmed', channel: 'email', language: 'es', body: 'x' });
    expect(duplicate.statusCode).toBe(409);
  });

  it('refuses unknown variables and file tags with 400 naming the field', async () => {
    const unknown = await post('/api/v1/notification-templates', {
      event_type: 'booking.reminder',
      channel: 'sms',
      language: 'en',
      body: 'Your card {{ payment.card_number }}',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'body' }] });
    const include = await post('/api/v1/notification-templates', {
      event_type: 'booking.reminder',
      channel: 'email',
      language: 'en',
      subject: '{% include "secrets" %}',
      body: 'x',
    });
    expect(include.statusCode).toBe(400);
    expect(include.json().error.details[0].field).toBe('subject');
    const broken = await post('/api/v1/notification-templates', { event_type: 'booking.reminder', channel: 'sms', language: 'en', body: '{% if %}' });
    expect(broken.statusCode).toBe(400);
  });

  it('previews a draft, the tenant’s template or the built-in one with sample data', async () => {
    const draft = await post('/api/v1/notification-templates/preview', {
      event_type: 'booking.cancelled',
      channel: 'email',
      language: 'en',
      subject: 'Cancelled {{ booking.number }}',
      body: 'Refund: {{ refund.amount }}',
    }, readerToken(tenant.tenantId));
    expect(draft.statusCode).toBe(200);
    expect(draft.json().data).toMatchObject({ subject: 'Cancelled BK-7KQ2M9', text: 'Refund: €22.50', source: 'request' });
    const builtIn = await post('/api/v1/notification-templates/preview', { event_type: 'booking.reminder', channel: 'sms', language: 'es' }, readerToken(tenant.tenantId));
    expect(builtIn.json().data.source).toBe('default');
    expect(builtIn.json().data.text).toContain('recuerda tu cita');
    const bad = await post('/api/v1/notification-templates/preview', { event_type: 'booking.reminder', channel: 'sms', language: 'es', body: '{{ nope }}' }, readerToken(tenant.tenantId));
    expect(bad.statusCode).toBe(400);
  });

  it('lists the catalogue and keeps templates per tenant', async () => {
    const catalogue = await harness.server.inject({ method: 'GET', url: '/api/v1/notification-templates/catalogue', headers: { authorization: readerToken(tenant.tenantId) } });
    expect(catalogue.json().data.map((entry: { event_type: string }) => entry.event_type)).toContain('booking.reminder');
    const created = await post('/api/v1/notification-templates', { event_type: 'booking.reminder', channel: 'sms', language: 'en', body: 'See you {{ booking.time }}' });
    const other = await makeTenant(database);
    const foreign = await harness.server.inject({
      method: 'PATCH',
      url: `/api/v1/notification-templates/${created.json().data.id}`,
      headers: { authorization: adminToken(other.tenantId) },
      payload: { body: 'hijacked' },
    });
    expect(foreign.statusCode).toBe(404);
    const update = await harness.server.inject({
      method: 'PATCH',
      url: `/api/v1/notification-templates/${created.json().data.id}`,
      headers: { authorization: adminToken(tenant.tenantId) },
      payload: { body: 'Bad {{ customer.iban }}' },
    });
    expect(update.statusCode).toBe(400);
  });
});
