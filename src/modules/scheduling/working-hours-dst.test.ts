/** Working hours across clock changes and unusual offsets, with the time-zone data they rely on. */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { at, expectWorkingHours, schedule, slot, utc, type WorkingHoursCase } from './working-hours.fixtures.ts';

describe('time-zone data the DST scenarios rely on', () => {
  const cases = [
    { zone: 'Europe/Madrid', searchFrom: '2026-03-01', before: '2026-03-29T01:59:59.999+01:00', after: '2026-03-29T03:00:00+02:00' },
    { zone: 'Europe/Madrid', searchFrom: '2026-10-01', before: '2026-10-25T02:59:59.999+02:00', after: '2026-10-25T02:00:00+01:00' },
    { zone: 'America/Sao_Paulo', searchFrom: '2018-10-01', before: '2018-11-03T23:59:59.999-03:00', after: '2018-11-04T01:00:00-02:00' },
    { zone: 'America/Sao_Paulo', searchFrom: '2018-02-01', before: '2018-02-17T23:59:59.999-02:00', after: '2018-02-17T23:00:00-03:00' },
    { zone: 'Asia/Beirut', searchFrom: '2026-03-01', before: '2026-03-28T23:59:59.999+02:00', after: '2026-03-29T01:00:00+03:00' },
    { zone: 'Australia/Lord_Howe', searchFrom: '2026-09-01', before: '2026-10-04T01:59:59.999+10:30', after: '2026-10-04T02:30:00+11:00' },
    { zone: 'Australia/Lord_Howe', searchFrom: '2026-03-01', before: '2026-04-05T01:59:59.999+11:00', after: '2026-04-05T01:30:00+10:30' },
    { zone: 'Pacific/Chatham', searchFrom: '2026-09-01', before: '2026-09-27T02:44:59.999+12:45', after: '2026-09-27T03:45:00+13:45' },
    { zone: 'Pacific/Chatham', searchFrom: '2026-03-01', before: '2026-04-05T03:44:59.999+13:45', after: '2026-04-05T02:45:00+12:45' },
  ];

  it.each(cases)('$zone switches at $after', ({ zone, searchFrom, before, after }) => {
    const transition = Temporal.PlainDate.from(searchFrom).toZonedDateTime({ timeZone: zone }).getTimeZoneTransition('next');
    expect(transition, `${zone}: a transition after ${searchFrom}`).not.toBeNull();
    const instant = transition?.epochMilliseconds ?? Number.NaN;
    expect(utc(instant), `${zone}: transition instant`).toBe(utc(at(after)));
    expect(utc(instant - 1), `${zone}: last instant before it`).toBe(utc(at(before)));
  });
});

/** America/Santiago's spring-forward day, found with Temporal rather than assumed. */
function santiagoSpringForwardDate(): string {
  const transition = Temporal.ZonedDateTime.from('2026-08-01T12:00:00[America/Santiago]').getTimeZoneTransition('next');
  if (!transition) throw new Error('no America/Santiago transition after 2026-08-01');
  // Only a transition that skips local midnight makes the scenario meaningful.
  expect(transition.toPlainTime().toString(), 'Santiago clocks jump to 01:00').toBe('01:00:00');
  expect(transition.offset, 'Santiago summer offset').toBe('-03:00');
  expect(transition.subtract({ milliseconds: 1 }).toPlainDate().toString(), 'the day before ends at 23:59:59.999').not.toBe(transition.toPlainDate().toString());
  return transition.toPlainDate().toString();
}

