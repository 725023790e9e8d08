import { z } from 'zod';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { defineJob } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { purgeExpired } from './one-time-tokens.repository.ts';

/**
 * Daily: deletes one-time tokens and login failures older than a day (throttling only looks
 * at the last 15 minutes), then schedules tomorrow's run (one per day by dedupe key).
 */
export const identityPurgeJob = defineJob({
  name: 'identity.purge_expired',
  version: 1,
  payload: z.object({}).passthrough(),
  async handle(_payload, context) {
    const removed = await withPlatform(context.db, async (trx) => {
      const count = await purgeExpired(trx, new Date(Date.now() - 86_400_000));
      const tomorrow = new Date(Date.now() + 86_400_000);
      await enqueue(trx, identityPurgeJob, {}, {
        tenantId: null,
        runAt: tomorrow,
        dedupeKey: `identity-purge-${tomorrow.toISOString().slice(0, 10)}`,
      });
      return count;
    });
    return { outcome: 'done', note: `${removed} expired rows removed` };
  },
});
