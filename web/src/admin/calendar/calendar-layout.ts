/**
 * Where things sit on the grid: pure geometry, so the drag, the click and the cards agree
 * (and a test can compute a drop point from the same numbers the page exposes as data attributes).
 */
import type { Booking } from '../desk/use-desk.ts';
import { zonedMinute, type MinuteRange } from './calendar-time.ts';

/** Pixels per minute: an hour is 96 px, a quarter 24 px (a comfortable touch target). */
export const PX_PER_MINUTE = 1.6;

export interface Column {
  /** `resourceId|date`: the droppable's id and the element's data attribute. */
  key: string;
  resourceId: string;
  date: string;
}

export const columnKey = (resourceId: string, date: string): string => `${resourceId}|${date}`;

/** A booking placed on a column: its wall-clock minutes there and its lane among overlapping ones. */
export interface PlacedBooking {
  booking: Booking;
  column: string;
  start: number;
  end: number;
  lane: number;
  lanes: number;
}

/** Where a booking would go: a column and a start minute (what a drop or an override says). */
export interface Placement {
  resourceId: string;
  date: string;
  minute: number;
  /** A new end minute (a resize waiting for the server); the booking's own length otherwise. */
  end?: number | undefined;
}

/**
 * Places bookings on their columns in the location's zone; `overrides` (a move waiting for the
 * server) win over the booking's own time. Bookings that overlap in a column share its width.
 */
export function placeBookings(bookings: readonly Booking[], zone: string, overrides: ReadonlyMap<string, Placement>, columns: ReadonlySet<string>): Map<string, PlacedBooking[]> {
  const byColumn = new Map<string, PlacedBooking[]>();
  for (const booking of bookings) {
    const startAt = zonedMinute(booking.start_time, zone);
    const duration = Math.max(5, Math.round((Date.parse(booking.end_time) - Date.parse(booking.start_time)) / 60_000));
    const override = overrides.get(booking.id);
    const resourceId = override?.resourceId ?? booking.resource.id;
    const date = override?.date ?? startAt.date;
    const start = override?.minute ?? startAt.minute;
    const column = `${resourceId}|${date}`;
    if (!columns.has(column)) continue;
    const placed = byColumn.get(column) ?? [];
    placed.push({ booking, column, start, end: Math.min(1440, override?.end ?? start + duration), lane: 0, lanes: 1 });
    byColumn.set(column, placed);
  }
  for (const placed of byColumn.values()) {
    placed.sort((a, b) => a.start - b.start || a.end - b.end);
    // Greedy lanes per cluster of overlapping bookings.
    let cluster: PlacedBooking[] = [];
    let clusterEnd = -1;
    const close = () => {
      const lanes = Math.max(1, ...cluster.map((item) => item.lane + 1));
      for (const item of cluster) item.lanes = lanes;
      cluster = [];
    };
    for (const item of placed) {
      if (item.start >= clusterEnd) close();
      const laneEnds = new Map<number, number>();
      for (const other of cluster) laneEnds.set(other.lane, Math.max(laneEnds.get(other.lane) ?? 0, other.end));
      let lane = 0;
      while ((laneEnds.get(lane) ?? -1) > item.start) lane += 1;
      item.lane = lane;
      cluster.push(item);
      clusterEnd = Math.max(clusterEnd, item.end);
    }
    close();
  }
  return byColumn;
}

/** Wall-clock ranges of the bookings (to frame the grid). */
export function bookingRanges(placed: Map<string, PlacedBooking[]>): MinuteRange[] {
  return [...placed.values()].flat().map((item) => ({ start: item.start, end: item.end }));
}
