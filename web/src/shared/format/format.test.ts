import { describe, expect, it } from 'vitest';
import { formatDuration, formatMoney } from './format.ts';

describe('formatMoney', () => {
  it.each([
    [{ amount: 2500, currency: 'EUR' }, 'es', '25\u00a0€'],
    [{ amount: 2550, currency: 'EUR' }, 'es', '25,50\u00a0€'],
    [{ amount: 2550, currency: 'EUR' }, 'en', '€25.50'],
    [{ amount: 2500, currency: 'USD' }, 'en', '$25'],
    [{ amount: 1500, currency: 'JPY' }, 'en', '¥1,500'],
    [{ amount: 1234, currency: 'KWD' }, 'en', 'KWD\u00a01.234'],
  ])('%o in %s → %s', (money, language, expected) => {
    expect(formatMoney(money, language)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [45, 'es', '45 min'],
    [60, 'en', '1 hr'],
    [90, 'es', '1 h 30 min'],
  ])('%i minutes in %s → %s', (minutes, language, expected) => {
    expect(formatDuration(minutes, language)).toBe(expected);
  });
});
