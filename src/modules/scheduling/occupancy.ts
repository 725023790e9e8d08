/**
 * Resource occupancy: the only writer of `allocations`. The booking module calls
 * it inside ITS transaction (one transaction for booking, payment, outbox and
 * occupancy) through the module's `Occupancy` (`createOccupancy`), whose every
 * change marks the cached availability of the resources it touched stale once
 * that transaction commits: no caller has to remember it.
 */
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.ts';
import { afterCommit, memoKey, transactionMemo } from '../../platform/db/transaction-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { AvailabilityVersions } from './availability-versions.ts';
import { OccupancyRepository } from './occupancy.repository.ts';

const MS_PER_MINUTE = 60_000;
const repository = new OccupancyRepository();

export interface ReserveOccupancyInput {
  tenantId: string;
  bookingId: string;
  resourceId: string;
  /** Appointment start and end, buffers excluded. */
  start: Date;
  end: Date;
  /** Minutes reserved before `start` and after `end` (the service's buffers). */
  bufferBefore: number;
  bufferAfter: number;
  /** Places the booking takes (1 unless a group booking). */
  places: number;
  /**
   * Places the resource offers for this service: `min(service.capacity,
   * resource.capacity)` as `isSlotBookable` reports it. 1 means exclusive: guarded
   * by the exclusion constraint; more means shared: places counted under the lock.
   */
  capacity: number;
}

export interface Allocation {
  id: string;
  resourceId: string;
  /** The occupied range, buffers included. */
  occupiedStart: Date;
  occupiedEnd: Date;
}

function occupiedRange(input: ReserveOccupancyInput): { start: Date; end: Date } {
  return {
    start: new Date(input.start.getTime() - input.bufferBefore * MS_PER_MINUTE),
    end: new Date(input.end.getTime() + input.bufferAfter * MS_PER_MINUTE),
  };
}

function slotUnavailable(): AppError {
  return new AppError('SLOT_UNAVAILABLE', 'This time is no longer available');
}

function isExclusionViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23P01';
}

function validate(input: ReserveOccupancyInput): void {
  const { places, capacity, bufferBefore, bufferAfter } = input;
  if (!Number.isInteger(places) || places < 1 || !Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`places (${places}) and capacity (${capacity}) must be positive integers`);
  }
  if (!Number.isInteger(bufferBefore) || bufferBefore < 0 || !Number.isInteger(bufferAfter) || bufferAfter < 0) {
    throw new RangeError('buffers must be non-negative integers of minutes');
  }
  if (!(input.end.getTime() > input.start.getTime())) throw new RangeError('end must be after start');
}

/** Checks and inserts one allocation; the caller holds the resource's lock. */
async function reserveLocked(trx: Trx, input: ReserveOccupancyInput): Promise<Allocation> {
  validate(input);
  if (input.places > input.capacity) throw slotUnavailable();
  const occupied = occupiedRange(input);
  try {
    const id = await repository.insertIfFits(trx, {
      tenantId: input.tenantId,
      resourceId: input.resourceId,
      bookingId: input.bookingId,
      start: occupied.start,
      end: occupied.end,
      places: input.places,
      capacity: input.capacity,
    });
    if (id === null) throw slotUnavailable();
    return { id, resourceId: input.resourceId, occupiedStart: occupied.start, occupiedEnd: occupied.end };
  } catch (error) {
    // Only reachable if something wrote without the lock; the database still refuses.
    if (isExclusionViolation(error)) throw slotUnavailable();
    throw error;
  }
}

async function lockInOrder(trx: Trx, tenantId: string, resourceIds: readonly string[]): Promise<void> {
  // One global order for every transaction: two bookings needing the same two
  // resources queue instead of deadlocking.
  for (const resourceId of [...new Set(resourceIds)].sort()) await repository.lockResource(trx, tenantId, resourceId);
}

/**
 * Reserves a resource for a booking, buffers included: takes the resource's
 * transaction-scoped advisory lock (serialising concurrent requests for it), checks
 * what overlaps, inserts the allocation.
 *
 * @throws AppError SLOT_UNAVAILABLE when the time (or the places) is taken, including
 * when the exclusion constraint refuses (23P01).
 */
export async function reserveOccupancy(trx: Trx, input: ReserveOccupancyInput): Promise<Allocation> {
  await repository.lockResource(trx, input.tenantId, input.resourceId);
  return reserveLocked(trx, input);
}

/**
 * Reserves several resources for one booking (a therapist and a room), locking them
 * in a fixed order first. All or nothing within the caller's transaction.
 */
export async function reserveOccupancies(trx: Trx, inputs: readonly ReserveOccupancyInput[]): Promise<Allocation[]> {
  const first = inputs[0];
  if (first === undefined) return [];
  await lockInOrder(trx, first.tenantId, inputs.map((input) => input.resourceId));
  const allocations: Allocation[] = [];
  for (const input of inputs) allocations.push(await reserveLocked(trx, input));
  return allocations;
}

/**
 * Frees a booking's occupancy (cancellation, expiry, no-show...). Idempotent.
 * @returns the resources whose availability changed.
 */
export async function releaseOccupancy(trx: Trx, input: { tenantId: string; bookingId: string }): Promise<string[]> {
  return repository.release(trx, input.tenantId, input.bookingId);
}

