import { z } from 'zod';
import type { Executor } from '../../platform/db/database.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueueDeferred } from '../../platform/jobs/queue.ts';
import type { PlatformKpisService } from './platform-kpis.service.ts';

const payload = z.object({ day: z.iso.date() });
const snapshotJob = { name: 'analytics.mrr-snapshot', version: 1, payload } as const;

/** Tomorrow 00:30 UTC. */
function nextRunAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 0, 30));
}

/** Queues the next daily MRR snapshot, once per day (the dedupe key). */
export async function scheduleMrrSnapshot(executor: Executor, now = new Date()): Promise<void> {
  const runAt = nextRunAt(now);
  const day = runAt.toISOString().slice(0, 10);
  await enqueueDeferred(executor, snapshotJob, { day }, { tenantId: null, runAt, dedupeKey: `mrr:${day}` });
}

/**
 * Records every tenant's MRR for the month, daily, so month-over-month movements (new,
 * expansion, contraction, churn) can be told apart later. The next run is queued first, in
 * its own statement, so a failing run does not end the series.
 */
export function createMrrSnapshotJob(platform: PlatformKpisService): JobDefinition<typeof payload> {
  return defineJob({
    ...snapshotJob,
    async handle(_payload, context) {
      await scheduleMrrSnapshot(context.db);
      const tenants = await platform.snapshotMrr();
      return { outcome: 'done', note: `${tenants} tenants` };
    },
  });
}
