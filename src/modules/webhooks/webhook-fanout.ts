import type { DomainEvent, EventSubscriber } from '../../platform/events/outbox.ts';
import type { Executor } from '../../platform/db/database.ts';
import * as deliveries from './webhook-deliveries.repository.ts';
import { endpointsFor } from './webhook-endpoints.repository.ts';
import { enqueueDelivery } from './webhook-delivery.job.ts';
import { WEBHOOK_EVENTS } from './webhook-events.ts';

export const WEBHOOK_API_VERSION = '2026-01-01';

/**
 * The body every endpoint receives for an event: the specification's
 * WebhookEvent. `created` is Unix seconds; `data.object` is the resource as
 * the API represents it.
 */
export function webhookEventBody(event: DomainEvent, pendingWebhooks: number, livemode: boolean): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created: Math.floor(new Date(event.createdAt).getTime() / 1000),
    api_version: WEBHOOK_API_VERSION,
    data: {
      object: event.data,
      ...(event.previousAttributes ? { previous_attributes: event.previousAttributes } : {}),
    },
    livemode,
    pending_webhooks: pendingWebhooks,
  });
}

/**
 * Turns an event into one delivery per subscribed endpoint, in the fan-out's
 * transaction. Idempotent: a delivery is unique per endpoint and event, and
 * its job's dedupe key is the delivery id.
 */
export function createWebhookFanoutSubscriber(options: { livemode: boolean }): EventSubscriber {
  return {
    name: 'webhooks.fanout',
    events: WEBHOOK_EVENTS,
    async handle(event: DomainEvent, executor: Executor): Promise<void> {
      const targets = await endpointsFor(executor, event.tenantId, event.type);
      if (targets.length === 0) return;
      const body = webhookEventBody(event, targets.length, options.livemode);
      for (const endpoint of targets) {
        const delivery = await deliveries.insertDeliveryOnce(executor, event.tenantId, {
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          payload: body,
        });
        if (delivery) await enqueueDelivery(executor, event.tenantId, delivery.id);
      }
    },
  };
}
