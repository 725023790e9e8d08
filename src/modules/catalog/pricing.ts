/**
 * Price tiers of a service (the specification's `service_pricing`: "Standard",
 * "Peak Hours", weekend or location prices, time-limited promotions) and the
 * deposit a booking must pay.
 *
 * Amounts are integer minor units of the tier's currency. A tier's percentage
 * deposit is stored in basis points; the service-level `deposit` of the API
 * speaks whole percent (see `serviceDepositSchema`), converted in one place
 * (`toTierDeposit` / `toServiceDeposit`).
 */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { assertMinorAmount, currencyCodeSchema, minorAmountSchema, percentOf } from '../../platform/money.ts';

export const DEPOSIT_TYPES = ['none', 'percentage', 'fixed', 'full'] as const;

/** `none` – nothing up front; `percentage` – a share of the price; `fixed` – an amount (capped at the price); `full` – the whole price. */
export type DepositType = (typeof DEPOSIT_TYPES)[number];

const FULL_PERCENT_BP = 10_000;
const MINUTES_PER_DAY = 24 * 60;

const startTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected local time HH:MM (00:00–23:59)');
// "24:00" lets a window run to the end of the day without an off-by-one minute.
const endTimeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Expected local time HH:MM (00:00–24:00)');
const instantSchema = z.iso.datetime({ offset: true });

/**
 * When a tier applies, all present conditions being required (AND). Days and
 * times are local to the location's time zone and are judged at the slot's
 * start: a slot is priced by when it begins.
 */
export const tierConditionsSchema = z
  .strictObject({
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z
      .array(z.int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, { message: 'Weekdays must not repeat' })
      .optional(),
    /** Inclusive local start of the time window. */
    start_time: startTimeSchema.optional(),
    /**
     * Exclusive local end of the time window. An end before the start wraps
     * past midnight (22:00–02:00 is a late-night window).
     */
    end_time: endTimeSchema.optional(),
    location_ids: z.array(z.uuid()).min(1).max(500).optional(),
  })
  .refine((c) => c.start_time === undefined || c.start_time !== c.end_time, {
    message: 'start_time and end_time must differ',
    path: ['end_time'],
  });

export type TierConditions = z.infer<typeof tierConditionsSchema>;

const tierFieldsSchema = z.strictObject({
  id: z.uuid(),
  name: z.string().trim().min(1).max(255),
  base_price: minorAmountSchema,
  currency: currencyCodeSchema,
  deposit_type: z.enum(DEPOSIT_TYPES),
  /** Basis points for `percentage` (0–10 000), minor units for `fixed`, 0 for `none` and `full`. */
  deposit_value: minorAmountSchema,
  /** Applies when no other tier does. Must have no conditions. */
  is_default: z.boolean(),
  conditions: tierConditionsSchema.nullable(),
  /** Inclusive start of validity; an ISO instant with offset, or null for "always". */
  valid_from: instantSchema.nullable(),
  /** Exclusive end of validity; an ISO instant with offset, or null for "forever". */
  valid_until: instantSchema.nullable(),
  /** Higher wins among matching tiers; default 0. */
  priority: z.int().min(-1_000).max(1_000).optional(),
});

type TierFields = z.infer<typeof tierFieldsSchema>;

function checkTier(tier: Omit<TierFields, 'id'>, ctx: z.RefinementCtx): void {
  if (tier.deposit_type === 'percentage' && tier.deposit_value > FULL_PERCENT_BP) {
    ctx.addIssue({ code: 'custom', path: ['deposit_value'], message: 'A percentage deposit is at most 10000 basis points' });
  }
  if ((tier.deposit_type === 'none' || tier.deposit_type === 'full') && tier.deposit_value !== 0) {
    ctx.addIssue({ code: 'custom', path: ['deposit_value'], message: `deposit_value must be 0 for a ${tier.deposit_type} deposit` });
  }
  if (tier.is_default && tier.conditions !== null && conditionCount(tier.conditions) > 0) {
    ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'A default tier applies when no other does and cannot have conditions' });
  }
  if (tier.valid_from !== null && tier.valid_until !== null && toEpochMs(tier.valid_from) >= toEpochMs(tier.valid_until)) {
    ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'valid_until must be after valid_from' });
  }
}

