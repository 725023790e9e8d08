import { describe, expect, it } from 'vitest';
import { multiResourceSlots, type ResourceGroup } from './multi-resource.ts';
import type { Slot } from './slot-engine.ts';

const NINE = Date.parse('2026-03-30T09:00:00+02:00');
const SERVICE_MS = 30 * 60_000;

/** Slots of one resource at 09:00, 09:30, … given as free (`o`), booked (`x`) or not working (`.`). */
function slotsFromPattern(pattern: string): Slot[] {
  return [...pattern].flatMap((mark, index): Slot[] => {
    if (mark === '.') return [];
    const start = NINE + index * SERVICE_MS;
    const free = mark === 'o';
    return [{ start, end: start + SERVICE_MS, available: free, places_left: free ? 1 : 0 }];
  });
}

function groupsFrom(spec: Record<string, Record<string, string>>): ResourceGroup[] {
  return Object.entries(spec).map(([group, resources]) => ({
    group,
    resources: Object.entries(resources).map(([resourceId, pattern]) => ({ resourceId, slots: slotsFromPattern(pattern) })),
  }));
}

/** Combined result per start, `HH:MM` local to Madrid: `room=A therapist=X`, `booked`, or absent. */
function describeCombined(groups: ResourceGroup[]): string[] {
  return multiResourceSlots(groups).map((slot) => {
    const minutes = (slot.start - NINE) / 60_000;
    const clock = `${String(9 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const who = slot.assignments.map((assignment) => `${assignment.group}=${assignment.resourceId}`).join(' ');
    return `${clock} ${slot.available ? who : 'booked'}`;
  });
}

describe('multiResourceSlots', () => {
  const cases: { name: string; spec: Record<string, Record<string, string>>; expected: string[] }[] = [
    {
      name: 'free only when both the therapist and the room are free',
      spec: { therapist: { ana: 'ooxo' }, room: { r1: 'oxoo' } },
      expected: ['09:00 therapist=ana room=r1', '09:30 booked', '10:00 booked', '10:30 therapist=ana room=r1'],
    },
    {
      name: 'the first free resource of a group is used, in the given order',
      spec: { therapist: { ana: 'xoo', ben: 'oxo' }, room: { r1: 'ooo' } },
      expected: ['09:00 therapist=ben room=r1', '09:30 therapist=ana room=r1', '10:00 therapist=ana room=r1'],
    },
    {
      name: 'any resource of the group may fill it, per start',
      spec: { therapist: { ana: 'ox' }, room: { r1: 'xo', r2: 'ox' } },
      expected: ['09:00 therapist=ana room=r2', '09:30 booked'],
    },
    {
      name: 'a start outside every working hours of a group is not listed',
      spec: { therapist: { ana: 'ooo' }, room: { r1: '.oo' } },
      expected: ['09:30 therapist=ana room=r1', '10:00 therapist=ana room=r1'],
    },
    {
      name: 'a start where a group works but is fully booked is listed as booked',
      spec: { therapist: { ana: 'oo' }, room: { r1: 'x.', r2: '.x' } },
      expected: ['09:00 booked', '09:30 booked'],
    },
    {
      name: 'a group with no resources makes nothing available',
      spec: { therapist: { ana: 'oo' }, room: {} },
      expected: [],
    },
    {
      name: 'a single group is just its best resource per start',
      spec: { therapist: { ana: 'o.x', ben: 'xoo' } },
      expected: ['09:00 therapist=ana', '09:30 therapist=ben', '10:00 therapist=ben'],
    },
  ];

  it.each(cases)('$name', ({ name, spec, expected }) => {
    expect(describeCombined(groupsFrom(spec)), name).toEqual(expected);
  });

  it('returns nothing when no group is required', () => {
    expect(multiResourceSlots([])).toEqual([]);
  });

  it('rejects slot lists computed for different durations', () => {
    const groups: ResourceGroup[] = [
      { group: 'therapist', resources: [{ resourceId: 'ana', slots: [{ start: NINE, end: NINE + SERVICE_MS, available: true, places_left: 1 }] }] },
      { group: 'room', resources: [{ resourceId: 'r1', slots: [{ start: NINE, end: NINE + 2 * SERVICE_MS, available: true, places_left: 1 }] }] },
    ];
    expect(() => multiResourceSlots(groups)).toThrow(RangeError);
  });
});
