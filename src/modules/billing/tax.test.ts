import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EU_MEMBER_STATES, isValidVatNumberFormat, taxAmount, taxFor, type TaxDecision } from './tax.ts';

describe('taxFor', () => {
  it.each<[string, { sellerCountry: string; buyerCountry: string | null; buyerVatNumber: string | null }, TaxDecision]>([
    ['a Spanish business pays Spanish IVA', { sellerCountry: 'ES', buyerCountry: 'ES', buyerVatNumber: null }, { label: 'IVA', rateBps: 2100, reverseCharge: false, reason: 'domestic' }],
    ['a Spanish business pays IVA even with a VAT number', { sellerCountry: 'ES', buyerCountry: 'ES', buyerVatNumber: 'ESB12345678' }, { label: 'IVA', rateBps: 2100, reverseCharge: false, reason: 'domestic' }],
    ['a German seller charges German VAT at home', { sellerCountry: 'DE', buyerCountry: 'DE', buyerVatNumber: 'DE123456789' }, { label: 'VAT', rateBps: 1900, reverseCharge: false, reason: 'domestic' }],
    ['a French business with a VAT number is reverse charged', { sellerCountry: 'ES', buyerCountry: 'FR', buyerVatNumber: 'FR40303265045' }, { label: 'VAT', rateBps: 0, reverseCharge: true, reason: 'eu_reverse_charge' }],
    ['a Greek VAT number with its EL prefix is reverse charged', { sellerCountry: 'ES', buyerCountry: 'GR', buyerVatNumber: 'EL 094259216' }, { label: 'VAT', rateBps: 0, reverseCharge: true, reason: 'eu_reverse_charge' }],
    ['a Spanish buyer of a German seller self-accounts IVA', { sellerCountry: 'DE', buyerCountry: 'ES', buyerVatNumber: 'B12345678' }, { label: 'IVA', rateBps: 0, reverseCharge: true, reason: 'eu_reverse_charge' }],
    ['a Portuguese buyer without a number pays Portuguese VAT (OSS)', { sellerCountry: 'ES', buyerCountry: 'PT', buyerVatNumber: null }, { label: 'VAT', rateBps: 2300, reverseCharge: false, reason: 'eu_oss' }],
    ['a Finnish buyer with a malformed number pays 25.5 % (OSS)', { sellerCountry: 'ES', buyerCountry: 'FI', buyerVatNumber: 'FI1234' }, { label: 'VAT', rateBps: 2550, reverseCharge: false, reason: 'eu_oss' }],
    ["an Italian buyer giving another state's number pays Italian VAT", { sellerCountry: 'ES', buyerCountry: 'IT', buyerVatNumber: 'DE123456789' }, { label: 'VAT', rateBps: 2200, reverseCharge: false, reason: 'eu_oss' }],
    ['a Greek buyer is taxed at Greek rates when the number is written with GR', { sellerCountry: 'ES', buyerCountry: 'GR', buyerVatNumber: 'GR094259216' }, { label: 'VAT', rateBps: 2400, reverseCharge: false, reason: 'eu_oss' }],
    ['a US business is not subject to EU VAT', { sellerCountry: 'ES', buyerCountry: 'US', buyerVatNumber: null }, { label: 'none', rateBps: 0, reverseCharge: false, reason: 'outside_eu' }],
    ['a UK business (typed UK) is outside the EU', { sellerCountry: 'ES', buyerCountry: 'UK', buyerVatNumber: 'GB123456789' }, { label: 'none', rateBps: 0, reverseCharge: false, reason: 'outside_eu' }],
    ['a Swiss business is outside the EU', { sellerCountry: 'ES', buyerCountry: 'ch', buyerVatNumber: null }, { label: 'none', rateBps: 0, reverseCharge: false, reason: 'outside_eu' }],
    ['an unknown buyer country falls back to the domestic rate', { sellerCountry: 'ES', buyerCountry: null, buyerVatNumber: 'FR40303265045' }, { label: 'IVA', rateBps: 2100, reverseCharge: false, reason: 'domestic' }],
    ['an unassigned code falls back to the domestic rate', { sellerCountry: 'ES', buyerCountry: 'QQ', buyerVatNumber: null }, { label: 'IVA', rateBps: 2100, reverseCharge: false, reason: 'domestic' }],
    ['"EU" is not a country and falls back to the domestic rate', { sellerCountry: 'ES', buyerCountry: 'EU', buyerVatNumber: null }, { label: 'IVA', rateBps: 2100, reverseCharge: false, reason: 'domestic' }],
  ])('%s', (_name, input, expected) => {
    expect(taxFor(input)).toEqual(expected);
  });

  it('charges each member state its standard rate through OSS', () => {
    const rates = Object.fromEntries(EU_MEMBER_STATES.filter((c) => c !== 'ES').map((c) => [c, taxFor({ sellerCountry: 'ES', buyerCountry: c, buyerVatNumber: null }).rateBps]));
    expect(rates).toEqual({
      AT: 2000, BE: 2100, BG: 2000, CY: 1900, CZ: 2100, DE: 1900, DK: 2500, EE: 2400, FI: 2550, FR: 2000, GR: 2400, HR: 2500, HU: 2700,
      IE: 2300, IT: 2200, LT: 2100, LU: 1700, LV: 2100, MT: 1800, NL: 2100, PL: 2300, PT: 2300, RO: 2100, SE: 2500, SI: 2200, SK: 2300,
    });
    expect(EU_MEMBER_STATES).toHaveLength(27);
  });

  it('refuses a seller outside the EU, whose domestic rate it does not know', () => {
    expect(() => taxFor({ sellerCountry: 'US', buyerCountry: 'US', buyerVatNumber: null })).toThrow(RangeError);
  });
});

