/**
 * Country calling codes (ITU-T E.164) of the countries a business can be in, to tell which
 * country an SMS goes to. Country calling codes form a prefix code (none is the start of
 * another), so the first known prefix of a number is its code. Countries of the North American
 * Numbering Plan share `1`: enabling one of them enables that code.
 */

/** ISO 3166-1 alpha-2 → country calling code (digits, without `+`). */
export const COUNTRY_CALLING_CODES = {
  AD: '376', AR: '54', AT: '43', AU: '61', BE: '32', BO: '591', BR: '55', CA: '1', CH: '41', CL: '56',
  CO: '57', CR: '506', CU: '53', CZ: '420', DE: '49', DK: '45', DO: '1', EC: '593', ES: '34', FI: '358',
  FR: '33', GB: '44', GR: '30', GT: '502', HN: '504', IE: '353', IT: '39', LU: '352', MA: '212', MX: '52',
  NI: '505', NL: '31', NO: '47', NZ: '64', PA: '507', PE: '51', PL: '48', PR: '1', PT: '351', PY: '595',
  SE: '46', SV: '503', US: '1', UY: '598', VE: '58',
} as const satisfies Record<string, string>;

export type CountryCode = keyof typeof COUNTRY_CALLING_CODES;

export const COUNTRY_CODES = Object.keys(COUNTRY_CALLING_CODES) as [CountryCode, ...CountryCode[]];

const KNOWN_CALLING_CODES: ReadonlySet<string> = new Set(Object.values(COUNTRY_CALLING_CODES));

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && Object.hasOwn(COUNTRY_CALLING_CODES, value);
}

/** The calling code of an E.164 number among the known ones (`+34600111222` → `34`), or null. */
export function callingCodeOf(e164: string): string | null {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  for (let length = 1; length <= 3; length += 1) {
    const prefix = digits.slice(0, length);
    if (KNOWN_CALLING_CODES.has(prefix)) return prefix;
  }
  return null;
}

/** Time zones of a region as ICU knows them (`Intl.Locale#getTimeZones`, Node 24). */
function timeZonesOf(country: CountryCode): readonly string[] {
  const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { getTimeZones?: () => string[] | undefined };
  return locale.getTimeZones?.() ?? [];
}

/** The known country an IANA time zone belongs to (`Europe/Madrid` → `ES`), or null. */
export function countryOfTimeZone(timeZone: string): CountryCode | null {
  return COUNTRY_CODES.find((country) => timeZonesOf(country).includes(timeZone)) ?? null;
}
