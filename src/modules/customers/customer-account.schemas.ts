import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { consentSchema } from './consents.schemas.ts';
import { customerSchema, emailSchema, phoneSchema, preferencesSchema } from './customers.schemas.ts';

const nameSchema = z.string().trim().min(1).max(100);
const languageSchema = z.enum(['es', 'en']).describe('Language of the message carrying the code (default: the Accept-Language header, else English)');
const codeSchema = z.string().regex(/^\d{6}$/, 'six digits');
/** Bounds only; length and breach checks run in the service so the message can be specific (as for staff). */
const passwordSchema = z.string().min(1).max(512);
const instantSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 instant with offset');

// Sign-in on the business's booking page (public, the business named by X-Tenant).

export const signInCodeRequestSchema = z.strictObject({
  // Parsed by the service as exactly one address (a CR/LF anywhere refused, not trimmed away).
  email: z.string().min(3).max(320).describe('One e-mail address (no name, list or comment)'),
  language: languageSchema.optional(),
});
export type SignInCodeRequest = z.infer<typeof signInCodeRequestSchema>;

export const codeSentSchema = z.object({ sent: z.literal(true), expires_in: z.int().describe('Seconds the code stays valid') });

export const signInVerifySchema = z.strictObject({
  email: emailSchema,
  code: codeSchema,
  first_name: nameSchema.optional().describe('Needed when the email has no account yet (it is created now)'),
  last_name: nameSchema.optional(),
  marketing_consent: z.boolean().optional().describe('true records a marketing consent (source `registration_form`) with IP and user agent'),
  new_password: passwordSchema
    .optional()
    .describe('Sets (or, when forgotten, replaces) the password in the same step: 12–128 characters, not on a breached list'),
});
export type SignInVerify = z.infer<typeof signInVerifySchema>;

export const passwordSignInSchema = z.strictObject({ email: emailSchema, password: passwordSchema });
export type PasswordSignIn = z.infer<typeof passwordSignInSchema>;

/** The signed-in customer as they see themselves: staff notes about them are not part of it. */
export const accountProfileSchema = customerSchema.omit({ notes: true }).extend({
  has_password: z.boolean().describe('Whether a password is set (the emailed code always works)'),
});
export type AccountProfile = z.infer<typeof accountProfileSchema>;

export const accountTokensSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int(),
  session_id: z.string(),
  outcome: z
    .enum(['signed_in', 'created', 'upgraded'])
    .describe('`created`: a new account; `upgraded`: the guest record with this email became the account, with its earlier bookings (RF5.7)'),
  customer: accountProfileSchema,
});
export type AccountTokens = z.infer<typeof accountTokensSchema>;

// The account (`/me`), for a customer's own credential.

