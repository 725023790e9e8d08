/**
 * The event catalogue: producers declare their events (`<module>.events.ts`), `publishEvent`
 * refuses a payload that breaks its schema before anything is written, the webhook event
 * list is the catalogue's webhook events, and consumers can read what producers send.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/platform/db/database.ts';
import { checkEvent, EventPayloadError } from '../../src/platform/events/event-descriptor.ts';
import { publishEvent } from '../../src/platform/events/outbox.ts';
import { bookingEvents, type BookingEventPayload } from '../../src/modules/booking/index.ts';
import { parseBookingEventData } from '../../src/modules/calendar/index.ts';
import { customerEvents } from '../../src/modules/customers/index.ts';
import { bookingPaymentAfterExpiry, paymentEvents } from '../../src/modules/payments/index.ts';
import { CATALOGUE_EVENTS, WEBHOOK_EVENT_TYPES } from '../../src/modules/webhooks/index.ts';
import { OPENAPI_PATH } from '../../scripts/openapi-document.ts';

const TENANT = '00000000-0000-4000-8000-0000000000e1';

/** An executor that fails the test if anything reaches it: a refused event must write nothing. */
const untouchable = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(`the executor was used (${String(property)}) although the event was refused`);
    },
  },
) as unknown as Executor;

function bookingPayload(overrides: Partial<BookingEventPayload> = {}): BookingEventPayload {
  return {
    id: randomUUID(),
    booking_number: 'BK-7KQ2M9',
    status: 'confirmed',
    group_id: null,
    service_id: randomUUID(),
    resource_id: randomUUID(),
    location_id: randomUUID(),
    customer_id: randomUUID(),
    start_time: '2030-03-29T08:00:00.000Z',
    end_time: '2030-03-29T08:45:00.000Z',
    pricing: { total_price: 4500, deposit_required: 1000, deposit_paid: 0, currency: 'EUR' },
    ...overrides,
  };
}

describe('publishEvent checks the payload against its descriptor', () => {
  const refusals: { case: string; publish: () => Promise<string>; path: string }[] = [
    {
      case: 'a status the booking state machine does not have',
      // @ts-expect-error the payload type already refuses it; the runtime check is for data typed loosely upstream
      publish: () => publishEvent(untouchable, bookingEvents.created, { tenantId: TENANT, aggregateId: randomUUID(), data: bookingPayload({ status: 'teleported' }) }),
      path: 'status',
    },
    {
      case: 'a start time that is not an instant',
      publish: () => publishEvent(untouchable, bookingEvents.cancelled, { tenantId: TENANT, aggregateId: randomUUID(), data: bookingPayload({ start_time: 'tomorrow' }) }),
      path: 'start_time',
    },
    {
      case: 'personal data the schema does not declare (an email in a customer event)',
      publish: () =>
        publishEvent(untouchable, customerEvents.created, {
          tenantId: TENANT,
          aggregateId: randomUUID(),
          data: { ...{ id: randomUUID(), type: 'guest', status: 'active' }, ...{ email: 'ana@example.test' } },
        }),
      path: '(root)',
    },
    {
      case: 'a negative amount in minor units',
      publish: () =>
        publishEvent(untouchable, paymentEvents.succeeded, {
          tenantId: TENANT,
          aggregateId: randomUUID(),
          data: {
            booking_id: randomUUID(),
            payment_id: randomUUID(),
            customer_id: randomUUID(),
            type: 'deposit',
            status: 'succeeded',
            amount: -500,
            currency: 'EUR',
            platform_fee: 0,
            provider: 'sandbox',
          },
        }),
      path: 'amount',
    },
    {
      case: 'previous attributes on an event that has none',
      publish: () =>
        publishEvent(untouchable, customerEvents.created, {
          tenantId: TENANT,
          aggregateId: randomUUID(),
          data: { id: randomUUID(), type: 'guest', status: 'active' },
          // @ts-expect-error customer.created declares no previous attributes
          previousAttributes: { status: 'inactive' },
        }),
      path: 'previous_attributes',
    },
  ];

  it.each(refusals)('refuses $case before writing anything', async ({ publish, path }) => {
    const error = await publish().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventPayloadError);
    expect((error as EventPayloadError).message).toContain(`${path}:`);
  });

  it('accepts a payload that matches, and names the event by its descriptor', () => {
    const data = bookingPayload({ change: { refund_amount: 1000 } });
    const event = checkEvent(bookingEvents.cancelled, { tenantId: TENANT, aggregateId: data.id, data });
    expect(event).toMatchObject({ type: 'booking.cancelled', aggregateType: 'booking', aggregateId: data.id, data });
  });

  it('a misspelt event does not type-check', () => {
    // @ts-expect-error `cancelld` is no booking event: `npm run typecheck` fails on a typo
    expect(bookingEvents.cancelld).toBeUndefined();
  });
});

describe('the catalogue', () => {
  it('names every event once, as <aggregate>.<what happened>', () => {
    const names = CATALOGUE_EVENTS.map((event) => event.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+\.[a-z_]+$/);
    expect(names).toEqual(expect.arrayContaining(['booking.created', 'payment.succeeded', 'customer.erased', bookingPaymentAfterExpiry.name]));
  });

  it('the webhook event list is exactly the catalogue events marked webhook, in catalogue order', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(CATALOGUE_EVENTS.filter((event) => event.webhook).map((event) => event.name));
    // The public list as it has been offered to endpoints; a change here is an API change.
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      'booking.created',
      'booking.updated',
      'booking.cancelled',
      'booking.completed',
      'booking.no_show',
      'payment.succeeded',
      'payment.failed',
      'payment.refunded',
      'customer.created',
      'customer.updated',
    ]);
  });

  it('the committed OpenAPI document offers endpoints exactly the webhook event list', () => {
    const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
    for (const method of ['post', 'patch']) {
      const path = method === 'post' ? '/api/v1/webhook-endpoints' : '/api/v1/webhook-endpoints/{id}';
      const events = document.paths[path][method].requestBody.content['application/json'].schema.properties.events;
      expect(events.items.enum, `${method.toUpperCase()} ${path}`).toEqual(WEBHOOK_EVENT_TYPES);
    }
  });

  it("calendar and notifications read the booking producer's payload (ids, status and times)", () => {
    const data = bookingPayload();
    const checked = checkEvent(bookingEvents.created, { tenantId: TENANT, aggregateId: data.id, data });
    expect(parseBookingEventData(checked.data)).toMatchObject({
      id: data.id,
      bookingNumber: data.booking_number,
      status: 'confirmed',
      startTime: new Date(data.start_time),
      endTime: new Date(data.end_time),
      service: { id: data.service_id, name: null },
      resource: { id: data.resource_id, name: null },
      customerId: data.customer_id,
      zoneGiven: false,
    });
  });
});
