import type { z } from 'zod';
import type { Db } from '../db/database.ts';

/** What a handler reports back; anything thrown counts as `retry`. */
export type JobOutcome =
  | { outcome: 'done'; note?: string }
  | { outcome: 'retry'; reason: string; delayMs?: number }
  | { outcome: 'discard'; reason: string };

export interface JobContext {
  db: Db;
  jobId: string;
  tenantId: string | null;
  attempt: number;
  /** Aborted when the worker shuts down or the lease runs out; long handlers should stop. */
  signal: AbortSignal;
}

/**
 * A background job: a name, a version, a zod payload schema and an idempotent
 * handler. A job may run more than once (at-least-once delivery), so handlers
 * must make a second run harmless.
 */
export interface JobKind<Schema extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  payload: Schema;
  maxAttempts?: number;
}

export interface JobDefinition<Schema extends z.ZodType = z.ZodType> extends JobKind<Schema> {
  /**
   * The longest a run may take. While it runs, the worker renews the job's short lease (a
   * heartbeat); past this time it stops renewing, so a hung run is taken over like a dead worker's.
   */
  timeoutMs?: number;
  handle(payload: z.infer<Schema>, context: JobContext): Promise<JobOutcome>;
}

export function defineJob<Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> {
  return definition;
}

/**
 * Delay before the next attempt: exponential from 2 s, capped at one hour,
 * with full jitter so failed jobs do not retry in lockstep.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(3_600_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
