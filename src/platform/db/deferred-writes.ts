import { sql, type OperationNodeSource } from 'kysely';
import type { Executor } from './database.ts';

/**
 * Write-behind for a transaction's bookkeeping: events, their fan-out jobs,
 * history and audit rows, scheduled jobs. Nothing in the transaction reads them
 * back, so instead of a round trip each they wait in the transaction's queue and
 * go to the database together, as one statement of data-modifying CTEs, just
 * before COMMIT (`withTenant` and `withPlatform` flush). A queued write that
 * fails (a constraint) fails that statement, so the transaction rolls back as
 * it would have at the write itself; a transaction that fails earlier drops its
 * queue with everything else.
 *
 * A queued write is one INSERT, UPDATE or DELETE without a WITH clause of its
 * own (it becomes a CTE); all of them see the transaction as it was before the
 * flush, not each other's rows. Code that reads a table it may have queued
 * writes for in the same transaction calls `flushDeferredWrites` first.
 */
type Write = OperationNodeSource;

const queues = new WeakMap<object, Write[]>();

/** Starts queueing for a transaction; `withTenant` and `withPlatform` call it. */
export function openDeferredWrites(trx: Executor): void {
  queues.set(trx, []);
}

/** Ends queueing for a transaction (after its commit or rollback). */
export function closeDeferredWrites(trx: Executor): void {
  queues.delete(trx);
}

/**
 * Queues writes in the executor's transaction; outside `withTenant` /
 * `withPlatform` (no queue) they are sent now, together, in one statement.
 */
export async function deferWrites(executor: Executor, writes: readonly Write[]): Promise<void> {
  const queue = queues.get(executor);
  if (queue) queue.push(...writes);
  else await send(executor, writes);
}

/** Sends the queued writes now: before COMMIT, or before reading rows they write. */
export async function flushDeferredWrites(executor: Executor): Promise<void> {
  const queue = queues.get(executor);
  if (!queue || queue.length === 0) return;
  await send(executor, queue.splice(0));
}

async function send(executor: Executor, writes: readonly Write[]): Promise<void> {
  const [only] = writes;
  if (only === undefined) return;
  if (writes.length === 1) {
    await sql`${only}`.execute(executor);
    return;
  }
  const ctes = writes.map((write, index) => sql`${sql.raw(`w${index}`)} as (${write})`);
  await sql`with ${sql.join(ctes)} select 1`.execute(executor);
}
