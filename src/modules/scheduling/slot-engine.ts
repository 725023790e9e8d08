import { Temporal } from 'temporal-polyfill';
import { mergeIntervals, type DayWorkingHours, type Interval } from './working-hours.ts';
import { localDay, MS_PER_DAY, uniformOffsetAt } from './zone-days.ts';

// Date-range expansion belongs with working hours; it is re-exported so callers of the
// slot engine need one import for the whole availability computation.
export { localDateRange } from './working-hours.ts';

const MS_PER_MINUTE = 60_000;

/** The timing and capacity fields of a service that shape its slots. */
export interface ServiceTiming {
  duration_minutes: number;
  /** Preparation time reserved before the appointment; must fit inside working hours. */
  buffer_before_minutes: number;
  /** Clean-up time reserved after the appointment; must fit inside working hours. */
  buffer_after_minutes: number;
  /** Real elapsed time between candidate starts. */
  slot_interval_minutes: number;
  /** The earliest bookable start is `now` plus this. */
  min_notice_minutes: number;
  /** The latest bookable start is `now` plus this many calendar days in the location's zone. */
  max_advance_days: number;
  /** Places per slot (1 for one-to-one appointments, more for classes). */
  capacity: number;
}

/**
 * Time already taken on the resource. `start`/`end` are the OCCUPIED range (the booking's
 * buffers included), in epoch milliseconds.
 */
export interface BusyAllocation {
  start: number;
  end: number;
  places: number;
}

/** A bookable (or fully booked) start, in epoch milliseconds; `end` excludes buffers. */
export interface Slot {
  start: number;
  end: number;
  available: boolean;
  places_left: number;
}

export interface SlotsForDayInput {
  /** The resource's working intervals for one local date (see `workingHoursForRange`). */
  workingIntervals: readonly Interval[];
  service: ServiceTiming;
  /** The current instant, epoch milliseconds. */
  now: number;
  /** IANA zone of the location; calendar days for `max_advance_days` are counted in it. */
  timeZone: string;
  resourceCapacity: number;
  busy: readonly BusyAllocation[];
}

export interface GenerateSlotsInput extends Omit<SlotsForDayInput, 'workingIntervals'> {
  days: readonly DayWorkingHours[];
}

export interface DaySlots {
  date: string;
  slots: Slot[];
}

function requireInteger(value: number, name: string, minimum: number): void {
  // A zero step would loop forever and fractional minutes produce sub-minute starts.
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer >= ${minimum}, got ${value}`);
  }
}

function validateInput(input: SlotsForDayInput): void {
  const { service } = input;
  requireInteger(service.duration_minutes, 'duration_minutes', 1);
  requireInteger(service.slot_interval_minutes, 'slot_interval_minutes', 1);
  requireInteger(service.buffer_before_minutes, 'buffer_before_minutes', 0);
  requireInteger(service.buffer_after_minutes, 'buffer_after_minutes', 0);
  requireInteger(service.min_notice_minutes, 'min_notice_minutes', 0);
  requireInteger(service.max_advance_days, 'max_advance_days', 0);
  requireInteger(service.capacity, 'capacity', 1);
  requireInteger(input.resourceCapacity, 'resourceCapacity', 1);
}

/**
 * The slots of one local date for one resource.
 *
 * **Candidates.** Starts are laid at `slot_interval_minutes` steps of *real elapsed time*
 * from the start of each working interval, not at wall-clock multiples. On a fall-back
 * day the repeated hour therefore yields two distinct instants that both read, say,
 * 01:30, and both are offered when free: they are different real times at which the
 * resource works. In a skipped hour no slot exists because no instant maps there, and the
 * grid continues in elapsed time (a 30-minute grid from 00:00 on Pacific/Chatham's
 * spring-forward day reads 02:30, then 04:00). Each interval restarts the grid.
 *
 * **Fit.** A candidate fits when its whole occupied range
 * `[start - buffer_before, start + duration + buffer_after)` lies inside the working
 * interval: buffers are work time of the resource, so they may not spill outside working
 * hours. Consequently a service with a buffer before cannot start at the very opening.
 *
 * **Capacity.** Places taken is the sum of `places` of the busy allocations whose
 * occupied range overlaps the candidate's occupied range (half-open, so back-to-back
 * bookings do not collide). This sum is conservative: it never over-books, but with
 * capacity > 1 two bookings that overlap the candidate without overlapping each other
 * both count. Capacity is `min(service.capacity, resourceCapacity)`; with capacity 1 any
 * overlap blocks the slot.
 *
 * **Window.** Starts before `now + min_notice_minutes` or after `now + max_advance_days`
 * (calendar days in `timeZone`, so across a DST change the limit keeps its wall time) are
 * left out entirely. Candidates inside the window and inside working hours but blocked by
 * bookings are returned with `available: false` and `places_left: 0`.
 *
 * @returns slots in strictly increasing `start` order.
 * @throws RangeError when a service duration, interval, buffer, window or capacity is not
 * a non-negative integer (positive for duration, interval and capacities).
 */
export function slotsForDay(input: SlotsForDayInput): Slot[] {
  validateInput(input);
  const latestStart = latestStartOf(input.now, input.timeZone, input.service.max_advance_days);
  const slots: Slot[] = [];
  appendDaySlots(slots, input.workingIntervals, input, latestStart, input.busy, []);
  return slots;
}

/**
 * `now + max_advance_days` calendar days in the zone (the wall time kept across a DST
 * change). Memoised for the last few (now, zone, days): every resource of one request
 * asks with the same clock.
 */
const latestStarts = new Map<string, number>();
function latestStartOf(now: number, timeZone: string, maxAdvanceDays: number): number {
  const key = `${now}|${timeZone}|${maxAdvanceDays}`;
  let latest = latestStarts.get(key);
  if (latest === undefined) {
    latest = addLocalDays(now, timeZone, maxAdvanceDays);
    if (latestStarts.size >= 64) latestStarts.clear();
    latestStarts.set(key, latest);
  }
  return latest;
}

/**
 * `now` plus `days` calendar days in the zone, keeping the wall-clock time (Temporal's
 * `ZonedDateTime#add({ days })`, whose 'compatible' resolution matters only on a day
 * with a transition). Arithmetic when the zone shows one offset all day at both ends,
 * Temporal otherwise.
 */
