/**
 * Money on the catalogue screens: the API speaks integer minor units ({amount: 2550, currency:
 * 'EUR'}); people read and type amounts (25,50 €). The exponent is ISO 4217's; Intl reports
 * display digits, which differ for a few codes, corrected here.
 */
const ISO_EXPONENT_DIFFERS: Record<string, number> = { COP: 2, HUF: 2, IDR: 2, IQD: 3, PKR: 2 };

export const CURRENCIES = ['EUR', 'USD', 'GBP', 'MXN', 'ARS', 'COP', 'CLP', 'PEN', 'CHF'] as const;

/** Minor-unit digits of `currency` (EUR 2, JPY 0, KWD 3). */
export function exponentOf(currency: string): number {
  if (currency in ISO_EXPONENT_DIFFERS) return ISO_EXPONENT_DIFFERS[currency] ?? 2;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 2550 EUR → 25.5 (the number a person types). */
export function toAmount(minor: number, currency: string): number {
  return minor / 10 ** exponentOf(currency);
}

/** 25.5 EUR → 2550; null when it is not a non-negative amount with the currency's decimals. */
export function toMinor(amount: number | string, currency: string): number | null {
  const value = typeof amount === 'number' ? amount : Number(String(amount).replace(',', '.'));
  if (!Number.isFinite(value) || value < 0 || String(amount).trim() === '') return null;
  const scaled = value * 10 ** exponentOf(currency);
  const minor = Math.round(scaled);
  if (Math.abs(scaled - minor) > 1e-6 || !Number.isSafeInteger(minor)) return null;
  return minor;
}

/** {amount: 2550, currency: 'EUR'} → "25,50 €" (es) / "€25.50" (en). */
export function money(minor: number, currency: string, language: string): string {
  const digits = exponentOf(currency);
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** The decimal separator people type in `language` ("," in Spanish). */
export function decimalSeparator(language: string): string {
  return new Intl.NumberFormat(language).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}
