import { describe, expect, it } from 'vitest';
import { formatNotice, guestTerms } from './terms.ts';

describe('the terms a guest sees before confirming', () => {
  const policy = {
    window_hours: 24,
    rules: [
      { min_hours: 24, refund_percentage: 50 },
      { min_hours: 72, refund_percentage: 100 },
    ],
  };

  it('lists the cancellation window and the refund tiers, largest notice first, then when nothing comes back', () => {
    expect(guestTerms(policy, true)).toEqual([
      { kind: 'cancel_until', hours: 24 },
      { kind: 'refund_tier', hours: 72, percent: 100 },
      { kind: 'refund_tier', hours: 24, percent: 50 },
      { kind: 'refund_none_after', hours: 24 },
    ]);
  });

  it('applies the stricter guest terms where the policy has them', () => {
    const strict = { ...policy, guest: { window_hours: 48, rules: [{ min_hours: 72, refund_percentage: 50 }] } };
    expect(guestTerms(strict, true)).toEqual([
      { kind: 'cancel_until', hours: 48 },
      { kind: 'refund_tier', hours: 72, percent: 50 },
      { kind: 'refund_none_after', hours: 72 },
    ]);
  });

  it('says nothing about refunds when nothing is paid up front, and "no refund" when no rule refunds', () => {
    expect(guestTerms(policy, false)).toEqual([{ kind: 'cancel_until', hours: 24 }]);
    expect(guestTerms({ window_hours: 0, rules: [{ min_hours: 0, refund_percentage: 0 }] }, true)).toEqual([{ kind: 'cancel_anytime' }, { kind: 'refund_none' }]);
  });

  it('without a policy: cancel any time, a deposit comes back in full', () => {
    expect(guestTerms(null, true)).toEqual([{ kind: 'cancel_anytime' }, { kind: 'refund_all' }]);
  });

  it('speaks of days when the hours make whole days', () => {
    expect(formatNotice(72, 'en')).toBe('3 days');
    expect(formatNotice(24, 'en')).toBe('24 hours');
    expect(formatNotice(48, 'es')).toBe('2 días');
  });
});
