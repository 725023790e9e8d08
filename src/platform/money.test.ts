import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_CODES,
  capRefund,
  formatMoney,
  isCurrency,
  isMinorAmount,
  minorUnitExponent,
  money,
  moneySchema,
  percentOf,
  sumMoney,
  toMajorString,
} from './money.ts';

/** ICU separates symbol and digits with no-break spaces; tests compare plain spaces. */
const plainSpaces = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

const amountArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const basisPointsArb = fc.integer({ min: 0, max: 10_000 });

describe('minor-unit exponents', () => {
  it.each([
    ['JPY', 0], ['KRW', 0], ['CLP', 0], ['ISK', 0], ['VND', 0], ['XOF', 0], ['XPF', 0], ['UGX', 0],
    ['EUR', 2], ['USD', 2], ['GBP', 2], ['MXN', 2], ['COP', 2], ['HUF', 2], ['IDR', 2],
    ['KWD', 3], ['BHD', 3], ['JOD', 3], ['OMR', 3], ['TND', 3], ['LYD', 3], ['IQD', 3],
    ['CLF', 4], ['UYW', 4],
  ])('%s has %i decimals', (code, exponent) => {
    expect(isCurrency(code)).toBe(true);
    expect(minorUnitExponent(code)).toBe(exponent);
  });

  it.each([
    ['eur', 'lower case is not canonical'],
    ['XAU', 'gold has no minor unit'],
    ['XXX', 'the "no currency" code'],
    ['HRK', 'withdrawn in 2023'],
    ['EURO', 'not three letters'],
    ['', 'empty'],
    ['constructor', 'an Object.prototype key'],
  ])('rejects %s (%s)', (code) => {
    expect(isCurrency(code)).toBe(false);
    expect(() => minorUnitExponent(code)).toThrow(RangeError);
  });

  it('lists a plausible set of active codes, each three upper-case letters', () => {
    expect(CURRENCY_CODES.length).toBeGreaterThanOrEqual(150);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });
});