function addLocalDays(now: number, timeZone: string, days: number): number {
  const offset = uniformOffsetAt(timeZone, now);
  if (offset !== null) {
    const local = now + offset + days * MS_PER_DAY;
    const target = localDay(timeZone, Math.floor(local / MS_PER_DAY));
    if (target.offset !== null) return local - target.offset;
  }
  return Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(timeZone).add({ days }).epochMilliseconds;
}

/**
 * The slots of one day's working intervals appended to `out` (see `slotsForDay`).
 * `busy` is any list of allocations; `scratch` is reused for the ones that overlap
 * an interval, so a request allocates nothing per candidate but its slot.
 */
function appendDaySlots(
  out: Slot[],
  workingIntervals: readonly Interval[],
  input: Omit<SlotsForDayInput, 'workingIntervals'>,
  latestStart: number,
  busy: readonly BusyAllocation[],
  scratch: BusyAllocation[],
): void {
  const { service } = input;
  const durationMs = service.duration_minutes * MS_PER_MINUTE;
  const bufferBeforeMs = service.buffer_before_minutes * MS_PER_MINUTE;
  const bufferAfterMs = service.buffer_after_minutes * MS_PER_MINUTE;
  const stepMs = service.slot_interval_minutes * MS_PER_MINUTE;
  const capacity = Math.min(service.capacity, input.resourceCapacity);
  const earliestStart = input.now + service.min_notice_minutes * MS_PER_MINUTE;

  // Merging makes the output strictly increasing even if a caller passes overlapping
  // intervals; for output of workingHoursForRange it changes nothing.
  const intervals = isMerged(workingIntervals) ? workingIntervals : mergeIntervals(workingIntervals);
  for (const interval of intervals) {
    scratch.length = 0;
    for (const allocation of busy) {
      if (allocation.start < interval.end && interval.start < allocation.end) scratch.push(allocation);
    }
    for (let start = interval.start; start + durationMs + bufferAfterMs <= interval.end; start += stepMs) {
      if (start - bufferBeforeMs < interval.start || start < earliestStart) continue;
      if (start > latestStart) break;
      const occupiedStart = start - bufferBeforeMs;
      const occupiedEnd = start + durationMs + bufferAfterMs;
      let placesTaken = 0;
      for (const allocation of scratch) {
        if (allocation.start < occupiedEnd && occupiedStart < allocation.end) placesTaken += allocation.places;
      }
      const placesLeft = Math.max(0, capacity - placesTaken);
      out.push({ start, end: start + durationMs, available: placesLeft > 0, places_left: placesLeft });
    }
  }
}

/** Whether intervals are already non-empty, sorted and separated (what mergeIntervals returns). */
function isMerged(intervals: readonly Interval[]): boolean {
  let previousEnd = -Infinity;
  for (const interval of intervals) {
    if (!(interval.end > interval.start) || !(interval.start > previousEnd)) return false;
    previousEnd = interval.end;
  }
  return true;
}

/**
 * The slots of several local dates: {@link slotsForDay} applied to each day's working
 * intervals with the same service, clock, zone, capacity and bookings.
 */
export function generateSlots(input: GenerateSlotsInput): DaySlots[] {
  const { days, ...shared } = input;
  if (days.length === 0) return [];
  validateInput({ ...shared, workingIntervals: [] });
  const latestStart = latestStartOf(shared.now, shared.timeZone, shared.service.max_advance_days);
  // Only allocations that touch the days asked for matter.
  let first = Infinity;
  let last = -Infinity;
  for (const day of days) {
    for (const interval of day.intervals) {
      if (interval.start < first) first = interval.start;
      if (interval.end > last) last = interval.end;
    }
  }
  const busy = shared.busy.filter((allocation) => allocation.start < last && first < allocation.end);
  const scratch: BusyAllocation[] = [];
  return days.map((day) => {
    const slots: Slot[] = [];
    appendDaySlots(slots, day.intervals, shared, latestStart, busy, scratch);
    return { date: day.date, slots };
  });
}

/**
 * An instant as ISO 8601 local time with the zone's offset at that instant, to the
 * second, without a bracketed zone name: `2026-03-29T09:00:00+02:00`. The offset is always
 * `±HH:MM` (UTC prints `+00:00`, never `Z`), so clients see the wall time the location
 * sees. Milliseconds are truncated.
 */
export function formatInstant(epochMs: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs)
    .toZonedDateTimeISO(timeZone)
    .toString({ smallestUnit: 'second', offset: 'auto', timeZoneName: 'never' });
}
