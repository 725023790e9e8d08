import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';
import { nextActionSchema, paymentMethodKindSchema } from '../payments/index.ts';
import { BOOKING_STATUSES } from './booking-state.ts';

const instantSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 instant with offset');
const localDateSchema = z.iso.date().describe('Local date of the location, YYYY-MM-DD');
const E164 = /^\+[1-9]\d{1,14}$/;

export const bookingStatusSchema = z.enum(BOOKING_STATUSES);

export const registeredCustomerRefSchema = z.strictObject({ customer_id: z.uuid() });

export const guestCustomerSchema = z
  .strictObject({
    first_name: z.string().trim().min(1).max(255),
    last_name: z.string().trim().max(255).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().regex(E164, 'Phone must be E.164, e.g. +34600123456').optional(),
  })
  .refine((guest) => guest.email !== undefined || guest.phone !== undefined, {
    message: 'An email or a phone is required',
    path: ['email'],
  });

export const bookingCustomerInputSchema = z.union([registeredCustomerRefSchema, guestCustomerSchema]);
export type BookingCustomerInput = z.infer<typeof bookingCustomerInputSchema>;

const bookingItemFields = {
  service_id: z.uuid(),
  resource_id: z.uuid(),
  start_time: instantSchema,
};

export const bookingCreateSchema = z.strictObject({
  ...bookingItemFields,
  customer: bookingCustomerInputSchema,
  notes: z.string().max(1000).optional().describe('From the customer; shown to them'),
  internal_notes: z.string().max(5000).optional().describe('Staff only; never shown to customers (authenticated callers)'),
  require_deposit: z.boolean().optional().describe('Ask for full prepayment when the service has no deposit of its own'),
  payment_method_id: z.string().min(1).max(255).optional().describe('Charge the deposit at once'),
  verification_token: z.string().min(1).max(255).optional().describe('From POST /verifications/verify (guest verification)'),
  source: z.enum(['web', 'widget', 'admin', 'api']).optional(),
});
export type BookingCreate = z.infer<typeof bookingCreateSchema>;

/** RF5.8: several services back to back for one person, or one service for several people. All or nothing. */
export const bookingBatchCreateSchema = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          ...bookingItemFields,
          customer: bookingCustomerInputSchema.optional().describe('Defaults to the request\'s customer'),
          verification_token: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe('Proves this item\'s guest (a party: one per guest); defaults to the request\'s'),
        }),
      )
      .min(1)
      .max(20),
    customer: bookingCustomerInputSchema.optional(),
    notes: z.string().max(1000).optional(),
    payment_method_id: z.string().min(1).max(255).optional(),
    verification_token: z.string().min(1).max(255).optional(),
  })
  .refine((body) => body.customer !== undefined || body.items.every((item) => item.customer !== undefined), {
    message: 'Give a customer for the request or for every item',
    path: ['customer'],
  });
export type BookingBatchCreate = z.infer<typeof bookingBatchCreateSchema>;

export const bookingActionSchema = z.enum(['cancel', 'reschedule', 'confirm', 'mark_no_show', 'complete', 'check_in', 'check_out']);

export const bookingPatchSchema = z
  .strictObject({
    action: bookingActionSchema.optional(),
    new_start_time: instantSchema.optional(),
    new_resource_id: z.uuid().optional(),
    cancellation_reason: z.string().max(1000).optional(),
    notes: z.string().max(1000).optional(),
    internal_notes: z.string().max(5000).optional(),
  })
  .refine((body) => body.action !== 'reschedule' || body.new_start_time !== undefined, {
    message: 'new_start_time is required to reschedule',
    path: ['new_start_time'],
  })
  .refine((body) => body.action !== undefined || body.notes !== undefined || body.internal_notes !== undefined, {
    message: 'Give an action or notes to change',
    path: ['action'],
  });
export type BookingPatch = z.infer<typeof bookingPatchSchema>;

/** Shortest and longest booking a resize may leave (minutes). */
export const RESIZE_MIN_MINUTES = 5;
export const RESIZE_MAX_MINUTES = 12 * 60;