export const accountUpdateSchema = z.strictObject({
  first_name: nameSchema.optional(),
  last_name: nameSchema.nullable().optional(),
  date_of_birth: z.iso.date().nullable().optional(),
  preferences: preferencesSchema
    .optional()
    .describe('Merged into the stored preferences: each key given replaces its value (send [] to empty a list)'),
  marketing_consent: z.boolean().optional().describe('Grants (recorded with IP and user agent) or withdraws marketing consent'),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;

export const accountPasswordSchema = z.strictObject({
  new_password: passwordSchema,
  current_password: passwordSchema.optional().describe('Required when a password is set already'),
});
export type AccountPassword = z.infer<typeof accountPasswordSchema>;

export const phoneCodeRequestSchema = z.strictObject({ phone: phoneSchema, language: languageSchema.optional() });
export type PhoneCodeRequest = z.infer<typeof phoneCodeRequestSchema>;

export const phoneVerifySchema = z.strictObject({ phone: phoneSchema, code: codeSchema });
export type PhoneVerify = z.infer<typeof phoneVerifySchema>;

export const phoneVerifiedSchema = z.object({
  customer: accountProfileSchema,
  merged_customer_ids: z
    .array(z.uuid())
    .describe('Guest records that held this phone and were merged into the account, with their bookings (RF5.7)'),
});

export const accountConsentsSchema = z.array(consentSchema);

// Bookings of the account. The booking module fills these (its CustomerBookingsPort implementation).

export const accountBookingsQuerySchema = pageQuerySchema.extend({
  scope: z
    .enum(['upcoming', 'past'])
    .default('upcoming')
    .describe('`upcoming`: not started yet and still on (pending payment, confirmed, rescheduled), soonest first; `past`: the rest, newest first'),
});
export type AccountBookingsQuery = z.infer<typeof accountBookingsQuerySchema>;

export const accountBookingCreateSchema = z.strictObject({
  service_id: z.uuid(),
  resource_id: z.uuid(),
  start_time: instantSchema,
  notes: z.string().max(1000).optional(),
  payment_method_id: z.string().min(1).max(255).optional().describe('Charge the deposit at once (a saved method id, or a provider token)'),
});
export type AccountBookingCreate = z.infer<typeof accountBookingCreateSchema>;

export const rebookSchema = z.strictObject({
  start_time: instantSchema,
  resource_id: z.uuid().optional().describe('Default: the resource of the booking rebooked'),
  notes: z.string().max(1000).optional(),
  payment_method_id: z.string().min(1).max(255).optional(),
});
export type Rebook = z.infer<typeof rebookSchema>;

export const accountBookingChangeSchema = z
  .strictObject({
    action: z.enum(['cancel', 'reschedule']),
    new_start_time: instantSchema.optional(),
    new_resource_id: z.uuid().optional(),
    cancellation_reason: z.string().max(1000).optional(),
  })
  .refine((body) => body.action !== 'reschedule' || body.new_start_time !== undefined, {
    message: 'new_start_time is required to reschedule',
    path: ['new_start_time'],
  });
export type AccountBookingChange = z.infer<typeof accountBookingChangeSchema>;

const money = z.int();

/** A booking as its customer sees it: no staff notes, no history of who did what. */
export const accountBookingSchema = z.object({
  id: z.uuid(),
  booking_number: z.string(),
  status: z.string(),
  service: z.object({ id: z.uuid(), name: z.string() }),
  resource: z.object({ id: z.uuid(), name: z.string(), type: z.string() }),
  location_id: z.uuid(),
  start_time: z.string(),
  end_time: z.string(),
  time_zone: z.string(),
  pricing: z.object({ base_price: money, total_price: money, deposit_required: money, deposit_paid: money, currency: z.string() }),
  notes: z.string().nullable(),
  reschedule_count: z.int(),
  cancellation_reason: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  payment_expires_at: z.string().nullable(),
  payment: z
    .object({
      intent_id: z.string(),
      client_secret: z.string().nullable(),
      amount: money,
      currency: z.string(),
      status: z.string(),
      payment_page_url: z.string().nullable().optional().describe('The hosted page where the deposit is paid'),
    })
    .optional()
    .describe('A deposit to pay (pending_payment)'),
  refund: z.object({ id: z.string(), amount: money, currency: z.string(), status: z.string() }).optional(),
  payments: z
    .array(z.object({ id: z.string(), type: z.string(), status: z.string(), amount: money, currency: z.string(), refunded_amount: money }))
    .optional(),
  preview: z
    .object({
      action: z.literal('cancel'),
      allowed: z.boolean().describe('Whether the policy lets me cancel now'),
      reason: z.string(),
      refund: z.object({ amount: money, currency: z.string() }),
    })
    .optional()
    .describe('With `?preview=cancel`: what cancelling now would refund, nothing changed'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AccountBooking = z.infer<typeof accountBookingSchema>;

export const accountBookingQuerySchema = z.object({
  preview: z.enum(['cancel']).optional().describe('Show what cancelling now would refund, without cancelling'),
});
export type AccountBookingQuery = z.infer<typeof accountBookingQuerySchema>;

export const savedPaymentMethodSchema = z.object({
  id: z.uuid().describe('Use as `payment_method_id` when booking'),
  provider: z.string(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.int().nullable(),
  exp_year: z.int().nullable(),
  created_at: z.string(),
});

export const bookingIdParamsSchema = z.object({ id: z.uuid() });
