/**
 * VAT (IVA in Spain) on the platform's subscription invoices, decided by where the platform
 * (seller) and the business (buyer) are established. Pure: country codes and a VAT number in, a
 * rate in basis points out.
 *
 * The rules are the EU's for electronically supplied services (Directive 2006/112/EC):
 * - same country: the seller's domestic rate, whoever the buyer is;
 * - a business in another member state with a VAT number: no VAT, the buyer self-accounts
 *   (reverse charge, art. 196);
 * - another member state without one: treated as a consumer, taxed at the buyer's rate and
 *   declared through the One-Stop Shop (art. 58);
 * - outside the EU: not subject to EU VAT.
 *
 * Only the number's format is checked here; whether VIES knows it is the caller's concern.
 * Special territories that share an ISO code with their state (Canary Islands, Ceuta and Melilla
 * in ES; Åland in FI; Mount Athos in GR...) cannot be told apart by country code and get the
 * state's treatment.
 */
import { percentOf } from '../../platform/money.ts';

export interface TaxDecision {
  /** 'IVA' when the tax due is Spain's, 'VAT' for another member state's, 'none' outside the EU. */
  label: 'VAT' | 'IVA' | 'none';
  /** Rate charged on the invoice, in basis points (2100 = 21 %); 0 under reverse charge. */
  rateBps: number;
  /** The buyer accounts for the VAT; the invoice must say so. */
  reverseCharge: boolean;
  reason: 'domestic' | 'eu_oss' | 'eu_reverse_charge' | 'outside_eu';
}

/**
 * Standard VAT rates of the 27 member states in basis points, as in force in 2026 (European
 * Commission "VAT rates applied in the Member States"). Recent changes: SK 20 → 23 (Jan 2025),
 * EE 22 → 24 (Jul 2025), RO 19 → 21 (Aug 2025), FI 24 → 25.5 (Sep 2024). Review when a state
 * changes its rate: invoices store the rate they were issued with, so a change only affects
 * invoices issued after it.
 */
const EU_STANDARD_RATES_BPS: ReadonlyMap<string, number> = new Map([
  ['AT', 2000], ['BE', 2100], ['BG', 2000], ['CY', 1900], ['CZ', 2100], ['DE', 1900], ['DK', 2500],
  ['EE', 2400], ['ES', 2100], ['FI', 2550], ['FR', 2000], ['GR', 2400], ['HR', 2500], ['HU', 2700],
  ['IE', 2300], ['IT', 2200], ['LT', 2100], ['LU', 1700], ['LV', 2100], ['MT', 1800], ['NL', 2100],
  ['PL', 2300], ['PT', 2300], ['RO', 2100], ['SE', 2500], ['SI', 2200], ['SK', 2300],
]);

/** ISO codes of the 27 member states, sorted: where a business needs a VAT number to be invoiced without VAT. */
export const EU_MEMBER_STATES: readonly string[] = Object.freeze([...EU_STANDARD_RATES_BPS.keys()].sort());

/**
 * Shape of each state's VAT number after its prefix, from the VIES format table. Format only:
 * check digits are not verified.
 */
