import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export interface FailedPayments {
  count: number;
  /** The latest few, newest first. */
  latest: Array<{ id: string; booking_id: string; amount: number; currency: string; created_at: string }>;
}

/** Customer payments that failed since `since`. */
export async function failedPaymentsSince(executor: Executor, tenantId: string, since: Date): Promise<FailedPayments> {
  const result = await sql<{ id: string; booking_id: string; amount: string | number; currency: string; created_at: Date; total: string | number }>`
    select id, booking_id, amount, currency, created_at, count(*) over () as total
    from payments
    where tenant_id = ${tenantId} and status = 'failed' and created_at >= ${since.toISOString()}::timestamptz
    order by created_at desc, id
    limit 5`.execute(executor);
  return {
    count: Number(result.rows[0]?.total ?? 0),
    latest: result.rows.map((row) => ({
      id: row.id,
      booking_id: row.booking_id,
      amount: Number(row.amount),
      currency: row.currency.trim(),
      created_at: new Date(row.created_at).toISOString(),
    })),
  };
}
