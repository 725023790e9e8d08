/**
 * Changing a booking's length (`POST /bookings/{id}/resize`): the start, the
 * resource and the price stay; the end moves. Staff only. In one transaction
 * with the booking row locked: the new end is checked against the resource's
 * working hours (buffers included, as the slot engine counts them), then the
 * booking's allocations are replaced through scheduling's `moveOccupancy`, so
 * an overlap is refused by the same locked check and exclusion constraint as
 * any booking (409 SLOT_UNAVAILABLE, the old allocations kept), and the history
 * and `booking.updated` are written alongside. A shortened booking's freed end
 * is offered to the waitlist in that transaction, as a cancellation's slot is.
 */
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, forbidden, notFound, validationError } from '../../platform/http/errors.ts';
import { findResourcesWithZones, findServiceSnapshot } from '../catalog/index.ts';
import { workingIntervalsByDay, type HeldAllocation, type ReserveOccupancyInput } from '../scheduling/index.ts';
import { actorMaySee, type SlotFreedHandler } from './booking-actions.service.ts';
import type { Actor, BookingDeps } from './booking-deps.ts';
import { recordChange } from './booking-lifecycle.ts';
import { holdsSlot } from './booking-state.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';
import { RESIZE_MAX_MINUTES, RESIZE_MIN_MINUTES, type BookingResize } from './booking.schemas.ts';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** The booking's length in whole minutes after a resize, or 400 naming the field. */
export function resizedMinutes(start: Date, input: BookingResize): number {
  if (input.duration_minutes !== undefined) return input.duration_minutes;
  const milliseconds = new Date(input.end_time ?? '').getTime() - start.getTime();
  const field = 'end_time';
  if (milliseconds <= 0) throw validationError([{ field, message: 'The end must be after the start' }]);
  if (milliseconds % MS_PER_MINUTE !== 0) throw validationError([{ field, message: 'The end must fall on a whole minute' }]);
  const minutes = milliseconds / MS_PER_MINUTE;
  if (minutes < RESIZE_MIN_MINUTES || minutes > RESIZE_MAX_MINUTES) {
    throw validationError([{ field, message: `A booking lasts from ${RESIZE_MIN_MINUTES} minutes to ${RESIZE_MAX_MINUTES / 60} hours` }]);
  }
  return minutes;
}

/** The local date (YYYY-MM-DD) of an instant in `timeZone`, shifted by whole days. */
function localDate(instant: number, timeZone: string, shiftDays = 0): string {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
  return new Date(Date.parse(`${date}T00:00:00Z`) + shiftDays * MS_PER_DAY).toISOString().slice(0, 10);
}

export class BookingResizeService {
  readonly #deps: BookingDeps;
  readonly #repository = new BookingRepository();
  readonly #onSlotFreed: SlotFreedHandler;

  constructor(deps: BookingDeps, reactions: { onSlotFreed: SlotFreedHandler }) {
    this.#deps = deps;
    this.#onSlotFreed = reactions.onSlotFreed;
  }

