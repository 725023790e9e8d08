import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/**
 * When someone of the business first opened or copied its public booking page from the
 * dashboard (`booking_page_shared_at` in each business's settings): the first-run checklist's
 * "booking page" step. Only the first time is kept; later calls change nothing.
 */
export async function markBookingPageShared(executor: Executor, tenantId: string, at: Date): Promise<void> {
  await sql`
    update businesses
    set settings = coalesce(settings, '{}'::jsonb) || jsonb_build_object('booking_page_shared_at', ${at.toISOString()}::text)
    where tenant_id = ${tenantId} and not (coalesce(settings, '{}'::jsonb) ? 'booking_page_shared_at')`.execute(executor);
}

/** Whether any business of the tenant has had its booking page opened or shared from the dashboard. */
export async function bookingPageShared(executor: Executor, tenantId: string): Promise<boolean> {
  const result = await sql<{ shared: boolean }>`
    select exists (
      select 1 from businesses where tenant_id = ${tenantId} and settings ? 'booking_page_shared_at'
    ) as shared`.execute(executor);
  return result.rows[0]?.shared === true;
}
