/**
 * Waiting in tests without fixed sleeps. Time that the product measures is never waited out: a test moves
 * the clock instead (an injected `now`, or, for deadlines the database keeps such as job leases,
 * `expireJobLeases`). What remains is waiting for something another process, connection or task does,
 * which `waitFor` polls for until it holds or a deadline passes.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';

export interface WaitOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Between two checks (default 20 ms). */
  intervalMs?: number;
  /** Says what was awaited, for the error when time runs out. */
  message?: string | (() => string);
}

/**
 * Checks `condition` until it returns something other than `undefined`, `null` or `false`, and returns that;
 * throws once `timeoutMs` has passed without it.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
    if (Date.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'the condition');
      throw new Error(`waited ${timeoutMs} ms for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/**
 * Lets the leases of running jobs run out now, as if their lease time had passed: the database's clock decides
 * a lease (`locked_until < now()` in the worker's claim), so the test moves the deadline rather than sleeping.
 * Returns how many leases it expired.
 */
export async function expireJobLeases(db: Db, where: { name?: string; id?: string }): Promise<number> {
  const result = await sql`
    update jobs set locked_until = now() - interval '1 millisecond'
    where status = 'running'
      ${where.name === undefined ? sql`` : sql`and name = ${where.name}`}
      ${where.id === undefined ? sql`` : sql`and id = ${where.id}`}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
