/**
 * The availability hot path computes in epoch milliseconds on memoised local days
 * (zone-days.ts) and prints its answer by hand (availability-view.ts). These tests
 * hold it to the straightforward Temporal implementation it replaced, kept below as
 * the reference: same working intervals, same slots, same JSON, in every zone,
 * around transitions and far from them.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { priceForSlot, type PricingTier, type ServiceSnapshot } from '../catalog/index.ts';
import type { ResourceCalendar } from './availability.repository.ts';
import type { ResourceDays } from './availability-engine.ts';
import { renderAvailability } from './availability-view.ts';
import { formatInstant, generateSlots, type BusyAllocation, type ServiceTiming, type Slot } from './slot-engine.ts';
import {
  mergeIntervals,
  workingHoursForRange,
  type DayWorkingHours,
  type Interval,
  type Schedule,
  type ScheduleException,
  type WallTimeRange,
} from './working-hours.ts';

const MINUTE_MS = 60_000;
const ZONES = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])];
const AWKWARD_ZONES = [
  'America/Santiago', 'America/Sao_Paulo', 'Asia/Beirut', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Chatham',
  'Pacific/Apia', 'Antarctica/Casey', 'Antarctica/Troll', 'Europe/Madrid', 'America/New_York', 'Asia/Tehran', 'Asia/Kolkata',
];

// ---------------------------------------------------------------------------------
// Reference: the Temporal-per-wall-time implementation (before the fast path).

function referenceMinutes(text: string, allowEndOfDay: boolean): number {
  if (allowEndOfDay && text === '24:00') return 1440;
  const [hours = 0, minutes = 0] = text.split(':').map(Number);
  return hours * 60 + minutes;
}

function referenceInterval(date: Temporal.PlainDate, range: WallTimeRange, timeZone: string): Interval | null {
  const dayStart = date.toZonedDateTime({ timeZone }).epochMilliseconds;
  const dayEnd = date.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds;
  const toInstant = (minutes: number): number => {
    if (minutes === 0) return dayStart;
    if (minutes === 1440) return dayEnd;
    const time = new Temporal.PlainTime(Math.floor(minutes / 60), minutes % 60);
    return date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
  };
  const start = Math.max(dayStart, toInstant(referenceMinutes(range.start, false)));
  const end = Math.min(dayEnd, toInstant(referenceMinutes(range.end, true)));
  return end > start ? { start, end } : null;
}

/** Schedules without recurrence rules (rrule expansion is shared, not re-implemented). */
function referenceWorkingHours(input: {
  schedules: Schedule[];
  exceptions: ScheduleException[];
  closures: string[];
  timeZone: string;
  from: string;
  to: string;
}): DayWorkingHours[] {
  const days: DayWorkingHours[] = [];
  const last = Temporal.PlainDate.from(input.to);
  for (let date = Temporal.PlainDate.from(input.from); Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    const text = date.toString();
    const exceptions = input.exceptions.filter((exception) => exception.exception_date === text);
    if (input.closures.includes(text) || exceptions.some((exception) => exception.type !== 'custom_hours')) {
      days.push({ date: text, intervals: [] });
      continue;
    }
    const ranges =
      exceptions.length > 0
        ? exceptions.flatMap((exception) => exception.custom_hours ?? [])
        : input.schedules
            .filter((schedule) => schedule.is_active && schedule.start_date <= text && (schedule.end_date === null || text <= schedule.end_date))
            .flatMap((schedule) => schedule.time_slots.filter((slot) => slot.days.includes(date.dayOfWeek)));
    const intervals = ranges.map((range) => referenceInterval(date, range, input.timeZone)).filter((interval): interval is Interval => interval !== null);
    days.push({ date: text, intervals: mergeIntervals(intervals) });
  }
  return days;
}

