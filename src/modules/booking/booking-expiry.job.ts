import { z } from 'zod';
import { defineJob, type JobDefinition, type JobKind } from '../../platform/jobs/job-definition.ts';
import type { BookingActionsService } from './booking-actions.service.ts';

const payload = z.object({ booking_id: z.uuid() });

/**
 * Expires one pending_payment booking when its unpaid hold ends. Enqueued with
 * the booking (run_at = hold end, dedupe key `booking-expiry:{id}`) in the same
 * transaction, and cancelled when the booking is confirmed first.
 */
export const bookingExpiryJob: JobKind<typeof payload> = { name: 'booking.expire_unpaid', version: 1, payload };

export function createBookingExpiryJob(actions: BookingActionsService): JobDefinition<typeof payload> {
  return defineJob({
    ...bookingExpiryJob,
    async handle(input, context) {
      if (context.tenantId === null) return { outcome: 'discard', reason: 'expiry job without tenant' };
      const result = await actions.expireUnpaid(context.tenantId, input.booking_id);
      return { outcome: 'done', note: result };
    },
  });
}
