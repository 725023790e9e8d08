import { sql } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../db/database.ts';
import type { JobKind } from './job-definition.ts';

export const JOBS_CHANNEL = 'reservehub_jobs';

export interface EnqueueOptions {
  tenantId: string | null;
  /** When to run; a future time makes it a scheduled job (reminders). */
  runAt?: Date;
  priority?: number;
  /** At most one job per (name, dedupe key): enqueuing again is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/**
 * Adds a job in the caller's transaction: if the transaction rolls back, the
 * job never existed. A NOTIFY, delivered at commit, wakes idle workers.
 * Returns the job id, or null when the dedupe key was already taken.
 */
export async function enqueue<Schema extends z.ZodType>(
  executor: Executor,
  definition: JobKind<Schema>,
  payload: z.infer<Schema>,
  options: EnqueueOptions,
): Promise<string | null> {
  const parsed = definition.payload.parse(payload);
  // The NOTIFY rides in the insert's statement (one round trip), sent only when a job was inserted.
  const wake = options.runAt === undefined || options.runAt.getTime() <= Date.now();
  const result = await sql<{ id: string }>`
    with job as (
      insert into jobs (tenant_id, name, version, payload, run_at, priority, dedupe_key, max_attempts)
      values (${options.tenantId}, ${definition.name}, ${definition.version}, ${JSON.stringify(parsed)}::jsonb,
              coalesce(${options.runAt?.toISOString() ?? null}::timestamptz, now()), ${options.priority ?? 0},
              ${options.dedupeKey ?? null}, ${options.maxAttempts ?? definition.maxAttempts ?? 10})
      on conflict (name, dedupe_key) where dedupe_key is not null do nothing
      returning id
    )
    select id, case when ${wake}::boolean then pg_notify(${JOBS_CHANNEL}, ${definition.name})::text end as notified
    from job`.execute(executor);
  const id = result.rows[0]?.id ?? null;
  return id;
}

/**
 * Cancels jobs that have not started yet, by name and dedupe-key prefix (a
 * cancelled booking's reminders, for instance). Running jobs finish.
 */
export async function cancelPendingJobs(executor: Executor, name: string, dedupeKeyPrefix: string): Promise<number> {
  const result = await sql`
    update jobs set status = 'cancelled', updated_at = now(), completed_at = now()
    where name = ${name} and status = 'pending' and starts_with(dedupe_key, ${dedupeKeyPrefix})`.execute(executor);
  return Number(result.numAffectedRows ?? 0);
}
