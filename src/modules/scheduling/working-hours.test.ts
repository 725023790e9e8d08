import { describe, expect, it } from 'vitest';
import { localDateRange, validateTimeSlots, type Schedule, type ScheduleException, type TimeSlot, type TimeSlotIssueCode } from './working-hours.ts';
import { expectWorkingHours, intervalsOn, schedule, slot, WEEKDAYS, workingDates, type WorkingHoursCase } from './working-hours.fixtures.ts';

describe('validateTimeSlots', () => {
  const cases: { name: string; slots: (TimeSlot | { start: string; end: string })[]; expected: [number, TimeSlotIssueCode][] }[] = [
    { name: 'accepts an ordinary weekday range', slots: [slot('09:00', '17:00', [1])], expected: [] },
    { name: 'accepts a whole day ending at 24:00', slots: [slot('00:00', '24:00')], expected: [] },
    { name: 'accepts custom hours, which have no days', slots: [{ start: '10:00', end: '12:00' }], expected: [] },
    { name: 'rejects end equal to start', slots: [slot('09:00', '09:00')], expected: [[0, 'end_not_after_start']] },
    { name: 'rejects end before start', slots: [slot('17:00', '09:00')], expected: [[0, 'end_not_after_start']] },
    { name: 'rejects 24:00 as a start', slots: [slot('24:00', '24:00')], expected: [[0, 'invalid_time']] },
    { name: 'rejects a single-digit hour', slots: [slot('9:00', '17:00')], expected: [[0, 'invalid_time']] },
    { name: 'rejects past 24:00', slots: [slot('09:00', '24:30')], expected: [[0, 'invalid_time']] },
    { name: 'rejects minute 60', slots: [slot('12:60', '13:00')], expected: [[0, 'invalid_time']] },
    { name: 'rejects weekdays outside 1-7', slots: [slot('09:00', '10:00', [0, 8])], expected: [[0, 'invalid_day'], [0, 'invalid_day']] },
    { name: 'rejects a slot with no weekday', slots: [slot('09:00', '10:00', [])], expected: [[0, 'no_days']] },
    { name: 'reports the index of the bad slot', slots: [slot('09:00', '10:00'), slot('11:00', '10:30')], expected: [[1, 'end_not_after_start']] },
  ];

  it.each(cases)('$name', ({ name, slots, expected }) => {
    const issues = validateTimeSlots(slots).map((issue): [number, TimeSlotIssueCode] => [issue.index, issue.code]);
    expect(issues, `${name}: issues for ${JSON.stringify(slots)}`).toEqual(expected);
  });
});

describe('localDateRange', () => {
  const cases = [
    { name: 'one day', from: '2026-03-30', to: '2026-03-30', expected: ['2026-03-30'] },
    { name: 'inclusive across a month end', from: '2026-03-30', to: '2026-04-02', expected: ['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02'] },
    { name: 'leap day', from: '2028-02-28', to: '2028-03-01', expected: ['2028-02-28', '2028-02-29', '2028-03-01'] },
    { name: 'DST days are still one date each', from: '2026-03-28', to: '2026-03-30', expected: ['2026-03-28', '2026-03-29', '2026-03-30'] },
  ];

  it.each(cases)('$name', ({ name, from, to, expected }) => {
    expect(localDateRange(from, to), name).toEqual(expected);
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => localDateRange('2026-03-30', '2026-03-29')).toThrow(RangeError);
  });
});

