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

/** One message that did not reach its recipient: what it was, where it went wrong, how often it was resent. */
export interface UndeliveredMessage {
  id: string;
  event_type: string;
  channel: string;
  status: 'failed' | 'bounced';
  error_code: string | null;
  resend_count: number;
  created_at: string;
  failed_at: string | null;
}

/**
 * The latest messages that failed or bounced since `since`, newest first (at most `limit`), for
 * support to resend one by one. No content and no address (a provider's error text may quote the
 * address, so only its code): ids, kinds and outcome.
 */
export async function latestUndeliveredMessages(executor: Executor, tenantId: string, since: Date, limit = 20): Promise<UndeliveredMessage[]> {
  const result = await sql<Omit<UndeliveredMessage, 'created_at' | 'failed_at'> & { created_at: Date; failed_at: Date | null }>`
    select id, event_type, channel, status, error_code, resend_count, created_at, failed_at
    from notifications
    where tenant_id = ${tenantId} and status in ('failed', 'bounced') and created_at >= ${since.toISOString()}::timestamptz
    order by coalesce(failed_at, created_at) desc, id
    limit ${limit}`.execute(executor);
  return result.rows.map((row) => ({
    ...row,
    resend_count: Number(row.resend_count),
    created_at: new Date(row.created_at).toISOString(),
    failed_at: row.failed_at ? new Date(row.failed_at).toISOString() : null,
  }));
}
