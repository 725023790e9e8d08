/**
 * Money as integer minor units plus an ISO 4217 currency code.
 *
 * Every amount in ReserveHub (prices, deposits, refunds, fees) is a
 * non-negative safe integer of the currency's minor unit: `{amount: 4500,
 * currency: 'EUR'}` is 45.00 EUR, `{amount: 4500, currency: 'JPY'}` is ¥4,500,
 * `{amount: 4500, currency: 'KWD'}` is 4.500 KWD. Floats never carry money, so
 * sums are exact and the database, the API and payment providers agree to the
 * unit. Percentages are integer basis points (1 % = 100 bp).
 */
import { z } from 'zod';

/**
 * ISO 4217 minor-unit exponents, for every currency with a defined minor unit.
 *
 * Written out from ISO 4217 List One rather than read from `Intl`, because ICU
 * reports display digits, which differ from ISO for several codes (ICU says 0
 * for COP, HUF, IDR, IQD, PKR...; ISO says 2, or 3 for IQD). Amounts stored in
 * ISO minor units must be read with the ISO exponent.
 *
 * Left out on purpose: codes whose minor unit ISO lists as "N.A." (precious
 * metals XAU/XAG/XPT/XPD, bond units XBA–XBD, XDR, XSU, XUA, testing XTS and
 * "no currency" XXX), since they cannot be expressed in integer minor units,
 * and withdrawn codes (HRK, ZWL...). ANG, SLL and CUC stay while they are still
 * listed during their replacements' transition periods.
 */
const ISO_4217_EXPONENTS = {
  // Zero-decimal currencies.
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // Three-decimal currencies (fils, baisa, millimes, dirhams).
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // Four-decimal units of account.
  CLF: 4, UYW: 4,
  // Two-decimal currencies.
  AED: 2, AFN: 2, ALL: 2, AMD: 2, ANG: 2, AOA: 2, ARS: 2, AUD: 2, AWG: 2,
  AZN: 2, BAM: 2, BBD: 2, BDT: 2, BGN: 2, BMD: 2, BND: 2, BOB: 2, BOV: 2,
  BRL: 2, BSD: 2, BTN: 2, BWP: 2, BYN: 2, BZD: 2, CAD: 2, CDF: 2, CHE: 2,
  CHF: 2, CHW: 2, CNY: 2, COP: 2, COU: 2, CRC: 2, CUC: 2, CUP: 2, CVE: 2,
  CZK: 2, DKK: 2, DOP: 2, DZD: 2, EGP: 2, ERN: 2, ETB: 2, EUR: 2, FJD: 2,
  FKP: 2, GBP: 2, GEL: 2, GHS: 2, GIP: 2, GMD: 2, GTQ: 2, GYD: 2, HKD: 2,
  HNL: 2, HTG: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, IRR: 2, JMD: 2, KES: 2,
  KGS: 2, KHR: 2, KPW: 2, KYD: 2, KZT: 2, LAK: 2, LBP: 2, LKR: 2, LRD: 2,
  LSL: 2, MAD: 2, MDL: 2, MGA: 2, MKD: 2, MMK: 2, MNT: 2, MOP: 2, MRU: 2,
  MUR: 2, MVR: 2, MWK: 2, MXN: 2, MXV: 2, MYR: 2, MZN: 2, NAD: 2, NGN: 2,
  NIO: 2, NOK: 2, NPR: 2, NZD: 2, PAB: 2, PEN: 2, PGK: 2, PHP: 2, PKR: 2,
  PLN: 2, QAR: 2, RON: 2, RSD: 2, RUB: 2, SAR: 2, SBD: 2, SCR: 2, SDG: 2,
  SEK: 2, SGD: 2, SHP: 2, SLE: 2, SLL: 2, SOS: 2, SRD: 2, SSP: 2, STN: 2,
  SVC: 2, SYP: 2, SZL: 2, THB: 2, TJS: 2, TMT: 2, TOP: 2, TRY: 2, TTD: 2,
  TWD: 2, TZS: 2, UAH: 2, USD: 2, USN: 2, UYU: 2, UZS: 2, VED: 2, VES: 2,
  WST: 2, XCD: 2, XCG: 2, YER: 2, ZAR: 2, ZMW: 2, ZWG: 2,
} as const;

// A Map, not the object itself, so lookups can never hit Object.prototype keys
// such as "constructor".
const MINOR_UNIT_EXPONENTS: ReadonlyMap<string, number> = new Map(Object.entries(ISO_4217_EXPONENTS));

/** Every currency code `isCurrency` accepts, sorted. */
export const CURRENCY_CODES: readonly string[] = Object.freeze([...MINOR_UNIT_EXPONENTS.keys()].sort());

/** A whole number of minor units of `currency`. */
export interface Money {
  /** Non-negative safe integer of minor units (cents, yen, fils...). */
  readonly amount: number;
  /** ISO 4217 alphabetic code, upper case. */
  readonly currency: string;
}

/**
 * Whether `code` is a supported ISO 4217 code. Case-sensitive on purpose:
 * stored and returned codes are always upper case, and edges that want to be
 * lenient upper-case before asking.
 */
export function isCurrency(code: string): boolean {
  return MINOR_UNIT_EXPONENTS.has(code);
}

/**
 * Number of decimal digits of `currency`'s minor unit (JPY 0, EUR 2, KWD 3).
 * @throws RangeError for a code `isCurrency` rejects.
 */
export function minorUnitExponent(currency: string): number {
  const exponent = MINOR_UNIT_EXPONENTS.get(currency);
  if (exponent === undefined) throw new RangeError(`Unknown currency: ${JSON.stringify(currency)}`);
  return exponent;
}

