import { z } from 'zod';
import type { JobKind } from '../../platform/jobs/job-definition.ts';

/** Job identities of this module (their handlers need dependencies; see the `*.job.ts` files). */

const deliveryPayload = z.object({ notification_id: z.string().uuid() });
export const notificationDeliveryJob: JobKind<typeof deliveryPayload> = {
  name: 'notifications.deliver',
  version: 1,
  payload: deliveryPayload,
  maxAttempts: 8,
};

const eventPayload = z.object({ event_id: z.string().uuid() });
export const notificationEventJob: JobKind<typeof eventPayload> = {
  name: 'notifications.event',
  version: 1,
  payload: eventPayload,
};

const reminderPayload = z.object({
  booking_id: z.string().uuid(),
  offset_minutes: z.number().int().positive(),
  start_time: z.string(),
});
export const bookingReminderJob: JobKind<typeof reminderPayload> = {
  name: 'notifications.reminder',
  version: 1,
  payload: reminderPayload,
};