// Zod runs refinements after non-aborting field issues (a malformed date, say);
// cross-field rules only make sense, and only parse dates safely, on valid fields.
const onlyWhenFieldsValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/** A stored or returned price tier. */
export const pricingTierSchema = tierFieldsSchema.superRefine(checkTier, onlyWhenFieldsValid);

/** A price tier as a client creates it (the server assigns the id). */
export const pricingTierInputSchema = tierFieldsSchema.omit({ id: true }).superRefine(checkTier, onlyWhenFieldsValid);

export type PricingTier = z.infer<typeof pricingTierSchema>;
export type PricingTierInput = z.infer<typeof pricingTierInputSchema>;

const noValue = z.literal(0).optional();
const isCentPrecise = (value: number): boolean => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;

/**
 * The service-level `deposit` of `POST /services`: `{type, value}`.
 *
 * - `percentage`: `value` is whole percent 0–100 with at most two decimals
 *   (12.5 means 12.5 %), as people write percentages; stored as basis points.
 * - `fixed`: `value` is minor units of the service's currency, like every
 *   amount in the API.
 * - `none`, `full`: `value` has no meaning; omit it (0 is tolerated).
 */
export const serviceDepositSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none'), value: noValue }),
  z.strictObject({ type: z.literal('full'), value: noValue }),
  z.strictObject({
    type: z.literal('percentage'),
    value: z.number().min(0).max(100).refine(isCentPrecise, { message: 'At most two decimals' }),
  }),
  z.strictObject({ type: z.literal('fixed'), value: minorAmountSchema }),
]);

export type ServiceDeposit = z.infer<typeof serviceDepositSchema>;

/** The deposit fields of a tier. */
export type TierDeposit = Pick<PricingTier, 'deposit_type' | 'deposit_value'>;

/** Converts the API's service-level deposit into tier fields (percent → basis points). */
export function toTierDeposit(deposit: ServiceDeposit): TierDeposit {
  switch (deposit.type) {
    case 'none':
    case 'full':
      return { deposit_type: deposit.type, deposit_value: 0 };
    case 'percentage':
      // Validated to two decimals, so rounding only removes float noise (0.29 * 100 = 28.999…).
      return { deposit_type: 'percentage', deposit_value: Math.round(deposit.value * 100) };
    case 'fixed':
      return { deposit_type: 'fixed', deposit_value: deposit.value };
  }
}

/** Converts tier deposit fields back to the API's service-level shape (basis points → percent). */
export function toServiceDeposit(deposit: TierDeposit): ServiceDeposit {
  switch (deposit.deposit_type) {
    case 'none':
    case 'full':
      return { type: deposit.deposit_type };
    case 'percentage':
      return { type: 'percentage', value: deposit.deposit_value / 100 };
    case 'fixed':
      return { type: 'fixed', value: deposit.deposit_value };
  }
}

/**
 * Deposit due on a booking of `total` minor units, in minor units: `none` 0,
 * `full` the total, `percentage` rounded half up (see `percentOf`), `fixed`
 * capped at the total so a deposit never exceeds the price.
 *
 * @param source a tier (or its deposit fields) or `{deposit}` as the service API carries it
 * @throws RangeError when `total` is not a non-negative safe integer
 */
export function depositFor(source: TierDeposit | { readonly deposit: ServiceDeposit }, total: number): number {
  assertMinorAmount(total, 'total');
  const { deposit_type, deposit_value } = 'deposit' in source ? toTierDeposit(source.deposit) : source;
  switch (deposit_type) {
    case 'none':
      return 0;
    case 'full':
      return total;
    case 'percentage':
      return percentOf(total, Math.min(deposit_value, FULL_PERCENT_BP));
    case 'fixed':
      return Math.min(deposit_value, total);
  }
}

