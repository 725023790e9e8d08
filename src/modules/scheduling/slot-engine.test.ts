import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  generateSlots,
  localDateRange,
  slotsForDay,
  type BusyAllocation,
  type ServiceTiming,
  type Slot,
} from './slot-engine.ts';
import { workingHoursForRange, type TimeSlot } from './working-hours.ts';

// Expected instants are local ISO strings with the offset the location's clock shows,
// parsed with Date.parse (independent of Temporal); diffs are shown in UTC.
const at = (iso: string): number => Date.parse(iso);
const utc = (ms: number): string => new Date(ms).toISOString();
const MADRID = 'Europe/Madrid';
const MINUTE_MS = 60_000;

const SERVICE: ServiceTiming = {
  duration_minutes: 30,
  buffer_before_minutes: 0,
  buffer_after_minutes: 0,
  slot_interval_minutes: 30,
  min_notice_minutes: 0,
  max_advance_days: 365,
  capacity: 1,
};

/** A slot as `start places=N free|full`, with the start in UTC. */
function describeSlot(slot: Pick<Slot, 'start' | 'available' | 'places_left'>): string {
  return `${utc(slot.start)} places=${slot.places_left} ${slot.available ? 'free' : 'full'}`;
}

/** Expected slot: a start, or a start with the places left (0 means fully booked). */
type ExpectedSlot = string | [start: string, placesLeft: number];

function expectSlots(name: string, slots: Slot[], expected: ExpectedSlot[], durationMinutes: number, capacity: number): void {
  const wanted = expected.map((entry) => {
    const [start, placesLeft] = typeof entry === 'string' ? [entry, capacity] : entry;
    return { start: at(start), available: placesLeft > 0, places_left: placesLeft };
  });
  expect(slots.map(describeSlot), `${name}: slots (UTC)`).toEqual(wanted.map(describeSlot));
  for (const slot of slots) {
    expect(slot.end - slot.start, `${name}: slot at ${utc(slot.start)} lasts the service duration`).toBe(durationMinutes * MINUTE_MS);
  }
}

interface SlotCase {
  name: string;
  intervals?: [string, string][];
  service?: Partial<ServiceTiming>;
  resourceCapacity?: number;
  now?: string;
  busy?: [start: string, end: string, places: number][];
  expected: ExpectedSlot[];
}

const MONDAY_9_TO_14: [string, string][] = [['2026-03-30T09:00:00+02:00', '2026-03-30T14:00:00+02:00']];
const MONDAY_9_TO_11: [string, string][] = [['2026-03-30T09:00:00+02:00', '2026-03-30T11:00:00+02:00']];

