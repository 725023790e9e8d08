import { describe, expect, it } from 'vitest';
import { cancellationPolicySchema } from './cancellation-policy.ts';

describe('cancellationPolicySchema', () => {
  it('accepts the API.md shape', () => {
    expect(
      cancellationPolicySchema.safeParse({ window_hours: 24, rules: [{ min_hours: 24, refund_percentage: 100 }] }).success,
    ).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a percentage above 100', { window_hours: 0, rules: [{ min_hours: 1, refund_percentage: 101 }] }],
    ['a fractional percentage', { window_hours: 0, rules: [{ min_hours: 1, refund_percentage: 50.5 }] }],
    ['a negative percentage', { window_hours: 0, rules: [{ min_hours: 1, refund_percentage: -1 }] }],
    ['negative min_hours', { window_hours: 0, rules: [{ min_hours: -1, refund_percentage: 50 }] }],
    ['a negative window', { window_hours: -1, rules: [] }],
    ['an infinite window', { window_hours: Number.POSITIVE_INFINITY, rules: [] }],
    ['a window beyond ten years', { window_hours: 100_000, rules: [] }],
    ['two rules with the same min_hours', { window_hours: 0, rules: [{ min_hours: 24, refund_percentage: 100 }, { min_hours: 24, refund_percentage: 50 }] }],
    ['a misspelt key', { window_hours: 0, rules: [{ min_hours: 24, refund_percent: 100 }] }],
    ['missing rules', { window_hours: 24 }],
    ['a guest window shorter than the general one', { window_hours: 24, rules: [], guest: { window_hours: 12 } }],
    [
      'guest rules more generous than the general ones',
      { window_hours: 0, rules: [{ min_hours: 48, refund_percentage: 100 }], guest: { rules: [{ min_hours: 24, refund_percentage: 100 }] } },
    ],
    ['a no-show fee in an unknown currency', { window_hours: 0, rules: [], no_show: { keep_deposit: true, fee: { amount: 100, currency: 'eur' } } }],
    ['a no-show fee in fractional cents', { window_hours: 0, rules: [], no_show: { keep_deposit: true, fee: { amount: 1.5, currency: 'EUR' } } }],
    ['a fractional reschedule limit', { window_hours: 0, rules: [], reschedule: { max_reschedules: 1.5 } }],
  ])('rejects %s', (_name, input) => {
    expect(cancellationPolicySchema.safeParse(input).success).toBe(false);
  });

  it('names the offending field of a too generous guest policy', () => {
    const result = cancellationPolicySchema.safeParse({
      window_hours: 0,
      rules: [{ min_hours: 48, refund_percentage: 100 }],
      guest: { rules: [{ min_hours: 24, refund_percentage: 100 }] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['guest.rules']);
  });
});