function referenceSlots(intervals: readonly Interval[], service: ServiceTiming, now: number, timeZone: string, resourceCapacity: number, busy: readonly BusyAllocation[]): Slot[] {
  const durationMs = service.duration_minutes * MINUTE_MS;
  const beforeMs = service.buffer_before_minutes * MINUTE_MS;
  const afterMs = service.buffer_after_minutes * MINUTE_MS;
  const stepMs = service.slot_interval_minutes * MINUTE_MS;
  const capacity = Math.min(service.capacity, resourceCapacity);
  const earliest = now + service.min_notice_minutes * MINUTE_MS;
  const latest = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(timeZone).add({ days: service.max_advance_days }).epochMilliseconds;
  const slots: Slot[] = [];
  for (const interval of mergeIntervals(intervals)) {
    for (let start = interval.start; start + durationMs + afterMs <= interval.end; start += stepMs) {
      if (start - beforeMs < interval.start || start < earliest) continue;
      if (start > latest) break;
      const taken = busy
        .filter((allocation) => allocation.start < start + durationMs + afterMs && start - beforeMs < allocation.end)
        .reduce((sum, allocation) => sum + allocation.places, 0);
      const left = Math.max(0, capacity - taken);
      slots.push({ start, end: start + durationMs, available: left > 0, places_left: left });
    }
  }
  return slots;
}

/** The object-building response shape (shapeResponse before the hand-written JSON). */
function referenceView(service: ServiceSnapshot, timing: ServiceTiming, resources: ResourceDays[]) {
  const priced = service.tiers.length > 0;
  const showPlaces = resources.some((resource) => Math.min(service.capacity, resource.calendar.capacity) > 1);
  const hoursByLocation = new Map<string, { timezone: string; byDate: Map<string, Interval[]> }>();
  const format = (epochMs: number, timeZone: string) => formatInstant(epochMs, timeZone);
  const shaped = resources.map(({ calendar, hours, days }) => {
    const location = hoursByLocation.get(calendar.location_id) ?? { timezone: calendar.timezone, byDate: new Map() };
    hoursByLocation.set(calendar.location_id, location);
    for (const day of hours) location.byDate.set(day.date, [...(location.byDate.get(day.date) ?? []), ...day.intervals]);
    return {
      resource: { id: calendar.id, name: calendar.name, type: calendar.type, location_id: calendar.location_id },
      timezone: calendar.timezone,
      dates: days.map((day) => ({
        date: day.date,
        slots: day.slots.map((slot) => {
          const tier = priced ? priceForSlot({ tiers: service.tiers, start: slot.start, timeZone: calendar.timezone, locationId: calendar.location_id }) : null;
          return {
            start_time: format(slot.start, calendar.timezone),
            end_time: format(slot.end, calendar.timezone),
            available: slot.available,
            ...(showPlaces ? { places_left: slot.places_left } : {}),
            ...(priced ? { price: tier ? { amount: tier.base_price, currency: tier.currency } : service.price } : {}),
          };
        }),
      })),
    };
  });
  return {
    service: {
      id: service.id,
      name: service.name,
      duration_minutes: timing.duration_minutes,
      buffer_before_minutes: timing.buffer_before_minutes,
      buffer_after_minutes: timing.buffer_after_minutes,
      slot_interval_minutes: timing.slot_interval_minutes,
      capacity: timing.capacity,
      min_notice_minutes: timing.min_notice_minutes,
      max_advance_days: timing.max_advance_days,
      price: service.price,
    },
    resources: shaped,
    business_hours: [...hoursByLocation.entries()].map(([locationId, { timezone, byDate }]) => ({
      location_id: locationId,
      timezone,
      dates: [...byDate.entries()].map(([date, intervals]) => ({
        date,
        hours: mergeIntervals(intervals).map((interval) => ({ start_time: format(interval.start, timezone), end_time: format(interval.end, timezone) })),
      })),
    })),
  };
}

// ---------------------------------------------------------------------------------
// Generators.

const wall = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const wallRange = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 }))
  .map(([start, length]) => ({ start: wall(start), end: start + length >= 1440 ? '24:00' : wall(start + length) }));

const zone = fc.oneof(fc.constantFrom(...ZONES), fc.constantFrom(...AWKWARD_ZONES));

/** A first date: around a transition of the zone in a year from 1900 to 2100, or any date. */
function firstDate(timeZone: string, year: number, shift: number, anyDay: number): string {
  if (anyDay % 3 !== 0) {
    const transition = Temporal.PlainDate.from({ year, month: 1, day: 1 }).toZonedDateTime({ timeZone }).getTimeZoneTransition('next');
    if (transition && transition.year <= 2100) return transition.toPlainDate().add({ days: shift }).toString();
  }
  return Temporal.PlainDate.from({ year, month: 1, day: 1 }).add({ days: anyDay % 365 }).toString();
}

