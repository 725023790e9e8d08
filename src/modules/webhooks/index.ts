/**
 * Outgoing webhooks: endpoints per tenant with chosen event types, Standard
 * Webhooks signatures, retries on a schedule of about three days, a delivery
 * log with replays, secret rotation with overlap, and refusal of non-public
 * targets. Other modules use only what this file exports.
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { createWebhookDeliveriesService, replayDelivery } from './webhook-deliveries.service.ts';
import { createWebhookDeliveryJob, type EndpointDisabledNotifier } from './webhook-delivery.job.ts';
import { createWebhookEndpointsService } from './webhook-endpoints.service.ts';
import { createWebhookFanoutSubscriber } from './webhook-fanout.ts';
import { webhookEndpointsReencryption } from './webhook-key-rotation.ts';
import { registerWebhookRoutes } from './webhooks.routes.ts';
import './webhooks.tables.ts';

export { CATALOGUE_EVENTS, EVENT_CATALOGUE, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
export type { EndpointDisabledNotifier } from './webhook-delivery.job.ts';
export { signWebhook } from './webhook-signature.ts';

export interface WebhooksModuleDeps {
  db: Db;
  keyRing: KeyRing;
  /** WEBHOOKS_ALLOW_PRIVATE: deliver to private/loopback addresses (development, tests). */
  allowPrivateTargets: boolean;
  /** Production: events are marked `livemode: true`. */
  livemode: boolean;
  onEndpointDisabled?: EndpointDisabledNotifier | undefined;
  /** Per-request timeout (default 15 s). */
  requestTimeoutMs?: number | undefined;
  /** Job lease (default 60 s; must exceed the request timeout). */
  deliveryLeaseMs?: number | undefined;
}

export interface WebhooksModule {
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  /** Tables to re-encrypt on key rotation (platform `createKeyRotationJob`): endpoint signing secrets. */
  reencryptionTargets: ReencryptionTarget[];
  /**
   * Queues a finished delivery again in the caller's transaction, exactly as the Developers
   * screen's replay does (the platform console's support tools). 404 for another tenant's
   * delivery; CONFLICT when its endpoint is disabled or it is still being attempted.
   */
  replayDelivery(trx: Trx, tenantId: string, deliveryId: string): Promise<{ id: string; status: string; replays: number }>;
}

export function createWebhooksModule(deps: WebhooksModuleDeps): WebhooksModule {
  const endpoints = createWebhookEndpointsService(deps);
  const deliveries = createWebhookDeliveriesService(deps);
  return {
    registerRoutes: (api) => registerWebhookRoutes(api, { endpoints, deliveries }),
    jobs: [
      createWebhookDeliveryJob({
        keyRing: deps.keyRing,
        allowPrivateTargets: deps.allowPrivateTargets,
        requestTimeoutMs: deps.requestTimeoutMs ?? 15_000,
        leaseMs: deps.deliveryLeaseMs ?? 60_000,
        onEndpointDisabled: deps.onEndpointDisabled,
      }),
    ],
    subscribers: [createWebhookFanoutSubscriber({ livemode: deps.livemode })],
    reencryptionTargets: [webhookEndpointsReencryption],
    async replayDelivery(trx, tenantId, deliveryId) {
      const row = await replayDelivery(trx, tenantId, deliveryId);
      return { id: row.id, status: row.status, replays: row.replays };
    },
  };
}
export { failingWebhookEndpoints, latestFailedDeliveries, type FailedDelivery, type FailingEndpoint } from './webhook-diagnostics.ts';