const VAT_NUMBER_FORMATS: ReadonlyMap<string, RegExp> = new Map([
  ['AT', /^U\d{8}$/],
  ['BE', /^[01]\d{9}$/],
  ['BG', /^\d{9,10}$/],
  ['CY', /^\d{8}[A-Z]$/],
  ['CZ', /^\d{8,10}$/],
  ['DE', /^\d{9}$/],
  ['DK', /^\d{8}$/],
  ['EE', /^\d{9}$/],
  // CIF (B12345678), NIE (X1234567X) and NIF of a person (12345678Z).
  ['ES', /^(?:[A-Z]\d{7}[A-Z\d]|\d{8}[A-Z])$/],
  ['FI', /^\d{8}$/],
  // Two-character key (digits or letters other than I and O) and the 9-digit SIREN.
  ['FR', /^[\dA-HJ-NP-Z]{2}\d{9}$/],
  ['GR', /^\d{9}$/],
  ['HR', /^\d{11}$/],
  ['HU', /^\d{8}$/],
  ['IE', /^(?:\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/],
  ['IT', /^\d{11}$/],
  ['LT', /^(?:\d{9}|\d{12})$/],
  ['LU', /^\d{8}$/],
  ['LV', /^\d{11}$/],
  ['MT', /^\d{8}$/],
  ['NL', /^\d{9}B\d{2}$/],
  ['PL', /^\d{10}$/],
  ['PT', /^\d{9}$/],
  ['RO', /^[1-9]\d{1,9}$/],
  ['SE', /^\d{10}01$/],
  ['SI', /^[1-9]\d{7}$/],
  ['SK', /^[1-9]\d{9}$/],
]);

/** Greece's VAT numbers carry the prefix EL, not its ISO code GR. */
const VAT_PREFIXES: ReadonlyMap<string, string> = new Map([['GR', 'EL']]);

/**
 * Codes ISO 3166 reserves for these countries at their request and that people type: the VAT
 * prefix EL for Greece, UK for the United Kingdom.
 */
const COUNTRY_ALIASES: ReadonlyMap<string, string> = new Map([['EL', 'GR'], ['UK', 'GB']]);

/** Region codes CLDR names that are not countries, so cannot place a buyer. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ']);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** Upper-cased ISO 3166-1 alpha-2 code, or null when `value` names no known country. */
function countryCode(value: string | null): string | null {
  if (value === null) return null;
  const code = value.trim().toUpperCase();
  const canonical = COUNTRY_ALIASES.get(code) ?? code;
  if (!/^[A-Z]{2}$/.test(canonical) || NOT_COUNTRIES.has(canonical)) return null;
  return regionNames.of(canonical) === undefined ? null : canonical;
}

/** Spain's VAT is called IVA on its invoices; every other state's is printed as VAT. */
function labelOf(country: string): 'VAT' | 'IVA' {
  return country === 'ES' ? 'IVA' : 'VAT';
}

/**
 * Whether `vatNumber` has the shape of a VAT number of `country` (ISO code; 'EL' is read as
 * Greece). The country prefix is optional but, when present, must be that country's (EL for
 * Greece, as VIES requires, so "GR123456789" is rejected); spaces, dots and hyphens are ignored.
 */
export function isValidVatNumberFormat(country: string, vatNumber: string): boolean {
  const code = countryCode(country);
  const format = code === null ? undefined : VAT_NUMBER_FORMATS.get(code);
  if (code === null || format === undefined) return false;
  const compact = vatNumber.replace(/[\s.-]/g, '').toUpperCase();
  if (format.test(compact)) return true;
  const prefix = VAT_PREFIXES.get(code) ?? code;
  return compact.startsWith(prefix) && format.test(compact.slice(prefix.length));
}

/**
 * The VAT treatment of a sale of the platform's services to a business.
 *
 * A missing or unrecognised buyer country falls back to the seller's domestic rate: charging
 * the seller's VAT when in doubt can be corrected with a credit note, while leaving it out
 * would make the platform liable for it.
 *
 * @throws RangeError when the seller is not established in the EU (its domestic rate is unknown).
 */
export function taxFor(input: { sellerCountry: string; buyerCountry: string | null; buyerVatNumber: string | null }): TaxDecision {
  const seller = countryCode(input.sellerCountry);
  const sellerRate = seller === null ? undefined : EU_STANDARD_RATES_BPS.get(seller);
  if (seller === null || sellerRate === undefined) {
    throw new RangeError(`taxFor covers sellers established in the EU, got ${JSON.stringify(input.sellerCountry)}`);
  }
  const buyer = countryCode(input.buyerCountry);
  if (buyer === null || buyer === seller) {
    return { label: labelOf(seller), rateBps: sellerRate, reverseCharge: false, reason: 'domestic' };
  }
  const buyerRate = EU_STANDARD_RATES_BPS.get(buyer);
  if (buyerRate === undefined) {
    return { label: 'none', rateBps: 0, reverseCharge: false, reason: 'outside_eu' };
  }
  if (input.buyerVatNumber !== null && isValidVatNumberFormat(buyer, input.buyerVatNumber)) {
    return { label: labelOf(buyer), rateBps: 0, reverseCharge: true, reason: 'eu_reverse_charge' };
  }
  return { label: labelOf(buyer), rateBps: buyerRate, reverseCharge: false, reason: 'eu_oss' };
}

/**
 * VAT on `subtotal` minor units at `rateBps`, rounded half up to a whole minor unit (half away
 * from zero for a negative subtotal, so a credit note's tax mirrors the invoice it reverses).
 * @throws RangeError unless `subtotal` is a safe integer and `rateBps` a non-negative integer.
 */
export function taxAmount(subtotal: number, rateBps: number): number {
  if (!Number.isSafeInteger(subtotal)) throw new RangeError(`subtotal must be a safe integer of minor units, got ${subtotal}`);
  // 0 − x rather than −x, so a credit whose tax rounds to nothing gives 0, not −0.
  return subtotal < 0 ? 0 - percentOf(-subtotal, rateBps) : percentOf(subtotal, rateBps);
}