describe('slotsForDay: booking rules (Europe/Madrid, Monday 2026-03-30)', () => {
  const cases: SlotCase[] = [
    {
      name: 'plain day 09:00-14:00, 30-minute service every 30 minutes gives 10 slots',
      expected: [
        '2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', '2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00',
        '2026-03-30T11:00:00+02:00', '2026-03-30T11:30:00+02:00', '2026-03-30T12:00:00+02:00', '2026-03-30T12:30:00+02:00',
        '2026-03-30T13:00:00+02:00', '2026-03-30T13:30:00+02:00',
      ],
    },
    {
      name: 'buffers (10 before, 5 after) must fit inside working hours',
      service: { buffer_before_minutes: 10, buffer_after_minutes: 5 },
      expected: [
        '2026-03-30T09:30:00+02:00', '2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00', '2026-03-30T11:00:00+02:00',
        '2026-03-30T11:30:00+02:00', '2026-03-30T12:00:00+02:00', '2026-03-30T12:30:00+02:00', '2026-03-30T13:00:00+02:00',
      ],
    },
    {
      name: 'interval shorter than duration: 45-minute service every 15 minutes',
      intervals: MONDAY_9_TO_11,
      service: { duration_minutes: 45, slot_interval_minutes: 15 },
      expected: [
        '2026-03-30T09:00:00+02:00', '2026-03-30T09:15:00+02:00', '2026-03-30T09:30:00+02:00',
        '2026-03-30T09:45:00+02:00', '2026-03-30T10:00:00+02:00', '2026-03-30T10:15:00+02:00',
      ],
    },
    {
      name: 'interval longer than duration: 30-minute service every 45 minutes',
      intervals: MONDAY_9_TO_11,
      service: { slot_interval_minutes: 45 },
      expected: ['2026-03-30T09:00:00+02:00', '2026-03-30T09:45:00+02:00', '2026-03-30T10:30:00+02:00'],
    },
    {
      name: 'each working interval restarts the grid',
      intervals: [['2026-03-30T09:00:00+02:00', '2026-03-30T10:00:00+02:00'], ['2026-03-30T10:10:00+02:00', '2026-03-30T11:10:00+02:00']],
      expected: ['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', '2026-03-30T10:10:00+02:00', '2026-03-30T10:40:00+02:00'],
    },
    {
      name: 'working interval shorter than the service gives no slot',
      intervals: [['2026-03-30T09:00:00+02:00', '2026-03-30T09:20:00+02:00']],
      expected: [],
    },
    {
      name: 'capacity 3 with 2 places taken leaves 1',
      intervals: [['2026-03-30T09:00:00+02:00', '2026-03-30T10:00:00+02:00']],
      service: { capacity: 3 }, resourceCapacity: 3,
      busy: [['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', 2]],
      expected: [['2026-03-30T09:00:00+02:00', 1], ['2026-03-30T09:30:00+02:00', 3]],
    },
    {
      name: 'resource capacity caps the service capacity',
      intervals: [['2026-03-30T09:00:00+02:00', '2026-03-30T10:00:00+02:00']],
      service: { capacity: 3 }, resourceCapacity: 2,
      busy: [['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', 2]],
      expected: [['2026-03-30T09:00:00+02:00', 0], ['2026-03-30T09:30:00+02:00', 2]],
    },
    {
      name: 'capacity 1: an overlapping booking blocks, back-to-back ones do not',
      intervals: MONDAY_9_TO_11,
      busy: [['2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00', 1]],
      expected: ['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', ['2026-03-30T10:00:00+02:00', 0], '2026-03-30T10:30:00+02:00'],
    },
    {
      name: "the service's buffer after counts in the overlap test",
      intervals: MONDAY_9_TO_11,
      service: { buffer_after_minutes: 15 },
      busy: [['2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00', 1]],
      expected: ['2026-03-30T09:00:00+02:00', ['2026-03-30T09:30:00+02:00', 0], ['2026-03-30T10:00:00+02:00', 0]],
    },
    {
      name: "a booking's occupied range (its buffers) blocks a slot its bare time would not",
      intervals: MONDAY_9_TO_11,
      // A 10:00-10:30 booking with 15-minute buffers occupies 09:45-10:45.
      busy: [['2026-03-30T09:45:00+02:00', '2026-03-30T10:45:00+02:00', 1]],
      expected: ['2026-03-30T09:00:00+02:00', ['2026-03-30T09:30:00+02:00', 0], ['2026-03-30T10:00:00+02:00', 0], ['2026-03-30T10:30:00+02:00', 0]],
    },
    {
      name: 'places taken sum every overlapping allocation (conservative)',
      intervals: [['2026-03-30T09:00:00+02:00', '2026-03-30T10:00:00+02:00']],
      service: { duration_minutes: 60, slot_interval_minutes: 60, capacity: 2 }, resourceCapacity: 2,
      busy: [['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', 1], ['2026-03-30T09:30:00+02:00', '2026-03-30T10:00:00+02:00', 1]],
      expected: [['2026-03-30T09:00:00+02:00', 0]],
    },
    {
      name: 'min notice 60 at 09:10 leaves out every start before 10:10',
      now: '2026-03-30T09:10:00+02:00',
      service: { min_notice_minutes: 60 },
      expected: [
        '2026-03-30T10:30:00+02:00', '2026-03-30T11:00:00+02:00', '2026-03-30T11:30:00+02:00', '2026-03-30T12:00:00+02:00',
        '2026-03-30T12:30:00+02:00', '2026-03-30T13:00:00+02:00', '2026-03-30T13:30:00+02:00',
      ],
    },
    {
      name: 'min notice: a start exactly at now + notice is offered',
      intervals: MONDAY_9_TO_11,
      now: '2026-03-30T09:00:00+02:00',
      service: { min_notice_minutes: 60 },
      expected: ['2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00'],
    },
    {
      name: 'starts excluded by notice are not shown as booked',
      intervals: MONDAY_9_TO_11,
      now: '2026-03-30T09:40:00+02:00',
      busy: [['2026-03-30T09:00:00+02:00', '2026-03-30T10:30:00+02:00', 1]],
      expected: [['2026-03-30T10:00:00+02:00', 0], '2026-03-30T10:30:00+02:00'],
    },
    {
      name: 'max advance counts calendar days in the zone: 10 days from 10:00 CET ends at 10:00 CEST',
      now: '2026-03-20T10:00:00+01:00',
      service: { max_advance_days: 10 },
      expected: ['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', '2026-03-30T10:00:00+02:00'],
    },
    {
      name: 'max advance already passed gives no slot',
      now: '2026-03-01T12:00:00+01:00',
      service: { max_advance_days: 7 },
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ name, intervals = MONDAY_9_TO_14, service = {}, resourceCapacity = 1, now = '2026-03-01T00:00:00Z', busy = [], expected }) => {
    const timing = { ...SERVICE, ...service };
    const slots = slotsForDay({
      workingIntervals: intervals.map(([start, end]) => ({ start: at(start), end: at(end) })),
      service: timing,
      now: at(now),
      timeZone: MADRID,
      resourceCapacity,
      busy: busy.map(([start, end, places]): BusyAllocation => ({ start: at(start), end: at(end), places })),
    });
    expectSlots(name, slots, expected, timing.duration_minutes, Math.min(timing.capacity, resourceCapacity));
  });

  const invalid: { name: string; service: Partial<ServiceTiming>; resourceCapacity?: number }[] = [
    { name: 'zero slot interval', service: { slot_interval_minutes: 0 } },
    { name: 'zero duration', service: { duration_minutes: 0 } },
    { name: 'negative buffer', service: { buffer_before_minutes: -5 } },
    { name: 'fractional minutes', service: { duration_minutes: 12.5 } },
    { name: 'zero capacity', service: { capacity: 0 } },
    { name: 'zero resource capacity', service: {}, resourceCapacity: 0 },
  ];

  it.each(invalid)('rejects $name', ({ service, resourceCapacity = 1 }) => {
    const input = { workingIntervals: [], service: { ...SERVICE, ...service }, now: 0, timeZone: MADRID, resourceCapacity, busy: [] };
    expect(() => slotsForDay(input)).toThrow(RangeError);
  });
});

