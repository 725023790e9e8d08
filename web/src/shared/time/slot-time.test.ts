import { describe, expect, it } from 'vitest';
import { offsetMinutes, slotTime, startOfZonedDay, zoneCity, zonedDate } from './slot-time.ts';

const NY_BOOKS_MADRID = { customerZone: 'America/New_York', locationZone: 'Europe/Madrid' };

describe('slotTime: a customer in New York booking a business in Madrid', () => {
  it('on an ordinary winter day the customer is six hours behind, and both times are shown', () => {
    const time = slotTime('2026-03-02T10:00:00+01:00', { ...NY_BOOKS_MADRID, locale: 'es' });
    expect(time).toEqual({ customer: '4:00', location: '10:00', period: 'morning', customerDate: '2026-03-02' });
  });

  it('between the US and the EU daylight-saving changes the gap is five hours', () => {
    // New York moved its clocks on 8 March 2026, Madrid only on 29 March: 10:00 in Madrid is 05:00 in New York.
    const time = slotTime('2026-03-16T10:00:00+01:00', { ...NY_BOOKS_MADRID, locale: 'es' });
    expect(time.customer).toBe('5:00');
    expect(time.location).toBe('10:00');
    expect(offsetMinutes(new Date('2026-03-16T09:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(new Date('2026-03-16T09:00:00Z'), 'Europe/Madrid')).toBe(60);
  });

  it('after Madrid changes too the gap is six hours again, with summer offsets', () => {
    const time = slotTime('2026-03-30T10:00:00+02:00', { ...NY_BOOKS_MADRID, locale: 'es' });
    expect(time.customer).toBe('4:00');
    expect(time.location).toBe('10:00');
  });

  it('English uses the 12-hour clock and the period follows the customer\'s hour', () => {
    const time = slotTime('2026-03-16T19:30:00+01:00', { ...NY_BOOKS_MADRID, locale: 'en' });
    expect(time.customer).toMatch(/^2:30\sPM$/);
    expect(time.location).toMatch(/^7:30\sPM$/);
    expect(time.period).toBe('afternoon');
  });

  it('a late evening slot in Madrid can still be the same evening in New York; a night one is the day before', () => {
    expect(slotTime('2026-07-01T23:00:00+02:00', { ...NY_BOOKS_MADRID, locale: 'es' })).toMatchObject({ customer: '17:00', period: 'afternoon', customerDate: '2026-07-01' });
    expect(slotTime('2026-07-02T01:00:00+02:00', { ...NY_BOOKS_MADRID, locale: 'es' })).toMatchObject({ customer: '19:00', period: 'evening', customerDate: '2026-07-01' });
  });
});

describe('slotTime: same offset', () => {
  it('shows one time when the customer is in the location\'s zone', () => {
    const time = slotTime('2026-03-16T10:00:00+01:00', { customerZone: 'Europe/Madrid', locationZone: 'Europe/Madrid', locale: 'es' });
    expect(time).toEqual({ customer: '10:00', location: null, period: 'morning', customerDate: '2026-03-16' });
  });

  it('shows one time when two zones share the offset at that instant (Paris and Madrid)', () => {
    expect(slotTime('2026-03-16T10:00:00+01:00', { customerZone: 'Europe/Paris', locationZone: 'Europe/Madrid', locale: 'es' }).location).toBeNull();
  });

  it('refuses a string that is not an instant', () => {
    expect(() => slotTime('mañana', { ...NY_BOOKS_MADRID, locale: 'es' })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('zonedDate and zoneCity', () => {
    expect(zonedDate(new Date('2026-03-16T03:00:00Z'), 'America/New_York')).toBe('2026-03-15');
    expect(zoneCity('America/New_York')).toBe('New York');
    expect(zoneCity('Europe/Madrid')).toBe('Madrid');
  });
});

describe('startOfZonedDay', () => {
  it('is local midnight in the zone, on either side of a daylight-saving change', () => {
    // Madrid: winter UTC+1, summer UTC+2 (from 29 March 2026, 02:00 local).
    expect(startOfZonedDay('2026-03-28', 'Europe/Madrid').toISOString()).toBe('2026-03-27T23:00:00.000Z');
    expect(startOfZonedDay('2026-03-30', 'Europe/Madrid').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfZonedDay('2026-11-01', 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(startOfZonedDay('2026-11-02', 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });
});