describe('workingHoursForRange: schedules and exceptions', () => {
  const madrid = 'Europe/Madrid';
  const monday = '2026-03-30';
  const nineToTwo = schedule([slot('09:00', '14:00', WEEKDAYS)]);
  const cases: WorkingHoursCase[] = [
    { name: 'plain weekday', timeZone: madrid, date: monday, schedules: [nineToTwo], expected: [['2026-03-30T09:00:00+02:00', '2026-03-30T14:00:00+02:00']], realHours: 5 },
    { name: 'weekday-only slot does not apply on Sunday', timeZone: madrid, date: '2026-04-05', schedules: [nineToTwo], expected: [] },
    {
      name: 'split shift stays two intervals',
      timeZone: madrid, date: monday,
      schedules: [schedule([slot('15:00', '19:00'), slot('09:00', '13:00')])],
      expected: [['2026-03-30T09:00:00+02:00', '2026-03-30T13:00:00+02:00'], ['2026-03-30T15:00:00+02:00', '2026-03-30T19:00:00+02:00']],
    },
    {
      name: 'overlapping and touching slots merge',
      timeZone: madrid, date: monday,
      schedules: [schedule([slot('09:00', '12:00'), slot('11:00', '13:00'), slot('13:00', '14:00')])],
      expected: [['2026-03-30T09:00:00+02:00', '2026-03-30T14:00:00+02:00']],
    },
    {
      name: 'several schedules are unioned (Wednesday in both)',
      timeZone: madrid, date: '2026-04-01',
      schedules: [schedule([slot('09:00', '13:00', [1, 2, 3])]), schedule([slot('12:00', '18:00', [3, 4, 5])])],
      expected: [['2026-04-01T09:00:00+02:00', '2026-04-01T18:00:00+02:00']],
    },
    {
      name: 'several schedules are unioned (Tuesday in the first only)',
      timeZone: madrid, date: '2026-03-31',
      schedules: [schedule([slot('09:00', '13:00', [1, 2, 3])]), schedule([slot('12:00', '18:00', [3, 4, 5])])],
      expected: [['2026-03-31T09:00:00+02:00', '2026-03-31T13:00:00+02:00']],
    },
    { name: 'inactive schedule is ignored', timeZone: madrid, date: monday, schedules: [schedule([slot('09:00', '14:00')], { is_active: false })], expected: [] },
    { name: 'date before start_date', timeZone: madrid, date: monday, schedules: [schedule([slot('09:00', '14:00')], { start_date: '2026-03-31' })], expected: [] },
    { name: 'date after end_date', timeZone: madrid, date: monday, schedules: [schedule([slot('09:00', '14:00')], { end_date: '2026-03-29' })], expected: [] },
    {
      name: 'end_date is inclusive',
      timeZone: madrid, date: monday,
      schedules: [schedule([slot('09:00', '14:00')], { start_date: monday, end_date: monday })],
      expected: [['2026-03-30T09:00:00+02:00', '2026-03-30T14:00:00+02:00']],
    },
    {
      name: '24:00 ends at the next local midnight',
      timeZone: madrid, date: monday,
      schedules: [schedule([slot('18:00', '24:00')])],
      expected: [['2026-03-30T18:00:00+02:00', '2026-03-31T00:00:00+02:00']], realHours: 6,
    },
    {
      name: 'holiday removes the day',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [{ exception_date: monday, type: 'holiday', custom_hours: null }], expected: [],
    },
    {
      name: 'unavailable removes the day',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [{ exception_date: monday, type: 'unavailable', custom_hours: null }], expected: [],
    },
    {
      name: 'exception on another date changes nothing',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [{ exception_date: '2026-03-31', type: 'holiday', custom_hours: null }],
      expected: [['2026-03-30T09:00:00+02:00', '2026-03-30T14:00:00+02:00']],
    },
    {
      name: 'custom hours replace the day',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [{ exception_date: monday, type: 'custom_hours', custom_hours: [{ start: '16:00', end: '18:00' }, { start: '10:00', end: '12:00' }] }],
      expected: [['2026-03-30T10:00:00+02:00', '2026-03-30T12:00:00+02:00'], ['2026-03-30T16:00:00+02:00', '2026-03-30T18:00:00+02:00']],
    },
    {
      name: 'custom hours open a day no schedule covers',
      timeZone: madrid, date: '2026-04-05', schedules: [nineToTwo],
      exceptions: [{ exception_date: '2026-04-05', type: 'custom_hours', custom_hours: [{ start: '10:00', end: '12:00' }] }],
      expected: [['2026-04-05T10:00:00+02:00', '2026-04-05T12:00:00+02:00']],
    },
    {
      name: 'custom hours without hours mean no hours',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [{ exception_date: monday, type: 'custom_hours', custom_hours: null }], expected: [],
    },
    {
      name: 'holiday wins over custom hours on the same date',
      timeZone: madrid, date: monday, schedules: [nineToTwo],
      exceptions: [
        { exception_date: monday, type: 'custom_hours', custom_hours: [{ start: '10:00', end: '12:00' }] },
        { exception_date: monday, type: 'holiday', custom_hours: null },
      ],
      expected: [],
    },
    { name: 'location closure removes the day', timeZone: madrid, date: monday, schedules: [nineToTwo], closures: [monday], expected: [] },
    {
      name: 'location closure wins over custom hours',
      timeZone: madrid, date: monday, schedules: [nineToTwo], closures: [monday],
      exceptions: [{ exception_date: monday, type: 'custom_hours', custom_hours: [{ start: '10:00', end: '12:00' }] }],
      expected: [],
    },
  ];

  it.each(cases)('$name', (testCase) => expectWorkingHours(testCase));
});

