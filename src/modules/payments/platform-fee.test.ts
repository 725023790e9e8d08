import { describe, expect, it } from 'vitest';
import { platformFee, rescaleMinorUnits } from './platform-fee.ts';

const plan = (bps: number) => ({ bps, fixed: { amount: 30, currency: 'USD' } });

describe('platformFee per plan (§2.2.1: bps + 0.30 in the payment currency)', () => {
  it.each([
    ['starter 3.5% of 100.00 EUR', 10_000, 'EUR', 350, 380],
    ['professional 2.9% of 100.00 EUR', 10_000, 'EUR', 290, 320],
    ['business 2.4% of 100.00 EUR', 10_000, 'EUR', 240, 270],
    ['enterprise 1.9% of 100.00 EUR', 10_000, 'EUR', 190, 220],
    ['starter on ¥4,500 (zero-decimal: 157.5 → 158, fixed ¥0.3 → ¥0)', 4_500, 'JPY', 350, 158],
    ['starter on 4.500 KWD (three decimals: 157.5 → 158 fils + 300 fils)', 4_500, 'KWD', 350, 458],
    ['starter on 0.10 EUR is capped at the amount', 10, 'EUR', 350, 10],
  ])('%s', (_name, amount, currency, bps, expected) => {
    expect(platformFee({ amount, currency }, plan(bps))).toBe(expected);
  });

  it('rescales minor units between exponents exactly up and half-up down', () => {
    expect(rescaleMinorUnits(30, 2, 3)).toBe(300);
    expect(rescaleMinorUnits(30, 2, 0)).toBe(0);
    expect(rescaleMinorUnits(50, 2, 0)).toBe(1);
    expect(rescaleMinorUnits(149, 2, 0)).toBe(1);
  });
});
