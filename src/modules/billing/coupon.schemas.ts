import { z } from 'zod';

const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9_-]{2,39}$/, '3 to 40 letters, digits, - or _')
  .describe('what the business types, case-insensitive (stored upper-case)');

export const couponSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  percent_off: z.int().nullable(),
  amount_off: z.object({ amount: z.int(), currency: z.string() }).nullable().describe('minor units of `currency`'),
  duration: z.enum(['once', 'repeating', 'forever']),
  duration_months: z.int().nullable().describe('a repeating coupon: how many months of invoices it discounts from its redemption'),
  max_redemptions: z.int().nullable(),
  times_redeemed: z.int(),
  redeem_by: z.string().nullable(),
  plan_ids: z.array(z.string()).describe('the plans it is for; empty for any'),
  archived_at: z.string().nullable(),
  created_at: z.string(),
});

export const couponBodySchema = z
  .strictObject({
    code,
    name: z.string().trim().min(1).max(120),
    percent_off: z.int().min(1).max(100).optional(),
    amount_off: z
      .strictObject({ amount: z.int().min(1).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code') })
      .optional()
      .describe('minor units of `currency`; only invoices in that currency are discounted'),
    duration: z.enum(['once', 'repeating', 'forever']),
    duration_months: z.int().min(1).max(36).optional(),
    max_redemptions: z.int().min(1).max(1_000_000).optional(),
    redeem_by: z.iso.datetime({ offset: true }).optional().describe('after this moment the code is refused (COUPON_EXPIRED)'),
    plan_ids: z.array(z.string().min(1).max(50)).max(20).optional(),
  })
  .refine((body) => (body.percent_off === undefined) !== (body.amount_off === undefined), { message: 'give either percent_off or amount_off', path: ['percent_off'] })
  .refine((body) => (body.duration === 'repeating') === (body.duration_months !== undefined), { message: 'duration_months goes with a repeating duration only', path: ['duration_months'] });

export const redeemCouponBodySchema = z.strictObject({ code });

/** The coupon running on a subscription. */
export const appliedCouponSchema = z.object({
  code: z.string(),
  name: z.string(),
  percent_off: z.int().nullable(),
  amount_off: z.object({ amount: z.int(), currency: z.string() }).nullable(),
  duration: z.enum(['once', 'repeating', 'forever']),
  redeemed_at: z.string(),
  ends_at: z.string().nullable().describe('a repeating coupon: when it stops discounting'),
});
