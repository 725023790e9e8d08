import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/**
 * Reads of the tenant's businesses that catalog rows hang from. The table is created
 * with the tenant (tenancy's migration); catalog only reads it, by tenant.
 */
export class BusinessLookupRepository {
  /** The business a row belongs to when the client names none: the tenant's first. */
  async defaultBusinessId(executor: Executor, tenantId: string): Promise<string | null> {
    const result = await sql<{ id: string }>`
      select id from businesses where tenant_id = ${tenantId} order by created_at, id limit 1`.execute(executor);
    return result.rows[0]?.id ?? null;
  }

  async exists(executor: Executor, tenantId: string, businessId: string): Promise<boolean> {
    const result = await sql<{ found: number }>`
      select 1 as found from businesses where tenant_id = ${tenantId} and id = ${businessId}`.execute(executor);
    return result.rows.length > 0;
  }
}
