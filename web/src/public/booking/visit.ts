/**
 * What a guest is booking in one go (RF5.8): one service at a chosen time, optionally for several
 * people (a party) or followed by more services back to back (a sequence). Pure: what the page
 * shows and what POST /bookings(/batch) is sent, with no React.
 */
import type { FreeSlot } from '../../shared/api/use-availability.ts';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';

/** One service at one free start. */
export interface VisitItem {
  service: BookingPageService;
  slot: FreeSlot;
}

export interface Visit {
  /** The first service and time, then any added one after the other. */
  items: VisitItem[];
  /** People booking the first service together (1 unless a party); a party books no other service. */
  party: number;
}

/** Online a party is at most this big: the API's limit of upcoming public bookings per person. */
export const MAX_PARTY = 5;

/** What the service asks up front, in minor units (its deposit rule applied to its price). */
export function depositOf(service: Pick<BookingPageService, 'deposit' | 'price'>): number {
  const { deposit, price } = service;
  if (deposit.type === 'fixed') return Math.min(deposit.value, price.amount);
  if (deposit.type === 'percentage') return Math.round((price.amount * deposit.value) / 100);
  if (deposit.type === 'full') return price.amount;
  return 0;
}

/** How many people can book this start together: every place left on every resource, up to MAX_PARTY. */
export function partyLimit(slot: FreeSlot): number {
  const places = slot.resource_ids.reduce((sum, _id, index) => sum + (slot.places[index] ?? 1), 0);
  return Math.max(1, Math.min(MAX_PARTY, places));
}

/** The bookings a visit makes, in order: a party fills the start's places resource by resource. */
export function visitBookings(visit: Visit): Array<{ service_id: string; resource_id: string; start_time: string }> {
  const [first, ...rest] = visit.items;
  if (!first) return [];
  if (visit.party > 1) {
    const seats = first.slot.resource_ids.flatMap((id, index) => Array.from({ length: first.slot.places[index] ?? 1 }, () => id));
    return seats.slice(0, visit.party).map((resource_id) => ({ service_id: first.service.id, resource_id, start_time: first.slot.start_time }));
  }
  const used: Array<{ resource: string; end: number }> = [];
  return [first, ...rest].map(({ service, slot }) => {
    // Back to back on the resource that just finished risks its clean-up time: another free one is preferred.
    const start = Date.parse(slot.start_time);
    const resource = slot.resource_ids.find((id) => !used.some((booked) => booked.resource === id && booked.end >= start)) ?? (slot.resource_ids[0] as string);
    used.push({ resource, end: Date.parse(slot.end_time) });
    return { service_id: service.id, resource_id: resource, start_time: slot.start_time };
  });
}

/** The price of everything booked and what is paid now, in the first service's currency. */
export function visitTotals(visit: Visit): { total: number; dueNow: number; currency: string } {
  const people = visit.party > 1 ? visit.party : 1;
  const items = visit.party > 1 ? visit.items.slice(0, 1) : visit.items;
  return {
    total: items.reduce((sum, { service }) => sum + service.price.amount * people, 0),
    dueNow: items.reduce((sum, { service }) => sum + depositOf(service) * people, 0),
    currency: visit.items[0]?.service.price.currency ?? 'EUR',
  };
}

/** When the visit's last service ends: where the next one may start. */
export function visitEnd(visit: Visit): string | null {
  const ends = visit.items.map((item) => item.slot.end_time);
  return ends.reduce<string | null>((latest, end) => (latest === null || Date.parse(end) > Date.parse(latest) ? end : latest), null);
}

/** The free starts of another service from `after` on (back to back first), the nearest `limit`. */
export function startsAfter(slots: readonly FreeSlot[], after: string, limit = 8): FreeSlot[] {
  const from = Date.parse(after);
  return slots.filter((slot) => Date.parse(slot.start_time) >= from).slice(0, limit);
}
