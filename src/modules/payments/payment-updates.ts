import { z } from 'zod';
import type { Executor } from '../../platform/db/database.ts';
import { afterCommit } from '../../platform/db/transaction-context.ts';
import type { JobKind } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import type { PaymentsContext } from './payments-context.ts';
import { publishPaymentFailed, publishPaymentSucceeded } from './payments.events.ts';
import { transitionFor, type IntentOutcome } from './payment-status.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow } from './payments.repository.ts';
import { refundPayment } from './refunds.service.ts';
import { lateSuccessKey } from './late-payment.subscriber.ts';

export const reconcilePayload = z.object({ payment_id: z.string().uuid() });

/** The reconciliation job's identity (its handler is in `reconciliation.job.ts`). */
export const reconcileJob: JobKind<typeof reconcilePayload> = {
  name: 'payments.reconcile',
  version: 1,
  payload: reconcilePayload,
  maxAttempts: 200,
};

/**
 * Applies what the provider reports about a payment's intent (synchronous
 * answer, webhook, reconciliation or our own cancel) under the payment's row
 * lock, following `transitionFor`: announces success and failure once, and
 * refunds a success that came after we cancelled the payment.
 */
export async function applyIntentOutcome(
  context: PaymentsContext,
  trx: Executor,
  payment: PaymentRow,
  outcome: IntentOutcome,
  failure: { code: string; message: string } | null,
): Promise<PaymentRow> {
  const transition = transitionFor(payment.status, outcome);
  if (transition.effect === 'none') return payment;
  const updated = await repo.updatePayment(trx, payment.tenant_id, payment.id, {
    status: transition.next,
    ...(transition.next === 'failed' ? { failure_reason: failure?.code ?? 'payment_failed' } : {}),
    ...(transition.next === 'succeeded' ? { processed_at: new Date(), failure_reason: null } : {}),
    ...(transition.next !== 'requires_action' ? { next_action_url: null } : {}),
  });
  // Counted once the transaction commits: a rolled-back settlement was never an outcome.
  const observe = context.onAttempt;
  if (observe && (transition.next === 'succeeded' || transition.next === 'failed')) {
    const status = transition.next === 'succeeded' ? 'success' : 'failed';
    await afterCommit(trx, () => observe(status));
  }
  switch (transition.effect) {
    case 'succeeded':
      await publishPaymentSucceeded(trx, updated);
      break;
    case 'failed':
      await publishPaymentFailed(trx, updated);
      break;
    case 'late_success':
      // The booking expired and its intent was cancelled, yet the money arrived: give it all back.
      await refundPayment(context, trx, updated.tenant_id, updated.id, {
        reason: 'booking_expired',
        idempotencyKey: lateSuccessKey(updated.id),
      });
      return (await repo.findPayment(trx, updated.tenant_id, updated.id)) ?? updated;
    case 'moved':
      if (updated.status === 'processing') await scheduleReconciliation(context, trx, updated);
      break;
  }
  return updated;
}

/** Asks the provider again later about a payment left `processing` (the reconciliation job). */
export async function scheduleReconciliation(context: PaymentsContext, trx: Executor, payment: PaymentRow): Promise<void> {
  await enqueue(
    trx,
    reconcileJob,
    { payment_id: payment.id },
    {
      tenantId: payment.tenant_id,
      runAt: new Date(Date.now() + context.reconcileAfterMinutes * 60_000),
      dedupeKey: `reconcile:${payment.id}`,
    },
  );
}
