import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

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

  /**
   * Inserts the allocation if it fits what already overlaps it, in one statement (the
   * caller holds the resource's lock, taken in an earlier statement, so this statement's
   * snapshot sees every allocation committed before it). Exclusive (capacity 1): nothing may
   * overlap. Shared: no exclusive allocation overlaps and the places add up to at most the
   * capacity; every overlapping allocation counts, as in the slot engine. Returns the new id,
   * or null when it does not fit.
   */
  async insertIfFits(
    executor: Executor,
    row: { tenantId: string; resourceId: string; bookingId: string; start: Date; end: Date; places: number; capacity: number },
  ): Promise<string | null> {
    const mode = row.capacity === 1 ? 'exclusive' : 'shared';
    const fits = mode === 'exclusive' ? sql`taken.places = 0` : sql`not taken.exclusive and taken.places + ${row.places} <= ${row.capacity}`;
    const result = await sql<{ id: string }>`
      with taken as (
        select coalesce(sum(places), 0)::int as places, coalesce(bool_or(capacity_mode = 'exclusive'), false) as exclusive
        from allocations
        where tenant_id = ${row.tenantId} and resource_id = ${row.resourceId} and active
          -- The millisecond bounds (a superset, leakproof) let the index skip the past under
          -- RLS (migration 0012); the range test keeps the exact answer.
          and occupied_end_ms >= ${row.start.getTime()}::bigint and occupied_start_ms <= ${row.end.getTime()}::bigint
          and occupied && tstzrange(${row.start}, ${row.end}, '[)')
      )
      insert into allocations (tenant_id, resource_id, booking_id, occupied, places, capacity_mode)
      select ${row.tenantId}, ${row.resourceId}, ${row.bookingId}, tstzrange(${row.start}, ${row.end}, '[)'), ${row.places}, ${mode}
      from taken
      where ${fits}
      returning id`.execute(executor);
    return result.rows[0]?.id ?? null;
  }

  /** Deactivates the booking's active allocations; returns the resources they were on. */
  async release(executor: Executor, tenantId: string, bookingId: string): Promise<string[]> {
    const result = await sql<{ resource_id: string }>`
      update allocations set active = false, released_at = now()
      where tenant_id = ${tenantId} and booking_id = ${bookingId} and active
      returning resource_id`.execute(executor);
    return [...new Set(result.rows.map((row) => row.resource_id))];
  }

  /** The booking's active allocations: where, how many places, and whether exclusive. */
  async activeAllocationsOf(
    executor: Executor,
    tenantId: string,
    bookingId: string,
  ): Promise<Array<{ resource_id: string; places: number; capacity_mode: string }>> {
    const result = await sql<{ resource_id: string; places: number; capacity_mode: string }>`
      select resource_id, places, capacity_mode from allocations
      where tenant_id = ${tenantId} and booking_id = ${bookingId} and active
      order by resource_id`.execute(executor);
    return result.rows;
  }

  async activeResourcesOf(executor: Executor, tenantId: string, bookingId: string): Promise<string[]> {
    const result = await sql<{ resource_id: string }>`
      select distinct resource_id from allocations where tenant_id = ${tenantId} and booking_id = ${bookingId} and active`.execute(
      executor,
    );
    return result.rows.map((row) => row.resource_id);
  }
}
