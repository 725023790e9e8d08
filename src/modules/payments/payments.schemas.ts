import { z } from 'zod';
import { currencyCodeSchema, minorAmountSchema } from '../../platform/money.ts';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

const positiveMinor = minorAmountSchema.min(1);

/** Checked against the business's origins by the service (400 `RETURN_URL_NOT_ALLOWED`), so every refusal has one code. */
const returnUrlSchema = z.string().min(1).max(2000);
const manageTokenSchema = z.string().min(1).max(200);

export const intentCreateSchema = z.strictObject({
  booking_id: z.uuid(),
  /** Must equal what the booking owes now (validated against it). */
  amount: positiveMinor.optional(),
  currency: currencyCodeSchema.optional(),
  payment_method_id: z.string().min(1).max(255).optional(),
  save_payment_method: z.boolean().optional(),
  /** A path of this service (`/...`) or a URL on one of the business's allowed origins (400 `RETURN_URL_NOT_ALLOWED`). */
  return_url: returnUrlSchema.optional(),
  /** A guest's proof that the booking is theirs: the token of its manage link (`{PUBLIC_URL}/manage/{token}`). */
  manage_token: manageTokenSchema.optional(),
});
export type IntentCreateBody = z.infer<typeof intentCreateSchema>;

export const paymentStatusSchema = z.enum([
  'requires_payment_method',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'cancelled',
  'refunded',
  'partially_refunded',
]);

/**
 * What the customer must do next, in the one shape every endpoint returns
 * (`POST /payments/intent`, and `payment.next_action` of `POST /bookings`): the
 * specification's `PaymentIntentResponse.next_action` (§6.2.3). Built by `nextActionOf`.
 */
export const nextActionSchema = z
  .object({
    type: z.literal('redirect_to_url'),
    redirect: z.object({
      url: z.string().describe('Send the customer here (3-D Secure)'),
      return_url: z.string().nullable().describe('Where the customer comes back afterwards, as given when the intent was confirmed'),
    }),
  })
  .describe('Present while the payment waits for the customer (status requires_action)');
export type NextActionView = z.infer<typeof nextActionSchema>;

export const intentSchema = z.object({
  intent_id: z.string(),
  payment_id: z.uuid(),
  client_secret: z.string().nullable(),
  status: paymentStatusSchema,
  amount: z.number().int(),
  currency: z.string(),
  next_action: nextActionSchema.optional(),
  payment_page_url: z
    .string()
    .nullable()
    .describe('Hosted page where the customer pays this intent (card fields of the provider); null once the payment is no longer open'),
});
export type IntentResponse = z.infer<typeof intentSchema>;

export const deskMethodSchema = z.enum(['cash', 'card_terminal', 'other']);
export const paymentMethodKindSchema = z.enum(['online', 'cash', 'card_terminal', 'other']);

export const paymentIdParamsSchema = z.object({ payment_id: z.uuid() });

export const refundCreateSchema = z.strictObject({
  /** Minor units; omitted: everything still refundable. */
  amount: positiveMinor.optional(),
  reason: z.string().min(1).max(500).optional(),
  reversal_reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
});
export type RefundCreateBody = z.infer<typeof refundCreateSchema>;

