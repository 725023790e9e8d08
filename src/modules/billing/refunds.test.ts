import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundSplit } from './refunds.ts';

describe('refundSplit', () => {
  it.each<[string, { total: number; tax: number; refundedBefore: number; amount: number }, { net: number; tax: number }]>([
    ['a whole refund gives back the whole tax', { total: 18029, tax: 3129, refundedBefore: 0, amount: 18029 }, { net: 14900, tax: 3129 }],
    // 3129 × 5000 / 18029 = 867.76… → 868
    ['50.00 of 180.29 at 21 % carries 8.68 of IVA', { total: 18029, tax: 3129, refundedBefore: 0, amount: 5000 }, { net: 4132, tax: 868 }],
    ['the remainder carries what is left of the tax', { total: 18029, tax: 3129, refundedBefore: 5000, amount: 13029 }, { net: 10768, tax: 2261 }],
    // 21 × 50 / 121 = 8.677… → 9, then 21 − 9 = 12 for the other 71
    ['a small invoice split in two', { total: 121, tax: 21, refundedBefore: 0, amount: 50 }, { net: 41, tax: 9 }],
    ['reverse charge: no tax to split', { total: 14900, tax: 0, refundedBefore: 0, amount: 4900 }, { net: 4900, tax: 0 }],
  ])('%s', (_name, input, expected) => {
    expect(refundSplit(input)).toEqual(expected);
  });

  it('refuses nothing, more than is left, or negative figures', () => {
    expect(() => refundSplit({ total: 100, tax: 21, refundedBefore: 0, amount: 0 })).toThrow(RangeError);
    expect(() => refundSplit({ total: 100, tax: 21, refundedBefore: 60, amount: 41 })).toThrow(RangeError);
    expect(() => refundSplit({ total: 100, tax: -1, refundedBefore: 0, amount: 10 })).toThrow(RangeError);
  });

  it('always adds up: net + tax is each amount, and refunds of the whole total give back exactly its tax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 3000 }), fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), (total, rateBps, shares) => {
        const tax = Math.round((total * rateBps) / (10_000 + rateBps));
        let refunded = 0;
        let taxBack = 0;
        for (const share of shares) {
          const left = total - refunded;
          if (left === 0) break;
          const amount = Math.max(1, Math.min(left, Math.round(left * share)));
          const split = refundSplit({ total, tax, refundedBefore: refunded, amount });
          expect(split.net + split.tax).toBe(amount);
          expect(split.tax).toBeGreaterThanOrEqual(0);
          refunded += amount;
          taxBack += split.tax;
        }
        if (refunded < total) taxBack += refundSplit({ total, tax, refundedBefore: refunded, amount: total - refunded }).tax;
        expect(taxBack).toBe(tax);
      }),
    );
  });
});
