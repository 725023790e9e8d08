import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { formatInstant, slotsForDay, type BusyAllocation, type ServiceTiming, type Slot } from './slot-engine.ts';
import { workingHoursForRange, type Interval, type TimeSlot } from './working-hours.ts';

const MINUTE_MS = 60_000;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/** Every zone this runtime knows, plus the ones the scenario tests single out (ICU may list them under older aliases). */
const ZONES = [...new Set([
  ...Intl.supportedValuesOf('timeZone'),
  'UTC', 'America/Santiago', 'America/Sao_Paulo', 'Asia/Beirut', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia', 'Asia/Kolkata',
])];

/** Zones with odd transitions, drawn more often than the uniform pick over ~420 zones would. */
const AWKWARD_ZONES = [
  'America/Santiago', 'America/Sao_Paulo', 'Asia/Beirut', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Chatham',
  'Pacific/Apia', 'Antarctica/Casey', 'Antarctica/Troll', 'Europe/Madrid', 'America/New_York', 'Asia/Tehran',
];

/** An unlimited booking window, so only working hours, the grid and bookings decide. */
const NOW = 0;
const OPEN_WINDOW = { min_notice_minutes: 0, max_advance_days: 100_000 };

function wallTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The local date of the first time-zone transition on or after 1 January of `year`, or null when the zone has none. */
function transitionAfter(timeZone: string, year: number): Temporal.ZonedDateTime | null {
  return Temporal.PlainDate.from({ year, month: 1, day: 1 }).toZonedDateTime({ timeZone }).getTimeZoneTransition('next');
}

/** Dates whose local day contains a transition, and their neighbours; a plain mid-year date when the zone has none. */
function datesAroundTransitions(timeZone: string): string[] {
  const dates = new Set<string>();
  for (const year of [2010, 2026]) {
    const transition = transitionAfter(timeZone, year);
    if (!transition) continue;
    const after = transition.toPlainDate();
    // The instant before a midnight transition belongs to the previous local date.
    const before = transition.subtract({ nanoseconds: 1 }).toPlainDate();
    for (const date of [before.subtract({ days: 1 }), before, after, after.add({ days: 1 })]) dates.add(date.toString());
  }
  if (dates.size === 0) dates.add('2026-06-15');
  return [...dates];
}

interface DayCheck {
  timeZone: string;
  date: string;
  intervals: Interval[];
  slots: Slot[];
  service: ServiceTiming;
  busy: BusyAllocation[];
}

/** Number of grid starts k·step (k ≥ 0) whose occupied range fits in an interval of `lengthMs`, from the real elapsed length. */
function expectedSlotCount(lengthMs: number, service: ServiceTiming): number {
  const step = service.slot_interval_minutes * MINUTE_MS;
  const firstK = Math.ceil((service.buffer_before_minutes * MINUTE_MS) / step);
  const room = lengthMs - (service.duration_minutes + service.buffer_after_minutes) * MINUTE_MS;
  const lastK = room < 0 ? -1 : Math.floor(room / step);
  return Math.max(0, lastK - firstK + 1);
}

/** The invariants every day of availability must satisfy, whatever the zone or date. */
function checkDay({ timeZone, date, intervals, slots, service, busy }: DayCheck): void {
  const where = `${timeZone} ${date}`;
  const plainDate = Temporal.PlainDate.from(date);
  const dayStart = plainDate.toZonedDateTime({ timeZone }).epochMilliseconds;
  const dayEnd = plainDate.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds;

  // Working intervals: non-empty, sorted, separated, inside the local day.
  intervals.forEach((interval, index) => {
    expect(interval.end, `${where}: interval ${index} is not empty`).toBeGreaterThan(interval.start);
    expect(interval.start, `${where}: interval ${index} starts within the day`).toBeGreaterThanOrEqual(dayStart);
    expect(interval.end, `${where}: interval ${index} ends within the day`).toBeLessThanOrEqual(dayEnd);
    const previous = intervals[index - 1];
    if (previous) expect(interval.start, `${where}: intervals ${index - 1} and ${index} are merged and sorted`).toBeGreaterThan(previous.end);
  });

  const durationMs = service.duration_minutes * MINUTE_MS;
  const beforeMs = service.buffer_before_minutes * MINUTE_MS;
  const afterMs = service.buffer_after_minutes * MINUTE_MS;

  slots.forEach((slot, index) => {
    const printed = formatInstant(slot.start, timeZone);
    const label = `${where}: slot ${printed}`;
    expect(slot.end - slot.start, `${label} lasts the duration in real ms`).toBe(durationMs);
    const inside = intervals.some((interval) => interval.start <= slot.start - beforeMs && slot.end + afterMs <= interval.end);
    expect(inside, `${label} with its buffers lies inside a working interval`).toBe(true);

    const previous = slots[index - 1];
    if (previous) expect(slot.start, `${label} comes strictly after the previous slot`).toBeGreaterThan(previous.start);

    // The printed wall time must be one the location's clock really shows: the offset
    // must be valid for that wall time in the zone, or Temporal rejects it.
    const reparsed = Temporal.ZonedDateTime.from(`${printed}[${timeZone}]`, { offset: 'reject' });
    expect(reparsed.epochMilliseconds, `${label} round-trips through its printed wall time and offset`).toBe(slot.start);
    // ...and it reads as that local date. The one exception is a clock turned back across
    // midnight (Antarctica/Casey, 2010-03-05 02:00 -> 03-04 23:00): Temporal counts the
    // replayed 23:xx in the later day, so the slot reads as the day before, at a wall time
    // that day already showed once before this day began.
    if (reparsed.toPlainDate().toString() !== date) {
      const firstShowing = reparsed.toPlainDateTime().toZonedDateTime(timeZone, { disambiguation: 'earlier' }).epochMilliseconds;
      expect(reparsed.toPlainDate().toString(), `${label} reads as the local date or the day before`).toBe(plainDate.subtract({ days: 1 }).toString());
      expect(firstShowing, `${label} replays a wall time shown before the day began`).toBeLessThan(dayStart);
    }

    // Capacity is 1 in these runs, so any overlap with a busy allocation must block the slot.
    const occupiedStart = slot.start - beforeMs;
    const occupiedEnd = slot.end + afterMs;
    const overlaps = busy.some((allocation) => allocation.start < occupiedEnd && occupiedStart < allocation.end);
    expect(slot.available, `${label} is free exactly when no allocation overlaps it (capacity 1)`).toBe(!overlaps);
  });

  const expectedCount = intervals.reduce((sum, interval) => sum + expectedSlotCount(interval.end - interval.start, service), 0);
  expect(slots.length, `${where}: slot count from real elapsed working time`).toBe(expectedCount);
}

