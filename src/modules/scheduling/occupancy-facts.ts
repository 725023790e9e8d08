import { sql, type RawBuilder } from 'kysely';

/**
 * Scheduling's read contract for booking's consistency check: the allocations that still hold
 * time, as one SQL source (`a.tenant_id`, `a.booking_id`, `a.resource_id`), so booking composes
 * its checks over it without knowing the table. `where` narrows it (always a tenant).
 */
export function activeAllocationsSource(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select a.tenant_id, a.booking_id, a.resource_id from allocations a where a.active and ${where}`;
}