/** Whether `amount` is a valid amount of minor units: a non-negative safe integer. */
export function isMinorAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0;
}

/** @throws RangeError unless `amount` is a non-negative safe integer. */
export function assertMinorAmount(amount: number, label = 'amount'): void {
  if (!isMinorAmount(amount)) {
    throw new RangeError(`${label} must be a non-negative safe integer of minor units, got ${amount}`);
  }
}

/**
 * Builds a validated `Money`.
 * @throws RangeError for a negative, fractional or unsafe amount or an unknown currency.
 */
export function money(amount: number, currency: string): Money {
  assertMinorAmount(amount);
  minorUnitExponent(currency);
  return { amount, currency };
}

/** Zod schema of an ISO 4217 code (upper case, supported by this module). */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'Currency must be a three-letter upper-case ISO 4217 code')
  .refine(isCurrency, { message: 'Unknown ISO 4217 currency code' });

/** Zod schema of a non-negative safe integer of minor units. */
export const minorAmountSchema = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Zod schema of `Money` as the API carries it: `{amount, currency}`. */
export const moneySchema = z.strictObject({
  amount: minorAmountSchema,
  currency: currencyCodeSchema,
});

const BASIS_POINTS_PER_WHOLE = 10_000n;
const HALF_WHOLE = BASIS_POINTS_PER_WHOLE / 2n;

/**
 * `basisPoints / 10 000` of `amount`, in whole minor units.
 *
 * Rounding: half up (a remainder of exactly half a minor unit rounds up), the
 * rule customers and accountants expect on receipts; on a refund it favours
 * the customer by at most half a minor unit, never the business. Computed in
 * BigInt so `amount * basisPoints` is exact beyond 2^53.
 *
 * @param amount non-negative safe integer of minor units
 * @param basisPoints non-negative integer (10 000 = 100 %); above 10 000 is
 *   allowed for surcharges
 * @throws RangeError on invalid inputs or a result beyond the safe range
 */
export function percentOf(amount: number, basisPoints: number): number {
  assertMinorAmount(amount);
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    throw new RangeError(`basisPoints must be a non-negative integer, got ${basisPoints}`);
  }
  const scaled = BigInt(amount) * BigInt(basisPoints);
  // BigInt division truncates; adding half first turns it into half-up for non-negative values.
  const rounded = (scaled + HALF_WHOLE) / BASIS_POINTS_PER_WHOLE;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`percentOf(${amount}, ${basisPoints}) exceeds the safe integer range`);
  }
  return Number(rounded);
}

/**
 * Sum of amounts of one currency.
 * @throws RangeError when currencies differ or the total leaves the safe range.
 */
export function sumMoney(currency: string, items: readonly Money[]): Money {
  let total = 0;
  for (const item of items) {
    if (item.currency !== currency) {
      throw new RangeError(`Cannot add ${item.currency} to ${currency}`);
    }
    assertMinorAmount(item.amount);
    total += item.amount;
    // Checked per step: a sum of safe integers stays exact only while safe.
    assertMinorAmount(total, 'total');
  }
  return money(total, currency);
}

/**
 * How much of `requested` may still be refunded on a payment of `paid` minor
 * units of which `alreadyRefunded` went back before: `min(requested, paid -
 * alreadyRefunded)`.
 *
 * Needed because each partial refund is rounded on its own: two 50 % refunds
 * of 1 cent round to 1 cent each, and uncapped they would return 2 cents of a
 * 1-cent payment. Capping against the remainder keeps the total refunded at
 * most the amount paid, whatever the rounding.
 *
 * @throws RangeError on invalid amounts or when `alreadyRefunded > paid`.
 */
export function capRefund(requested: number, paid: number, alreadyRefunded: number): number {
  assertMinorAmount(requested, 'requested');
  assertMinorAmount(paid, 'paid');
  assertMinorAmount(alreadyRefunded, 'alreadyRefunded');
  if (alreadyRefunded > paid) {
    throw new RangeError(`alreadyRefunded (${alreadyRefunded}) exceeds paid (${paid})`);
  }
  return Math.min(requested, paid - alreadyRefunded);
}

/**
 * The amount in major units as an exact decimal string, with exactly the
 * currency's number of decimals: 4500 EUR → "45.00", 4500 JPY → "4500",
 * 4500 KWD → "4.500". No float is involved, so no digit is ever lost.
 */
export function toMajorString(m: Money): string {
  assertMinorAmount(m.amount);
  const exponent = minorUnitExponent(m.currency);
  if (exponent === 0) return String(m.amount);
  const digits = String(m.amount).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

type NumericString = `${number}`;

function isNumericString(value: string): value is NumericString {
  return /^\d+(\.\d+)?$/.test(value);
}

/**
 * Localised display of `m`, e.g. `formatMoney({amount: 123450, currency: 'EUR'}, 'es-ES')`
 * → "1234,50 €".
 *
 * Decimals are forced to the ISO exponent because the amount is stored in ISO
 * minor units and ICU's own defaults differ for some currencies (it would show
 * IQD with 0 decimals and drop fils). The decimal string is passed to Intl as
 * is, so even amounts near 2^53 format without float error.
 */
export function formatMoney(m: Money, locale: string | readonly string[]): string {
  const exponent = minorUnitExponent(m.currency);
  const major = toMajorString(m);
  if (!isNumericString(major)) throw new RangeError(`Not a decimal string: ${major}`);
  const formatter = new Intl.NumberFormat(typeof locale === 'string' ? locale : [...locale], {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  return formatter.format(major);
}
