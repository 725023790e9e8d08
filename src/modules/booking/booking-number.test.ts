import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOOKING_NUMBER_ALPHABET,
  type RandomIndex,
  generateBookingNumber,
  isBookingNumber,
  normalizeBookingNumber,
} from './booking-number.ts';

/** A deterministic random source that walks through the given indexes. */
function scripted(indexes: readonly number[]): RandomIndex {
  let call = 0;
  return () => indexes[call++ % indexes.length] ?? 0;
}

describe('the alphabet', () => {
  it('has 30 distinct characters and none that looks like another', () => {
    expect(new Set(BOOKING_NUMBER_ALPHABET).size).toBe(30);
    expect(BOOKING_NUMBER_ALPHABET).toHaveLength(30);
    for (const confusable of ['0', 'O', '1', 'I', 'L', 'U']) {
      expect(BOOKING_NUMBER_ALPHABET).not.toContain(confusable);
    }
    expect(BOOKING_NUMBER_ALPHABET).toMatch(/^[2-9A-Z]+$/);
  });
});

describe('generateBookingNumber', () => {
  it('maps the random indexes onto the alphabet', () => {
    expect(generateBookingNumber(() => 0)).toBe('BK-2222222');
    expect(generateBookingNumber((max) => max - 1)).toBe('BK-ZZZZZZZ');
    expect(generateBookingNumber(scripted([0, 8, 9, 29, 10, 1, 25]))).toBe('BK-2ABZC3V');
  });

  it('asks the random source for indexes below the alphabet size', () => {
    const asked: number[] = [];
    generateBookingNumber((max) => {
      asked.push(max);
      return 0;
    });
    expect(asked).toEqual(Array.from({ length: 7 }, () => 30));
  });

  it.each([30, -1, 2.5, Number.NaN])('refuses a random source that returns %d', (bad) => {
    expect(() => generateBookingNumber(() => bad)).toThrow(RangeError);
  });

  it('produces valid numbers from the real random source with every character in use', () => {
    const samples = 10_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      const number = generateBookingNumber();
      expect(isBookingNumber(number)).toBe(true);
      for (const char of number.slice(3)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 70 000 characters over 30 symbols: ≈ 2 333 each, standard deviation ≈ 47.
    // ±25 % is more than 12 standard deviations, so this cannot fail by chance
    // yet still catches a biased or truncated mapping.
    const expected = (samples * 7) / 30;
    expect([...counts.keys()].sort().join('')).toBe([...BOOKING_NUMBER_ALPHABET].sort().join(''));
    for (const [char, count] of counts) {
      expect(count, `character ${char}`).toBeGreaterThan(expected * 0.75);
      expect(count, `character ${char}`).toBeLessThan(expected * 1.25);
    }
  });
});

describe('isBookingNumber', () => {
  it.each<[string, boolean]>([
    ['BK-7KQM3X9', true],
    ['BK-2222222', true],
    ['bk-7kqm3x9', false],
    ['BK7KQM3X9', false],
    ['BK-7KQM3X', false],
    ['BK-7KQM3X99', false],
    ['BK-7KQM0X9', false],
    ['BK-7KQM3XU', false],
    [' BK-7KQM3X9', false],
    ['XX-7KQM3X9', false],
  ])('%s → %s', (value, expected) => {
    expect(isBookingNumber(value)).toBe(expected);
  });
});

describe('normalizeBookingNumber', () => {
  it.each<[string, string | null, string]>([
    ['BK-7KQM3X9', 'BK-7KQM3X9', 'already canonical'],
    ['bk-7kqm3x9', 'BK-7KQM3X9', 'lower case'],
    ['  bk 7kq m3x9 ', 'BK-7KQM3X9', 'spaces'],
    ['BK-7KQ-M3X9', 'BK-7KQM3X9', 'grouped with a hyphen'],
    ['BK\u20137KQ.M3X9', 'BK-7KQM3X9', 'en dash and dot from a pasted email'],
    ['BK7KQM3X9', 'BK-7KQM3X9', 'no separator'],
    ['7kqm3x9', 'BK-7KQM3X9', 'bare code'],
    ['\uFF22\uFF2B\uFF0D\uFF17\uFF2B\uFF31\uFF2D\uFF13\uFF38\uFF19', 'BK-7KQM3X9', 'full-width input'],
    ['BK-BKBKBKB', 'BK-BKBKBKB', 'code that itself starts with BK'],
    ['BKBKBKB', 'BK-BKBKBKB', 'bare code that starts with BK'],
    ['BK-7KQM0X9', null, '0 is not in the alphabet'],
    ['BK-7KQMOX9', null, 'O is not in the alphabet'],
    ['BK-7KQM1X9', null, '1 is not in the alphabet'],
    ['BK-IKQLUX9', null, 'I, L and U are not in the alphabet'],
    ['BK-7KQM3X', null, 'too short'],
    ['BK-7KQM3X99', null, 'too long'],
    ['XY-7KQM3X9', null, 'wrong prefix'],
    ['', null, 'empty'],
  ])('%s → %s (%s)', (input, expected) => {
    expect(normalizeBookingNumber(input)).toBe(expected);
  });

  it('is idempotent and agrees with isBookingNumber on generated numbers', () => {
    const indexArb = fc.array(fc.integer({ min: 0, max: 29 }), { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(indexArb, fc.constantFrom('', ' ', '-'), (indexes, separator) => {
        const number = generateBookingNumber(scripted(indexes));
        const typed = `${number.slice(0, 3).toLowerCase()}${number.slice(3, 6)}${separator}${number.slice(6).toLowerCase()}`;
        const normalized = normalizeBookingNumber(typed);
        expect(normalized).toBe(number);
        expect(normalizeBookingNumber(number)).toBe(number);
        expect(isBookingNumber(number)).toBe(true);
      }),
    );
  });

  it('returns only canonical numbers or null for arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (input) => {
        const normalized = normalizeBookingNumber(input);
        return normalized === null || isBookingNumber(normalized);
      }),
    );
  });
});
