import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/database.ts';
import type { Metrics } from '../observability/metrics.ts';
import { contextFromTraceparent, inSpan, SpanKind } from '../observability/tracing.ts';
import { backoffDelayMs, type JobDefinition, type JobOutcome } from './job-definition.ts';
import { JOBS_CHANNEL } from './queue.ts';

interface JobRow {
  id: string;
  tenant_id: string | null;
  name: string;
  version: number;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  /** The `traceparent` of the span that queued the job. */
  trace_context: string | null;
}

export interface WorkerOptions {
  handle: DatabaseHandle;
  definitions: JobDefinition[];
  logger: Logger;
  metrics?: Metrics;
  concurrency: number;
  pollMs: number;
  /** Longest run when a definition names none. */
  defaultTimeoutMs?: number;
  /**
   * The lease a claim takes, renewed by a heartbeat every third of it while the job runs: a job
   * whose worker died (kill -9, lost node) runs again after at most this long.
   */
  leaseMs?: number;
  workerId?: string;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_LEASE_MS = 30_000;

/**
 * Runs jobs from the jobs table. Several workers (threads of one process or
 * many processes) share the table: each claims rows with
 * `FOR UPDATE SKIP LOCKED` and a short lease that a heartbeat renews while the
 * job runs, so no job runs twice at once, and a job whose worker died runs
 * again as soon as its lease expires. Wakes on NOTIFY,
 * and polls as a fallback (and for scheduled jobs coming due).
 */
export class Worker {
  readonly #options: WorkerOptions;
  readonly #definitions: Map<string, JobDefinition>;
  readonly #id: string;
  readonly #abort = new AbortController();
  #running = 0;
  #stopped = true;
  #wake: (() => void) | null = null;
  /** A wake-up that came while the loop was not waiting (mid-claim): the next wait is skipped, not lost. */
  #wokenEarly = false;
  #loop: Promise<void> | null = null;
  #unlisten: (() => Promise<void>) | null = null;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#definitions = new Map(options.definitions.map((definition) => [definition.name, definition]));
    this.#id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  get id(): string {
    return this.#id;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unlisten = await this.#options.handle.listen(JOBS_CHANNEL, () => this.#signal());
    this.#loop = this.#run();
  }

  /** Stops claiming new jobs and waits for running ones to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#signal();
    await this.#loop;
    await this.#unlisten?.();
    this.#abort.abort();
  }

  /**
   * Wakes the loop: at once when it is waiting, else at its next wait (a NOTIFY that lands while a
   * claim is in flight would otherwise be lost until the next poll).
   */
  #signal(): void {
    if (this.#wake) this.#wake();
    else this.#wokenEarly = true;
  }

