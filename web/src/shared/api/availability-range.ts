import { ApiError, type EnvelopeData, type paths } from '@reservehub/api-client';

/** The availability answer and what the booking page makes of it (pure: no fetch, no React). */
export type Availability = EnvelopeData<paths['/api/v1/availability']['get']['responses']['200']['content']['application/json']>;

/** One bookable start on a local date, with the resources free then (the first is booked). */
export interface FreeSlot {
  start_time: string;
  end_time: string;
  timezone: string;
  resource_ids: string[];
  /** Places left at this start on each of `resource_ids` (1 for a person; more for a class). */
  places: number[];
}

/** Free starts per location-local date (YYYY-MM-DD), sorted by time; dates without any are absent. */
export type FreeSlotsByDate = Map<string, FreeSlot[]>;

/** "2026-03-01" + 3 → "2026-03-04" (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Merges the resources' slots into one list per date: a start is free when any resource is. */
export function freeSlotsByDate(parts: Availability[]): FreeSlotsByDate {
  const byDate = new Map<string, Map<string, FreeSlot>>();
  for (const part of parts) {
    for (const entry of part.resources) {
      for (const day of entry.dates) {
        for (const slot of day.slots) {
          if (!slot.available) continue;
          const starts = byDate.get(day.date) ?? new Map<string, FreeSlot>();
          byDate.set(day.date, starts);
          const key = new Date(slot.start_time).toISOString();
          const existing = starts.get(key);
          const places = slot.places_left ?? 1;
          if (existing) {
            existing.resource_ids.push(entry.resource.id);
            existing.places.push(places);
          } else {
            starts.set(key, { start_time: slot.start_time, end_time: slot.end_time, timezone: entry.timezone, resource_ids: [entry.resource.id], places: [places] });
          }
        }
      }
    }
  }
  const result: FreeSlotsByDate = new Map();
  for (const [date, starts] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    result.set(
      date,
      [...starts.values()].sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time)),
    );
  }
  return result;
}

type Fetch = (fromDate: string, toDate: string) => Promise<Availability>;

/**
 * Asks for [fromDate, toDate]; when the server answers AVAILABILITY_RANGE_TOO_LARGE (its work
 * bound depends on resources and slot steps), asks again in halves, down to single days.
 */
export async function fetchRangeSplitting(fetchRange: Fetch, fromDate: string, toDate: string): Promise<Availability[]> {
  try {
    return [await fetchRange(fromDate, toDate)];
  } catch (error) {
    const days = daysBetween(fromDate, toDate);
    if (!(error instanceof ApiError && error.code === 'AVAILABILITY_RANGE_TOO_LARGE') || days < 1) throw error;
    const middle = addDays(fromDate, Math.floor(days / 2));
    const [first, second] = await Promise.all([
      fetchRangeSplitting(fetchRange, fromDate, middle),
      fetchRangeSplitting(fetchRange, addDays(middle, 1), toDate),
    ]);
    return [...first, ...second];
  }
}
