import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/**
 * Payments' read contract for billing's invoice statement: the platform fees on the tenant's
 * payments that went through (succeeded, later refunded included: the fee was taken) and carried a
 * fee (desk payments carry none), processed in [from, to), as count and sum per currency.
 */
export async function platformFeesBetween(executor: Executor, tenantId: string, from: Date, to: Date): Promise<Array<{ payments: number; amount: number; currency: string }>> {
  const result = await sql<{ currency: string; payments: number; amount: number }>`
    select currency, count(*)::int as payments, coalesce(sum(platform_fee), 0)::bigint as amount
    from payments
    where tenant_id = ${tenantId}
      and status in ('succeeded', 'partially_refunded', 'refunded')
      and platform_fee > 0
      and processed_at >= ${from}
      and processed_at < ${to}
    group by currency
    order by currency`.execute(executor);
  return result.rows.map((row) => ({ currency: row.currency.trim(), payments: Number(row.payments), amount: Number(row.amount) }));
}
