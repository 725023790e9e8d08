/**
 * The slot lock: one advisory lock per resource and start, held until the booking's transaction
 * ends, taken before anything is written. In a storm for one slot the first request holds it and
 * the others wait on it *shared*, so when the holder commits they are all released together and
 * refused with one read each; if the holder rolled back instead (a declined card), the waiters
 * start again queueing exclusively and exactly one of them books the slot. Overlaps between
 * different starts are scheduling's occupancy lock's business, always taken after this one, and
 * the exclusion constraint on allocations remains the guarantee.
 *
 * The statements are committed as snapshots (test/platform/__snapshots__/critical-sql/slot-lock.sql).
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { ACTIVE_STATUSES } from './booking-state.ts';

/**
 * What claiming a slot found: `free` — this transaction holds the slot's lock and the start has
 * room; `full` — the start is taken (refuse); `retry` — another request held the slot and ended
 * without filling it, so this one must start over in a new transaction, queueing exclusively.
 */
export type SlotClaim = 'free' | 'full' | 'retry';

/**
 * Claims the slot of `resourceId` at `start` for the caller's transaction. Usually one round trip
 * (the lock was free and the start has room); a request that finds the start full is refused
 * without queueing on the lock. When another request holds the lock, `whenBusy` says how to wait:
 * `shared` (a first attempt: all waiters are released together and refused in parallel, or told
 * to `retry` when the slot is still free), `exclusive` (a retry: one waiter at a time, never
 * `retry`).
 */
export async function claimSlot(
  executor: Executor,
  tenantId: string,
  resourceId: string,
  start: Date,
  whenBusy: 'shared' | 'exclusive',
): Promise<SlotClaim> {
  const state = await tryLockSlotUnlessFull(executor, tenantId, resourceId, start);
  if (state === 'full') return 'full';
  if (state === 'locked') return 'free';
  if (await lockSlotThenIsStartFull(executor, tenantId, resourceId, start, whenBusy)) return 'full';
  return whenBusy === 'shared' ? 'retry' : 'free';
}

/**
 * Takes the locks of several slots for the caller's transaction (a batch), in one global order so
 * that two overlapping batches queue instead of deadlocking. The fullness of each start is left to
 * the slot check that follows.
 */
export async function lockSlots(executor: Executor, tenantId: string, slots: ReadonlyArray<{ resourceId: string; start: Date }>): Promise<void> {
  const ordered = [...new Set(slots.map((slot) => `${slot.resourceId}|${slot.start.getTime()}`))].sort();
  for (const slot of ordered) {
    const [resourceId = '', epoch = '0'] = slot.split('|');
    await lockSlot(executor, tenantId, resourceId, new Date(Number(epoch)));
  }
}

/** Waits for the slot's lock and holds it until the transaction ends. */
export async function lockSlot(executor: Executor, tenantId: string, resourceId: string, start: Date): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${slotLockKey(tenantId, resourceId, start)}))`.execute(executor);
}

/**
 * Waits for the slot's lock, then tells whether the start is full (as many active
 * bookings there as the places the slot offered), read after the wait so that it sees
 * what the previous holder committed; one round trip (migration 0065). `shared` holds the
 * lock shared until this transaction ends, so many waiters are released together when
 * the holder ends; `exclusive` holds it alone.
 */
export async function lockSlotThenIsStartFull(
  executor: Executor,
  tenantId: string,
  resourceId: string,
  start: Date,
  mode: 'shared' | 'exclusive',
): Promise<boolean> {
  const result = await sql<{ full: boolean }>`
      select booking_start_full_after_lock(${slotLockKey(tenantId, resourceId, start)}, ${mode === 'shared'}, ${tenantId}::uuid,
                                           ${resourceId}::uuid, ${start}::timestamptz, ${[...ACTIVE_STATUSES]}::text[]) as full`.execute(executor);
  return result.rows[0]?.full === true;
}

/**
 * `lockSlot` without waiting and the fullness of the start in one round trip: 'full' (refuse),
 * 'locked' (the slot lock is held now) or 'busy' (another transaction holds it: call
 * `lockSlotThenIsStartFull`). The fullness is read from the statement's snapshot,
 * so a booking committed while the statement ran may be missed: the occupancy lock
 * and the exclusion constraint remain the guarantee.
 */
export async function tryLockSlotUnlessFull(executor: Executor, tenantId: string, resourceId: string, start: Date): Promise<'full' | 'locked' | 'busy'> {
  const row = await executor
    .selectFrom('bookings')
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.min('slot_capacity').as('capacity'),
      sql<boolean>`(select pg_try_advisory_xact_lock(hashtext(${slotLockKey(tenantId, resourceId, start)})))`.as('locked'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('resource_id', '=', resourceId)
    .where('start_time', '=', start)
    .where('status', 'in', [...ACTIVE_STATUSES])
    .executeTakeFirstOrThrow();
  if (Number(row.count) > 0 && Number(row.count) >= Number(row.capacity)) return 'full';
  return row.locked ? 'locked' : 'busy';
}

function slotLockKey(tenantId: string, resourceId: string, start: Date): string {
  return `booking-slot:${tenantId}:${resourceId}:${start.getTime()}`;
}
