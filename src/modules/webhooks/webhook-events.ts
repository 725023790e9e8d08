import type { AnyEventDescriptor } from '../../platform/events/event-descriptor.ts';
import { BOOKING_EVENTS } from '../booking/index.ts';
import { CUSTOMER_EVENTS } from '../customers/index.ts';
import { PAYMENT_EVENTS } from '../payments/index.ts';

/**
 * The event catalogue of the product as its producers declare it (`booking.events.ts`,
 * `payments.events.ts`, `customers.events.ts`), module by module. The webhook event list
 * below and `docs/events.md` (`npm run events:docs`) are generated from it; a module that
 * starts publishing adds its catalogue here.
 */
export const EVENT_CATALOGUE = [
  { module: 'booking', events: BOOKING_EVENTS },
  { module: 'payments', events: PAYMENT_EVENTS },
  { module: 'customers', events: CUSTOMER_EVENTS },
] as const;

type CatalogueEvent = (typeof EVENT_CATALOGUE)[number]['events'][number];
type WebhookEvent = Extract<CatalogueEvent, { webhook: true }>;

const isWebhookEvent = (event: CatalogueEvent): event is WebhookEvent => event.webhook;

/** The events endpoints may subscribe to: those of the catalogue its producers mark `webhook`, in catalogue order. */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = EVENT_CATALOGUE.flatMap(({ events }): readonly CatalogueEvent[] => events).filter(isWebhookEvent);

/** Their names: the enum of `events` in `POST /webhook-endpoints`. */
export const WEBHOOK_EVENT_TYPES = WEBHOOK_EVENTS.map((event) => event.name);
export type WebhookEventType = WebhookEvent['name'];

/** Every descriptor of the catalogue (for the docs and their test). */
export const CATALOGUE_EVENTS: readonly AnyEventDescriptor[] = EVENT_CATALOGUE.flatMap(({ events }): readonly AnyEventDescriptor[] => events);
