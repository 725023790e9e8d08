import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Messages that did not reach their recipient since `since`, by channel and outcome (failed or bounced). */
export async function undeliveredMessagesSince(
  executor: Executor,
  tenantId: string,
  since: Date,
): Promise<Array<{ channel: string; status: 'failed' | 'bounced'; count: number }>> {
  const result = await sql<{ channel: string; status: 'failed' | 'bounced'; count: string | number }>`
    select channel, status, count(*) as count
    from notifications
    where tenant_id = ${tenantId} and status in ('failed', 'bounced') and created_at >= ${since.toISOString()}::timestamptz
    group by channel, status
    order by channel, status`.execute(executor);
  return result.rows.map((row) => ({ channel: row.channel, status: row.status, count: Number(row.count) }));
}