function toEpochMs(instant: string): number {
  return Temporal.Instant.from(instant).epochMilliseconds;
}

/** Minutes since local midnight of "HH:MM" ("24:00" → 1440). */
function minutesOfDay(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

function conditionCount(conditions: TierConditions | null): number {
  if (conditions === null) return 0;
  const hasTimeWindow = conditions.start_time !== undefined || conditions.end_time !== undefined;
  return [conditions.days !== undefined, hasTimeWindow, conditions.location_ids !== undefined].filter(Boolean).length;
}

function isValidAt(tier: PricingTier, start: number): boolean {
  return (
    (tier.valid_from === null || toEpochMs(tier.valid_from) <= start) &&
    (tier.valid_until === null || start < toEpochMs(tier.valid_until))
  );
}

interface SlotContext {
  /** ISO weekday of the slot's local start. */
  readonly weekday: number;
  /** Local minutes since midnight of the slot's start. */
  readonly minute: number;
  readonly locationId: string | null;
}

function isInTimeWindow(minute: number, startTime: string | undefined, endTime: string | undefined): boolean {
  const from = startTime === undefined ? 0 : minutesOfDay(startTime);
  const until = endTime === undefined ? MINUTES_PER_DAY : minutesOfDay(endTime);
  return from < until ? from <= minute && minute < until : minute >= from || minute < until;
}

function conditionsMatch(conditions: TierConditions | null, slot: SlotContext): boolean {
  if (conditions === null) return true;
  if (conditions.days !== undefined && !conditions.days.includes(slot.weekday)) return false;
  if (!isInTimeWindow(slot.minute, conditions.start_time, conditions.end_time)) return false;
  if (conditions.location_ids !== undefined) {
    if (slot.locationId === null || !conditions.location_ids.includes(slot.locationId)) return false;
  }
  return true;
}

/** Higher priority first, then more conditions (more specific), then id so the choice is stable. */
function compareTiers(a: PricingTier, b: PricingTier): number {
  return (
    (b.priority ?? 0) - (a.priority ?? 0) ||
    conditionCount(b.conditions) - conditionCount(a.conditions) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The tier that prices a slot starting at `start`, or null when none applies
 * (the service's own price then applies).
 *
 * Among tiers valid at `start` (`valid_from` inclusive, `valid_until`
 * exclusive), a matching non-default tier wins over the default; several
 * matching tiers are ranked by priority, then by number of conditions, then
 * by id. Weekday and time of day are those of `start` in `timeZone` (the
 * location's IANA zone), so "peak hours 18:00–21:00 in Madrid" follows the
 * wall clock across DST changes. Several valid defaults (a scheduled price
 * change) are ranked the same way.
 *
 * The caller passes only tiers of one service in one currency.
 *
 * @param start slot start, epoch milliseconds
 * @throws RangeError for an unknown time zone
 */
export function priceForSlot(input: {
  readonly tiers: readonly PricingTier[];
  readonly start: number;
  readonly timeZone: string;
  readonly locationId: string | null;
}): PricingTier | null {
  const local = Temporal.Instant.fromEpochMilliseconds(input.start).toZonedDateTimeISO(input.timeZone);
  const slot: SlotContext = {
    weekday: local.dayOfWeek,
    minute: local.hour * 60 + local.minute,
    locationId: input.locationId,
  };
  const valid = input.tiers.filter((tier) => isValidAt(tier, input.start));
  const special = valid.filter((tier) => !tier.is_default && conditionsMatch(tier.conditions, slot)).sort(compareTiers);
  if (special[0] !== undefined) return special[0];
  return valid.filter((tier) => tier.is_default).sort(compareTiers)[0] ?? null;
}
