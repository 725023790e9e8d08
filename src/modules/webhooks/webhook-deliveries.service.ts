import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import * as deliveries from './webhook-deliveries.repository.ts';
import { findEndpoint } from './webhook-endpoints.repository.ts';
import { enqueueDelivery } from './webhook-delivery.job.ts';
import type { WebhookDelivery } from './webhooks.schemas.ts';

function toDelivery(row: deliveries.WebhookDeliveryRow, attempts: deliveries.WebhookAttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    replays: row.replays,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    last_response_status: row.last_response_status,
    last_error: row.last_error,
    request_body: row.payload,
    attempt_log: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        started_at: attempt.started_at.toISOString(),
        duration_ms: attempt.duration_ms,
        request: { url: attempt.request_url, headers: attempt.request_headers },
        response:
          attempt.response_status === null
            ? null
            : { status: attempt.response_status, headers: attempt.response_headers ?? {}, body: attempt.response_body ?? '' },
        error: attempt.error,
      })),
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Queues a finished delivery again in the caller's transaction (same body, same webhook-id, a
 * fresh signature at sending): the business's Developers screen and the platform console's
 * support tools both replay through here.
 * @throws 404 when the tenant has no such delivery; CONFLICT when its endpoint is disabled or
 * the delivery is still being attempted.
 */
export async function replayDelivery(trx: Executor, tenantId: string, deliveryId: string): Promise<deliveries.WebhookDeliveryRow> {
  const existing = await deliveries.findDelivery(trx, tenantId, deliveryId);
  if (!existing) throw notFound('Webhook delivery');
  const endpoint = await findEndpoint(trx, tenantId, existing.endpoint_id);
  if (!endpoint) throw notFound('Webhook delivery');
  if (endpoint.status !== 'enabled') throw new AppError('CONFLICT', 'Enable the endpoint before replaying its deliveries');
  const reopened = await deliveries.reopenDelivery(trx, tenantId, deliveryId);
  if (!reopened) throw new AppError('CONFLICT', 'This delivery is still being attempted');
  await enqueueDelivery(trx, tenantId, deliveryId, `:replay:${reopened.replays}`);
  return reopened;
}

/** Delivery log per endpoint (request and response of every attempt) and replays. */
export function createWebhookDeliveriesService(deps: { db: Db }) {
  return {
    async list(
      tenantId: string,
      endpointId: string,
      query: { limit: number; cursor?: string | undefined; status?: 'pending' | 'succeeded' | 'failed' | undefined },
    ): Promise<{ items: WebhookDelivery[]; pagination: PaginationMeta }> {
      const position = decodeCursor(query.cursor);
      const before = position ? { createdAt: new Date(position.value), id: position.id } : undefined;
      if (before && Number.isNaN(before.createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
      return withTenant(deps.db, tenantId, async (trx) => {
        if (!(await findEndpoint(trx, tenantId, endpointId))) throw notFound('Webhook endpoint');
        const rows = await deliveries.listDeliveries(trx, tenantId, endpointId, {
          before,
          limit: query.limit + 1,
          status: query.status,
        });
        const hasMore = rows.length > query.limit;
        const items = rows.slice(0, query.limit);
        const attempts = await deliveries.attemptsOf(trx, tenantId, items.map((row) => row.id));
        const last = items.at(-1);
        return {
          items: items.map((row) => toDelivery(row, attempts)),
          pagination: {
            cursor: hasMore && last ? encodeCursor({ value: last.created_at.toISOString(), id: last.id }) : null,
            has_more: hasMore,
          },
        };
      });
    },

    /** Sends a finished delivery again (same body, same webhook-id, fresh signature). */
    async replay(tenantId: string, deliveryId: string): Promise<WebhookDelivery> {
      return withTenant(deps.db, tenantId, async (trx) => {
        const reopened = await replayDelivery(trx, tenantId, deliveryId);
        return toDelivery(reopened, await deliveries.attemptsOf(trx, tenantId, [deliveryId]));
      });
    },
  };
}

export type WebhookDeliveriesService = ReturnType<typeof createWebhookDeliveriesService>;
