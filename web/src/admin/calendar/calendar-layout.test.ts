import { describe, expect, it } from 'vitest';
import type { Booking } from '../desk/use-desk.ts';
import { columnKey, placeBookings, type Placement } from './calendar-layout.ts';

const ZONE = 'Europe/Madrid';

function booking(id: string, resourceId: string, start: string, end: string): Booking {
  return { id, resource: { id: resourceId, name: resourceId, type: 'staff' }, start_time: start, end_time: end } as Booking;
}

describe('placing bookings on the grid', () => {
  const columns = new Set([columnKey('marta', '2026-03-12'), columnKey('javier', '2026-03-12')]);

  it('puts each booking on its resource and local date at its wall-clock minutes in the location zone', () => {
    const placed = placeBookings([booking('a', 'marta', '2026-03-12T09:00:00Z', '2026-03-12T09:30:00Z')], ZONE, new Map(), columns);
    expect(placed.get('marta|2026-03-12')).toMatchObject([{ start: 600, end: 630, lane: 0, lanes: 1 }]);
    // A booking of a column the view does not show (another resource or day) is left out.
    const elsewhere = placeBookings([booking('b', 'lucia', '2026-03-12T09:00:00Z', '2026-03-12T10:00:00Z'), booking('c', 'marta', '2026-03-13T09:00:00Z', '2026-03-13T10:00:00Z')], ZONE, new Map(), columns);
    expect(elsewhere.size).toBe(0);
  });

  it('shares the width among overlapping bookings and gives it back after them', () => {
    const placed = placeBookings(
      [
        booking('a', 'marta', '2026-03-12T09:00:00Z', '2026-03-12T10:00:00Z'),
        booking('b', 'marta', '2026-03-12T09:30:00Z', '2026-03-12T10:30:00Z'),
        booking('c', 'marta', '2026-03-12T11:00:00Z', '2026-03-12T11:30:00Z'),
      ],
      ZONE,
      new Map(),
      columns,
    ).get('marta|2026-03-12');
    expect(placed?.map((item) => [item.booking.id, item.lane, item.lanes])).toEqual([
      ['a', 0, 2],
      ['b', 1, 2],
      ['c', 0, 1],
    ]);
  });

  it('draws a move waiting for the server where it was dropped', () => {
    const overrides = new Map<string, Placement>([['a', { resourceId: 'javier', date: '2026-03-12', minute: 780 }]]);
    const placed = placeBookings([booking('a', 'marta', '2026-03-12T09:00:00Z', '2026-03-12T09:30:00Z')], ZONE, overrides, columns);
    expect(placed.get('marta|2026-03-12')).toBeUndefined();
    expect(placed.get('javier|2026-03-12')).toMatchObject([{ start: 780, end: 810 }]);
  });
});