export const bookingResizeSchema = z
  .strictObject({
    end_time: instantSchema.optional().describe('The new end; the start stays. Whole minutes after the start'),
    duration_minutes: z.int().min(RESIZE_MIN_MINUTES).max(RESIZE_MAX_MINUTES).optional().describe('The new length from the same start'),
  })
  .refine((body) => (body.end_time === undefined) !== (body.duration_minutes === undefined), {
    message: 'Give either end_time or duration_minutes',
    path: ['end_time'],
  });
export type BookingResize = z.infer<typeof bookingResizeSchema>;

const repeatable = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item).max(8).optional());

export const bookingListQuerySchema = pageQuerySchema.extend({
  status: repeatable(bookingStatusSchema).describe('Repeatable: ?status=confirmed&status=pending_payment'),
  from_date: localDateSchema.optional().describe('Bookings starting on or after this local date'),
  to_date: localDateSchema.optional().describe('Bookings starting on or before this local date'),
  resource_id: z.uuid().optional(),
  customer_id: z.uuid().optional(),
  service_id: z.uuid().optional(),
  search: z.string().trim().min(2).max(100).optional().describe('Booking number, or customer name, email or phone'),
});
export type BookingListQuery = z.infer<typeof bookingListQuerySchema>;

export const idParamsSchema = z.object({ id: z.uuid() });

const moneyAmount = z.int();

export const pricingSchema = z.object({
  base_price: moneyAmount,
  total_price: moneyAmount,
  deposit_required: moneyAmount,
  deposit_paid: moneyAmount,
  currency: z.string(),
});

export const paymentStartSchema = z.object({
  intent_id: z.string(),
  client_secret: z.string().nullable(),
  amount: moneyAmount,
  currency: z.string(),
  status: z.string(),
  // The one shape payments gives every endpoint (POST /payments/intent returns the same).
  next_action: nextActionSchema.nullable().optional(),
  /** The hosted page where the customer pays this deposit (card form, 3-D Secure). */
  payment_page_url: z.string().nullable().optional(),
});

export const refundSchema = z.object({ id: z.string(), amount: moneyAmount, currency: z.string(), status: z.string() });

export const historyEntrySchema = z.object({
  action: z.string(),
  from: bookingStatusSchema.nullable(),
  to: bookingStatusSchema,
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  time: z.string(),
});

export const bookingPaymentSchema = z.object({
  id: z.string(),
  type: z.string(),
  method: paymentMethodKindSchema.describe('`online` through the provider; `cash`, `card_terminal` or `other`: taken at the front desk'),
  status: z.string(),
  amount: moneyAmount,
  currency: z.string(),
  refunded_amount: moneyAmount,
});

export const bookingSchema = z.object({
  id: z.uuid(),
  booking_number: z.string(),
  status: bookingStatusSchema,
  group_id: z.uuid().nullable(),
  service: z.object({ id: z.uuid(), name: z.string() }),
  resource: z.object({ id: z.uuid(), name: z.string(), type: z.string() }),
  location_id: z.uuid(),
  customer: z.object({
    id: z.uuid(),
    type: z.string(),
    first_name: z.string(),
    last_name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  start_time: z.string(),
  end_time: z.string(),
  actual_start_time: z.string().nullable(),
  actual_end_time: z.string().nullable(),
  time_zone: z.string(),
  pricing: pricingSchema,
  notes: z.string().nullable(),
  internal_notes: z.string().nullable().optional().describe('Staff only'),
  source: z.string(),
  reschedule_count: z.int(),
  cancellation_reason: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  payment_expires_at: z.string().nullable(),
  payment: paymentStartSchema.optional(),
  refund: refundSchema.optional(),
  manage_url: z.string().optional(),
  history: z.array(historyEntrySchema).optional(),
  payments: z.array(bookingPaymentSchema).optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BookingView = z.infer<typeof bookingSchema>;

export const bookingGroupSchema = z.object({
  group_id: z.uuid(),
  kind: z.enum(['sequence', 'party']),
  bookings: z.array(bookingSchema),
});
export type BookingGroupView = z.infer<typeof bookingGroupSchema>;
