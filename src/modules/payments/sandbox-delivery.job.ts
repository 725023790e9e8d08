import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineJob, type JobDefinition, type JobKind } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import type { PaymentsContext } from './payments-context.ts';
import { receiveProviderWebhook } from './provider-events.service.ts';
import type { SandboxWebhook } from './sandbox-provider.ts';

const deliveryPayload = z.object({ body: z.string(), headers: z.record(z.string(), z.string()) });

const sandboxDeliveryJob: JobKind<typeof deliveryPayload> = {
  name: 'payments.sandbox-webhook',
  version: 1,
  payload: deliveryPayload,
  maxAttempts: 8,
};

/** Attempts after which an event for an intent we never recorded is dropped (its transaction rolled back). */
const UNKNOWN_INTENT_ATTEMPTS = 3;

/**
 * How the sandbox "calls" our webhook endpoint: a durable job whose handler
 * hands the signed body to the very function behind
 * `POST /payments/webhooks/sandbox` — signature check, de-duplication and
 * effects included. Retries with backoff like a provider's deliveries.
 */
export function createSandboxDeliveryJob(context: () => PaymentsContext): JobDefinition<typeof deliveryPayload> {
  return defineJob({
    ...sandboxDeliveryJob,
    async handle(payload, job) {
      try {
        const outcome = await receiveProviderWebhook(context(), 'sandbox', payload.body, payload.headers);
        if (outcome === 'unknown') {
          // The intent's transaction may not have committed yet, or was rolled back (a declined booking).
          return job.attempt >= UNKNOWN_INTENT_ATTEMPTS
            ? { outcome: 'done', note: 'intent never recorded' }
            : { outcome: 'retry', reason: 'intent not recorded yet', delayMs: 2_000 };
        }
        return { outcome: 'done', note: outcome };
      } catch (error) {
        if (error instanceof AppError && error.code === 'INVALID_SIGNATURE') return { outcome: 'discard', reason: error.message };
        throw error;
      }
    },
  });
}

/**
 * The sandbox's delivery channel in a running product: each event becomes a
 * job, enqueued on the next tick in its own transaction — the sandbox is
 * called inside the caller's transaction, and a real provider's webhook does
 * not wait for that transaction either. `settled()` lets tests wait for the
 * enqueues.
 */
export function jobDeliveryChannel(db: Db, onError: (error: unknown) => void): {
  deliver: (webhook: SandboxWebhook) => void;
  settled: () => Promise<void>;
} {
  const inFlight = new Set<Promise<void>>();
  return {
    deliver(webhook) {
      const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() =>
          withPlatform(db, async (trx) => {
            await enqueue(trx, sandboxDeliveryJob, webhook, { tenantId: null });
          }),
        )
        .catch(onError)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
