import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** The public booking funnel, in order: what the booking page and the widget report as a visitor goes. */
export const FUNNEL_STEPS = ['page_view', 'slot_chosen', 'details', 'verified', 'paid', 'confirmed'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/**
 * Counts one funnel step for a business on its local day (the business's zone), in the
 * caller's tenant transaction. Only the step and the day are kept: no visitor, address or
 * session, so the counter holds nothing personal.
 */
export async function countFunnelStep(executor: Executor, tenantId: string, businessId: string, timeZone: string, step: FunnelStep): Promise<void> {
  await sql`
    insert into analytics_funnel_daily (tenant_id, business_id, day, step, count)
    values (${tenantId}, ${businessId}, (now() at time zone ${timeZone})::date, ${step}, 1)
    on conflict (tenant_id, business_id, day, step) do update set count = analytics_funnel_daily.count + 1`.execute(executor);
}

/** Funnel counts of a business for local days `from`–`to`, per step (every step present, zero when none). */
export async function funnelCounts(executor: Executor, tenantId: string, businessId: string, from: string, to: string): Promise<Record<FunnelStep, number>> {
  const result = await sql<{ step: FunnelStep; count: string }>`
    select step, sum(count)::text as count from analytics_funnel_daily
    where tenant_id = ${tenantId} and business_id = ${businessId} and day between ${from}::date and ${to}::date
    group by step`.execute(executor);
  const counts = Object.fromEntries(FUNNEL_STEPS.map((step) => [step, 0])) as Record<FunnelStep, number>;
  for (const row of result.rows) counts[row.step] = Number(row.count);
  return counts;
}
