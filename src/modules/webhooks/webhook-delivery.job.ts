import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { defineJob, type JobDefinition, type JobKind, type JobOutcome } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import * as deliveries from './webhook-deliveries.repository.ts';
import * as endpoints from './webhook-endpoints.repository.ts';
import { DISABLE_AFTER_FAILING_MS, MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './webhook-retry.ts';
import { signingSecrets } from './webhook-secrets.ts';
import { webhookHeaders } from './webhook-signature.ts';
import { postWebhook, type WebhookHttpResponse } from './webhook-target.ts';

const payload = z.object({ delivery_id: z.string().uuid() });

/** The delivery job's identity (enqueued by the fan-out and by replays). */
export const webhookDeliveryJob: JobKind<typeof payload> = {
  name: 'webhooks.deliver',
  version: 1,
  payload,
  // Retries are scheduled by the handler (the webhook schedule); this only bounds re-runs after crashes.
  maxAttempts: MAX_DELIVERY_ATTEMPTS + 10,
};

/** Tells the endpoint's owner it was disabled (wired to notifications by the composition root). */
export type EndpointDisabledNotifier = (
  trx: Trx,
  tenantId: string,
  endpoint: { id: string; url: string; reason: string },
) => Promise<void>;

export interface WebhookDeliveryDeps {
  keyRing: KeyRing;
  allowPrivateTargets: boolean;
  /** Whole-request timeout. */
  requestTimeoutMs: number;
  /** Job lease: longer than the request timeout, so a live delivery is never run twice at once. */
  leaseMs: number;
  onEndpointDisabled?: EndpointDisabledNotifier | undefined;
  now?: () => Date;
}

export async function enqueueDelivery(executor: Executor, tenantId: string, deliveryId: string, dedupeSuffix = ''): Promise<void> {
  await enqueue(executor, webhookDeliveryJob, { delivery_id: deliveryId }, {
    tenantId,
    dedupeKey: `webhook-delivery:${deliveryId}${dedupeSuffix}`,
  });
}

/**
 * Sends one delivery, records the attempt (request and response) and decides
 * what comes next: success; 410 Gone disables the endpoint; other failures
 * retry on the webhook schedule until it runs out. An endpoint that keeps
 * failing for days with no success is disabled and its owner told.
 *
 * The HTTP request runs outside any transaction. If the worker dies during
 * it, the job's lease expires and another worker sends again with the same
 * `webhook-id`, so receivers that de-duplicate by id process it once.
 */
export function createWebhookDeliveryJob(deps: WebhookDeliveryDeps): JobDefinition<typeof payload> {
  const now = deps.now ?? (() => new Date());
  return defineJob({
    ...webhookDeliveryJob,
    timeoutMs: deps.leaseMs,
    async handle(input, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'webhook delivery without tenant' };
      const loaded = await withTenant(context.db, tenantId, async (trx) => {
        const delivery = await deliveries.findDelivery(trx, tenantId, input.delivery_id);
        if (!delivery || delivery.status !== 'pending') return null;
        const endpoint = await endpoints.findEndpoint(trx, tenantId, delivery.endpoint_id);
        if (!endpoint || endpoint.status !== 'enabled') {
          await deliveries.failDelivery(trx, tenantId, delivery.id, 'endpoint disabled or deleted');
          return null;
        }
        return { delivery, endpoint };
      });
      if (loaded === null) return { outcome: 'done', note: 'nothing to deliver' };
      const { delivery, endpoint } = loaded;

      const startedAt = now();
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      const headers = webhookHeaders(signingSecrets(deps.keyRing, endpoint, startedAt), `msg_${delivery.id}`, timestamp, delivery.payload);
      let response: WebhookHttpResponse | null = null;
      let error: string | null = null;
      try {
        response = await postWebhook({
          url: endpoint.url,
          headers,
          body: delivery.payload,
          timeoutMs: deps.requestTimeoutMs,
          allowPrivate: deps.allowPrivateTargets,
          signal: context.signal,
        });
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      const durationMs = Date.now() - startedAt.getTime();
      const succeeded = response !== null && response.status >= 200 && response.status < 300;
      const gone = response?.status === 410;
      const attemptNumber = delivery.attempts + 1;
      if (response !== null && !succeeded) error = `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`;
      // A replay is one more manual attempt; the automatic schedule belongs to the first run.
      const delay = succeeded || gone || delivery.replays > 0 ? null : retryDelayMs(attemptNumber);

      await withTenant(context.db, tenantId, async (trx) => {
        await deliveries.insertAttempt(trx, tenantId, {
          deliveryId: delivery.id,
          attempt: attemptNumber,
          startedAt,
          durationMs,
          requestUrl: endpoint.url,
          requestHeaders: { ...headers, 'content-type': 'application/json' },
          responseStatus: response?.status ?? null,
          responseHeaders: response?.headers ?? null,
          responseBody: response?.body ?? null,
          error,
        });
        await deliveries.settleAttempt(trx, tenantId, delivery.id, {
          status: succeeded ? 'succeeded' : delay === null ? 'failed' : 'pending',
          responseStatus: response?.status ?? null,
          error,
          nextAttemptAt: delay === null ? null : new Date(now().getTime() + delay),
        });
        if (succeeded) {
          await endpoints.recordEndpointSuccess(trx, tenantId, endpoint.id);
          return;
        }
        const disableReason = gone
          ? 'the endpoint answered 410 Gone'
          : await failingTooLong(trx, tenantId, endpoint.id, now());
        if (disableReason !== null && (await endpoints.disableEndpoint(trx, tenantId, endpoint.id, disableReason))) {
          await deps.onEndpointDisabled?.(trx, tenantId, { id: endpoint.id, url: endpoint.url, reason: disableReason });
        }
      });
      if (succeeded) return { outcome: 'done' };
      if (delay === null) return { outcome: 'done', note: gone ? 'endpoint gone' : 'retries exhausted' };
      return { outcome: 'retry', reason: error ?? 'delivery failed', delayMs: delay };
    },
  });
}

async function failingTooLong(trx: Trx, tenantId: string, endpointId: string, at: Date): Promise<string | null> {
  const since = await endpoints.recordEndpointFailure(trx, tenantId, endpointId);
  if (since === null || at.getTime() - since.getTime() < DISABLE_AFTER_FAILING_MS) return null;
  return `every delivery failed since ${since.toISOString()}`;
}
