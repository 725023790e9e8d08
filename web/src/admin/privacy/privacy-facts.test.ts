import { describe, expect, it } from 'vitest';
import { byDueDate, deadlineOf, receivedAtFor, settingOr, withinRange, RETENTION } from './privacy-facts.ts';

const ZONE = 'Europe/Madrid';
const NOW = new Date('2026-03-10T10:00:00Z'); // 11:00 in Madrid

describe('deadlineOf', () => {
  it.each([
    { case: 'due in twelve days', due_at: '2026-03-22T09:00:00Z', overdue: false, expected: { state: 'later', days: 12 } },
    { case: 'due in a week is soon', due_at: '2026-03-17T09:00:00Z', overdue: false, expected: { state: 'soon', days: 7 } },
    { case: 'due tomorrow', due_at: '2026-03-11T08:00:00Z', overdue: false, expected: { state: 'soon', days: 1 } },
    { case: 'due later today', due_at: '2026-03-10T18:00:00Z', overdue: false, expected: { state: 'today', days: 0 } },
    { case: 'passed earlier today', due_at: '2026-03-10T07:00:00Z', overdue: true, expected: { state: 'overdue', days: 0 } },
    { case: 'three days overdue', due_at: '2026-03-07T12:00:00Z', overdue: true, expected: { state: 'overdue', days: 3 } },
    // 23:30 UTC on the 10th is already the 11th in Madrid: tomorrow there, not today.
    { case: 'the zone decides the day', due_at: '2026-03-10T23:30:00Z', overdue: false, expected: { state: 'soon', days: 1 } },
  ])('$case', ({ due_at, overdue, expected }) => {
    expect(deadlineOf({ due_at, overdue }, ZONE, NOW)).toEqual(expected);
  });

  it('counts a due instant already past as overdue even before the server says so', () => {
    expect(deadlineOf({ due_at: '2026-03-09T10:00:00Z', overdue: false }, ZONE, NOW)).toEqual({ state: 'overdue', days: 1 });
  });
});

describe('byDueDate', () => {
  it('puts the earliest due first', () => {
    const ordered = byDueDate([{ id: 'b', due_at: '2026-04-01T00:00:00Z' }, { id: 'a', due_at: '2026-02-01T00:00:00Z' }, { id: 'c', due_at: '2026-05-01T00:00:00Z' }]);
    expect(ordered.map((request) => request.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('retention settings', () => {
  it.each([
    { value: 12, expected: 12 },
    { value: 6, expected: 6 },
    { value: 120, expected: 120 },
    { value: 5, expected: null },
    { value: 121, expected: null },
    { value: 12.5, expected: null },
    { value: '', expected: null },
  ])('guest months $value → $expected', ({ value, expected }) => {
    expect(withinRange(value, RETENTION.guestMonths)).toBe(expected);
  });

  it('reads a stored number and falls back to the server default otherwise', () => {
    expect(settingOr({ guest_retention_months: 36 }, 'guest_retention_months', 24)).toBe(36);
    expect(settingOr({}, 'guest_retention_months', 24)).toBe(24);
    expect(settingOr(undefined, 'consent_evidence_retention_years', 3)).toBe(3);
  });
});

describe('receivedAtFor', () => {
  it('sends nothing for today and an instant on the picked day otherwise', () => {
    expect(receivedAtFor('2026-03-10', '2026-03-10')).toBeUndefined();
    const sent = receivedAtFor('2026-01-29', '2026-03-10');
    expect(sent && new Date(sent).getDate()).toBe(29);
  });
});
