import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cancellationPolicySchema, type CancellationPolicy } from '../catalog/index.ts';
import { type CustomerType, canCancel, canReschedule, cancellationRefund, mayClose, noShowSettlement, refundForCancellation, refundPercentage } from './booking-policy.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = Date.parse('2026-03-29T10:00:00Z');
/** `now` for a cancellation `hours` before the start (negative: after it). */
const hoursBefore = (hours: number): number => START - hours * HOUR;

/** Rules deliberately out of order: the policy must sort them itself. */
const POLICY: CancellationPolicy = cancellationPolicySchema.parse({
  window_hours: 2,
  rules: [
    { min_hours: 12, refund_percentage: 50 },
    { min_hours: 0, refund_percentage: 10 },
    { min_hours: 48, refund_percentage: 100 },
    { min_hours: 6, refund_percentage: 25 },
  ],
  guest: {
    window_hours: 24,
    rules: [
      { min_hours: 72, refund_percentage: 100 },
      { min_hours: 24, refund_percentage: 50 },
    ],
  },
});

describe('refundForCancellation', () => {
  it.each<[string, number, CustomerType, number, string, number]>([
    ['refunds 100% when cancelled 72 h before', 4_000, 'registered', hoursBefore(72), 'EUR', 4_000],
    ['refunds 100% when cancelled exactly 48 h before (boundary belongs to the tier)', 4_000, 'registered', hoursBefore(48), 'EUR', 4_000],
    ['refunds 50% when cancelled 1 ms less than 48 h before', 4_000, 'registered', hoursBefore(48) + 1, 'EUR', 2_000],
    ['refunds 50% when cancelled 12 h before', 4_000, 'registered', hoursBefore(12), 'EUR', 2_000],
    ['refunds 25% when cancelled 11 h 59 min before', 4_000, 'registered', hoursBefore(12) + MINUTE, 'EUR', 1_000],
    ['refunds 10% when cancelled exactly at the start', 4_000, 'registered', START, 'EUR', 400],
    ['refunds nothing when cancelled 1 ms after the start', 4_000, 'registered', START + 1, 'EUR', 0],
    ['refunds nothing when cancelled a day after the start', 4_000, 'registered', hoursBefore(-24), 'EUR', 0],
    ['refunds a guest only 50% 50 h before (registered would get 100%)', 4_000, 'guest', hoursBefore(50), 'EUR', 2_000],
    ['refunds a guest 100% exactly 72 h before', 4_000, 'guest', hoursBefore(72), 'EUR', 4_000],
    ['refunds a guest nothing 12 h before (registered would get 50%)', 4_000, 'guest', hoursBefore(12), 'EUR', 0],
    ['rounds half a yen up: 50% of ¥5,001', 5_001, 'registered', hoursBefore(12), 'JPY', 2_501],
    ['keeps yen whole: 25% of ¥4,999', 4_999, 'registered', hoursBefore(6), 'JPY', 1_250],
    ['keeps fils: 25% of 12.345 KWD', 12_345, 'registered', hoursBefore(6), 'KWD', 3_086],
    ['refunds nothing of nothing', 0, 'registered', hoursBefore(72), 'EUR', 0],
  ])('%s', (_name, paidAmount, customerType, now, _currency, expected) => {
    expect(refundForCancellation({ paidAmount, startTime: START, now, policy: POLICY, customerType })).toBe(expected);
  });

  it('refunds nothing when no rule matches the notice', () => {
    const policy = cancellationPolicySchema.parse({ window_hours: 0, rules: [{ min_hours: 24, refund_percentage: 100 }] });
    expect(refundForCancellation({ paidAmount: 1_000, startTime: START, now: hoursBefore(23), policy, customerType: 'registered' })).toBe(0);
  });

  it('supports fractional hours without float drift at the boundary', () => {
    const policy = cancellationPolicySchema.parse({ window_hours: 0, rules: [{ min_hours: 0.1, refund_percentage: 100 }] });
    const base = { paidAmount: 1_000, startTime: START, policy, customerType: 'registered' as const };
    expect(refundForCancellation({ ...base, now: START - 6 * MINUTE })).toBe(1_000);
    expect(refundForCancellation({ ...base, now: START - 6 * MINUTE + 1 })).toBe(0);
  });

  it('rejects a paid amount that is not whole minor units', () => {
    expect(() =>
      refundForCancellation({ paidAmount: 10.5, startTime: START, now: hoursBefore(72), policy: POLICY, customerType: 'registered' }),
    ).toThrow(RangeError);
  });

  it('exposes the percentage for previews', () => {
    expect(refundPercentage({ startTime: START, now: hoursBefore(12), policy: POLICY, customerType: 'registered' })).toBe(50);
    expect(refundPercentage({ startTime: START, now: hoursBefore(12), policy: POLICY, customerType: 'guest' })).toBe(0);
  });
});

