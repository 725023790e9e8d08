/** Dates, money and durations only through Intl, in the language the page shows. */

/**
 * `{amount: 2550, currency: 'EUR'}` → "25,50 €" (es) / "€25.50" (en); whole amounts without
 * decimals ("25 €"). Minor units follow the currency (JPY has none).
 */
export function formatMoney(money: { amount: number; currency: string }, language: string): string {
  const digits = new Intl.NumberFormat(language, { style: 'currency', currency: money.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const whole = money.amount % 10 ** digits === 0;
  return new Intl.NumberFormat(language, { style: 'currency', currency: money.currency, ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}) }).format(
    money.amount / 10 ** digits,
  );
}

/** 45 → "45 min"; 90 → "1 h 30 min". */
export function formatDuration(minutes: number, language: string): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const unit = (value: number, name: 'hour' | 'minute') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  if (hours === 0) return unit(rest, 'minute');
  return rest === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(rest, 'minute')}`;
}