function availabilityFor(timeZone: string, date: string, timeSlots: TimeSlot[], service: ServiceTiming, busyFromDayStart: { offsetMinutes: number; lengthMinutes: number }[]): DayCheck {
  const [day] = workingHoursForRange({
    schedules: [{ start_date: '1990-01-01', end_date: null, recurrence_rule: null, time_slots: timeSlots, is_active: true }],
    exceptions: [],
    closures: [],
    timeZone,
    from: date,
    to: date,
  });
  const intervals = day?.intervals ?? [];
  const dayStart = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
  const busy = busyFromDayStart.map(({ offsetMinutes, lengthMinutes }) => ({
    start: dayStart + offsetMinutes * MINUTE_MS,
    end: dayStart + (offsetMinutes + lengthMinutes) * MINUTE_MS,
    places: 1,
  }));
  const slots = slotsForDay({ workingIntervals: intervals, service, now: NOW, timeZone, resourceCapacity: 1, busy });
  return { timeZone, date, intervals, slots, service, busy };
}

// Hundreds of zones × transition days: seconds alone, much longer on a loaded 2-core CI machine.
const PROPERTY_TIMEOUT_MS = 180_000;

describe('availability invariants in every time zone', () => {
  it('hold on the days around each zone’s transitions, for a whole-day and a split schedule', () => {
    const service: ServiceTiming = {
      duration_minutes: 45, slot_interval_minutes: 30, buffer_before_minutes: 10, buffer_after_minutes: 5, capacity: 1, ...OPEN_WINDOW,
    };
    const timeSlots: TimeSlot[] = [
      { start: '00:00', end: '06:00', days: EVERY_DAY },
      { start: '07:15', end: '24:00', days: EVERY_DAY },
    ];
    const busy = [{ offsetMinutes: 90, lengthMinutes: 50 }, { offsetMinutes: 600, lengthMinutes: 30 }];
    let days = 0;
    for (const timeZone of ZONES) {
      for (const date of datesAroundTransitions(timeZone)) {
        checkDay(availabilityFor(timeZone, date, timeSlots, service, busy));
        days += 1;
      }
    }
    expect(days, 'at least one day per zone').toBeGreaterThanOrEqual(ZONES.length);
  }, PROPERTY_TIMEOUT_MS);

  it('hold for random schedules, services and bookings near transitions', () => {
    const minuteOfDay = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const scenario = fc.record({
      timeZone: fc.oneof(fc.constantFrom(...ZONES), fc.constantFrom(...AWKWARD_ZONES)),
      year: fc.integer({ min: 2000, max: 2037 }),
      dayShift: fc.integer({ min: -1, max: 1 }),
      ranges: fc.array(fc.record({ start: minuteOfDay, length: fc.integer({ min: 1, max: 24 * 60 }) }), { minLength: 1, maxLength: 3 }),
      duration: fc.constantFrom(5, 15, 20, 30, 45, 60, 90, 120),
      step: fc.constantFrom(5, 10, 15, 20, 30, 60),
      before: fc.constantFrom(0, 5, 10, 15, 30),
      after: fc.constantFrom(0, 5, 10, 15, 30),
      busy: fc.array(fc.record({ offsetMinutes: fc.integer({ min: -120, max: 26 * 60 }), lengthMinutes: fc.integer({ min: 1, max: 240 }) }), { maxLength: 4 }),
    });

    fc.assert(
      fc.property(scenario, ({ timeZone, year, dayShift, ranges, duration, step, before, after, busy }) => {
        const transition = transitionAfter(timeZone, year);
        const date = transition
          ? transition.toPlainDate().add({ days: dayShift }).toString()
          : Temporal.PlainDate.from({ year, month: 6, day: 15 }).toString();
        const timeSlots = ranges.map(({ start, length }): TimeSlot => ({
          start: wallTime(start),
          end: wallTime(Math.min(24 * 60, start + length)),
          days: EVERY_DAY,
        }));
        const service: ServiceTiming = {
          duration_minutes: duration, slot_interval_minutes: step, buffer_before_minutes: before, buffer_after_minutes: after, capacity: 1, ...OPEN_WINDOW,
        };
        checkDay(availabilityFor(timeZone, date, timeSlots, service, busy));
      }),
      { numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT_MS);
});
