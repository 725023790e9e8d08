import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { WebhookDeliveriesTable, WebhookDeliveryAttemptsTable } from './webhooks.tables.ts';

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;

/** One delivery per endpoint and event; a second insert for the same pair returns undefined. */
export async function insertDeliveryOnce(
  executor: Executor,
  tenantId: string,
  delivery: { endpointId: string; eventId: string; eventType: string; payload: string },
): Promise<WebhookDeliveryRow | undefined> {
  return executor
    .insertInto('webhook_deliveries')
    .values({
      tenant_id: tenantId,
      endpoint_id: delivery.endpointId,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      payload: delivery.payload,
      next_attempt_at: new Date(),
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'endpoint_id', 'event_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findDelivery(executor: Executor, tenantId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return executor
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listDeliveries(
  executor: Executor,
  tenantId: string,
  endpointId: string,
  options: { before?: { createdAt: Date; id: string } | undefined; limit: number; status?: string | undefined },
): Promise<WebhookDeliveryRow[]> {
  const before = options.before;
  return executor
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('endpoint_id', '=', endpointId)
    .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status === 'failed' ? 'failed' : options.status === 'succeeded' ? 'succeeded' : 'pending'))
    .$if(before !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '<', before?.createdAt ?? new Date(0)),
          eb.and([eb('created_at', '=', before?.createdAt ?? new Date(0)), eb('id', '<', before?.id ?? '')]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
}

export async function attemptsOf(
  executor: Executor,
  tenantId: string,
  deliveryIds: readonly string[],
): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return executor
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt')
    .execute();
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
}

export async function insertAttempt(executor: Executor, tenantId: string, attempt: AttemptRecord): Promise<void> {
  await executor
    .insertInto('webhook_delivery_attempts')
    .values({
      tenant_id: tenantId,
      delivery_id: attempt.deliveryId,
      attempt: attempt.attempt,
      started_at: attempt.startedAt,
      duration_ms: attempt.durationMs,
      request_url: attempt.requestUrl,
      request_headers: JSON.stringify(attempt.requestHeaders),
      response_status: attempt.responseStatus,
      response_headers: attempt.responseHeaders === null ? null : JSON.stringify(attempt.responseHeaders),
      response_body: attempt.responseBody,
      error: attempt.error,
    })
    .execute();
}

/** Counts an attempt and records its outcome on the delivery. */
export async function settleAttempt(
  executor: Executor,
  tenantId: string,
  id: string,
  outcome: {
    status: 'pending' | 'succeeded' | 'failed';
    responseStatus: number | null;
    error: string | null;
    nextAttemptAt: Date | null;
  },
): Promise<void> {
  await executor
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: outcome.status,
      last_attempt_at: new Date(),
      last_response_status: outcome.responseStatus,
      last_error: outcome.error,
      next_attempt_at: outcome.nextAttemptAt,
      updated_at: new Date(),
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    // A worker whose lease ran out may finish late: it must not undo a newer outcome.
    .where('status', '=', 'pending')
    .execute();
}

export async function failDelivery(executor: Executor, tenantId: string, id: string, error: string): Promise<void> {
  await executor
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: error, next_attempt_at: null, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Puts a finished delivery back in the queue; undefined when it is still pending. */
export async function reopenDelivery(executor: Executor, tenantId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return executor
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'pending',
      replays: eb('replays', '+', 1),
      next_attempt_at: new Date(),
      updated_at: new Date(),
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '!=', 'pending')
    .returningAll()
    .executeTakeFirst();
}