describe('workingHoursForRange: DST and unusual offsets', () => {
  const wholeDay = [schedule([slot('00:00', '24:00')])];
  const earlyMorning = [schedule([slot('00:00', '06:00')])];
  const cases: WorkingHoursCase[] = [
    {
      name: 'Madrid spring-forward: 00:00-06:00 is 5 real hours',
      timeZone: 'Europe/Madrid', date: '2026-03-29', schedules: earlyMorning,
      expected: [['2026-03-29T00:00:00+01:00', '2026-03-29T06:00:00+02:00']], realHours: 5,
    },
    {
      name: 'Madrid fall-back: 00:00-06:00 is 7 real hours',
      timeZone: 'Europe/Madrid', date: '2026-10-25', schedules: earlyMorning,
      expected: [['2026-10-25T00:00:00+02:00', '2026-10-25T06:00:00+01:00']], realHours: 7,
    },
    {
      name: 'Madrid spring-forward: the whole day is 23 hours',
      timeZone: 'Europe/Madrid', date: '2026-03-29', schedules: wholeDay,
      expected: [['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00']], realHours: 23,
    },
    {
      name: 'Madrid spring-forward: a start in the gap moves forward by the gap',
      timeZone: 'Europe/Madrid', date: '2026-03-29', schedules: [schedule([slot('02:30', '05:00')])],
      expected: [['2026-03-29T03:30:00+02:00', '2026-03-29T05:00:00+02:00']], realHours: 1.5,
    },
    {
      name: 'Madrid spring-forward: a range that collapses in the gap is dropped',
      timeZone: 'Europe/Madrid', date: '2026-03-29', schedules: [schedule([slot('02:30', '03:15')])],
      expected: [],
    },
    {
      name: 'Madrid fall-back: a repeated start takes its first occurrence',
      timeZone: 'Europe/Madrid', date: '2026-10-25', schedules: [schedule([slot('02:30', '03:30')])],
      expected: [['2026-10-25T02:30:00+02:00', '2026-10-25T03:30:00+01:00']], realHours: 2,
    },
    {
      name: 'Sao Paulo 2018 spring-forward: the day starts at 01:00',
      timeZone: 'America/Sao_Paulo', date: '2018-11-04', schedules: wholeDay,
      expected: [['2018-11-04T01:00:00-02:00', '2018-11-05T00:00:00-02:00']], realHours: 23,
    },
    {
      name: 'Sao Paulo 2018 fall-back at midnight: the day before has 25 hours',
      timeZone: 'America/Sao_Paulo', date: '2018-02-17', schedules: wholeDay,
      expected: [['2018-02-17T00:00:00-02:00', '2018-02-18T00:00:00-03:00']], realHours: 25,
    },
    {
      name: 'Beirut spring-forward: midnight is skipped',
      timeZone: 'Asia/Beirut', date: '2026-03-29', schedules: [schedule([slot('00:00', '02:00')])],
      expected: [['2026-03-29T01:00:00+03:00', '2026-03-29T02:00:00+03:00']], realHours: 1,
    },
    {
      name: 'Lord Howe spring-forward by 30 minutes',
      timeZone: 'Australia/Lord_Howe', date: '2026-10-04', schedules: earlyMorning,
      expected: [['2026-10-04T00:00:00+10:30', '2026-10-04T06:00:00+11:00']], realHours: 5.5,
    },
    {
      name: 'Lord Howe fall-back by 30 minutes',
      timeZone: 'Australia/Lord_Howe', date: '2026-04-05', schedules: earlyMorning,
      expected: [['2026-04-05T00:00:00+11:00', '2026-04-05T06:00:00+10:30']], realHours: 6.5,
    },
    {
      name: 'Kolkata has a half-hour offset and no DST',
      timeZone: 'Asia/Kolkata', date: '2026-03-29', schedules: [schedule([slot('09:00', '14:00')])],
      expected: [['2026-03-29T09:00:00+05:30', '2026-03-29T14:00:00+05:30']], realHours: 5,
    },
    {
      name: 'Chatham summer offset +13:45',
      timeZone: 'Pacific/Chatham', date: '2026-01-15', schedules: [schedule([slot('09:00', '14:00')])],
      expected: [['2026-01-15T09:00:00+13:45', '2026-01-15T14:00:00+13:45']],
    },
    {
      name: 'Chatham winter offset +12:45',
      timeZone: 'Pacific/Chatham', date: '2026-07-15', schedules: [schedule([slot('09:00', '14:00')])],
      expected: [['2026-07-15T09:00:00+12:45', '2026-07-15T14:00:00+12:45']],
    },
    {
      name: 'Chatham spring-forward at 02:45',
      timeZone: 'Pacific/Chatham', date: '2026-09-27', schedules: earlyMorning,
      expected: [['2026-09-27T00:00:00+12:45', '2026-09-27T06:00:00+13:45']], realHours: 5,
    },
    {
      name: 'Apia skipped 2011-12-30 entirely: no working time',
      timeZone: 'Pacific/Apia', date: '2011-12-30', schedules: wholeDay, expected: [],
    },
  ];

  it.each(cases)('$name', (testCase) => expectWorkingHours(testCase));

  it('America/Santiago spring-forward: the day starts at 01:00 because midnight is skipped', () => {
    const date = santiagoSpringForwardDate();
    const nextDate = Temporal.PlainDate.from(date).add({ days: 1 }).toString();
    expectWorkingHours({
      name: 'Santiago spring-forward',
      timeZone: 'America/Santiago', date, schedules: wholeDay,
      expected: [[`${date}T01:00:00-03:00`, `${nextDate}T00:00:00-03:00`]], realHours: 23,
    });
  });
});
