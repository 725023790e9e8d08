import { describe, expect, it } from 'vitest';
import { addInterval, prorate, remainingShare, upgradeProration } from './periods.ts';

describe('billing periods', () => {
  it('add a month to the same day, clamped to the last day of shorter months', () => {
    expect(addInterval(new Date('2026-01-31T10:00:00Z'), 'month').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addInterval(new Date('2028-01-31T10:00:00Z'), 'month').toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addInterval(new Date('2026-12-15T00:00:00Z'), 'month').toISOString()).toBe('2027-01-15T00:00:00.000Z');
    expect(addInterval(new Date('2028-02-29T08:30:00Z'), 'year').toISOString()).toBe('2029-02-28T08:30:00.000Z');
  });

  it('prorate the rest of a period, half up', () => {
    const start = new Date('2026-04-01T00:00:00Z');
    const end = new Date('2026-05-01T00:00:00Z');
    expect(remainingShare(start, end, new Date('2026-04-16T00:00:00Z'))).toBe(500_000);
    expect(remainingShare(start, end, new Date('2026-03-01T00:00:00Z'))).toBe(1_000_000);
    expect(remainingShare(start, end, new Date('2026-06-01T00:00:00Z'))).toBe(0);
    expect(prorate(4900, 500_000)).toBe(2450);
    expect(prorate(1, 500_000)).toBe(1);
    expect(prorate(3, 166_667)).toBe(1);
  });

  it('credit the unused old price and charge the new one for what is left', () => {
    // Starter 49.00 → Professional 149.00 with 10 of 30 days left.
    const proration = upgradeProration({
      oldAmount: 4900,
      newAmount: 14900,
      periodStart: new Date('2026-04-01T00:00:00Z'),
      periodEnd: new Date('2026-05-01T00:00:00Z'),
      now: new Date('2026-04-21T00:00:00Z'),
    });
    expect(proration).toEqual({ credit: 1633, charge: 4967, sharePpm: 333_333 });
  });
});
