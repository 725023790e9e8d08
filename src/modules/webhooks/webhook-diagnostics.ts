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
