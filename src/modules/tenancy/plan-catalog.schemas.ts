import { z } from 'zod';
import { planSchema } from './tenancy.schemas.ts';

/** Support levels the product describes to businesses (their words are in the web app). */
export const SUPPORT_LEVELS = ['email', 'chat_email', 'phone_chat', 'dedicated'] as const;

/** Largest price accepted, in minor units (a million in the currency's major unit). */
const MAX_AMOUNT = 100_000_000;
const amount = z.int().min(0).max(MAX_AMOUNT);
const limit = z.int().min(1).max(10_000_000);

export const planIdParams = z.object({ id: z.string().min(1).max(50) });

const editableFields = {
  name: z.string().trim().min(1).max(80),
  price_amount: amount.nullable().describe("monthly price in minor units of the plan's currency; null: priced by contract"),
  annual_price_amount: amount.nullable().describe('yearly price in minor units; null: not sold yearly (a yearly price needs a monthly one)'),
  bookings_per_month: limit.nullable().describe('null: unlimited'),
  users: limit.nullable().describe('null: unlimited'),
  fee_bps: z.int().min(0).max(10_000).describe('transaction fee on online payments in basis points (10000 = 100 %)'),
  fee_fixed_amount: z.int().min(0).max(100_000).describe('fixed part of the transaction fee, minor units'),
  support: z.enum(SUPPORT_LEVELS),
  is_public: z.boolean().describe('false: hidden, not offered to businesses (custom deals); its subscribers keep it'),
  sort_order: z.int().min(0).max(10_000).describe('position in the list; a plan lower in the list counts as a downgrade'),
};

const yearlyNeedsMonthly = (plan: { price_amount?: number | null | undefined; annual_price_amount?: number | null | undefined }) =>
  !(plan.annual_price_amount !== null && plan.annual_price_amount !== undefined && plan.price_amount === null);

export const planCreateBodySchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$/, 'lower-case letters, digits, - and _')
      .describe('stable identifier (businesses and invoices refer to it); cannot change later'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 code')
      .describe('currency of every amount of the plan; cannot change later'),
    ...editableFields,
    is_public: editableFields.is_public.default(true),
  })
  .refine(yearlyNeedsMonthly, { path: ['annual_price_amount'], message: 'a yearly price needs a monthly price' });

export const planPatchBodySchema = z
  .strictObject({
    name: editableFields.name.optional(),
    price_amount: editableFields.price_amount.optional(),
    annual_price_amount: editableFields.annual_price_amount.optional(),
    bookings_per_month: editableFields.bookings_per_month.optional(),
    users: editableFields.users.optional(),
    fee_bps: editableFields.fee_bps.optional(),
    fee_fixed_amount: editableFields.fee_fixed_amount.optional(),
    support: editableFields.support.optional(),
    is_public: editableFields.is_public.optional(),
    sort_order: editableFields.sort_order.optional(),
    apply_to_existing: z
      .boolean()
      .default(false)
      .describe(
        'Only for a price change. false (default): businesses already subscribed keep paying the price they signed up at (grandfathered); ' +
          'only new sign-ups and plan changes pay the new price. true: every subscriber moves to the new price at their next renewal, never in the middle of a paid period.',
      ),
  })
  .refine(yearlyNeedsMonthly, { path: ['annual_price_amount'], message: 'a yearly price needs a monthly price' });

export type PlanCreate = z.infer<typeof planCreateBodySchema>;
export type PlanPatch = z.infer<typeof planPatchBodySchema>;

export const platformPlanSchema = planSchema.extend({
  currency: z.string(),
  is_public: z.boolean(),
  sort_order: z.int(),
  price_version: z.int().describe('the current price version; it goes up with each price change'),
  subscribers: z.int().describe('businesses with a live subscription on the plan'),
  grandfathered: z.int().describe('of those, how many will renew at an older price (kept when the price changed)'),
});
