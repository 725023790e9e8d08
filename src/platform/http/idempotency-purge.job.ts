import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { enqueue } from '../jobs/queue.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';

/** Runs at the start of every hour: stored answers never outlive their 48 h window by more than an hour. */
const PERIOD_MS = 3_600_000;

const payload = z.object({ slot: z.string() });

/** The next run after `now`: the start of the next hour (UTC). */
export function nextPurgeAt(now: Date): Date {
  return new Date(Math.floor(now.getTime() / PERIOD_MS) * PERIOD_MS + PERIOD_MS);
}

/**
 * Queues the run of the hour after `now`, once across every process (the dedupe key is
 * the hour). The worker calls it at start; each run queues the next one.
 */
export async function scheduleIdempotencyPurge(executor: Executor, now = new Date()): Promise<void> {
  const runAt = nextPurgeAt(now);
  const slot = runAt.toISOString().slice(0, 13);
  await enqueue(executor, idempotencyPurgeJob, { slot }, { tenantId: null, runAt, dedupeKey: `idempotency-purge:${slot}` });
}

/**
 * Hourly: deletes Idempotency-Key records past their window (their encrypted answers
 * can hold a guest's personal data), then queues the next run. A run that finds the next
 * hour already queued changes nothing, so two workers never double the schedule.
 */
export const idempotencyPurgeJob = defineJob({
  name: 'platform.idempotency_purge',
  version: 1,
  payload,
  async handle(_payload, context) {
    const removed = await purgeExpiredIdempotencyKeys(context.db);
    await scheduleIdempotencyPurge(context.db);
    return { outcome: 'done', note: `${removed} expired idempotency keys removed` };
  },
});
