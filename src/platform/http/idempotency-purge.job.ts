import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { enqueue } from '../jobs/queue.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';

/** Runs at the start of every hour: stored answers never outlive their 48 h window by more than an hour. */
const PERIOD_MS = 3_600_000;

/** The hour a run is for, `YYYY-MM-DDTHH` (UTC): also its dedupe key. */
const payload = z.object({ slot: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/) });

const slotStart = (slot: string): Date => new Date(`${slot}:00:00Z`);

/** The next run after `now`: the start of the next hour (UTC). */
export function nextPurgeAt(now: Date): Date {
  return new Date(Math.floor(now.getTime() / PERIOD_MS) * PERIOD_MS + PERIOD_MS);
}

/**
 * Queues the run of the hour after `now`, once across every process (the dedupe key is
 * the hour). The worker calls it at start; each run queues the next one.
 */
export async function scheduleIdempotencyPurge(executor: Executor, now = new Date(), after?: Date): Promise<void> {
  // Never the slot just run (its dedupe key is taken), even if that run started early.
  const runAt = new Date(Math.max(nextPurgeAt(now).getTime(), after ? after.getTime() + PERIOD_MS : 0));
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
  async handle(input, context) {
    const removed = await purgeExpiredIdempotencyKeys(context.db);
    await scheduleIdempotencyPurge(context.db, new Date(), slotStart(input.slot));
    return { outcome: 'done', note: `${removed} expired idempotency keys removed` };
  },
});
