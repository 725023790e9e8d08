import { minorUnitExponent, percentOf, type Money } from '../../platform/money.ts';

/** A plan's transaction fee (§2.2.1): basis points plus a fixed amount expressed in the plan's currency. */
export interface TransactionFeeRule {
  bps: number;
  fixed: Money;
}

/**
 * The platform's commission on a payment: `bps` of the amount plus the plan's
 * fixed part (0.30), both in minor units of the payment's currency, capped at
 * the amount.
 *
 * The fixed part is the same *major* amount in the payment currency (0.30 USD
 * → 0.30 EUR = 30 cents, 0.300 KWD = 300 fils, ¥0.3 → ¥0): plans are priced in
 * USD, and converting at an exchange rate would make fees drift with markets.
 * Scaling between exponents is exact when going up and rounds half up when
 * going down (to a zero-decimal currency), like `percentOf`.
 */
export function platformFee(amount: Money, rule: TransactionFeeRule): number {
  const percentage = percentOf(amount.amount, rule.bps);
  const fixed = rescaleMinorUnits(rule.fixed.amount, minorUnitExponent(rule.fixed.currency), minorUnitExponent(amount.currency));
  return Math.min(amount.amount, percentage + fixed);
}

/** `amount` minor units of a currency with exponent `from`, in minor units of one with exponent `to`. */
export function rescaleMinorUnits(amount: number, from: number, to: number): number {
  if (to >= from) return amount * 10 ** (to - from);
  const divisor = 10n ** BigInt(from - to);
  return Number((BigInt(amount) * 2n + divisor) / (2n * divisor));
}
