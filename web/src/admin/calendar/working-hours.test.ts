import { describe, expect, it } from 'vitest';
import { complement, instantOf, isoWithOffset, visibleDates, zonedMinute } from './calendar-time.ts';
import { columnHours, gridBounds, ruleYields, type ScheduleLike } from './working-hours.ts';

const R = 'resource-1';
const weekdays: ScheduleLike = {
  resource_id: R,
  start_date: '2026-01-05',
  end_date: null,
  recurrence_rule: null,
  time_slots: [
    { start: '09:30', end: '14:00', days: [1, 2, 3, 4, 5, 6] },
    { start: '16:00', end: '20:00', days: [1, 2, 3, 4, 5] },
  ],
  is_active: true,
};

describe('calendar time in the location zone', () => {
  it('places an instant on the location wall clock whatever the browser zone', () => {
    // 09:00 UTC is 10:00 in Madrid in winter and 11:00 in summer; 05:00 in New York in summer.
    expect(zonedMinute('2026-01-15T09:00:00Z', 'Europe/Madrid')).toEqual({ date: '2026-01-15', minute: 600 });
    expect(zonedMinute('2026-07-15T09:00:00Z', 'Europe/Madrid')).toEqual({ date: '2026-07-15', minute: 660 });
    expect(zonedMinute('2026-07-15T03:00:00Z', 'America/New_York')).toEqual({ date: '2026-07-14', minute: 23 * 60 });
  });

  it('turns a wall-clock minute back into the instant, across a DST change', () => {
    expect(instantOf('2026-03-29', 600, 'Europe/Madrid').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(instantOf('2026-03-28', 600, 'Europe/Madrid').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(isoWithOffset(instantOf('2026-03-29', 630, 'Europe/Madrid'), 'Europe/Madrid')).toBe('2026-03-29T10:30:00+02:00');
    expect(isoWithOffset(instantOf('2026-01-10', 545, 'America/New_York'), 'America/New_York')).toBe('2026-01-10T09:05:00-05:00');
  });

  it('shows Monday to Sunday in the week view', () => {
    expect(visibleDates('2026-03-12', 'week')).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15']);
    expect(visibleDates('2026-03-12', 'day')).toEqual(['2026-03-12']);
  });

  it('shades the gaps between working ranges', () => {
    expect(complement([{ start: 570, end: 840 }, { start: 960, end: 1200 }], 480, 1260)).toEqual([
      { start: 480, end: 570 },
      { start: 840, end: 960 },
      { start: 1200, end: 1260 },
    ]);
    expect(complement([], 480, 600)).toEqual([{ start: 480, end: 600 }]);
  });
});

describe('working hours of a column', () => {
  const none = { exceptions: [], closures: [] };

  it('reads the weekly slots of the weekday (Thursday: morning and afternoon; Saturday: morning; Sunday: off)', () => {
    expect(columnHours(R, '2026-03-12', { schedules: [weekdays], ...none }).ranges).toEqual([{ start: 570, end: 840 }, { start: 960, end: 1200 }]);
    expect(columnHours(R, '2026-03-14', { schedules: [weekdays], ...none }).ranges).toEqual([{ start: 570, end: 840 }]);
    expect(columnHours(R, '2026-03-15', { schedules: [weekdays], ...none }).ranges).toEqual([]);
    expect(columnHours('another', '2026-03-12', { schedules: [weekdays], ...none }).ranges).toEqual([]);
  });

  it('respects date bounds, inactive schedules and recurrence rules', () => {
    expect(columnHours(R, '2026-01-02', { schedules: [weekdays], ...none }).ranges).toEqual([]);
    expect(columnHours(R, '2026-03-12', { schedules: [{ ...weekdays, is_active: false }], ...none }).ranges).toEqual([]);
    const fortnightly = { ...weekdays, recurrence_rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR,SA' };
    expect(columnHours(R, '2026-01-22', { schedules: [fortnightly], ...none }).ranges).toHaveLength(2);
    expect(columnHours(R, '2026-01-15', { schedules: [fortnightly], ...none }).ranges).toEqual([]);
    expect(ruleYields('FREQ=WEEKLY', '2026-01-05', '2026-01-12')).toBe(true);
    expect(ruleYields('FREQ=WEEKLY', '2026-01-05', '2026-01-13')).toBe(false);
    expect(ruleYields('FREQ=DAILY;INTERVAL=3', '2026-01-05', '2026-01-08')).toBe(true);
    expect(ruleYields('FREQ=DAILY;UNTIL=20260107T000000Z', '2026-01-05', '2026-01-08')).toBe(false);
  });

  it('lets an exception replace the day and a closure close it, with the reason', () => {
    const exceptions = [
      { resource_id: R, exception_date: '2026-03-12', type: 'custom_hours' as const, custom_hours: [{ start: '12:00', end: '15:00' }], reason: 'Training' },
      { resource_id: R, exception_date: '2026-03-13', type: 'unavailable' as const, custom_hours: null, reason: 'Doctor' },
    ];
    expect(columnHours(R, '2026-03-12', { schedules: [weekdays], exceptions, closures: [] })).toEqual({ ranges: [{ start: 720, end: 900 }], note: { kind: 'custom_hours', reason: 'Training' } });
    expect(columnHours(R, '2026-03-13', { schedules: [weekdays], exceptions, closures: [] })).toEqual({ ranges: [], note: { kind: 'unavailable', reason: 'Doctor' } });
    const closures = [{ closure_date: '2026-03-12', reason: 'Festivo' }];
    expect(columnHours(R, '2026-03-12', { schedules: [weekdays], exceptions, closures })).toEqual({ ranges: [], note: { kind: 'closure', reason: 'Festivo' } });
  });

  it('frames the grid around the work and the bookings of the view', () => {
    const thursday = columnHours(R, '2026-03-12', { schedules: [weekdays], ...none });
    expect(gridBounds([thursday])).toEqual({ start: 480, end: 1260 });
    expect(gridBounds([thursday], [{ start: 7 * 60 + 30, end: 8 * 60 }])).toEqual({ start: 360, end: 1260 });
    expect(gridBounds([])).toEqual({ start: 480, end: 1200 });
  });
});
