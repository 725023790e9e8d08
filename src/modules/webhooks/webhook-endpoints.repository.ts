import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { WebhookEndpointsTable, WebhookEndpointStatus } from './webhooks.tables.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export async function insertEndpoint(
  executor: Executor,
  tenantId: string,
  endpoint: { url: string; description: string | null; events: string[]; secretEnc: string; id: string },
): Promise<WebhookEndpointRow> {
  return executor
    .insertInto('webhook_endpoints')
    .values({
      tenant_id: tenantId,
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      secret_enc: endpoint.secretEnc,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEndpoint(executor: Executor, tenantId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function listEndpoints(
  executor: Executor,
  tenantId: string,
  options: { after?: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<WebhookEndpointRow[]> {
  const after = options.after;
  return executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null)
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '>', after?.createdAt ?? new Date(0)),
          eb.and([eb('created_at', '=', after?.createdAt ?? new Date(0)), eb('id', '>', after?.id ?? '')]),
        ]),
      ),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit)
    .execute();
}

/** Enabled endpoints subscribed to an event type. */
export async function endpointsFor(executor: Executor, tenantId: string, eventType: string): Promise<WebhookEndpointRow[]> {
  return executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'enabled')
    .where(sql<boolean>`${eventType} = any(events)`)
    .orderBy('created_at')
    .execute();
}

export interface EndpointChanges {
  url?: string | undefined;
  description?: string | null | undefined;
  events?: string[] | undefined;
  status?: WebhookEndpointStatus | undefined;
}

export async function updateEndpoint(
  executor: Executor,
  tenantId: string,
  id: string,
  changes: EndpointChanges,
): Promise<WebhookEndpointRow | undefined> {
  const enabling = changes.status === 'enabled';
  return executor
    .updateTable('webhook_endpoints')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.events !== undefined ? { events: changes.events } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      // Re-enabling starts a fresh failure streak; disabling by hand records why.
      ...(enabling ? { disabled_reason: null, disabled_at: null, failing_since: null } : {}),
      ...(changes.status === 'disabled' ? { disabled_reason: 'disabled by the user', disabled_at: new Date() } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function softDeleteEndpoint(executor: Executor, tenantId: string, id: string): Promise<boolean> {
  const result = await executor
    .updateTable('webhook_endpoints')
    .set({ deleted_at: new Date(), status: 'disabled', disabled_reason: 'deleted', updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function rotateSecret(
  executor: Executor,
  tenantId: string,
  id: string,
  rotation: { secretEnc: string; previousSecretEnc: string | null; previousExpiresAt: Date | null },
): Promise<WebhookEndpointRow | undefined> {
  return executor
    .updateTable('webhook_endpoints')
    .set({
      secret_enc: rotation.secretEnc,
      previous_secret_enc: rotation.previousSecretEnc,
      previous_secret_expires_at: rotation.previousExpiresAt,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function recordEndpointSuccess(executor: Executor, tenantId: string, id: string): Promise<void> {
  await executor
    .updateTable('webhook_endpoints')
    .set({ failing_since: null, last_success_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Starts (or keeps) the failure streak; returns when it started. */
export async function recordEndpointFailure(executor: Executor, tenantId: string, id: string): Promise<Date | null> {
  const row = await executor
    .updateTable('webhook_endpoints')
    .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', sql<Date>`now()`) }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning('failing_since')
    .executeTakeFirst();
  return row?.failing_since ?? null;
}

/** Disables an enabled endpoint; true when this call disabled it (so the owner is told once). */
export async function disableEndpoint(executor: Executor, tenantId: string, id: string, reason: string): Promise<boolean> {
  const result = await executor
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_reason: reason, disabled_at: new Date(), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'enabled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