interface DayCase {
  name: string;
  timeZone: string;
  date: string;
  timeSlots: TimeSlot[];
  service?: Partial<ServiceTiming>;
  expected: string[];
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

function daySlotsFromSchedule({ timeZone, date, timeSlots, service = {} }: Omit<DayCase, 'name' | 'expected'>): Slot[] {
  const days = workingHoursForRange({
    schedules: [{ start_date: '2000-01-01', end_date: null, recurrence_rule: null, time_slots: timeSlots, is_active: true }],
    exceptions: [],
    closures: [],
    timeZone,
    from: date,
    to: date,
  });
  // A clock far in the past with an unlimited window: only working hours and the grid matter here.
  const [day] = generateSlots({ days, service: { ...SERVICE, max_advance_days: 100_000, ...service }, now: 0, timeZone, resourceCapacity: 1, busy: [] });
  return day?.slots ?? [];
}

/** America/Santiago's spring-forward date, found with Temporal rather than assumed. */
function santiagoSpringForwardDate(): string {
  const transition = Temporal.ZonedDateTime.from('2026-08-01T12:00:00[America/Santiago]').getTimeZoneTransition('next');
  if (!transition) throw new Error('no America/Santiago transition after 2026-08-01');
  expect(transition.toPlainTime().toString(), 'Santiago clocks jump from midnight to 01:00').toBe('01:00:00');
  return transition.toPlainDate().toString();
}

describe('schedule to slots across DST and unusual offsets', () => {
  const earlyMorning = [{ start: '00:00', end: '06:00', days: EVERY_DAY }];
  const cases: DayCase[] = [
    {
      name: 'Madrid plain day 09:00-14:00 has 10 slots at +02:00',
      timeZone: MADRID, date: '2026-03-30', timeSlots: [{ start: '09:00', end: '14:00', days: EVERY_DAY }],
      expected: [
        '2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', '2026-03-30T10:00:00+02:00', '2026-03-30T10:30:00+02:00',
        '2026-03-30T11:00:00+02:00', '2026-03-30T11:30:00+02:00', '2026-03-30T12:00:00+02:00', '2026-03-30T12:30:00+02:00',
        '2026-03-30T13:00:00+02:00', '2026-03-30T13:30:00+02:00',
      ],
    },
    {
      name: 'Madrid spring-forward: no slot in the skipped hour, 10 slots in 5 real hours',
      timeZone: MADRID, date: '2026-03-29', timeSlots: earlyMorning,
      expected: [
        '2026-03-29T00:00:00+01:00', '2026-03-29T00:30:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T01:30:00+01:00',
        '2026-03-29T03:00:00+02:00', '2026-03-29T03:30:00+02:00', '2026-03-29T04:00:00+02:00', '2026-03-29T04:30:00+02:00',
        '2026-03-29T05:00:00+02:00', '2026-03-29T05:30:00+02:00',
      ],
    },
    {
      name: 'Madrid fall-back: both 02:00 and both 02:30 are offered, 14 slots in 7 real hours',
      timeZone: MADRID, date: '2026-10-25', timeSlots: earlyMorning,
      expected: [
        '2026-10-25T00:00:00+02:00', '2026-10-25T00:30:00+02:00', '2026-10-25T01:00:00+02:00', '2026-10-25T01:30:00+02:00',
        '2026-10-25T02:00:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-25T02:00:00+01:00', '2026-10-25T02:30:00+01:00',
        '2026-10-25T03:00:00+01:00', '2026-10-25T03:30:00+01:00', '2026-10-25T04:00:00+01:00', '2026-10-25T04:30:00+01:00',
        '2026-10-25T05:00:00+01:00', '2026-10-25T05:30:00+01:00',
      ],
    },
    {
      name: 'Sao Paulo 2018-11-04: midnight skipped, the first slot is at 01:00',
      timeZone: 'America/Sao_Paulo', date: '2018-11-04', timeSlots: [{ start: '00:00', end: '03:00', days: EVERY_DAY }],
      expected: ['2018-11-04T01:00:00-02:00', '2018-11-04T01:30:00-02:00', '2018-11-04T02:00:00-02:00', '2018-11-04T02:30:00-02:00'],
    },
    {
      name: 'Lord Howe spring-forward by 30 minutes: hour-long service every 30 minutes',
      timeZone: 'Australia/Lord_Howe', date: '2026-10-04', timeSlots: earlyMorning,
      service: { duration_minutes: 60 },
      expected: [
        '2026-10-04T00:00:00+10:30', '2026-10-04T00:30:00+10:30', '2026-10-04T01:00:00+10:30', '2026-10-04T01:30:00+10:30',
        '2026-10-04T02:30:00+11:00', '2026-10-04T03:00:00+11:00', '2026-10-04T03:30:00+11:00', '2026-10-04T04:00:00+11:00',
        '2026-10-04T04:30:00+11:00', '2026-10-04T05:00:00+11:00',
      ],
    },
    {
      name: 'Lord Howe fall-back by 30 minutes: 01:30 is offered twice',
      timeZone: 'Australia/Lord_Howe', date: '2026-04-05', timeSlots: [{ start: '00:00', end: '03:00', days: EVERY_DAY }],
      expected: [
        '2026-04-05T00:00:00+11:00', '2026-04-05T00:30:00+11:00', '2026-04-05T01:00:00+11:00', '2026-04-05T01:30:00+11:00',
        '2026-04-05T01:30:00+10:30', '2026-04-05T02:00:00+10:30', '2026-04-05T02:30:00+10:30',
      ],
    },
    {
      name: 'Kolkata +05:30',
      timeZone: 'Asia/Kolkata', date: '2026-03-30', timeSlots: [{ start: '09:00', end: '11:00', days: EVERY_DAY }],
      expected: ['2026-03-30T09:00:00+05:30', '2026-03-30T09:30:00+05:30', '2026-03-30T10:00:00+05:30', '2026-03-30T10:30:00+05:30'],
    },
    {
      name: 'Chatham spring-forward at 02:45: the elapsed-time grid reads 02:30 then 04:00',
      timeZone: 'Pacific/Chatham', date: '2026-09-27', timeSlots: earlyMorning,
      expected: [
        '2026-09-27T00:00:00+12:45', '2026-09-27T00:30:00+12:45', '2026-09-27T01:00:00+12:45', '2026-09-27T01:30:00+12:45',
        '2026-09-27T02:00:00+12:45', '2026-09-27T02:30:00+12:45', '2026-09-27T04:00:00+13:45', '2026-09-27T04:30:00+13:45',
        '2026-09-27T05:00:00+13:45', '2026-09-27T05:30:00+13:45',
      ],
    },
    {
      name: 'Chatham fall-back at 03:45: 03:00 and 03:30 are offered twice',
      timeZone: 'Pacific/Chatham', date: '2026-04-05', timeSlots: earlyMorning,
      expected: [
        '2026-04-05T00:00:00+13:45', '2026-04-05T00:30:00+13:45', '2026-04-05T01:00:00+13:45', '2026-04-05T01:30:00+13:45',
        '2026-04-05T02:00:00+13:45', '2026-04-05T02:30:00+13:45', '2026-04-05T03:00:00+13:45', '2026-04-05T03:30:00+13:45',
        '2026-04-05T03:00:00+12:45', '2026-04-05T03:30:00+12:45', '2026-04-05T04:00:00+12:45', '2026-04-05T04:30:00+12:45',
        '2026-04-05T05:00:00+12:45', '2026-04-05T05:30:00+12:45',
      ],
    },
  ];

  it.each(cases)('$name', ({ name, expected, ...day }) => {
    const slots = daySlotsFromSchedule(day);
    expectSlots(name, slots, expected, day.service?.duration_minutes ?? SERVICE.duration_minutes, 1);
    // The API prints these starts with formatInstant; it must give back the stated strings.
    expect(slots.map((slot) => formatInstant(slot.start, day.timeZone)), `${name}: formatted starts`).toEqual(expected);
  });

  it('America/Santiago spring-forward: midnight skipped, the first slot is at 01:00', () => {
    const date = santiagoSpringForwardDate();
    const slots = daySlotsFromSchedule({ timeZone: 'America/Santiago', date, timeSlots: [{ start: '00:00', end: '03:00', days: EVERY_DAY }] });
    const expected = [`${date}T01:00:00-03:00`, `${date}T01:30:00-03:00`, `${date}T02:00:00-03:00`, `${date}T02:30:00-03:00`];
    expectSlots('Santiago spring-forward', slots, expected, 30, 1);
  });
});

describe('generateSlots', () => {
  it('computes each day from its own working intervals', () => {
    const days = [
      { date: '2026-03-30', intervals: [{ start: at('2026-03-30T09:00:00+02:00'), end: at('2026-03-30T10:00:00+02:00') }] },
      { date: '2026-03-31', intervals: [] },
    ];
    const result = generateSlots({ days, service: SERVICE, now: at('2026-03-01T00:00:00Z'), timeZone: MADRID, resourceCapacity: 1, busy: [] });
    expect(result.map((day) => [day.date, day.slots.map((slot) => utc(slot.start))])).toEqual([
      ['2026-03-30', [utc(at('2026-03-30T09:00:00+02:00')), utc(at('2026-03-30T09:30:00+02:00'))]],
      ['2026-03-31', []],
    ]);
  });
});

describe('formatInstant', () => {
  const cases = [
    { name: 'UTC prints +00:00, never Z', utcIso: '2026-03-29T09:00:00Z', zone: 'UTC', expected: '2026-03-29T09:00:00+00:00' },
    { name: 'Madrid summer time', utcIso: '2026-03-29T07:00:00Z', zone: MADRID, expected: '2026-03-29T09:00:00+02:00' },
    { name: 'Madrid winter time', utcIso: '2026-03-29T00:30:00Z', zone: MADRID, expected: '2026-03-29T01:30:00+01:00' },
    { name: 'negative offset', utcIso: '2018-11-04T03:00:00Z', zone: 'America/Sao_Paulo', expected: '2018-11-04T01:00:00-02:00' },
    { name: 'half-hour offset', utcIso: '2026-03-30T03:30:00Z', zone: 'Asia/Kolkata', expected: '2026-03-30T09:00:00+05:30' },
    { name: '45-minute offset', utcIso: '2026-01-14T19:15:00Z', zone: 'Pacific/Chatham', expected: '2026-01-15T09:00:00+13:45' },
    { name: 'milliseconds are dropped', utcIso: '2026-03-29T07:00:00.999Z', zone: MADRID, expected: '2026-03-29T09:00:00+02:00' },
  ];

  it.each(cases)('$name', ({ name, utcIso, zone, expected }) => {
    expect(formatInstant(at(utcIso), zone), name).toBe(expected);
  });
});

describe('localDateRange re-export', () => {
  it('is available from the slot engine', () => {
    expect(localDateRange('2026-10-24', '2026-10-26')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
  });
});