describe('workingHoursForRange: recurrence rules', () => {
  const nineToFive = [slot('09:00', '17:00')];
  const cases: { name: string; schedules: Schedule[]; from: string; to: string; expected: string[] }[] = [
    {
      name: 'biweekly Monday and Wednesday counted from start_date',
      schedules: [schedule(nineToFive, { start_date: '2026-03-02', recurrence_rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE' })],
      from: '2026-03-01', to: '2026-03-31',
      expected: ['2026-03-02', '2026-03-04', '2026-03-16', '2026-03-18', '2026-03-30'],
    },
    {
      name: 'biweekly phase comes from a start_date long before the range',
      schedules: [schedule(nineToFive, { start_date: '2025-12-29', recurrence_rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' })],
      from: '2026-03-01', to: '2026-03-31',
      expected: ['2026-03-09', '2026-03-23'],
    },
    {
      name: 'alternating weeks from two schedules are unioned',
      schedules: [
        schedule(nineToFive, { start_date: '2026-03-02', recurrence_rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' }),
        schedule(nineToFive, { start_date: '2026-03-09', recurrence_rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' }),
      ],
      from: '2026-03-01', to: '2026-03-22',
      expected: ['2026-03-02', '2026-03-10', '2026-03-16'],
    },
    {
      name: 'RRULE: prefix and COUNT',
      schedules: [schedule(nineToFive, { start_date: '2026-03-05', recurrence_rule: 'RRULE:FREQ=DAILY;COUNT=3' })],
      from: '2026-03-01', to: '2026-03-10',
      expected: ['2026-03-05', '2026-03-06', '2026-03-07'],
    },
    {
      name: 'rule date still needs the slot weekday',
      schedules: [schedule([slot('09:00', '17:00', [6, 7])], { start_date: '2026-03-02', recurrence_rule: 'FREQ=DAILY' })],
      from: '2026-03-02', to: '2026-03-10',
      expected: ['2026-03-07', '2026-03-08'],
    },
    {
      name: 'UNTIL and end_date both bound the rule',
      schedules: [schedule(nineToFive, { start_date: '2026-03-02', end_date: '2026-03-05', recurrence_rule: 'FREQ=DAILY;UNTIL=20260304' })],
      from: '2026-03-01', to: '2026-03-10',
      expected: ['2026-03-02', '2026-03-03', '2026-03-04'],
    },
  ];

  it.each(cases)('$name', ({ name, schedules, from, to, expected }) => {
    expect(workingDates(from, to, schedules), name).toEqual(expected);
  });

  it('rejects a rule that cannot be parsed', () => {
    const broken = schedule(nineToFive, { recurrence_rule: 'FREQ=SOMETIMES' });
    expect(() => workingDates('2026-03-01', '2026-03-02', [broken])).toThrow(RangeError);
  });
});

describe('workingHoursForRange: stored data is validated', () => {
  it('throws on a schedule slot whose end is not after its start', () => {
    expect(() => intervalsOn('2026-03-30', 'Europe/Madrid', [schedule([slot('10:00', '09:00')])])).toThrow(/end 09:00 is not after start 10:00/);
  });

  it('throws on malformed custom hours', () => {
    const exception: ScheduleException = { exception_date: '2026-03-30', type: 'custom_hours', custom_hours: [{ start: '25:00', end: '26:00' }] };
    expect(() => intervalsOn('2026-03-30', 'Europe/Madrid', [], [exception])).toThrow(RangeError);
  });
});

/**
 * Confirms, with Temporal's own transition search, that the tz database in this runtime
 * has the transitions the DST scenarios below are written for; if a government changes
 * its rules, this fails first and names the zone.
 */
