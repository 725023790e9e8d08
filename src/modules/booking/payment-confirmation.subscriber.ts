import { z } from 'zod';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import { defineJob, type JobDefinition, type JobKind } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { paymentEvents } from '../payments/index.ts';
import type { BookingActionsService } from './booking-actions.service.ts';

const payload = z.object({
  booking_id: z.uuid(),
  payment_id: z.string().nullable(),
  amount: z.int().nonnegative().nullable(),
});

const confirmJob: JobKind<typeof payload> = { name: 'booking.confirm_paid', version: 1, payload };

/**
 * `payment.succeeded` (data with `booking_id`) confirms the booking. The
 * subscriber only enqueues a job keyed by the event id (at-least-once fan-out
 * stays harmless); the job does the transition in its own tenant transaction.
 * A payment that arrives after the hold expired is answered with
 * `booking.payment_after_expiry`, which payments refunds.
 */
export function paymentConfirmationSubscriber(): EventSubscriber {
  return {
    name: 'booking.payment_confirmation',
    events: [paymentEvents.succeeded],
    async handle(event, executor) {
      const data = paymentEvents.succeeded.data.safeParse(event.data);
      if (!data.success) return;
      await enqueue(
        executor,
        confirmJob,
        { booking_id: data.data.booking_id, payment_id: data.data.payment_id, amount: data.data.amount },
        { tenantId: event.tenantId, dedupeKey: `payment-succeeded:${event.id}` },
      );
    },
  };
}

export function createConfirmPaidJob(actions: BookingActionsService): JobDefinition<typeof payload> {
  return defineJob({
    ...confirmJob,
    async handle(input, context) {
      if (context.tenantId === null) return { outcome: 'discard', reason: 'confirmation without tenant' };
      const result = await actions.confirmPaid(context.tenantId, input.booking_id, input.amount, input.payment_id);
      return { outcome: 'done', note: result };
    },
  });
}
