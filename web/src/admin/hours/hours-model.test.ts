import rrulePackage from 'rrule';
import { describe, expect, it } from 'vitest';
import { occurrences, parseRule, ruleOf, seriesStart, splitReason, taggedReason, type RecurrenceForm } from './recurrence.ts';
import { copyMondayToWeekdays, slotsFromWeek, weekFromSlots, weekIssues, type Week } from './week-model.ts';

const { RRule } = rrulePackage;

/** The dates the server's engine (rrule, floating UTC) yields for a rule from `start`. */
function serverDates(rule: string, start: string, until: string): string[] {
  const options = RRule.parseString(rule.replace(/^RRULE:/, ''));
  const dates = new RRule({ ...options, dtstart: new Date(`${start}T00:00:00Z`), tzid: null }).between(new Date(`${start}T00:00:00Z`), new Date(`${until}T00:00:00Z`), true);
  return dates.map((date) => date.toISOString().slice(0, 10));
}

const block = (start: string, end: string, breaks: Array<[string, string]> = []) => ({ key: start, start, end, breaks: breaks.map(([from, to]) => ({ key: from, start: from, end: to })) });

describe('weekly schedule model', () => {
  it('reads the demo slots as one block with a break (short gap) and writes them back unchanged', () => {
    const slots = [
      { start: '09:30', end: '14:00', days: [1, 2, 3, 4, 5, 6] },
      { start: '16:00', end: '20:00', days: [1, 2, 3, 4, 5] },
    ];
    const week = weekFromSlots(slots);
    expect(week[1]).toMatchObject([{ start: '09:30', end: '20:00', breaks: [{ start: '14:00', end: '16:00' }] }]);
    expect(week[6]).toMatchObject([{ start: '09:30', end: '14:00', breaks: [] }]);
    expect(week[7]).toEqual([]);
    expect(slotsFromWeek(week)).toEqual(slots);
  });

  it('keeps far apart ranges as two blocks and midnight as 00:00 in the editor, 24:00 on the wire', () => {
    const week = weekFromSlots([
      { start: '08:00', end: '11:00', days: [2] },
      { start: '18:00', end: '24:00', days: [2] },
    ]);
    expect(week[2]).toMatchObject([{ start: '08:00', end: '11:00' }, { start: '18:00', end: '00:00' }]);
    expect(slotsFromWeek(week)).toEqual([
      { start: '08:00', end: '11:00', days: [2] },
      { start: '18:00', end: '24:00', days: [2] },
    ]);
  });

  it('names inverted and overlapping blocks and breaks outside or overlapping', () => {
    const week: Week = {
      1: [block('10:00', '09:00')],
      2: [block('09:00', '13:00'), block('12:00', '15:00')],
      3: [block('09:00', '17:00', [['08:00', '09:30']])],
      4: [block('09:00', '17:00', [['12:00', '13:00'], ['12:30', '14:00']])],
      5: [block('09:00', '', [])],
      6: [block('09:00', '17:00', [['09:00', '17:00']])],
      7: [],
    };
    const issues = weekIssues(week);
    expect(Object.fromEntries(issues)).toEqual({
      '1.0.end': 'endBeforeStart',
      '2.1.start': 'overlap',
      '3.0.b0.start': 'breakOutside',
      '4.0.b1.start': 'breakOverlap',
      '5.0.end': 'required',
      '6.0.b0.start': 'breakFills',
    });
    expect(weekIssues(copyMondayToWeekdays({ ...week, 1: [block('09:00', '18:00', [['13:00', '14:00']])] })).size).toBe(1);
  });
});

describe('recurring exceptions', () => {
  const base: RecurrenceForm = { frequency: 'weekly', interval: 2, days: [5], ordinal: 1, weekday: 1, start: '2026-12-09', until: '2027-06-30' };

  it('every other Friday: the same dates as the server engine, the rule read back', () => {
    const rule = ruleOf(base);
    expect(rule).toBe('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20270630');
    expect(occurrences(base)).toEqual(serverDates(rule, base.start, base.until));
    // From a Saturday, the coming Friday comes first (DTSTART moves to it), as the server reads it from there.
    const saturday = { ...base, start: '2026-12-05' };
    expect(seriesStart(saturday)).toBe('2026-12-11');
    expect(occurrences(saturday)).toEqual(serverDates(rule, '2026-12-11', base.until));
    expect(occurrences(base)[0]).toBe('2026-12-11');
    expect(parseRule(rule)).toEqual({ frequency: 'weekly', interval: 2, days: [5], ordinal: 1, weekday: 5, until: '2027-06-30' });
  });

  it('first and last weekday of each month, and several weekdays a week', () => {
    for (const form of [
      { ...base, frequency: 'monthly' as const, ordinal: 1 as const, weekday: 1 },
      { ...base, frequency: 'monthly' as const, ordinal: -1 as const, weekday: 5, start: '2027-01-31' },
      { ...base, interval: 1, days: [1, 3], start: '2026-12-10' },
      { ...base, interval: 3, days: [2, 6], start: '2026-12-13' },
    ]) {
      const rule = ruleOf(form);
      expect(occurrences(form), rule).toEqual(serverDates(rule, seriesStart(form) ?? '', form.until));
      expect(parseRule(rule)?.frequency).toBe(form.frequency);
    }
    expect(ruleOf({ ...base, frequency: 'monthly', ordinal: 1, weekday: 1 })).toBe('RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270630');
  });

  it('keeps the rule in the reason and reads it back', () => {
    const reason = taggedReason('Formación', 'RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270630');
    expect(reason).toBe('Formación [RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270630]');
    expect(splitReason(reason)).toEqual({ text: 'Formación', rule: 'RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270630' });
    expect(splitReason('Médico')).toEqual({ text: 'Médico', rule: null });
  });
});
