import { z } from 'zod';
import { bookingCustomerInputSchema } from './booking.schemas.ts';

const instantSchema = z.iso.datetime({ offset: true });

export const waitlistPrioritySchema = z.enum(['vip', 'premium', 'standard']);

export const waitlistJoinSchema = z.strictObject({
  service_id: z.uuid(),
  resource_id: z.uuid().optional().describe('Any resource of the service when omitted'),
  customer: bookingCustomerInputSchema,
  preferred_times: z
    .array(z.strictObject({ start: instantSchema, end: instantSchema }).refine((range) => Date.parse(range.start) < Date.parse(range.end), { message: 'end must be after start', path: ['end'] }))
    .min(1)
    .max(10),
  priority: waitlistPrioritySchema.optional().describe('vip and premium only from staff; public entries are standard'),
  notes: z.string().max(1000).optional(),
});
export type WaitlistJoin = z.infer<typeof waitlistJoinSchema>;

/** A slot staff offer to one waitlist entry now. */
export const waitlistOfferNowSchema = z.strictObject({
  resource_id: z.uuid().describe('The resource whose time is offered (the entry\'s own when it waits for one)'),
  start_time: instantSchema.describe('A bookable start of the entry\'s service on that resource'),
});
export type WaitlistOfferNow = z.infer<typeof waitlistOfferNowSchema>;

export const waitlistListQuerySchema = z.object({
  service_id: z.uuid().optional(),
  status: z.enum(['waiting', 'offered', 'booked', 'removed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const waitlistOfferSchema = z.object({
  id: z.uuid(),
  status: z.string(),
  resource_id: z.uuid(),
  start_time: z.string(),
  end_time: z.string(),
  expires_at: z.string(),
});

export const waitlistEntrySchema = z.object({
  id: z.uuid(),
  service_id: z.uuid(),
  resource_id: z.uuid().nullable(),
  customer_id: z.uuid(),
  preferred_times: z.array(z.object({ start: z.string(), end: z.string() })),
  priority: waitlistPrioritySchema,
  status: z.string(),
  notes: z.string().nullable(),
  offers: z.array(waitlistOfferSchema).optional(),
  created_at: z.string(),
});
export type WaitlistEntryView = z.infer<typeof waitlistEntrySchema>;

export const offerTokenParamsSchema = z.object({ token: z.string().min(20).max(200) });
