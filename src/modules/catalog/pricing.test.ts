import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEPOSIT_TYPES,
  type PricingTier,
  type ServiceDeposit,
  depositFor,
  priceForSlot,
  pricingTierInputSchema,
  pricingTierSchema,
  serviceDepositSchema,
  toServiceDeposit,
  toTierDeposit,
} from './pricing.ts';

const MADRID = 'Europe/Madrid';
const LOC_NORTE = '6f1c0c52-1f0e-4d3a-9a51-000000000001';
const LOC_CENTRO = '6f1c0c52-1f0e-4d3a-9a51-000000000002';
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Builds a tier through the schema, so every fixture is a tier the API would accept. */
function tier(n: number, fields: Partial<Omit<PricingTier, 'id'>>): PricingTier {
  return pricingTierSchema.parse({
    id: uuid(n),
    name: `Tier ${n}`,
    base_price: 4_000,
    currency: 'EUR',
    deposit_type: 'none',
    deposit_value: 0,
    is_default: false,
    conditions: null,
    valid_from: null,
    valid_until: null,
    ...fields,
  });
}

const STANDARD = tier(1, { name: 'Standard', is_default: true, deposit_type: 'percentage', deposit_value: 2_000 });
const WEEKEND = tier(2, { name: 'Weekend', base_price: 5_000, conditions: { days: [6, 7] } });
const PEAK = tier(3, { name: 'Peak hours', base_price: 4_800, conditions: { days: [1, 2, 3, 4, 5], start_time: '18:00', end_time: '21:00' } });
const CENTRO = tier(4, { name: 'Centro', base_price: 3_500, conditions: { location_ids: [LOC_CENTRO] } });
const CENTRO_WEEKEND = tier(5, { name: 'Centro weekend', base_price: 5_500, conditions: { days: [6, 7], location_ids: [LOC_CENTRO] } });
const WINTER_PROMO = tier(6, {
  name: 'Winter promo',
  base_price: 2_500,
  priority: 5,
  valid_from: '2025-12-01T00:00:00+01:00',
  valid_until: '2026-01-07T00:00:00+01:00',
});
const SUMMER_WEEKEND = tier(7, {
  name: 'Summer weekend',
  base_price: 6_000,
  priority: 10,
  conditions: { days: [6, 7] },
  valid_from: '2026-07-01T00:00:00+02:00',
  valid_until: '2026-09-01T00:00:00+02:00',
});

// Listed out of rank order on purpose.
const CATALOG = [WEEKEND, SUMMER_WEEKEND, PEAK, STANDARD, CENTRO_WEEKEND, WINTER_PROMO, CENTRO];

const nameOf = (t: PricingTier | null): string | null => t?.name ?? null;

