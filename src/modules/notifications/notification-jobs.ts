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

const staffPushPlanPayload = z.object({ event_id: z.string().uuid() });
/** Finds who among the business's members may read an event's booking and queues one send per browser of theirs. */
export const staffPushPlanJob: JobKind<typeof staffPushPlanPayload> = {
  name: 'notifications.staff_push_plan',
  version: 1,
  payload: staffPushPlanPayload,
};

const staffPushSendPayload = z.object({ event_id: z.string().uuid(), subscription_id: z.string().uuid() });
/** One booking notice to one member's browser; retried alone, so a slow push service delays no one else. */
export const staffPushSendJob: JobKind<typeof staffPushSendPayload> = {
  name: 'notifications.staff_push_send',
  version: 1,
  payload: staffPushSendPayload,
  maxAttempts: 8,
};
