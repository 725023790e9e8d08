import { sql } from 'kysely';
import type { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { deferWrites } from '../db/transaction-context.ts';
import { currentTraceparent } from '../observability/tracing.ts';
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
  // The NOTIFY rides in the insert's statement (one round trip), sent only when a job was inserted.
  const result = await sql<{ id: string }>`
    with job as (${jobInsert(definition, payload, options)} returning id)
    select id, case when ${isDue(options)}::boolean then pg_notify(${JOBS_CHANNEL}, ${definition.name})::text end as notified
    from job`.execute(executor);
  const id = result.rows[0]?.id ?? null;
  return id;
}

/**
 * `enqueue` for a job whose id the caller does not need (a scheduled run, a reminder):
 * queued with the transaction's deferred writes and sent with them before commit
 * (platform/db/transaction-context.ts); outside a transaction it is sent now. A taken dedupe
 * key makes it a no-op, as with `enqueue`.
 */
export async function enqueueDeferred<Schema extends z.ZodType>(
  executor: Executor,
  definition: JobKind<Schema>,
  payload: z.infer<Schema>,
  options: EnqueueOptions,
): Promise<void> {
  await deferWrites(executor, [
    sql`${jobInsert(definition, payload, options)}
        returning case when ${isDue(options)}::boolean then pg_notify(${JOBS_CHANNEL}, ${definition.name}) end`,
  ]);
}

/** The job's insert, a taken dedupe key making it a no-op; the callers add their RETURNING. */
function jobInsert<Schema extends z.ZodType>(definition: JobKind<Schema>, payload: z.infer<Schema>, options: EnqueueOptions) {
  const parsed = definition.payload.parse(payload);
  return sql`
    insert into jobs (tenant_id, name, version, payload, run_at, priority, dedupe_key, max_attempts, trace_context)
    values (${options.tenantId}, ${definition.name}, ${definition.version}, ${JSON.stringify(parsed)}::jsonb,
            coalesce(${options.runAt?.toISOString() ?? null}::timestamptz, now()), ${options.priority ?? 0},
            ${options.dedupeKey ?? null}, ${options.maxAttempts ?? definition.maxAttempts ?? 10}, ${currentTraceparent()})
    on conflict (name, dedupe_key) where dedupe_key is not null do nothing`;
}

/** Whether the job may run at once, so idle workers should be woken (NOTIFY at commit). */
function isDue(options: EnqueueOptions): boolean {
  return options.runAt === undefined || options.runAt.getTime() <= Date.now();
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