  /**
   * Moves the booking's end. 403 for customers, 404 for other tenants' and other
   * staff's bookings (as `PATCH`), 409 INVALID_TRANSITION unless the booking holds
   * time, 409 SLOT_UNAVAILABLE outside working hours or over another booking.
   */
  async resize(tenantId: string, bookingId: string, input: BookingResize, actor: Actor): Promise<BookingRow> {
    if (!actor.staff) throw forbidden('Only the business can change the length of a booking');
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = await this.#repository.lockById(trx, tenantId, bookingId);
      if (!row || !actorMaySee(actor, row, 'update')) throw notFound('Booking');
      if (!holdsSlot(row.status)) {
        throw new AppError('INVALID_TRANSITION', `A ${row.status} booking holds no time, so its length cannot change`, { from: row.status, action: 'resize' });
      }
      const end = new Date(row.start_time.getTime() + resizedMinutes(row.start_time, input) * MS_PER_MINUTE);
      if (end.getTime() === row.end_time.getTime()) return row;
      await this.#replaceOccupancy(trx, tenantId, row, end);
      const updated = await this.#repository.update(trx, tenantId, row.id, { end_time: end });
      const minutesOf = (booking: BookingRow) => Math.round((booking.end_time.getTime() - booking.start_time.getTime()) / MS_PER_MINUTE);
      await recordChange(trx, this.#repository, {
        tenantId,
        booking: updated,
        previous: row,
        action: 'resize',
        steps: [],
        actor,
        details: {
          from: { end_time: row.end_time.toISOString(), duration_minutes: minutesOf(row) },
          to: { end_time: end.toISOString(), duration_minutes: minutesOf(updated) },
          price_unchanged: true,
        },
      });
      if (end < row.end_time) await this.#onSlotFreed(trx, tenantId, { serviceId: row.service_id, resourceId: row.resource_id, start: end, end: row.end_time });
      return updated;
    });
  }

  /** Re-reserves every resource the booking holds for `[start, end)` plus the service's buffers. */
  async #replaceOccupancy(trx: Trx, tenantId: string, row: BookingRow, end: Date): Promise<void> {
    const service = await findServiceSnapshot(trx, tenantId, row.service_id);
    const bufferBefore = service?.buffer_before_minutes ?? 0;
    const bufferAfter = service?.buffer_after_minutes ?? 0;
    const held = await this.#deps.occupancy.heldAllocations(trx, { tenantId, bookingId: row.id });
    if (held.length === 0) throw new AppError('CONFLICT', 'This booking holds no time to resize', { reason: 'no_allocation' });
    const occupied = { start: row.start_time.getTime() - bufferBefore * MS_PER_MINUTE, end: end.getTime() + bufferAfter * MS_PER_MINUTE };
    await this.#requireWorkingTime(trx, tenantId, held, occupied, row.time_zone);
    const resources = await findResourcesWithZones(trx, tenantId, held.map((allocation) => allocation.resourceId));
    const capacityOf = (allocation: HeldAllocation): number => {
      if (allocation.exclusive) return 1;
      const resource = resources.find((candidate) => candidate.id === allocation.resourceId);
      return Math.min(service?.capacity ?? 1, resource?.capacity ?? 1);
    };
    const targets: ReserveOccupancyInput[] = held.map((allocation) => ({
      tenantId,
      bookingId: row.id,
      resourceId: allocation.resourceId,
      start: row.start_time,
      end,
      bufferBefore,
      bufferAfter,
      places: allocation.places,
      capacity: capacityOf(allocation),
    }));
    try {
      await this.#deps.occupancy.moveOccupancy(trx, targets);
    } catch (error) {
      if (error instanceof AppError && error.code === 'SLOT_UNAVAILABLE') {
        throw new AppError('SLOT_UNAVAILABLE', 'The new end overlaps another booking of this resource', { reason: 'taken' });
      }
      throw error;
    }
  }

  /** Each held resource works through the whole occupied time (one working interval holds it), or 409 in words. */
  async #requireWorkingTime(
    trx: Trx,
    tenantId: string,
    held: readonly HeldAllocation[],
    occupied: { start: number; end: number },
    timeZone: string,
  ): Promise<void> {
    const resourceIds = held.map((allocation) => allocation.resourceId);
    const days = await workingIntervalsByDay(trx, tenantId, {
      resourceIds,
      from: localDate(occupied.start, timeZone, -1),
      to: localDate(occupied.start, timeZone, 1),
    });
    const works = (resourceId: string) =>
      days.some((day) => day.resourceId === resourceId && day.intervals.some((interval) => interval.start <= occupied.start && occupied.end <= interval.end));
    if (!resourceIds.every(works)) {
      throw new AppError('SLOT_UNAVAILABLE', 'The new end falls outside the working hours of this resource', { reason: 'outside_hours' });
    }
  }
}
