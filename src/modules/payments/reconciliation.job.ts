import { withTenant } from '../../platform/db/tenant-context.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { providerOf, type PaymentsContext } from './payments-context.ts';
import { ProviderUnavailableError } from './payment-provider.ts';
import { outcomeOfIntent } from './payment-status.ts';
import { applyIntentOutcome, reconcileJob, reconcilePayload } from './payment-updates.ts';
import * as repo from './payments.repository.ts';

/**
 * Settles a payment left `processing` (scheduled when it entered that state):
 * asks the provider for the intent's current state and applies it like a
 * webhook would, so a lost or never-sent webhook cannot leave money in limbo.
 * Still processing at the provider → look again later.
 */
export function createReconciliationJob(context: PaymentsContext): JobDefinition<typeof reconcilePayload> {
  return defineJob({
    ...reconcileJob,
    async handle(payload, job) {
      if (job.tenantId === null) return { outcome: 'discard', reason: 'reconciliation without tenant' };
      const recheckMs = context.reconcileAfterMinutes * 60_000;
      return withTenant(job.db, job.tenantId, async (trx) => {
        const payment = await repo.lockPayment(trx, job.tenantId ?? '', payload.payment_id);
        if (!payment || payment.status !== 'processing' || payment.provider_payment_id === null) {
          return { outcome: 'done' as const, note: 'nothing to reconcile' };
        }
        try {
          const intent = await providerOf(context, payment.provider).retrieveIntent(payment.provider_payment_id);
          const outcome = outcomeOfIntent(intent);
          if (outcome === 'processing') return { outcome: 'retry' as const, reason: 'still processing', delayMs: recheckMs };
          const settled = await applyIntentOutcome(context, trx, payment, outcome, intent.failure);
          return { outcome: 'done' as const, note: `reconciled to ${settled.status}` };
        } catch (error) {
          if (error instanceof ProviderUnavailableError) return { outcome: 'retry' as const, reason: 'provider unavailable' };
          throw error;
        }
      });
    },
  });
}