  /** Claims and runs what is due now, once; returns how many jobs ran. Used by tests and `work --once`. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await this.#claim(this.#options.concurrency);
      if (jobs.length === 0) return total;
      await Promise.all(jobs.map((job) => this.#execute(job)));
      total += jobs.length;
    }
  }

  async #run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!this.#stopped) {
      const free = this.#options.concurrency - this.#running;
      let claimed: JobRow[] = [];
      if (free > 0) {
        try {
          claimed = await this.#claim(free);
        } catch (error) {
          this.#options.logger.error({ err: error }, 'job claim failed');
        }
      }
      for (const job of claimed) {
        const execution = this.#execute(job).finally(() => {
          inFlight.delete(execution);
          this.#signal();
        });
        inFlight.add(execution);
      }
      if (claimed.length === 0 || this.#running >= this.#options.concurrency) {
        if (this.#wokenEarly) {
          this.#wokenEarly = false;
          continue;
        }
        // The waker is cleared the moment it fires (or the poll ends), so a later signal is never
        // spent on a wait that is already over.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#wake = null;
            resolve();
          }, this.#options.pollMs);
          this.#wake = () => {
            this.#wake = null;
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    await Promise.all(inFlight);
  }

  async #claim(limit: number): Promise<JobRow[]> {
    const names = [...this.#definitions.keys()];
    if (names.length === 0) return [];
    // Each definition's lease: the worker's short lease, or the job's longest run time when shorter.
    const leaseSeconds = names.map((name) => this.#leaseMsOf(this.#definitions.get(name)) / 1000);
    const result = await sql<JobRow>`
      with leases as (
        select * from unnest(${names}::text[], ${leaseSeconds}::float8[]) as lease(name, seconds)
      )
      update jobs set
        status = 'running',
        attempts = jobs.attempts + 1,
        locked_by = ${this.#id},
        locked_until = now() + make_interval(secs => (select seconds from leases where leases.name = jobs.name)),
        updated_at = now()
      where id in (
        select id from jobs
        where name = any(${names}::text[])
          and ((status = 'pending' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by priority desc, run_at
        limit ${limit}
        for update skip locked
      )
      returning id, tenant_id, name, version, payload, attempts, max_attempts, trace_context`.execute(this.#options.handle.db);
    return result.rows;
  }

  #maxRunMsOf(definition: JobDefinition | undefined): number {
    return definition?.timeoutMs ?? this.#options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  #leaseMsOf(definition: JobDefinition | undefined): number {
    return Math.min(this.#options.leaseMs ?? DEFAULT_LEASE_MS, this.#maxRunMsOf(definition));
  }

  /**
   * Renews the job's lease every third of it while the run lasts, never past the job's longest
   * run time counted from the claim (`updated_at`): a hung run loses its lease then, and another
   * worker takes it over as it would a dead worker's.
   */
  #heartbeat(job: JobRow, definition: JobDefinition | undefined): () => void {
    const leaseMs = this.#leaseMsOf(definition);
    const maxRunMs = this.#maxRunMsOf(definition);
    const stopAt = Date.now() + maxRunMs;
    const timer = setInterval(() => {
      if (Date.now() >= stopAt) {
        clearInterval(timer);
        this.#options.logger.warn({ job: job.name, job_id: job.id }, 'job ran past its time; its lease is no longer renewed');
        return;
      }
      sql`update jobs
          set locked_until = least(now() + make_interval(secs => ${leaseMs / 1000}), updated_at + make_interval(secs => ${maxRunMs / 1000}))
          where id = ${job.id} and locked_by = ${this.#id} and status = 'running'`
        .execute(this.#options.handle.db)
        .catch((error: unknown) => this.#options.logger.warn({ err: error, job_id: job.id }, 'job lease renewal failed'));
    }, Math.max(50, Math.floor(leaseMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Runs the job in a span that continues the trace of whatever queued it; its log lines carry that trace. */
  async #execute(job: JobRow): Promise<void> {
    const attributes = { 'job.name': job.name, 'job.id': job.id, 'job.attempt': job.attempts, ...(job.tenant_id ? { 'tenant.id': job.tenant_id } : {}) };
    await inSpan(`job ${job.name}`, { kind: SpanKind.CONSUMER, attributes, parent: contextFromTraceparent(job.trace_context) }, (span) => this.#executeTraced(job, span));
  }

  async #executeTraced(job: JobRow, span: Span): Promise<void> {
    this.#running += 1;
    const definition = this.#definitions.get(job.name);
    const stopHeartbeat = this.#heartbeat(job, definition);
    let outcome: JobOutcome;
    try {
      if (!definition) throw new Error(`No handler for job ${job.name}`);
      const payload = definition.payload.parse(job.payload);
      outcome = await definition.handle(payload, {
        db: this.#options.handle.db,
        jobId: job.id,
        tenantId: job.tenant_id,
        attempt: job.attempts,
        signal: this.#abort.signal,
      });
    } catch (error) {
      outcome = { outcome: 'retry', reason: error instanceof Error ? error.message : String(error) };
      this.#options.logger.warn({ err: error, job: job.name, job_id: job.id }, 'job failed');
    } finally {
      stopHeartbeat();
      this.#running -= 1;
    }
    span.setAttribute('job.outcome', outcome.outcome);
    if (outcome.outcome !== 'done') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason.slice(0, 200) });
    await this.#settle(job, definition, outcome);
    this.#options.metrics?.jobsProcessed.inc({ name: job.name, outcome: outcome.outcome });
  }

  async #settle(job: JobRow, definition: JobDefinition | undefined, outcome: JobOutcome): Promise<void> {
    const db = this.#options.handle.db;
    // Only the lease holder may settle: if the lease expired and another worker took the job, its result wins.
    if (outcome.outcome === 'done') {
      await sql`update jobs set status = 'succeeded', completed_at = now(), updated_at = now(),
                locked_by = null, locked_until = null, last_error = null
                where id = ${job.id} and locked_by = ${this.#id}`.execute(db);
      return;
    }
    const maxAttempts = definition?.maxAttempts ?? job.max_attempts;
    const dead = outcome.outcome === 'discard' || job.attempts >= maxAttempts;
    const reason = outcome.reason.slice(0, 2000);
    if (dead) {
      await sql`update jobs set status = 'dead', last_error = ${reason}, completed_at = now(), updated_at = now(),
                locked_by = null, locked_until = null
                where id = ${job.id} and locked_by = ${this.#id}`.execute(db);
      this.#options.logger.error({ job: job.name, job_id: job.id, reason }, 'job moved to dead letter');
      return;
    }
    const delayMs = outcome.delayMs ?? backoffDelayMs(job.attempts);
    await sql`update jobs set status = 'pending', last_error = ${reason}, updated_at = now(),
              run_at = now() + make_interval(secs => ${delayMs / 1000}), locked_by = null, locked_until = null
              where id = ${job.id} and locked_by = ${this.#id}`.execute(db);
  }
}

export async function jobCounts(handle: DatabaseHandle): Promise<Array<{ status: string; count: number }>> {
  const result = await sql<{ status: string; count: number }>`
    select status, count(*)::int as count from jobs where status in ('pending', 'running', 'dead') group by status`.execute(
    handle.db,
  );
  return result.rows;
}
