import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export interface FailingEndpoint {
  id: string;
  url: string;
  status: 'enabled' | 'disabled';
  failing_since: string | null;
  disabled_reason: string | null;
}

/** Webhook endpoints in a failure streak, or switched off after one. */
export async function failingWebhookEndpoints(executor: Executor, tenantId: string): Promise<FailingEndpoint[]> {
  const result = await sql<{ id: string; url: string; status: 'enabled' | 'disabled'; failing_since: Date | null; disabled_reason: string | null }>`
    select id, url, status, failing_since, disabled_reason
    from webhook_endpoints
    where tenant_id = ${tenantId} and deleted_at is null and (status = 'disabled' or failing_since is not null)
    order by coalesce(failing_since, disabled_at) nulls last, id
    limit 20`.execute(executor);
  return result.rows.map((row) => ({ ...row, failing_since: row.failing_since ? new Date(row.failing_since).toISOString() : null }));
}

/** One delivery that gave up, with where it went and what came back last. */
export interface FailedDelivery {
  id: string;
  endpoint_id: string;
  url: string;
  endpoint_status: 'enabled' | 'disabled';
  event_type: string;
  attempts: number;
  replays: number;
  last_response_status: number | null;
  last_attempt_at: string | null;
}

/** The latest deliveries that failed for good since `since`, newest first (at most `limit`), for support to replay. */
export async function latestFailedDeliveries(executor: Executor, tenantId: string, since: Date, limit = 20): Promise<FailedDelivery[]> {
  const result = await sql<Omit<FailedDelivery, 'last_attempt_at'> & { last_attempt_at: Date | null }>`
    select d.id, d.endpoint_id, e.url, e.status as endpoint_status, d.event_type, d.attempts, d.replays, d.last_response_status, d.last_attempt_at
    from webhook_deliveries d
    join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
    where d.tenant_id = ${tenantId} and d.status = 'failed' and e.deleted_at is null and d.created_at >= ${since.toISOString()}::timestamptz
    order by coalesce(d.last_attempt_at, d.created_at) desc, d.id
    limit ${limit}`.execute(executor);
  return result.rows.map((row) => ({
    ...row,
    attempts: Number(row.attempts),
    replays: Number(row.replays),
    last_attempt_at: row.last_attempt_at ? new Date(row.last_attempt_at).toISOString() : null,
  }));
}
