import { describe, expect, it } from 'vitest';
import { ApiError } from '@reservehub/api-client';
import { addDays, daysBetween, fetchRangeSplitting, freeSlotsByDate, type Availability } from './availability-range.ts';

function answer(resourceId: string, date: string, slots: [string, boolean, number?][]): Availability {
  return {
    service: { id: 's', name: 'Corte', duration_minutes: 30, buffer_before_minutes: 0, buffer_after_minutes: 0, slot_interval_minutes: 30, capacity: 1, min_notice_minutes: 0, max_advance_days: 60, price: { amount: 2000, currency: 'EUR' } },
    resources: [
      {
        resource: { id: resourceId, name: resourceId, type: 'staff', location_id: 'l' },
        timezone: 'Europe/Madrid',
        dates: [{ date, slots: slots.map(([start, available, places]) => ({ start_time: start, end_time: start, available, ...(places === undefined ? {} : { places_left: places }) })) }],
      },
    ],
    business_hours: [],
  } as Availability;
}

describe('calendar arithmetic', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
  });
});

describe('fetchRangeSplitting', () => {
  it('asks once when the server accepts the range', async () => {
    const asked: string[] = [];
    await fetchRangeSplitting(async (from, to) => (asked.push(`${from}..${to}`), answer('r', from, [])), '2026-03-01', '2026-03-31');
    expect(asked).toEqual(['2026-03-01..2026-03-31']);
  });

  it('splits in halves while the server answers AVAILABILITY_RANGE_TOO_LARGE, covering every day once', async () => {
    const asked: [string, string][] = [];
    const parts = await fetchRangeSplitting(
      async (from, to) => {
        if (daysBetween(from, to) + 1 > 8) throw new ApiError({ code: 'AVAILABILITY_RANGE_TOO_LARGE', status: 400, message: 'too large' });
        asked.push([from, to]);
        return answer('r', from, []);
      },
      '2026-03-01',
      '2026-03-31',
    );
    expect(parts).toHaveLength(asked.length);
    const covered = asked.flatMap(([from, to]) => Array.from({ length: daysBetween(from, to) + 1 }, (_, day) => addDays(from, day))).sort();
    expect(covered).toEqual(Array.from({ length: 31 }, (_, day) => addDays('2026-03-01', day)));
  });

  it('passes any other error on', async () => {
    const failing = fetchRangeSplitting(async () => {
      throw new ApiError({ code: 'NETWORK_ERROR', status: 0, message: 'offline' });
    }, '2026-03-01', '2026-03-31');
    await expect(failing).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});

describe('freeSlotsByDate', () => {
  it('keeps free starts only, merges resources free at the same instant (with the places each has left) and sorts by time', () => {
    const merged = freeSlotsByDate([
      answer('ana', '2026-03-16', [
        ['2026-03-16T10:30:00+01:00', true],
        ['2026-03-16T10:00:00+01:00', true],
        ['2026-03-16T11:00:00+01:00', false],
      ]),
      answer('luis', '2026-03-16', [['2026-03-16T09:00:00Z', true, 3]]),
      answer('luis', '2026-03-17', [['2026-03-17T10:00:00+01:00', false]]),
    ]);
    expect([...merged.keys()]).toEqual(['2026-03-16']);
    const day = merged.get('2026-03-16') ?? [];
    expect(day.map((slot) => [slot.start_time, slot.resource_ids, slot.places])).toEqual([
      ['2026-03-16T10:00:00+01:00', ['ana', 'luis'], [1, 3]],
      ['2026-03-16T10:30:00+01:00', ['ana'], [1]],
    ]);
  });
});