describe('priceForSlot in Europe/Madrid', () => {
  // Slot starts are written with Madrid's offset of that day (+01:00 winter, +02:00 summer).
  it.each<[string, string, string | null, string]>([
    ['standard price on a weekday morning', '2026-03-30T10:00:00+02:00', LOC_NORTE, 'Standard'],
    ['peak price at 19:00 Madrid time (17:00 UTC)', '2026-03-30T19:00:00+02:00', LOC_NORTE, 'Peak hours'],
    ['peak window starts at 18:00 inclusive', '2026-03-30T18:00:00+02:00', LOC_NORTE, 'Peak hours'],
    ['peak window ends at 21:00 exclusive', '2026-03-30T21:00:00+02:00', LOC_NORTE, 'Standard'],
    ['peak is local time: 20:30 UTC is 22:30 in Madrid', '2026-03-30T20:30:00Z', LOC_NORTE, 'Standard'],
    ['peak in winter time: 18:30 local is 17:30 UTC', '2026-02-02T17:30:00Z', LOC_NORTE, 'Peak hours'],
    ['weekend price on Saturday', '2026-03-28T11:00:00+01:00', LOC_NORTE, 'Weekend'],
    ['weekend price on the Sunday clocks go forward', '2026-03-29T03:30:00+02:00', LOC_NORTE, 'Weekend'],
    ['Saturday 00:30 in Madrid is still Friday in UTC', '2026-03-27T23:30:00Z', LOC_NORTE, 'Weekend'],
    ['location tier at Centro on a weekday', '2026-03-30T10:00:00+02:00', LOC_CENTRO, 'Centro'],
    ['Centro weekend (two conditions) beats weekend and Centro', '2026-03-28T11:00:00+01:00', LOC_CENTRO, 'Centro weekend'],
    ['no location: location tiers never match', '2026-03-30T10:00:00+02:00', null, 'Standard'],
    ['winter promo (priority 5) wins during its validity, even at peak', '2025-12-15T19:00:00+01:00', LOC_NORTE, 'Winter promo'],
    ['winter promo applies from its first instant', '2025-12-01T00:00:00+01:00', LOC_NORTE, 'Winter promo'],
    ['winter promo has expired at valid_until', '2026-01-07T00:00:00+01:00', LOC_NORTE, 'Standard'],
    ['winter promo has not started 1 s before valid_from (a Sunday)', '2025-11-30T23:59:59+01:00', LOC_NORTE, 'Weekend'],
    ['summer weekend (priority 10) beats Centro weekend', '2026-07-04T11:00:00+02:00', LOC_CENTRO, 'Summer weekend'],
    ['summer weekend does not apply on a summer Monday', '2026-07-06T11:00:00+02:00', LOC_NORTE, 'Standard'],
  ])('%s', (_name, startIso, locationId, expected) => {
    const chosen = priceForSlot({ tiers: CATALOG, start: Date.parse(startIso), timeZone: MADRID, locationId });
    expect(nameOf(chosen)).toBe(expected);
  });

  it('reads weekday and time in the zone it is given', () => {
    const start = Date.parse('2026-03-30T17:30:00Z'); // 19:30 in Madrid, 13:30 in New York
    expect(nameOf(priceForSlot({ tiers: CATALOG, start, timeZone: MADRID, locationId: LOC_NORTE }))).toBe('Peak hours');
    expect(nameOf(priceForSlot({ tiers: CATALOG, start, timeZone: 'America/New_York', locationId: LOC_NORTE }))).toBe('Standard');
  });

  it('falls back to the default tier when nothing else matches', () => {
    expect(priceForSlot({ tiers: [STANDARD, CENTRO], start: Date.parse('2026-03-30T10:00:00+02:00'), timeZone: MADRID, locationId: LOC_NORTE })).toBe(STANDARD);
  });

  it('returns null when no tier applies and there is no default', () => {
    expect(priceForSlot({ tiers: [WEEKEND, PEAK], start: Date.parse('2026-03-30T10:00:00+02:00'), timeZone: MADRID, locationId: LOC_NORTE })).toBeNull();
    expect(priceForSlot({ tiers: [], start: 0, timeZone: MADRID, locationId: null })).toBeNull();
  });

  it('follows a scheduled price change between two default tiers', () => {
    const old = tier(10, { name: '2025 prices', is_default: true, valid_until: '2026-01-01T00:00:00+01:00' });
    const current = tier(11, { name: '2026 prices', is_default: true, valid_from: '2026-01-01T00:00:00+01:00' });
    const at = (iso: string) => nameOf(priceForSlot({ tiers: [current, old], start: Date.parse(iso), timeZone: MADRID, locationId: null }));
    expect(at('2025-12-31T23:59:00+01:00')).toBe('2025 prices');
    expect(at('2026-01-01T00:00:00+01:00')).toBe('2026 prices');
  });

  it('handles a late-night window across midnight (22:00–02:00)', () => {
    const lateNight = tier(20, { name: 'Late night', conditions: { start_time: '22:00', end_time: '02:00' } });
    const at = (local: string) =>
      nameOf(priceForSlot({ tiers: [lateNight, STANDARD], start: Date.parse(`2026-03-30T${local}:00+02:00`), timeZone: MADRID, locationId: null }));
    expect(at('21:59')).toBe('Standard');
    expect(at('22:00')).toBe('Late night');
    expect(at('23:30')).toBe('Late night');
    expect(at('00:00')).toBe('Late night');
    expect(at('01:59')).toBe('Late night');
    expect(at('02:00')).toBe('Standard');
  });

  it('supports open-ended windows and 24:00', () => {
    const evening = tier(21, { name: 'From 17:00', conditions: { start_time: '17:00' } });
    const early = tier(22, { name: 'Before 09:00', conditions: { end_time: '09:00' } });
    const lastHour = tier(23, { name: 'Last hour', priority: 1, conditions: { start_time: '23:00', end_time: '24:00' } });
    const tiers = [evening, early, lastHour, STANDARD];
    const at = (local: string) =>
      nameOf(priceForSlot({ tiers, start: Date.parse(`2026-03-30T${local}:00+02:00`), timeZone: MADRID, locationId: null }));
    expect(at('08:59')).toBe('Before 09:00');
    expect(at('09:00')).toBe('Standard');
    expect(at('17:00')).toBe('From 17:00');
    expect(at('23:59')).toBe('Last hour');
  });

  it('breaks a tie of priority and specificity by id, whatever the input order', () => {
    const a = tier(30, { name: 'A', conditions: { days: [1] } });
    const b = tier(31, { name: 'B', conditions: { location_ids: [LOC_NORTE] } });
    const start = Date.parse('2026-03-30T10:00:00+02:00');
    expect(nameOf(priceForSlot({ tiers: [b, a], start, timeZone: MADRID, locationId: LOC_NORTE }))).toBe('A');
    expect(nameOf(priceForSlot({ tiers: [a, b], start, timeZone: MADRID, locationId: LOC_NORTE }))).toBe('A');
  });

  it('rejects an unknown time zone', () => {
    expect(() => priceForSlot({ tiers: CATALOG, start: 0, timeZone: 'Mars/Olympus_Mons', locationId: null })).toThrow(RangeError);
  });

  it('never picks an expired tier, a foreign location tier, or a default over an unconditional valid tier', () => {
    const zones = ['Europe/Madrid', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'UTC'];
    const locations = [LOC_NORTE, LOC_CENTRO];
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const yearMs = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') });
    const tierArb = fc
      .record({
        is_default: fc.boolean(),
        priority: fc.integer({ min: -2, max: 2 }),
        days: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }), { nil: undefined }),
        start_time: fc.option(hhmm, { nil: undefined }),
        end_time: fc.option(hhmm, { nil: undefined }),
        location_ids: fc.option(fc.subarray(locations, { minLength: 1 }), { nil: undefined }),
        from: fc.option(yearMs, { nil: null }),
        lengthMs: fc.option(fc.integer({ min: 1, max: 200 * 86_400_000 }), { nil: null }),
      })
      .filter((t) => t.start_time === undefined || t.start_time !== t.end_time);
    fc.assert(
      fc.property(
        fc.array(tierArb, { maxLength: 6 }),
        yearMs,
        fc.constantFrom(...zones),
        fc.option(fc.constantFrom(...locations), { nil: null }),
        (specs, start, timeZone, locationId) => {
          const tiers = specs.map((s, i) =>
            tier(100 + i, {
              is_default: s.is_default,
              priority: s.priority,
              conditions: s.is_default
                ? null
                : {
                    ...(s.days && { days: s.days }),
                    ...(s.start_time && { start_time: s.start_time }),
                    ...(s.end_time && { end_time: s.end_time }),
                    ...(s.location_ids && { location_ids: s.location_ids }),
                  },
              valid_from: s.from === null ? null : new Date(s.from).toISOString(),
              valid_until: s.from === null || s.lengthMs === null ? null : new Date(s.from + s.lengthMs).toISOString(),
            }),
          );
          const chosen = priceForSlot({ tiers, start, timeZone, locationId });
          const validAt = (t: PricingTier) =>
            (t.valid_from === null || Date.parse(t.valid_from) <= start) && (t.valid_until === null || start < Date.parse(t.valid_until));
          if (chosen === null) {
            expect(tiers.some((t) => t.is_default && validAt(t))).toBe(false);
            return;
          }
          expect(tiers).toContain(chosen);
          expect(validAt(chosen)).toBe(true);
          const requiredLocations = chosen.conditions?.location_ids;
          if (requiredLocations !== undefined) {
            expect(locationId !== null && requiredLocations.includes(locationId)).toBe(true);
          }
          if (chosen.is_default) {
            const unconditional = tiers.filter((t) => !t.is_default && validAt(t) && Object.keys(t.conditions ?? {}).length === 0);
            expect(unconditional).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('depositFor a tier', () => {
  const deposit = (deposit_type: PricingTier['deposit_type'], deposit_value: number, total: number) =>
    depositFor({ deposit_type, deposit_value }, total);

  it.each<[string, PricingTier['deposit_type'], number, number, number]>([
    ['no deposit', 'none', 0, 4_000, 0],
    ['the full price', 'full', 0, 4_000, 4_000],
    ['20% of 40.00 EUR', 'percentage', 2_000, 4_000, 800],
    ['100% of 40.00 EUR', 'percentage', 10_000, 4_000, 4_000],
    ['a fixed 15.00 EUR', 'fixed', 1_500, 4_000, 1_500],
    ['a fixed deposit above the price is capped at the price', 'fixed', 5_000, 4_000, 4_000],
    ['10% of ¥5 is half a yen, rounded up', 'percentage', 1_000, 5, 1],
    ['33.33% of ¥1,001 is ¥333.63, rounded to ¥334', 'percentage', 3_333, 1_001, 334],
    ['15% of ¥4,500', 'percentage', 1_500, 4_500, 675],
    ['12.5% of 12.345 KWD is 1.543125, rounded to 1.543 KWD', 'percentage', 1_250, 12_345, 1_543],
    ['12.5% of 12.348 KWD is 1.5435, rounded half up to 1.544 KWD', 'percentage', 1_250, 12_348, 1_544],
    ['a fixed 2.500 KWD', 'fixed', 2_500, 12_345, 2_500],
    ['anything of a free service', 'percentage', 5_000, 0, 0],
  ])('%s', (_name, type, value, total, expected) => {
    expect(deposit(type, value, total)).toBe(expected);
  });

  it('takes the tier itself', () => {
    expect(depositFor(STANDARD, STANDARD.base_price)).toBe(800);
  });

  it('rejects a total that is not whole minor units', () => {
    expect(() => deposit('full', 0, 10.5)).toThrow(RangeError);
    expect(() => deposit('none', 0, -1)).toThrow(RangeError);
  });

  it('is never negative and never above the total', () => {
    const depositArb = fc.oneof(
      fc.record({ deposit_type: fc.constantFrom('none' as const, 'full' as const), deposit_value: fc.constant(0) }),
      fc.record({ deposit_type: fc.constant('percentage' as const), deposit_value: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ deposit_type: fc.constant('fixed' as const), deposit_value: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) }),
    );
    fc.assert(
      fc.property(depositArb, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (source, total) => {
        const amount = depositFor(source, total);
        return Number.isSafeInteger(amount) && amount >= 0 && amount <= total;
      }),
    );
  });
});

describe('service-level deposit', () => {
  it.each<[string, ServiceDeposit, number, number]>([
    ['12.5% of 100.00 EUR', { type: 'percentage', value: 12.5 }, 10_000, 1_250],
    ['0.29% of 100.00 EUR (no float drift)', { type: 'percentage', value: 0.29 }, 10_000, 29],
    ['33.33% of ¥1,001', { type: 'percentage', value: 33.33 }, 1_001, 334],
    ['a fixed ¥1,000', { type: 'fixed', value: 1_000 }, 4_500, 1_000],
    ['the full price', { type: 'full' }, 4_500, 4_500],
    ['nothing', { type: 'none', value: 0 }, 4_500, 0],
  ])('%s', (_name, deposit, total, expected) => {
    expect(depositFor({ deposit }, total)).toBe(expected);
  });

  it('converts whole percent to basis points and back', () => {
    expect(toTierDeposit({ type: 'percentage', value: 12.5 })).toEqual({ deposit_type: 'percentage', deposit_value: 1_250 });
    expect(toServiceDeposit({ deposit_type: 'percentage', deposit_value: 1_250 })).toEqual({ type: 'percentage', value: 12.5 });
    expect(toTierDeposit({ type: 'fixed', value: 1_500 })).toEqual({ deposit_type: 'fixed', deposit_value: 1_500 });
    expect(toServiceDeposit({ deposit_type: 'full', deposit_value: 0 })).toEqual({ type: 'full' });
  });

  it('round-trips every two-decimal percentage exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (basisPoints) => {
        const deposit = serviceDepositSchema.parse({ type: 'percentage', value: basisPoints / 100 });
        const tierFields = toTierDeposit(deposit);
        return tierFields.deposit_value === basisPoints && toServiceDeposit(tierFields).type === 'percentage';
      }),
    );
  });

  it.each<[string, unknown]>([
    ['a percentage above 100', { type: 'percentage', value: 100.01 }],
    ['a negative percentage', { type: 'percentage', value: -1 }],
    ['three decimals of percent', { type: 'percentage', value: 12.345 }],
    ['fractional minor units', { type: 'fixed', value: 10.5 }],
    ['a negative fixed amount', { type: 'fixed', value: -100 }],
    ['a value on none', { type: 'none', value: 5 }],
    ['a value on full', { type: 'full', value: 100 }],
    ['an unknown type', { type: 'half', value: 50 }],
    ['a missing percentage', { type: 'percentage' }],
  ])('rejects %s', (_name, input) => {
    expect(serviceDepositSchema.safeParse(input).success).toBe(false);
  });

  it('accepts the types API.md lists, plus full', () => {
    for (const input of [{ type: 'none' }, { type: 'percentage', value: 20 }, { type: 'fixed', value: 1_500 }, { type: 'full' }]) {
      expect(serviceDepositSchema.safeParse(input).success, JSON.stringify(input)).toBe(true);
    }
  });
});