export const refundSchema = z.object({
  refund_id: z.uuid(),
  payment_id: z.uuid(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
});

export const paymentListQuerySchema = pageQuerySchema.extend({ booking_id: z.uuid().optional() });
export type PaymentListQuery = z.infer<typeof paymentListQuerySchema>;

export const paymentSchema = z.object({
  id: z.uuid(),
  booking_id: z.uuid(),
  customer_id: z.uuid(),
  type: z.enum(['deposit', 'full_payment', 'penalty']),
  status: paymentStatusSchema,
  amount: z.number().int(),
  currency: z.string(),
  refunded_amount: z.number().int(),
  platform_fee: z.number().int(),
  provider: z.string(),
  provider_payment_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  method: paymentMethodKindSchema.describe('`online` through the provider; `cash`, `card_terminal` or `other`: taken at the front desk'),
  recorded_by: z.uuid().nullable().describe('The member of staff who recorded a desk payment; null for online payments'),
  reference: z.string().nullable().describe("A desk payment's reference (the terminal's receipt number, say)"),
  note: z.string().nullable(),
  created_at: z.string(),
  processed_at: z.string().nullable(),
});
export type PaymentView = z.infer<typeof paymentSchema>;

export const bookingIdParamsSchema = z.object({ id: z.uuid() });

export const deskPaymentCreateSchema = z.strictObject({
  method: deskMethodSchema,
  amount: positiveMinor.describe('Minor units; at most the balance due (else 409 `PAYMENT_EXCEEDS_BALANCE`)'),
  currency: currencyCodeSchema.optional().describe("Must be the booking's currency when given"),
  reference: z.string().trim().min(1).max(200).optional().describe("The card terminal's receipt number or any reference of the payment"),
  note: z.string().trim().min(1).max(1000).optional(),
});
export type DeskPaymentCreateBody = z.infer<typeof deskPaymentCreateSchema>;

export const deskPaymentSchema = z.object({
  payment: paymentSchema,
  total_price: z.number().int().describe('Minor units'),
  paid: z.number().int().describe('What the booking keeps of its payments after this one (refunds deducted), minor units'),
  balance_due: z.number().int().describe('What is still to pay after this payment, minor units'),
});
export type DeskPaymentView = z.infer<typeof deskPaymentSchema>;

export const paymentMethodCreateSchema = z.strictObject({
  type: z.literal('card'),
  /** Raw test card: accepted by the sandbox only (live mode uses the provider's card element). */
  card: z
    .strictObject({
      number: z.string().regex(/^[0-9 -]{12,23}$/, 'must be a card number'),
      exp_month: z.int().min(1).max(12),
      exp_year: z.int().min(2000).max(2100),
      cvc: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
    })
    .optional(),
  /** A token from the provider's card element (Stripe `pm_...`). */
  provider_payment_method_id: z.string().min(3).max(255).optional(),
  /** Saves the method for this customer: their own session, their booking's `manage_token`, or staff who may update customers. */
  customer_id: z.uuid().optional(),
  manage_token: manageTokenSchema.optional(),
});
export type PaymentMethodCreateBody = z.infer<typeof paymentMethodCreateSchema>;

export const paymentMethodSchema = z.object({
  id: z.uuid(),
  provider: z.string(),
  provider_payment_method_id: z.string(),
  customer_id: z.uuid().nullable(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.number().int().nullable(),
  exp_year: z.number().int().nullable(),
});
export type PaymentMethodView = z.infer<typeof paymentMethodSchema>;

export const webhookParamsSchema = z.object({ provider: z.string().regex(/^[a-z][a-z0-9_-]{1,30}$/) });
export const webhookAckSchema = z.object({ received: z.literal(true), outcome: z.enum(['applied', 'duplicate', 'ignored']) });

export const onboardingCreateSchema = z.strictObject({
  /** ISO 3166-1 alpha-2 country of the business; omitted: the provider's default (the platform's country). */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .optional()
    .describe('Country of the business (ISO 3166-1 alpha-2); only used when the account is created'),
});
export type OnboardingCreateBody = z.infer<typeof onboardingCreateSchema>;

export const connectStatusSchema = z.object({
  provider: z.string(),
  required: z.boolean().describe('Charges are refused with 409 PAYMENTS_NOT_CONFIGURED until the account can take charges'),
  account_id: z.string().nullable(),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  requirements_due: z.array(z.string()).describe('What the business must still provide, in the provider\'s vocabulary'),
  disabled_reason: z.string().nullable(),
  synced_at: z.string().nullable().describe('When the provider last reported this state'),
});
export type ConnectStatusView = z.infer<typeof connectStatusSchema>;

export const onboardingSchema = connectStatusSchema.extend({
  onboarding_url: z.string().describe("Single-use link to the provider's hosted onboarding; ask for a new one when it expires"),
  expires_at: z.string(),
});

export const sandboxAccountParamsSchema = z.object({ account_id: z.string().min(10).max(100) });
export const sandboxOnboardingQuerySchema = z.object({
  return_url: z.string().max(2000),
  refresh_url: z.string().max(2000),
  expires: z.coerce.number().int().min(0),
  signature: z.string().max(100),
});
export const sandboxOnboardingDecisionSchema = z.object({ decision: z.enum(['complete', 'leave']) });

export const sandboxIntentParamsSchema = z.object({ intent_id: z.string().min(10).max(300) });
export const sandboxDecisionSchema = z.object({ decision: z.enum(['approve', 'fail']) });
