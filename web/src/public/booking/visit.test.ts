import { describe, expect, it } from 'vitest';
import type { FreeSlot } from '../../shared/api/use-availability.ts';
import type { BookingPageService } from '../../shared/api/use-booking-page.ts';
import { depositOf, MAX_PARTY, partyLimit, startsAfter, visitBookings, visitEnd, visitTotals, type Visit } from './visit.ts';

function service(id: string, amount: number, deposit: BookingPageService['deposit'] = { type: 'none', value: 0 }): BookingPageService {
  return { id, category_id: null, name: id, description: null, duration_minutes: 30, price: { amount, currency: 'EUR' }, deposit, cancellation_policy: null, resource_ids: [] };
}

function slot(start: string, end: string, resources: string[], places?: number[]): FreeSlot {
  return { start_time: start, end_time: end, timezone: 'Europe/Madrid', resource_ids: resources, places: places ?? resources.map(() => 1) };
}

const corte = service('corte', 2000);
const color = service('color', 6500, { type: 'percentage', value: 30 });
const at10 = slot('2026-03-16T10:00:00+01:00', '2026-03-16T10:30:00+01:00', ['marta', 'javier']);

describe('depositOf', () => {
  it('applies the service\'s rule: none, percentage (rounded), fixed (never above the price), full', () => {
    expect(depositOf(corte)).toBe(0);
    expect(depositOf(color)).toBe(1950);
    expect(depositOf(service('x', 999, { type: 'percentage', value: 50 }))).toBe(500);
    expect(depositOf(service('x', 800, { type: 'fixed', value: 1000 }))).toBe(800);
    expect(depositOf(service('x', 800, { type: 'full', value: 0 }))).toBe(800);
  });
});

describe('a party: one service for several people at one start', () => {
  it('is as big as the places left at that start, up to the online limit', () => {
    expect(partyLimit(slot('2026-03-16T10:00:00+01:00', '2026-03-16T10:30:00+01:00', ['marta']))).toBe(1);
    expect(partyLimit(at10)).toBe(2);
    expect(partyLimit(slot('2026-03-16T10:00:00+01:00', '2026-03-16T11:00:00+01:00', ['sala'], [12]))).toBe(MAX_PARTY);
  });

  it('fills the resources in turn, and a class room several times', () => {
    expect(visitBookings({ items: [{ service: corte, slot: at10 }], party: 2 })).toEqual([
      { service_id: 'corte', resource_id: 'marta', start_time: '2026-03-16T10:00:00+01:00' },
      { service_id: 'corte', resource_id: 'javier', start_time: '2026-03-16T10:00:00+01:00' },
    ]);
    const yoga = slot('2026-03-16T10:00:00+01:00', '2026-03-16T11:00:00+01:00', ['sala', 'patio'], [2, 5]);
    expect(visitBookings({ items: [{ service: corte, slot: yoga }], party: 3 }).map((item) => item.resource_id)).toEqual(['sala', 'sala', 'patio']);
  });

  it('costs the price and the deposit once per person', () => {
    expect(visitTotals({ items: [{ service: color, slot: at10 }], party: 2 })).toEqual({ total: 13000, dueNow: 3900, currency: 'EUR' });
  });
});

describe('a sequence: one person\'s services one after another', () => {
  const after = slot('2026-03-16T10:30:00+01:00', '2026-03-16T12:00:00+01:00', ['marta', 'javier']);
  const visit: Visit = { items: [{ service: corte, slot: at10 }, { service: color, slot: after }], party: 1 };

  it('books each at its start, the next on another resource than the one just finished when it can', () => {
    expect(visitBookings(visit)).toEqual([
      { service_id: 'corte', resource_id: 'marta', start_time: '2026-03-16T10:00:00+01:00' },
      { service_id: 'color', resource_id: 'javier', start_time: '2026-03-16T10:30:00+01:00' },
    ]);
    const onlyMarta = { ...visit, items: [visit.items[0]!, { service: color, slot: { ...after, resource_ids: ['marta'], places: [1] } }] };
    expect(visitBookings(onlyMarta).map((item) => item.resource_id)).toEqual(['marta', 'marta']);
  });

  it('adds the prices and deposits, and ends when the last service ends', () => {
    expect(visitTotals(visit)).toEqual({ total: 8500, dueNow: 1950, currency: 'EUR' });
    expect(visitEnd(visit)).toBe('2026-03-16T12:00:00+01:00');
    expect(visitEnd({ items: [], party: 1 })).toBeNull();
  });

  it('offers the next service\'s starts from the end on, the nearest first', () => {
    const day = ['09:30', '10:00', '10:30', '11:00', '11:30'].map((time) => slot(`2026-03-16T${time}:00+01:00`, `2026-03-16T${time}:00+01:00`, ['lucia']));
    expect(startsAfter(day, '2026-03-16T10:30:00+01:00', 2).map((free) => free.start_time)).toEqual(['2026-03-16T10:30:00+01:00', '2026-03-16T11:00:00+01:00']);
    // The same instant written in UTC counts as back to back.
    expect(startsAfter(day, '2026-03-16T09:30:00Z')[0]?.start_time).toBe('2026-03-16T10:30:00+01:00');
  });
});