describe('pricingTierSchema', () => {
  const valid = {
    name: 'Peak hours',
    base_price: 4_800,
    currency: 'EUR',
    deposit_type: 'percentage',
    deposit_value: 2_500,
    is_default: false,
    conditions: { days: [1, 2, 3, 4, 5], start_time: '18:00', end_time: '21:00', location_ids: [LOC_CENTRO] },
    valid_from: '2026-01-01T00:00:00+01:00',
    valid_until: null,
    priority: 2,
  };

  it('accepts a complete tier, with and without id', () => {
    expect(pricingTierInputSchema.safeParse(valid).success).toBe(true);
    expect(pricingTierSchema.safeParse({ ...valid, id: uuid(1) }).success).toBe(true);
    expect(pricingTierSchema.safeParse(valid).success).toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a percentage deposit above 10000 bp', { deposit_value: 10_001 }],
    ['a value on a none deposit', { deposit_type: 'none', deposit_value: 5 }],
    ['a value on a full deposit', { deposit_type: 'full', deposit_value: 100 }],
    ['an unknown deposit type', { deposit_type: 'half' }],
    ['a fractional price', { base_price: 48.5 }],
    ['a lower-case currency', { currency: 'eur' }],
    ['a default tier with conditions', { is_default: true }],
    ['validity that ends before it starts', { valid_until: '2025-12-31T23:00:00Z' }],
    ['validity that ends when it starts', { valid_until: '2025-12-31T23:00:00Z', valid_from: '2025-12-31T23:00:00Z' }],
    ['a local date-time without offset', { valid_from: '2026-01-01T00:00:00' }],
    ['a malformed instant', { valid_from: 'tomorrow' }],
    ['weekday 0', { conditions: { days: [0, 1] } }],
    ['a repeated weekday', { conditions: { days: [1, 1] } }],
    ['an empty weekday list', { conditions: { days: [] } }],
    ['hour 25', { conditions: { start_time: '25:00' } }],
    ['a start at 24:00', { conditions: { start_time: '24:00' } }],
    ['an empty window', { conditions: { start_time: '10:00', end_time: '10:00' } }],
    ['a location id that is not a uuid', { conditions: { location_ids: ['centro'] } }],
    ['an unknown condition', { conditions: { months: [7] } }],
  ])('rejects %s', (_name, change) => {
    expect(pricingTierInputSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('accepts every deposit type with a suitable value', () => {
    for (const deposit_type of DEPOSIT_TYPES) {
      const deposit_value = deposit_type === 'percentage' ? 5_000 : deposit_type === 'fixed' ? 1_000 : 0;
      expect(pricingTierInputSchema.safeParse({ ...valid, deposit_type, deposit_value }).success, deposit_type).toBe(true);
    }
  });
});
