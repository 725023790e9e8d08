import { sql, type OperationNodeSource } from 'kysely';
import type { Executor, Trx } from './database.ts';

/**
 * What a transaction carries besides its connection, kept in this one place for
 * every transaction `withTenant` and `withPlatform` open (they run the work through
 * `inTransactionContext`):
 *
 * - **Deferred writes** (`deferWrites`): write-behind for a transaction's bookkeeping
 *   (events, their fan-out jobs, history and audit rows, scheduled jobs). Nothing in
 *   the transaction reads them back, so instead of a round trip each they wait in the
 *   queue and go to the database together, as one statement of data-modifying CTEs,
 *   just before COMMIT. A queued write that fails (a constraint) fails that
 *   statement, so the transaction rolls back as it would have at the write itself; a
 *   transaction that fails earlier drops its queue with everything else. A queued
 *   write is one INSERT, UPDATE or DELETE without a WITH clause of its own (it
 *   becomes a CTE); all of them see the transaction as it was before the flush, not
 *   each other's rows. Code that reads a table it may have queued writes for in the
 *   same transaction calls `flushDeferredWrites` first.
 * - **Memos** (`transactionMemo`, `existingMemo`): values that live exactly as long as
 *   the transaction, under a typed key (catalog's service snapshots, read once per
 *   booking transaction; the resources whose occupancy changed).
 * - **After-commit hooks** (`afterCommit`): work that must follow the commit and never
 *   a rollback, such as marking cached availability stale. They run in the order
 *   registered, once the transaction committed, before `withTenant` / `withPlatform`
 *   return; a rolled-back transaction drops them. A hook that throws does not undo
 *   the commit: the others still run, then the first error reaches the caller.
 *
 * The context is keyed on the transaction object and ends with it. Outside any
 * transaction (the root handle, autocommit) deferred writes are sent and hooks run at
 * once; inside a transaction opened some other way there is no commit to wait for, so
 * `afterCommit` refuses.
 */
interface TransactionContext {
  readonly writes: OperationNodeSource[];
  readonly memos: Map<MemoKey<unknown>, unknown>;
  readonly afterCommit: AfterCommitHook[];
}

export type AfterCommitHook = () => Promise<void> | void;

/** A typed key of a per-transaction memo; create one per purpose with `memoKey`. */
export interface MemoKey<V> {
  readonly description: string;
  /** Type only: what the memo holds. */
  readonly __value?: V;
}

const contexts = new WeakMap<object, TransactionContext>();

export function memoKey<V>(description: string): MemoKey<V> {
  return { description };
}

/**
 * Runs `work` in a transaction with its context. `transaction(body)` opens the
 * transaction, runs `body` in it and commits when `body` resolves (rolls back when it
 * throws). Deferred writes are sent at the end of `work`, inside the transaction;
 * after-commit hooks run once `transaction` resolved.
 */
export async function inTransactionContext<T>(
  transaction: (body: (trx: Trx) => Promise<T>) => Promise<T>,
  work: (trx: Trx) => Promise<T>,
): Promise<T> {
  let hooks: AfterCommitHook[] = [];
  const result = await transaction(async (trx) => {
    const context: TransactionContext = { writes: [], memos: new Map(), afterCommit: [] };
    contexts.set(trx, context);
    try {
      const value = await work(trx);
      await flushDeferredWrites(trx);
      hooks = context.afterCommit;
      return value;
    } finally {
      contexts.delete(trx);
    }
  });
  await runHooks(hooks);
  return result;
}

async function runHooks(hooks: readonly AfterCommitHook[]): Promise<void> {
  const errors: unknown[] = [];
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/**
 * Runs `hook` after the executor's transaction commits (nothing if it rolls back);
 * on the root handle, now.
 */
export async function afterCommit(executor: Executor, hook: AfterCommitHook): Promise<void> {
  const context = contexts.get(executor);
  if (context) {
    context.afterCommit.push(hook);
    return;
  }
  if (executor.isTransaction) throw new Error('afterCommit needs a transaction opened by withTenant or withPlatform');
  await runHooks([hook]);
}

/**
 * The transaction's value under `key`, made by `create` on first use and kept until
 * the transaction ends; undefined outside a transaction context (nothing to keep it in).
 */
export function transactionMemo<V>(executor: Executor, key: MemoKey<V>, create: () => V): V | undefined {
  const memos = contexts.get(executor)?.memos;
  if (!memos) return undefined;
  if (!memos.has(key)) memos.set(key, create());
  return memos.get(key) as V;
}

/** The transaction's value under `key` if something made one (`transactionMemo`), else undefined. */
export function existingMemo<V>(executor: Executor, key: MemoKey<V>): V | undefined {
  return contexts.get(executor)?.memos.get(key) as V | undefined;
}

/**
 * Queues writes in the executor's transaction; outside `withTenant` /
 * `withPlatform` (no context) they are sent now, together, in one statement.
 */
export async function deferWrites(executor: Executor, writes: readonly OperationNodeSource[]): Promise<void> {
  const queue = contexts.get(executor)?.writes;
  if (queue) queue.push(...writes);
  else await send(executor, writes);
}

/** Sends the queued writes now: before COMMIT, or before reading rows they write. */
export async function flushDeferredWrites(executor: Executor): Promise<void> {
  const queue = contexts.get(executor)?.writes;
  if (!queue || queue.length === 0) return;
  await send(executor, queue.splice(0));
}

async function send(executor: Executor, writes: readonly OperationNodeSource[]): Promise<void> {
  const [only] = writes;
  if (only === undefined) return;
  if (writes.length === 1) {
    await sql`${only}`.execute(executor);
    return;
  }
  const ctes = writes.map((write, index) => sql`${sql.raw(`w${index}`)} as (${write})`);
  await sql`with ${sql.join(ctes)} select 1`.execute(executor);
}
