import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** What already occupies a resource during a range, counted for a new reservation. */
export interface OverlapSummary {
  places: number;
  /** An exclusive allocation overlaps: nothing else fits whatever the places. */
  exclusive: boolean;
}

/**
 * SQL of resource occupancy. Kept small and visible on purpose: this and the
 * exclusion constraint `allocations_no_overlap` are what stop double bookings.
 */
export class OccupancyRepository {
  /**
   * Serialises every reservation of one resource until the transaction ends. Taken
   * before any read, so concurrent requests for one resource queue on a lock instead
   * of racing into the exclusion constraint (and, with several resources, always in
   * the same order: see `reserveOccupancies`).
   */
  async lockResource(executor: Executor, tenantId: string, resourceId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${tenantId} || ':' || ${resourceId}))`.execute(executor);
  }

  async overlapping(executor: Executor, tenantId: string, resourceId: string, start: Date, end: Date): Promise<OverlapSummary> {
    const result = await sql<{ places: number; exclusive: boolean }>`
      select coalesce(sum(places), 0)::int as places, coalesce(bool_or(capacity_mode = 'exclusive'), false) as exclusive
      from allocations
      where tenant_id = ${tenantId} and resource_id = ${resourceId} and active
        -- The millisecond bounds (a superset, leakproof) let the index skip the past under
        -- RLS (migration 0012); the range test keeps the exact answer.
        and occupied_end_ms >= ${start.getTime()}::bigint and occupied_start_ms <= ${end.getTime()}::bigint
        and occupied && tstzrange(${start}, ${end}, '[)')`.execute(executor);
    return result.rows[0] ?? { places: 0, exclusive: false };
  }

  async insert(
    executor: Executor,
    row: { tenantId: string; resourceId: string; bookingId: string; start: Date; end: Date; places: number; mode: 'exclusive' | 'shared' },
  ): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into allocations (tenant_id, resource_id, booking_id, occupied, places, capacity_mode)
      values (${row.tenantId}, ${row.resourceId}, ${row.bookingId}, tstzrange(${row.start}, ${row.end}, '[)'), ${row.places}, ${row.mode})
      returning id`.execute(executor);
    const id = result.rows[0]?.id;
    if (id === undefined) throw new Error('allocation insert returned no id');
    return id;
  }

  /** Deactivates the booking's active allocations; returns the resources they were on. */
  async release(executor: Executor, tenantId: string, bookingId: string): Promise<string[]> {
    const result = await sql<{ resource_id: string }>`
      update allocations set active = false, released_at = now()
      where tenant_id = ${tenantId} and booking_id = ${bookingId} and active
      returning resource_id`.execute(executor);
    return [...new Set(result.rows.map((row) => row.resource_id))];
  }

  async activeResourcesOf(executor: Executor, tenantId: string, bookingId: string): Promise<string[]> {
    const result = await sql<{ resource_id: string }>`
      select distinct resource_id from allocations where tenant_id = ${tenantId} and booking_id = ${bookingId} and active`.execute(
      executor,
    );
    return result.rows.map((row) => row.resource_id);
  }
}