describe('canCancel', () => {
  const zeroWindow = cancellationPolicySchema.parse({ window_hours: 0, rules: [] });
  it.each<[string, CancellationPolicy, CustomerType, number, boolean, ReturnType<typeof canCancel>]>([
    ['allows a customer 3 h before (window 2 h)', POLICY, 'registered', hoursBefore(3), false, { allowed: true, reason: 'within_window' }],
    ['allows a customer exactly 2 h before', POLICY, 'registered', hoursBefore(2), false, { allowed: true, reason: 'within_window' }],
    ['refuses a customer 1 ms inside the window', POLICY, 'registered', hoursBefore(2) + 1, false, { allowed: false, reason: 'outside_window' }],
    ['lets an admin cancel inside the window', POLICY, 'registered', hoursBefore(1), true, { allowed: true, reason: 'admin_override' }],
    ['refuses a customer after the start', POLICY, 'registered', START + MINUTE, false, { allowed: false, reason: 'already_started' }],
    ['lets an admin cancel after the start', POLICY, 'registered', START + MINUTE, true, { allowed: true, reason: 'admin_override' }],
    ['refuses a guest 12 h before (guest window 24 h)', POLICY, 'guest', hoursBefore(12), false, { allowed: false, reason: 'outside_window' }],
    ['allows a guest exactly 24 h before', POLICY, 'guest', hoursBefore(24), false, { allowed: true, reason: 'within_window' }],
    ['allows at the very start with a zero window', zeroWindow, 'registered', START, false, { allowed: true, reason: 'within_window' }],
    ['refuses 1 ms after the start with a zero window', zeroWindow, 'registered', START + 1, false, { allowed: false, reason: 'already_started' }],
  ])('%s', (_name, policy, customerType, now, actorCanCancelAnytime, expected) => {
    expect(canCancel({ startTime: START, now, policy, customerType, actorCanCancelAnytime })).toEqual(expected);
  });
});

describe('noShowSettlement', () => {
  it('keeps the deposit when the policy says nothing (specification: no refund on no-show)', () => {
    expect(noShowSettlement({ paidAmount: 2_500, policy: POLICY })).toEqual({ refund: 0, penalty: null });
  });

  it('keeps the deposit and charges the fee', () => {
    const policy = cancellationPolicySchema.parse({
      window_hours: 0,
      rules: [],
      no_show: { keep_deposit: true, fee: { amount: 1_500, currency: 'EUR' } },
    });
    expect(noShowSettlement({ paidAmount: 2_500, policy })).toEqual({ refund: 0, penalty: { amount: 1_500, currency: 'EUR' } });
  });

  it('returns the whole deposit when the business does not keep it', () => {
    const policy = cancellationPolicySchema.parse({ window_hours: 0, rules: [], no_show: { keep_deposit: false } });
    expect(noShowSettlement({ paidAmount: 2_500, policy })).toEqual({ refund: 2_500, penalty: null });
  });
});

describe('canReschedule', () => {
  const limited = cancellationPolicySchema.parse({
    window_hours: 24,
    rules: [],
    reschedule: { min_hours_before: 4, max_reschedules: 2 },
  });
  const unlimited = cancellationPolicySchema.parse({ window_hours: 24, rules: [] });

  it.each<[string, CancellationPolicy, number, number, boolean | undefined, ReturnType<typeof canReschedule>]>([
    ['allows a first reschedule 5 h before', limited, hoursBefore(5), 0, undefined, { allowed: true, reason: 'allowed' }],
    ['allows exactly at the minimum notice', limited, hoursBefore(4), 1, undefined, { allowed: true, reason: 'allowed' }],
    ['refuses 3 h before (4 h notice)', limited, hoursBefore(3), 0, undefined, { allowed: false, reason: 'too_close_to_start' }],
    ['refuses a third reschedule', limited, hoursBefore(48), 2, undefined, { allowed: false, reason: 'max_reschedules_reached' }],
    ['refuses after the start', limited, START + 1, 0, undefined, { allowed: false, reason: 'already_started' }],
    ['lets staff move a booking past every limit', limited, START + 10 * MINUTE, 5, true, { allowed: true, reason: 'admin_override' }],
    ['defaults the notice to the cancellation window (12 h < 24 h)', unlimited, hoursBefore(12), 0, false, { allowed: false, reason: 'too_close_to_start' }],
    ['has no count limit unless configured', unlimited, hoursBefore(48), 50, undefined, { allowed: true, reason: 'allowed' }],
  ])('%s', (_name, policy, now, rescheduleCount, actorCanRescheduleAnytime, expected) => {
    expect(
      canReschedule({
        startTime: START,
        now,
        policy,
        customerType: 'registered',
        rescheduleCount,
        ...(actorCanRescheduleAnytime === undefined ? {} : { actorCanRescheduleAnytime }),
      }),
    ).toEqual(expected);
  });

  it('defaults a guest to the stricter guest window', () => {
    expect(
      canReschedule({ startTime: START, now: hoursBefore(12), policy: POLICY, customerType: 'guest', rescheduleCount: 0 }),
    ).toEqual({ allowed: false, reason: 'too_close_to_start' });
    expect(
      canReschedule({ startTime: START, now: hoursBefore(12), policy: POLICY, customerType: 'registered', rescheduleCount: 0 }),
    ).toEqual({ allowed: true, reason: 'allowed' });
  });
});