describe('money validation', () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects amount %d', (amount) => {
    expect(isMinorAmount(amount)).toBe(false);
    expect(() => money(amount, 'EUR')).toThrow(RangeError);
  });

  it('accepts zero and the largest safe integer', () => {
    expect(money(0, 'EUR')).toEqual({ amount: 0, currency: 'EUR' });
    expect(money(Number.MAX_SAFE_INTEGER, 'JPY').amount).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects an unknown currency', () => {
    expect(() => money(100, 'ABC')).toThrow(RangeError);
  });

  it('moneySchema accepts API money and rejects floats, negatives, lower case and extra keys', () => {
    expect(moneySchema.safeParse({ amount: 4500, currency: 'EUR' }).success).toBe(true);
    for (const bad of [
      { amount: 45.5, currency: 'EUR' },
      { amount: -1, currency: 'EUR' },
      { amount: 4500, currency: 'eur' },
      { amount: 4500, currency: 'XAU' },
      { amount: 4500, currency: 'EUR', note: 'x' },
    ]) {
      expect(moneySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('percentOf', () => {
  it.each([
    [10_000, 5_000, 5_000, '50 % of 100.00'],
    [4_500, 2_500, 1_125, '25 % of 45.00'],
    [5, 1_000, 1, '10 % of 5 is 0.5, rounds up'],
    [15, 1_000, 2, '10 % of 15 is 1.5, rounds up'],
    [3, 1_250, 0, '0.375 rounds down'],
    [1, 4_999, 0, '0.4999 rounds down'],
    [1, 5_000, 1, 'exactly half rounds up'],
    [999, 350, 35, '3.5 % fee of 9.99 is 34.965'],
    [0, 10_000, 0, 'nothing of nothing'],
    [123, 0, 0, '0 %'],
    [123, 10_000, 123, '100 %'],
    [200, 15_000, 300, '150 % surcharge'],
    [Number.MAX_SAFE_INTEGER, 10_000, Number.MAX_SAFE_INTEGER, 'exact beyond 2^53 intermediates'],
  ])('percentOf(%i, %i) = %i (%s)', (amount, bp, expected) => {
    expect(percentOf(amount, bp)).toBe(expected);
  });

  it.each([
    [-1, 100], [1.5, 100], [100, -1], [100, 12.5], [100, Number.NaN],
  ])('rejects percentOf(%d, %d)', (amount, bp) => {
    expect(() => percentOf(amount, bp)).toThrow(RangeError);
  });

  it('rejects a result outside the safe integer range', () => {
    expect(() => percentOf(Number.MAX_SAFE_INTEGER, 20_000)).toThrow(RangeError);
  });

  it('is within half a minor unit of the exact value, ties rounding up', () => {
    fc.assert(
      fc.property(amountArb, basisPointsArb, (amount, bp) => {
        const exact = BigInt(amount) * BigInt(bp);
        const error = BigInt(percentOf(amount, bp)) * 10_000n - exact;
        // error in units of 1/10 000 minor unit: (-0.5, +0.5]
        return error > -5_000n && error <= 5_000n;
      }),
    );
  });

  it('never refunds more than the amount paid, and grows with the percentage', () => {
    fc.assert(
      fc.property(amountArb, basisPointsArb, basisPointsArb, (amount, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowRefund = percentOf(amount, low);
        const highRefund = percentOf(amount, high);
        return lowRefund <= highRefund && highRefund <= amount && lowRefund >= 0;
      }),
    );
  });
});

describe('capRefund', () => {
  it('two uncapped 50 % refunds of 1 cent would return 2 cents; capped they return 1', () => {
    const half = percentOf(1, 5_000);
    expect(half + half).toBe(2);
    const first = capRefund(half, 1, 0);
    const second = capRefund(half, 1, first);
    expect(first + second).toBe(1);
  });

  it('bounds the sum of any sequence of partial refunds by the amount paid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(basisPointsArb, { maxLength: 20 }),
        (paid, percentages) => {
          let refunded = 0;
          for (const bp of percentages) {
            const refund = capRefund(percentOf(paid, bp), paid, refunded);
            if (refund < 0) return false;
            refunded += refund;
          }
          return refunded <= paid;
        },
      ),
    );
  });

  it('rejects more already refunded than paid', () => {
    expect(() => capRefund(1, 100, 101)).toThrow(RangeError);
  });
});

describe('sumMoney', () => {
  it('adds amounts of one currency', () => {
    expect(sumMoney('EUR', [money(150, 'EUR'), money(250, 'EUR')])).toEqual({ amount: 400, currency: 'EUR' });
    expect(sumMoney('JPY', [])).toEqual({ amount: 0, currency: 'JPY' });
  });

  it('refuses to mix currencies or overflow', () => {
    expect(() => sumMoney('EUR', [money(1, 'EUR'), money(1, 'USD')])).toThrow(RangeError);
    expect(() => sumMoney('EUR', [money(Number.MAX_SAFE_INTEGER, 'EUR'), money(1, 'EUR')])).toThrow(RangeError);
  });
});

describe('toMajorString', () => {
  it.each([
    [0, 'EUR', '0.00'],
    [5, 'EUR', '0.05'],
    [4_500, 'EUR', '45.00'],
    [123_456, 'USD', '1234.56'],
    [4_500, 'JPY', '4500'],
    [0, 'JPY', '0'],
    [1, 'KWD', '0.001'],
    [12_345, 'KWD', '12.345'],
    [12_345, 'CLF', '1.2345'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
  ])('%i %s → %s', (amount, currency, expected) => {
    expect(toMajorString({ amount, currency })).toBe(expected);
  });

  it('round-trips to the same minor amount with exactly the currency decimals', () => {
    fc.assert(
      fc.property(amountArb, fc.constantFrom(...CURRENCY_CODES), (amount, currency) => {
        const major = toMajorString({ amount, currency });
        const exponent = minorUnitExponent(currency);
        const decimals = major.includes('.') ? (major.split('.')[1] ?? '').length : 0;
        return decimals === exponent && BigInt(major.replace('.', '')) === BigInt(amount);
      }),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [{ amount: 123_450, currency: 'EUR' }, 'es-ES', '1234,50 €'],
    [{ amount: 1_234_550, currency: 'EUR' }, 'es-ES', '12.345,50 €'],
    [{ amount: 123_450, currency: 'USD' }, 'en-US', '$1,234.50'],
    [{ amount: 4_500, currency: 'JPY' }, 'en-US', '¥4,500'],
    [{ amount: 12_345, currency: 'KWD' }, 'en-US', 'KWD 12.345'],
    // ICU would show IQD without decimals; the ISO exponent keeps the fils.
    [{ amount: 1_500, currency: 'IQD' }, 'en-US', 'IQD 1.500'],
    [{ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }, 'en-US', '$90,071,992,547,409.91'],
  ])('formats %o in %s as %s', (m, locale, expected) => {
    expect(plainSpaces(formatMoney(m, locale))).toBe(expected);
  });

  it('formats every supported currency without throwing', () => {
    for (const currency of CURRENCY_CODES) {
      expect(formatMoney({ amount: 123_456, currency }, 'en')).toMatch(/\d/);
    }
  });

  it('rejects an invalid amount instead of formatting it', () => {
    expect(() => formatMoney({ amount: -5, currency: 'EUR' }, 'en')).toThrow(RangeError);
  });
});