/**
 * Atomic reschedule: the booking's current allocations are released and the new
 * ones reserved under the locks of every resource involved. If the new time is
 * taken, SLOT_UNAVAILABLE is thrown and the old allocations are back (a savepoint
 * undoes the release), so the booking never holds both slots and never loses the
 * old one, even if the caller catches the error and goes on.
 *
 * @param targets the new reservation(s), all for the same booking
 * @returns the new allocations and every resource whose availability changed
 */
export async function moveOccupancy(
  trx: Trx,
  targets: ReserveOccupancyInput | readonly ReserveOccupancyInput[],
): Promise<{ allocations: Allocation[]; changedResourceIds: string[] }> {
  const list: readonly ReserveOccupancyInput[] = 'tenantId' in targets ? [targets] : targets;
  const first = list[0];
  if (first === undefined) throw new RangeError('moveOccupancy needs at least one target');
  const { tenantId, bookingId } = first;
  const previous = await repository.activeResourcesOf(trx, tenantId, bookingId);
  await lockInOrder(trx, tenantId, [...previous, ...list.map((target) => target.resourceId)]);
  await sql`savepoint occupancy_move`.execute(trx);
  try {
    const released = await repository.release(trx, tenantId, bookingId);
    const allocations: Allocation[] = [];
    for (const target of list) allocations.push(await reserveLocked(trx, { ...target, tenantId, bookingId }));
    await sql`release savepoint occupancy_move`.execute(trx);
    const changed = new Set([...released, ...allocations.map((allocation) => allocation.resourceId)]);
    return { allocations, changedResourceIds: [...changed] };
  } catch (error) {
    await sql`rollback to savepoint occupancy_move`.execute(trx);
    throw error;
  }
}

/** A booking's active allocation as it stands (for a change that keeps where it is, such as a resize). */
export interface HeldAllocation {
  resourceId: string;
  places: number;
  /** Capacity 1 when taken: nothing else may overlap it. */
  exclusive: boolean;
}

/** The booking's active allocations, one per resource it holds. */
export async function heldAllocations(trx: Trx, input: { tenantId: string; bookingId: string }): Promise<HeldAllocation[]> {
  const rows = await repository.activeAllocationsOf(trx, input.tenantId, input.bookingId);
  return rows.map((row) => ({ resourceId: row.resource_id, places: row.places, exclusive: row.capacity_mode === 'exclusive' }));
}

/**
 * Occupancy as other modules change it: the functions above, each of which also
 * marks the availability of the resources it changed stale after the caller's
 * transaction commits (once per transaction and resource; nothing on rollback).
 */
export interface Occupancy {
  reserveOccupancy(trx: Trx, input: ReserveOccupancyInput): Promise<Allocation>;
  reserveOccupancies(trx: Trx, inputs: readonly ReserveOccupancyInput[]): Promise<Allocation[]>;
  releaseOccupancy(trx: Trx, input: { tenantId: string; bookingId: string }): Promise<string[]>;
  /** Reads only: what the booking holds now (a resize re-reserves the same resources with `moveOccupancy`). */
  heldAllocations(trx: Trx, input: { tenantId: string; bookingId: string }): Promise<HeldAllocation[]>;
  moveOccupancy(
    trx: Trx,
    targets: ReserveOccupancyInput | readonly ReserveOccupancyInput[],
  ): Promise<{ allocations: Allocation[]; changedResourceIds: string[] }>;
}

export function createOccupancy(versions: Pick<AvailabilityVersions, 'bumpResources'>): Occupancy {
  // Per module instance: the resources (by tenant) this transaction changed, bumped together after commit.
  const staleKey = memoKey<Map<string, Set<string>>>('scheduling.staleAvailability');
  const staleAfterCommit = async (trx: Trx, tenantId: string, resourceIds: readonly string[]): Promise<void> => {
    if (resourceIds.length === 0) return;
    let registered = true;
    const stale = transactionMemo(trx, staleKey, () => {
      registered = false;
      return new Map<string, Set<string>>();
    });
    if (!stale) {
      await afterCommit(trx, () => versions.bumpResources(tenantId, resourceIds));
      return;
    }
    const ids = stale.get(tenantId) ?? new Set<string>();
    for (const id of resourceIds) ids.add(id);
    stale.set(tenantId, ids);
    if (registered) return;
    await afterCommit(trx, async () => {
      for (const [tenant, changed] of stale) await versions.bumpResources(tenant, [...changed]);
    });
  };
  return {
    async reserveOccupancy(trx, input) {
      const allocation = await reserveOccupancy(trx, input);
      await staleAfterCommit(trx, input.tenantId, [allocation.resourceId]);
      return allocation;
    },
    async reserveOccupancies(trx, inputs) {
      const allocations = await reserveOccupancies(trx, inputs);
      const first = inputs[0];
      if (first) await staleAfterCommit(trx, first.tenantId, allocations.map((allocation) => allocation.resourceId));
      return allocations;
    },
    async releaseOccupancy(trx, input) {
      const released = await releaseOccupancy(trx, input);
      await staleAfterCommit(trx, input.tenantId, released);
      return released;
    },
    heldAllocations,
    async moveOccupancy(trx, targets) {
      const moved = await moveOccupancy(trx, targets);
      const first = 'tenantId' in targets ? targets : targets[0];
      if (first) await staleAfterCommit(trx, first.tenantId, moved.changedResourceIds);
      return moved;
    },
  };
}