/** A service that sets no guest terms: guests get the stricter defaults (§2.1.5). */
const NO_GUEST_BLOCK: CancellationPolicy = cancellationPolicySchema.parse({
  window_hours: 24,
  rules: [
    { min_hours: 48, refund_percentage: 100 },
    { min_hours: 24, refund_percentage: 50 },
  ],
});

describe('default guest terms (a service with no guest block)', () => {
  it.each<[string, number, CustomerType, number]>([
    ['refunds a registered customer 100% 48 h before', hoursBefore(48), 'registered', 100],
    ['refunds a guest only 50% 48 h before (tiers need twice the notice: 96 h and 48 h)', hoursBefore(48), 'guest', 50],
    ['refunds a guest 100% 96 h before', hoursBefore(96), 'guest', 100],
    ['refunds a registered customer 50% 30 h before', hoursBefore(30), 'registered', 50],
    ['refunds a guest nothing 30 h before', hoursBefore(30), 'guest', 0],
  ])('%s', (_name, now, customerType, percent) => {
    expect(refundPercentage({ startTime: START, now, policy: NO_GUEST_BLOCK, customerType })).toBe(percent);
  });

  it.each<[string, number, CustomerType, boolean]>([
    ['lets a registered customer cancel 30 h before (window 24 h)', hoursBefore(30), 'registered', true],
    ['refuses a guest 30 h before (default guest window 48 h)', hoursBefore(30), 'guest', false],
    ['lets a guest cancel exactly 48 h before', hoursBefore(48), 'guest', true],
  ])('%s', (_name, now, customerType, allowed) => {
    expect(canCancel({ startTime: START, now, policy: NO_GUEST_BLOCK, customerType, actorCanCancelAnytime: false }).allowed).toBe(allowed);
  });

  it('adds at least a day for guests where the general window is short or zero', () => {
    const anytime = cancellationPolicySchema.parse({ window_hours: 0, rules: [{ min_hours: 0, refund_percentage: 100 }] });
    expect(canCancel({ startTime: START, now: hoursBefore(1), policy: anytime, customerType: 'registered', actorCanCancelAnytime: false }).allowed).toBe(true);
    expect(canCancel({ startTime: START, now: hoursBefore(23), policy: anytime, customerType: 'guest', actorCanCancelAnytime: false }).allowed).toBe(false);
    expect(refundPercentage({ startTime: START, now: hoursBefore(23), policy: anytime, customerType: 'guest' })).toBe(0);
    expect(refundPercentage({ startTime: START, now: hoursBefore(24), policy: anytime, customerType: 'guest' })).toBe(100);
  });

  it('keeps a guest block the service sets, completing what it leaves out from the base terms', () => {
    const windowOnly = cancellationPolicySchema.parse({ ...NO_GUEST_BLOCK, guest: { window_hours: 30 } });
    expect(canCancel({ startTime: START, now: hoursBefore(31), policy: windowOnly, customerType: 'guest', actorCanCancelAnytime: false }).allowed).toBe(true);
    expect(refundPercentage({ startTime: START, now: hoursBefore(48), policy: windowOnly, customerType: 'guest' })).toBe(100);
  });
});

describe('cancellationRefund', () => {
  const at = { startTime: START, now: hoursBefore(12), customerType: 'registered' as const, paidAmount: 4_000 };
  it.each<[string, CancellationPolicy | null, boolean, CustomerType, number]>([
    ['refunds the customer by the tiers when they cancel 12 h before', POLICY, false, 'registered', 2_000],
    ['refunds everything when the business cancels 12 h before', POLICY, true, 'registered', 4_000],
    ['refunds a guest everything when the business cancels, whatever the guest terms', POLICY, true, 'guest', 4_000],
    ['refunds everything without a policy', null, false, 'registered', 4_000],
  ])('%s', (_name, policy, byBusiness, customerType, expected) => {
    expect(cancellationRefund({ ...at, policy, byBusiness, customerType })).toBe(expected);
  });
});

