import { z } from 'zod';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { defineJob } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { purgeExpired } from './one-time-tokens.repository.ts';

/**
 * Daily: schedules tomorrow's run (one per day by dedupe key), in its own transaction so a failing
 * run cannot end the series, then deletes one-time tokens and login failures older than a day
 * (throttling only looks at the last 15 minutes).
 */
export const identityPurgeJob = defineJob({
  name: 'identity.purge_expired',
  version: 1,
  payload: z.object({}).passthrough(),
  async handle(_payload, context) {
    const tomorrow = new Date(Date.now() + 86_400_000);
    await withPlatform(context.db, (trx) =>
      enqueue(trx, identityPurgeJob, {}, {
        tenantId: null,
        runAt: tomorrow,
        dedupeKey: `identity-purge-${tomorrow.toISOString().slice(0, 10)}`,
      }),
    );
    const removed = await withPlatform(context.db, (trx) => purgeExpired(trx, new Date(Date.now() - 86_400_000)));
    return { outcome: 'done', note: `${removed} expired rows removed` };
  },
});