const calendarInput = fc
  .record({
    timeZone: zone,
    year: fc.integer({ min: 1900, max: 2100 }),
    shift: fc.integer({ min: -3, max: 1 }),
    anyDay: fc.integer({ min: 0, max: 10_000 }),
    length: fc.integer({ min: 1, max: 5 }),
    schedules: fc.array(
      fc.record({
        startOffset: fc.integer({ min: -400, max: 2 }),
        endOffset: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
        slots: fc.array(fc.tuple(wallRange, fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })), { minLength: 1, maxLength: 3 }),
        active: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    exceptions: fc.array(
      fc.record({
        dayOffset: fc.integer({ min: 0, max: 5 }),
        type: fc.constantFrom('unavailable', 'holiday', 'custom_hours', 'custom_hours'),
        hours: fc.array(wallRange, { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
    closureOffsets: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 1 }),
  })
  .map((scenario) => {
    const from = Temporal.PlainDate.from(firstDate(scenario.timeZone, scenario.year, scenario.shift, scenario.anyDay));
    const plus = (days: number) => from.add({ days }).toString();
    const schedules: Schedule[] = scenario.schedules.map((schedule) => ({
      start_date: plus(schedule.startOffset),
      end_date: schedule.endOffset === null ? null : plus(Math.max(schedule.startOffset, schedule.endOffset)),
      recurrence_rule: null,
      time_slots: schedule.slots.map(([range, days]) => ({ ...range, days })),
      is_active: schedule.active,
    }));
    const exceptions: ScheduleException[] = scenario.exceptions.map((exception) => ({
      exception_date: plus(exception.dayOffset),
      type: exception.type as ScheduleException['type'],
      custom_hours: exception.type === 'custom_hours' ? exception.hours : null,
    }));
    return {
      schedules,
      exceptions,
      closures: scenario.closureOffsets.map(plus),
      timeZone: scenario.timeZone,
      from: from.toString(),
      to: plus(scenario.length - 1),
    };
  });

// ---------------------------------------------------------------------------------

describe('availability fast paths agree with the Temporal reference', () => {
  it('working hours: every zone, dates around transitions from 1900 to 2100, schedules, exceptions and closures', () => {
    fc.assert(
      fc.property(calendarInput, (input) => {
        expect(workingHoursForRange(input)).toEqual(referenceWorkingHours(input));
      }),
      { numRuns: 1500 },
    );
  });

  it('slots: the same candidates, capacity and window as the per-slot reference', () => {
    const scenario = fc.record({
      input: calendarInput,
      duration: fc.constantFrom(5, 15, 30, 45, 60, 90),
      step: fc.constantFrom(5, 10, 15, 30, 60),
      before: fc.constantFrom(0, 5, 15),
      after: fc.constantFrom(0, 10),
      capacity: fc.integer({ min: 1, max: 4 }),
      resourceCapacity: fc.integer({ min: 1, max: 4 }),
      notice: fc.constantFrom(0, 60, 1440),
      advance: fc.constantFrom(0, 1, 2, 365),
      nowShift: fc.integer({ min: -3 * 1440, max: 2 * 1440 }),
      busy: fc.array(fc.record({ offset: fc.integer({ min: -1440, max: 6 * 1440 }), length: fc.integer({ min: 1, max: 600 }), places: fc.integer({ min: 1, max: 3 }) }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, ({ input, duration, step, before, after, capacity, resourceCapacity, notice, advance, nowShift, busy }) => {
        const days = workingHoursForRange(input);
        const origin = Temporal.PlainDate.from(input.from).toZonedDateTime({ timeZone: input.timeZone }).epochMilliseconds;
        const allocations = busy.map((entry) => ({
          start: origin + entry.offset * MINUTE_MS,
          end: origin + (entry.offset + entry.length) * MINUTE_MS,
          places: entry.places,
        }));
        const service: ServiceTiming = {
          duration_minutes: duration, slot_interval_minutes: step, buffer_before_minutes: before, buffer_after_minutes: after,
          capacity, min_notice_minutes: notice, max_advance_days: advance,
        };
        const now = origin + nowShift * MINUTE_MS;
        const fast = generateSlots({ days, service, now, timeZone: input.timeZone, resourceCapacity, busy: allocations });
        expect(fast).toEqual(days.map((day) => ({
          date: day.date,
          slots: referenceSlots(day.intervals, service, now, input.timeZone, resourceCapacity, allocations),
        })));
      }),
      { numRuns: 500 },
    );
  });

  it('the JSON answer: byte for byte what JSON.stringify printed of the object-built answer, tiers and places included', () => {
    const tier = (id: string, overrides: Partial<PricingTier>): PricingTier => ({
      id, name: `Tier ${id.slice(-1)}`, base_price: 1000, currency: 'EUR', deposit_type: 'none', deposit_value: 0,
      is_default: false, conditions: null, valid_from: null, valid_until: null, priority: 0, ...overrides,
    });
    const scenario = fc.record({
      inputs: fc.array(calendarInput, { minLength: 1, maxLength: 3 }),
      capacities: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
      serviceCapacity: fc.integer({ min: 1, max: 3 }),
      priced: fc.boolean(),
      sameLocation: fc.boolean(),
      name: fc.string({ maxLength: 12 }),
    });
    fc.assert(
      fc.property(scenario, ({ inputs, capacities, serviceCapacity, priced, sameLocation, name }) => {
        const timing: ServiceTiming = {
          duration_minutes: 45, slot_interval_minutes: 30, buffer_before_minutes: 0, buffer_after_minutes: 15,
          capacity: serviceCapacity, min_notice_minutes: 0, max_advance_days: 100_000,
        };
        const firstZone = inputs[0]?.timeZone ?? 'UTC';
        const resources: ResourceDays[] = inputs.map((input, index) => {
          const timeZone = sameLocation ? firstZone : input.timeZone;
          const hours = workingHoursForRange({ ...input, timeZone });
          const calendar: ResourceCalendar = {
            id: `00000000-0000-4000-8000-00000000000${index}`,
            location_id: sameLocation ? '10000000-0000-4000-8000-000000000000' : `10000000-0000-4000-8000-00000000000${index}`,
            name: `${name} "${index}" ñ\u2028`,
            type: 'staff',
            capacity: capacities[index] ?? 1,
            skills: [],
            timezone: timeZone,
            schedules: input.schedules,
            exceptions: input.exceptions,
            closures: input.closures,
            busy: [],
          };
          const days = generateSlots({ days: hours, service: timing, now: 0, timeZone, resourceCapacity: calendar.capacity, busy: [] });
          return { calendar, hours, days };
        });
        const service = {
          id: '20000000-0000-4000-8000-000000000000',
          business_id: '30000000-0000-4000-8000-000000000000',
          name,
          status: 'active',
          duration_minutes: 45,
          buffer_before_minutes: 0,
          buffer_after_minutes: 15,
          capacity: serviceCapacity,
          slot_interval_minutes: 30,
          min_notice_minutes: 0,
          max_advance_days: 100_000,
          price: { amount: 2500, currency: 'EUR' },
          deposit: { type: 'none' },
          cancellation_policy: null,
          resource_ids: resources.map((resource) => resource.calendar.id),
          required_resources: [],
          tiers: priced
            ? [
                tier('40000000-0000-4000-8000-000000000001', { is_default: true, base_price: 2000 }),
                tier('40000000-0000-4000-8000-000000000002', { base_price: 3000, conditions: { days: [6, 7] } }),
                tier('40000000-0000-4000-8000-000000000003', { base_price: 3500, priority: 1, conditions: { start_time: '18:00', end_time: '21:00' } }),
                tier('40000000-0000-4000-8000-000000000004', { base_price: 1500, valid_from: '1990-01-01T00:00:00Z', valid_until: '2030-06-01T00:00:00+02:00', conditions: { start_time: '06:00', end_time: '08:00' } }),
              ]
            : [],
        } as unknown as ServiceSnapshot;
        expect(renderAvailability({ service, timing, resources })).toBe(JSON.stringify(referenceView(service, timing, resources)));
      }),
      { numRuns: 150 },
    );
  });
});