describe('mayClose (complete, check out, no-show)', () => {
  it.each<[string, number, boolean]>([
    ['refuses a day before the start', hoursBefore(24), false],
    ['refuses a minute before the start', START - MINUTE, false],
    ['allows exactly at the start', START, true],
    ['allows after the start', START + 30 * MINUTE, true],
  ])('%s', (_name, now, allowed) => {
    expect(mayClose({ startTime: START, now })).toBe(allowed);
  });
});

describe('policy properties', () => {
  const ruleArb = fc.record({
    min_hours: fc.integer({ min: 0, max: 200 }),
    refund_percentage: fc.integer({ min: 0, max: 100 }),
  });
  const rulesArb = fc.uniqueArray(ruleArb, { maxLength: 5, selector: (rule) => rule.min_hours });
  const independentPolicyArb = fc.record({
    window_hours: fc.integer({ min: 0, max: 100 }),
    rules: rulesArb,
    guest: fc.record({ window_hours: fc.integer({ min: 0, max: 200 }), rules: rulesArb }, { requiredKeys: [] }),
  });
  // Guest rules derived from the general ones (later and smaller refunds), so
  // that many generated policies are valid and non-trivial, not just rejected.
  const derivedPolicyArb = rulesArb
    .filter((rules) => rules.length > 0)
    .chain((rules) =>
      fc.record({
        window_hours: fc.integer({ min: 0, max: 100 }),
        rules: fc.constant(rules),
        guest: fc.record({
          rules: fc.tuple(...rules.map((rule) =>
            fc.record({
              min_hours: fc.integer({ min: rule.min_hours, max: rule.min_hours + 48 }),
              refund_percentage: fc.integer({ min: 0, max: rule.refund_percentage }),
            }),
          )),
        }),
      }),
    );
  const policyArb = fc.oneof(independentPolicyArb, derivedPolicyArb);
  const noticeArb = fc.integer({ min: -100 * HOUR, max: 300 * HOUR });

  it('never refunds more than was paid, and nothing after the start', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 10_000_000 }), noticeArb, fc.constantFrom<CustomerType>('registered', 'guest'), (raw, paidAmount, notice, customerType) => {
        const parsed = cancellationPolicySchema.safeParse(raw);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const refund = refundForCancellation({ paidAmount, startTime: START, now: START - notice, policy: parsed.data, customerType });
        expect(Number.isSafeInteger(refund)).toBe(true);
        expect(refund).toBeGreaterThanOrEqual(0);
        expect(refund).toBeLessThanOrEqual(paidAmount);
        if (notice < 0) expect(refund).toBe(0);
      }),
    );
  });

  it('a valid policy never treats a guest better than a registered customer', () => {
    fc.assert(
      fc.property(policyArb, noticeArb, fc.boolean(), (raw, notice, admin) => {
        const parsed = cancellationPolicySchema.safeParse(raw);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const at = { startTime: START, now: START - notice, policy: parsed.data };
        const guestRefund = refundPercentage({ ...at, customerType: 'guest' });
        const registeredRefund = refundPercentage({ ...at, customerType: 'registered' });
        expect(guestRefund).toBeLessThanOrEqual(registeredRefund);
        const guestMayCancel = canCancel({ ...at, customerType: 'guest', actorCanCancelAnytime: admin }).allowed;
        const registeredMayCancel = canCancel({ ...at, customerType: 'registered', actorCanCancelAnytime: admin }).allowed;
        if (guestMayCancel) expect(registeredMayCancel).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the default guest terms never treat a guest better than a registered customer', () => {
    fc.assert(
      fc.property(fc.record({ window_hours: fc.integer({ min: 0, max: 100 }), rules: rulesArb }), noticeArb, (raw, notice) => {
        const parsed = cancellationPolicySchema.safeParse(raw);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const at = { startTime: START, now: START - notice, policy: parsed.data };
        expect(refundPercentage({ ...at, customerType: 'guest' })).toBeLessThanOrEqual(refundPercentage({ ...at, customerType: 'registered' }));
        if (canCancel({ ...at, customerType: 'guest', actorCanCancelAnytime: false }).allowed) {
          expect(canCancel({ ...at, customerType: 'registered', actorCanCancelAnytime: false }).allowed).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
