import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';
import { withPlatform } from '../db/tenant-context.ts';
import type { PaginationMeta } from '../http/envelope.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { AppError } from '../http/errors.ts';
import { JOBS_CHANNEL } from './queue.ts';

/**
 * Dead letters: jobs that failed every attempt (or were discarded) are parked as `dead` by the
 * worker and stay until someone replays them. Platform administrators list and replay them through
 * `GET /api/v1/platform/jobs/dead` and `POST /api/v1/platform/jobs/dead/{id}/replay`.
 */
export interface DeadJob {
  id: string;
  name: string;
  tenant_id: string | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: Date;
  /** When it was parked as dead. */
  died_at: Date;
}

interface DeadJobRow extends Omit<DeadJob, 'died_at'> {
  died_at: Date | null;
}

const toDeadJob = (row: DeadJobRow): DeadJob => ({ ...row, died_at: row.died_at ?? row.created_at });

/** Most recent deaths first; `name` narrows to one kind of job. */
export async function listDeadJobs(
  db: Db,
  query: { limit: number; cursor?: string | undefined; name?: string | undefined },
): Promise<{ items: DeadJob[]; pagination: PaginationMeta }> {
  const after = decodeCursor(query.cursor);
  const afterDate = after === undefined ? null : new Date(after.value);
  if (afterDate !== null && Number.isNaN(afterDate.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
  const rows = await withPlatform(db, async (trx) => {
    const result = await sql<DeadJobRow>`
      select id, name, tenant_id, attempts, max_attempts, last_error, created_at, completed_at as died_at
      from jobs
      where status = 'dead'
        ${query.name === undefined ? sql`` : sql`and name = ${query.name}`}
        ${after === undefined ? sql`` : sql`and (coalesce(completed_at, created_at), id) < (${afterDate}::timestamptz, ${after.id}::uuid)`}
      order by coalesce(completed_at, created_at) desc, id desc
      limit ${query.limit + 1}`.execute(trx);
    return result.rows;
  });
  return toPage(rows.map(toDeadJob), query.limit, (job) => ({ value: job.died_at.toISOString(), id: job.id }));
}

/** A replayed job: back in the queue, due now, with a fresh series of attempts. */
export interface ReplayedJob {
  id: string;
  name: string;
  tenant_id: string | null;
  status: 'pending';
  run_at: Date;
}

/**
 * Puts a dead job back in the queue for another full series of attempts, due now, and wakes an
 * idle worker. Null when no dead job has that id (never dead, already replayed, or no such job).
 */
export async function replayDeadJob(executor: Executor, jobId: string): Promise<ReplayedJob | null> {
  const result = await sql<ReplayedJob & { notified: string | null }>`
    with replayed as (
      update jobs set status = 'pending', attempts = 0, run_at = now(), updated_at = now(), completed_at = null
      where id = ${jobId} and status = 'dead'
      returning id, name, tenant_id, status, run_at
    )
    select replayed.*, pg_notify(${JOBS_CHANNEL}, replayed.name)::text as notified from replayed`.execute(executor);
  const row = result.rows[0];
  if (!row) return null;
  const { notified: _notified, ...job } = row;
  return job;
}

/**
 * One tenant's jobs that died since `since`, most recent first (at most `limit`). Read in the
 * tenant's own context: the jobs table's Row-Level Security keeps other tenants' jobs out.
 */
export async function deadJobsOfTenant(executor: Executor, tenantId: string, since: Date, limit: number): Promise<DeadJob[]> {
  const result = await sql<DeadJobRow>`
    select id, name, tenant_id, attempts, max_attempts, last_error, created_at, completed_at as died_at
    from jobs
    where tenant_id = ${tenantId} and status = 'dead' and coalesce(completed_at, created_at) >= ${since}::timestamptz
    order by coalesce(completed_at, created_at) desc, id desc
    limit ${limit}`.execute(executor);
  return result.rows.map(toDeadJob);
}
