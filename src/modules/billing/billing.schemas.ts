import { z } from 'zod';
import { appliedCouponSchema } from './coupon.schemas.ts';

const interval = z.enum(['month', 'year']);

export const subscriptionSchema = z.object({
  plan_id: z.string(),
  billing_interval: interval,
  status: z.enum(['trialing', 'active', 'past_due', 'unpaid', 'cancelled']),
  current_period_start: z.string(),
  current_period_end: z.string(),
  trial_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  pending_plan_id: z.string().nullable().describe('a downgrade or interval change waiting for the period end'),
  pending_interval: interval.nullable(),
  past_due_since: z.string().nullable(),
  next_attempt_at: z.string().nullable().describe('when a past-due invoice is charged again'),
  dunning_attempts: z.int(),
});

export const billingAccountSchema = z.object({
  legal_name: z.string().nullable(),
  tax_id: z.string().nullable(),
  address_lines: z.array(z.string()),
  country: z.string().nullable(),
  email: z.string().nullable(),
  language: z.enum(['es', 'en']),
  payment_method: z.object({ brand: z.string(), last4: z.string() }).nullable(),
  credit_balance: z.int(),
});

export const billingAccountBodySchema = z.strictObject({
  legal_name: z.string().trim().min(1).max(200).nullable().optional(),
  tax_id: z.string().trim().min(3).max(30).nullable().optional(),
  address_lines: z.array(z.string().trim().min(1).max(200)).max(5).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code')
    .nullable()
    .optional(),
  email: z.email().max(254).nullable().optional(),
  language: z.enum(['es', 'en']).optional(),
});

export const paymentMethodBodySchema = z.strictObject({
  payment_method: z.string().min(3).max(200).describe("the provider's payment method id (sandbox: pm_card_visa, pm_card_chargeCustomerFail, ...)"),
});

export const changePlanBodySchema = z.strictObject({
  plan_id: z.string().min(1).max(50),
  interval: interval.default('month'),
});

const invoiceLineSchema = z.object({ description: z.string(), quantity: z.int(), unit_amount: z.int(), amount: z.int(), period_start: z.string().nullable(), period_end: z.string().nullable() });

export const invoiceSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string(),
  status: z.enum(['open', 'paid', 'void']),
  reason: z.string(),
  currency: z.string(),
  lines: z.array(invoiceLineSchema),
  subtotal: z.int(),
  credit_applied: z.int(),
  tax: z.object({ label: z.string(), rate_bps: z.int(), amount: z.int(), reverse_charge: z.boolean() }),
  total: z.int(),
  amount_paid: z.int(),
  amount_refunded: z.int().describe('how much of an invoice has been refunded (0 on a credit note)'),
  refund_state: z.enum(['none', 'partial', 'full']).describe('an invoice refunded in part or in full, each refund with its credit note'),
  credits_invoice_id: z.uuid().nullable().describe('a credit note: the invoice it rectifies'),
  refund_reason: z.string().nullable().describe("a credit note: the platform's reason for the refund"),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
  attempts: z.int(),
  last_failure: z.string().nullable(),
  issued_at: z.string(),
  paid_at: z.string().nullable(),
  pdf_url: z.string(),
  discount: z.object({ code: z.string(), amount: z.int() }).nullable().describe("the coupon's discount, also one of the lines (before tax)"),
  transaction_fees: z
    .array(z.object({ payments: z.int(), amount: z.int(), currency: z.string() }))
    .nullable()
    .describe("for information: the platform fees on the business's booking payments in the invoice's period, per currency (null on credit notes)"),
});

export const planChangeSchema = z.object({
  subscription: subscriptionSchema,
  invoice: invoiceSchema.nullable(),
  effective: z.enum(['now', 'period_end']),
});

export const billingOverviewSchema = z.object({
  subscription: subscriptionSchema.nullable(),
  account: billingAccountSchema,
  provider: z.enum(['sandbox', 'stripe']),
  open_invoices: z.int(),
  price: z
    .object({
      plan_version: z.int(),
      amount: z.int().nullable().describe('what the subscription pays per interval (null: priced by contract)'),
      currency: z.string(),
      interval,
      list_amount: z.int().nullable().describe("the plan's list price today"),
      grandfathered: z.boolean().describe('pays an earlier price version than the list'),
      renewal: z.object({ plan_version: z.int(), amount: z.int().nullable(), at: z.string() }).nullable().describe('the price the next renewal moves to, when the platform applied a new price to existing subscribers'),
    })
    .nullable(),
  coupon: appliedCouponSchema.nullable(),
});

export const extendTrialBodySchema = z.strictObject({ days: z.int().min(1).max(90) });
export const creditBodySchema = z.strictObject({ amount: z.int().min(1).max(10_000_000), reason: z.string().trim().min(3).max(500) });
export const refundBodySchema = z.strictObject({
  amount: z.int().min(1).max(100_000_000).optional().describe('minor units of the invoice currency; the whole amount not yet refunded when absent'),
  reason: z.string().trim().min(10).max(500).describe('printed on the credit note and kept in both audit logs'),
});
export const refundSchema = z.object({ invoice: invoiceSchema, credit_note: invoiceSchema });
