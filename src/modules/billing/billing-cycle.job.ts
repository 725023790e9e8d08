import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueueDeferred } from '../../platform/jobs/queue.ts';
import type { SubscriptionLifecycle } from './subscription-lifecycle.ts';

const payload = z.object({ slot: z.string() });
const cycleJob = { name: 'billing.cycle', version: 1, payload } as const;
const EVERY_MS = 5 * 60_000;

/** Queues the next run at the next five-minute mark, once per mark (the dedupe key). */
export async function scheduleBillingCycle(executor: Executor, now = new Date()): Promise<void> {
  const runAt = new Date(Math.ceil((now.getTime() + 1) / EVERY_MS) * EVERY_MS);
  const slot = runAt.toISOString();
  await enqueueDeferred(executor, cycleJob, { slot }, { tenantId: null, runAt, dedupeKey: `billing-cycle:${slot}` });
}

/**
 * Every subscription whose period ended (renewal, or the end of a cancelled one) and every
 * past-due one whose retry is due, each in its own transaction under its tenant: one business's
 * failure never holds back the others. Returns what happened to each.
 */
export async function runBillingCycle(db: Db, lifecycle: SubscriptionLifecycle, now = new Date(), tenantId: string | null = null): Promise<Record<string, number>> {
  const due = await withPlatform(db, (trx) =>
    sql<{ tenant_id: string; status: string }>`
      select tenant_id, status from subscriptions
      where ((status in ('trialing', 'active') and current_period_end <= ${now})
          or (status = 'past_due' and next_attempt_at <= ${now}))
        and (${tenantId}::uuid is null or tenant_id = ${tenantId}::uuid)
      order by current_period_end limit 500`.execute(trx),
  );
  const outcomes: Record<string, number> = {};
  const failures: unknown[] = [];
  for (const row of due.rows) {
    try {
      const outcome = await withTenant(db, row.tenant_id, (trx) => (row.status === 'past_due' ? lifecycle.retry(trx, row.tenant_id, now) : lifecycle.renew(trx, row.tenant_id, now)));
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    } catch (error) {
      failures.push(error);
    }
  }
  // The others were done; the job's retry takes the failed ones again (each step is idempotent).
  if (failures.length > 0) throw new AggregateError(failures, `billing cycle: ${failures.length} of ${due.rows.length} subscriptions failed (${JSON.stringify(outcomes)} done)`);
  return outcomes;
}

export function createBillingCycleJob(deps: { lifecycle: SubscriptionLifecycle }): JobDefinition<typeof payload> {
  return defineJob({
    ...cycleJob,
    async handle(_payload, context) {
      await scheduleBillingCycle(context.db);
      const outcomes = await runBillingCycle(context.db, deps.lifecycle);
      return { outcome: 'done', note: JSON.stringify(outcomes) };
    },
  });
}
