import { z } from 'zod';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { defineJob } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { ensurePartitions } from './audit.repository.ts';

const MONTHS_AHEAD = 3;

function monthsFrom(at: Date, count: number): string[] {
  return Array.from({ length: count + 1 }, (_, offset) => {
    const month = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
    return month.toISOString().slice(0, 10);
  });
}

/**
 * Keeps audit partitions ahead of time: schedules itself for the first day of next month,
 * then creates this month's partition and the next three (dedupe key per month, so a second run
 * of the same month is harmless). 0004_audit.sql enqueues the first run.
 */
export const auditPartitionsJob = defineJob({
  name: 'audit.ensure_partitions',
  version: 1,
  payload: z.object({}).passthrough(),
  async handle(_payload, context) {
    const now = new Date();
    // Next month's run first, in its own transaction: a failing run must not end the series.
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5));
    await withPlatform(context.db, (trx) =>
      enqueue(trx, auditPartitionsJob, {}, {
        tenantId: null,
        runAt: next,
        dedupeKey: `audit-partitions-${next.toISOString().slice(0, 7)}`,
      }),
    );
    const created = await withPlatform(context.db, (trx) => ensurePartitions(trx, monthsFrom(now, MONTHS_AHEAD)));
    return { outcome: 'done', note: `partitions present: ${created.join(', ')}` };
  },
});