describe('isValidVatNumberFormat', () => {
  it.each([
    ['ES', 'ESB12345678', 'Spanish CIF with prefix'],
    ['ES', 'B12345678', 'Spanish CIF without prefix'],
    ['ES', 'ESX1234567X', 'Spanish NIE'],
    ['ES', '12345678Z', 'Spanish NIF of a person'],
    ['ES', 'es b-1234.5678', 'lower case with spaces, dots and hyphens'],
    ['DE', 'DE 123 456 789', 'German with spaces'],
    ['FR', 'FR40303265045', 'French with numeric key'],
    ['FR', 'FRXX999999999', 'French with letter key'],
    ['AT', 'ATU12345678', 'Austrian'],
    ['NL', 'NL123456789B01', 'Dutch'],
    ['BE', '0123456789', 'Belgian without prefix'],
    ['IE', 'IE1234567WA', 'Irish, 2013 format'],
    ['GR', 'EL094259216', 'Greek with EL prefix'],
    ['EL', '094259216', 'Greek asked as EL'],
    ['SE', 'SE123456789701', 'Swedish'],
    ['CY', 'CY12345678L', 'Cypriot'],
  ])('accepts %s %s (%s)', (country, number) => {
    expect(isValidVatNumberFormat(country, number)).toBe(true);
  });

  it.each([
    ['ES', 'ES12345678', 'Spanish without a letter'],
    ['ES', 'ESB1234567', 'Spanish CIF one digit short'],
    ['DE', 'DE12345678', 'German one digit short'],
    ['DE', 'FR123456789', "another state's prefix"],
    ['FR', 'FRIO303265045', 'French key with I and O'],
    ['NL', 'NL123456789001', 'Dutch without the B'],
    ['GR', 'GR094259216', 'Greek with its ISO code as prefix'],
    ['SE', 'SE123456789700', 'Swedish not ending in 01'],
    ['US', '123456789', 'a country outside the EU'],
    ['ES', '', 'empty'],
  ])('rejects %s %s (%s)', (country, number) => {
    expect(isValidVatNumberFormat(country, number)).toBe(false);
  });
});

describe('taxAmount', () => {
  it.each([
    [14_900, 2100, 3129, '149.00 at 21 % is 31.29 exactly'],
    [4_900, 2100, 1029, '49.00 at 21 %'],
    [50, 1000, 5, 'exact'],
    [5, 1000, 1, '0.5 minor unit rounds up'],
    [15, 1000, 2, '1.5 minor units round up'],
    [14, 1000, 1, '1.4 minor units round down'],
    [1, 2550, 0, '0.255 rounds down'],
    [2, 2550, 1, '0.51 rounds up'],
    [-5, 1000, -1, 'a credit of 0.5 rounds away from zero, mirroring the invoice'],
    [-14_900, 2100, -3129, 'a credit note of 149.00'],
    [39_900, 0, 0, 'reverse charge'],
    [-1, 1000, 0, 'a credit whose tax rounds to nothing is 0, not -0'],
  ])('taxAmount(%i, %i) = %i (%s)', (subtotal, rateBps, expected) => {
    expect(taxAmount(subtotal, rateBps)).toBe(expected);
  });

  it('is within half a minor unit of the exact tax, ties rounded up, and symmetric for credits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (subtotal, rateBps) => {
        const tax = taxAmount(subtotal, rateBps);
        // 10 000 × (tax − exact) lies in (−5000, 5000]: at most half a unit off, and a tie is rounded up.
        const error = BigInt(tax) * 10_000n - BigInt(subtotal) * BigInt(rateBps);
        expect(error > -5000n && error <= 5000n).toBe(true);
        expect(taxAmount(-subtotal, rateBps) + tax).toBe(0);
      }),
    );
  });

  it.each([[1.5, 2100], [Number.NaN, 2100], [100, -1], [100, 21.5]])('rejects taxAmount(%d, %d)', (subtotal, rateBps) => {
    expect(() => taxAmount(subtotal, rateBps)).toThrow(RangeError);
  });
});
