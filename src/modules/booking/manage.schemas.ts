import { z } from 'zod';
import { bookingSchema } from './booking.schemas.ts';

export const manageParamsSchema = z.object({ token: z.string().min(10).max(200) });

export const manageQuerySchema = z.object({
  preview: z.enum(['cancel']).optional().describe('Show what cancelling now would refund, without cancelling'),
});

export const managePatchSchema = z
  .strictObject({
    action: z.enum(['cancel', 'reschedule']),
    new_start_time: z.iso.datetime({ offset: true }).optional(),
    cancellation_reason: z.string().max(1000).optional(),
  })
  .refine((body) => body.action !== 'reschedule' || body.new_start_time !== undefined, {
    message: 'new_start_time is required to reschedule',
    path: ['new_start_time'],
  });
export type ManagePatch = z.infer<typeof managePatchSchema>;

export const cancellationPreviewSchema = z.object({
  action: z.literal('cancel'),
  allowed: z.boolean(),
  reason: z.string(),
  refund: z.object({ amount: z.int(), currency: z.string() }),
});

export const managedBookingSchema = bookingSchema.extend({
  business_slug: z.string().describe('The business\'s booking-page name: its X-Tenant, to look up free times when rescheduling'),
  preview: cancellationPreviewSchema.optional(),
});
export type ManagedBookingView = z.infer<typeof managedBookingSchema>;
