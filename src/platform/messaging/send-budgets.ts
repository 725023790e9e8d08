/**
 * Send budgets of public message endpoints (one-time codes): counters kept in the database, so
 * every `serve` process shares them, with an optional exponential back-off per counter. Only a
 * keyed hash of what is counted (an address, an IP, a tenant) is stored, never the value.
 */
import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';

export interface SendBudget {
  /** Names the counter (part of its key) and the budget that refused. */
  name: string;
  /** What is counted: a destination, an IP address, a tenant id. */
  subject: string;
  windowSeconds: number;
  /** Sends allowed per window. */
  limit: number;
  /**
   * The first `free` sends of a window go at once; after them, the n-th send of the window
   * waits 2^(n − free − 1) × `baseSeconds` after the previous one.
   */
  backoff?: { free: number; baseSeconds: number } | undefined;
}

/** A counter as stored: its window, the sends in it and the last one. */
export interface BudgetState {
  windowStartedAt: Date;
  sends: number;
  lastSentAt: Date;
}

export type BudgetOutcome = { allowed: true } | { allowed: false; budget: string; retryAfterSeconds: number };

/** The state that applies at `now`: a counter whose window ended starts again from nothing. */
function currentState(budget: SendBudget, state: BudgetState | undefined, now: Date): BudgetState | undefined {
  if (!state) return undefined;
  return state.windowStartedAt.getTime() + budget.windowSeconds * 1000 <= now.getTime() ? undefined : state;
}

/** Seconds to wait before one more send under `budget` (0: it may go now). Pure. */
export function waitBeforeNextSend(budget: SendBudget, stored: BudgetState | undefined, now: Date): number {
  const state = currentState(budget, stored, now);
  if (!state || state.sends === 0) return 0;
  const windowEnd = state.windowStartedAt.getTime() + budget.windowSeconds * 1000;
  if (state.sends >= budget.limit) return Math.ceil((windowEnd - now.getTime()) / 1000);
  const backoff = budget.backoff;
  if (!backoff || state.sends < backoff.free) return 0;
  // The (sends + 1)-th send: 2^(sends + 1 − free − 1) × base after the previous one.
  const delayMs = 2 ** (state.sends - backoff.free) * backoff.baseSeconds * 1000;
  const wait = state.lastSentAt.getTime() + delayMs - now.getTime();
  return wait <= 0 ? 0 : Math.ceil(wait / 1000);
}

class Refusal extends Error {
  readonly outcome: BudgetOutcome;

  constructor(outcome: BudgetOutcome) {
    super('send budget exhausted');
    this.outcome = outcome;
  }
}

/** Expired counters removed per reservation: keeps the table small without a job of its own. */
const PURGE_BATCH = 100;

export class SendBudgets {
  readonly #db: Db;
  readonly #key: Buffer;

  /** `key`: a secret of the deployment (the same in every process), so counters are shared and unreadable. */
  constructor(db: Db, key: Buffer) {
    this.#db = db;
    this.#key = key;
  }

  #keyOf(budget: SendBudget): string {
    return createHmac('sha256', this.#key).update(`${budget.name}:${budget.subject}`).digest('hex');
  }

  /**
   * Counts one send against every budget, or against none: when any budget refuses, nothing is
   * counted and the answer names it with the longest wait among the refusing ones. One
   * transaction of its own (the counters' rows locked in key order), so concurrent requests in
   * any number of processes cannot both take the last send.
   */
  async reserve(budgets: readonly SendBudget[], now = new Date()): Promise<BudgetOutcome> {
    const keyed = budgets.map((budget) => ({ budget, key: this.#keyOf(budget) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (keyed.length === 0) return { allowed: true };
    try {
      return await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('code_send_budgets')
          .values(
            keyed.map(({ budget, key }) => ({
              key,
              window_started_at: now,
              sends: 0,
              last_sent_at: now,
              expires_at: new Date(now.getTime() + budget.windowSeconds * 1000),
            })),
          )
          .onConflict((conflict) => conflict.column('key').doNothing())
          .execute();
        const rows = await trx
          .selectFrom('code_send_budgets')
          .selectAll()
          .where('key', 'in', keyed.map(({ key }) => key))
          .orderBy('key')
          .forUpdate()
          .execute();
        const byKey = new Map(rows.map((row) => [row.key, row]));
        let refusal: { budget: string; retryAfterSeconds: number } | null = null;
        for (const { budget, key } of keyed) {
          const row = byKey.get(key);
          const state = row && { windowStartedAt: row.window_started_at, sends: row.sends, lastSentAt: row.last_sent_at };
          const wait = waitBeforeNextSend(budget, state, now);
          if (wait > 0 && (refusal === null || wait > refusal.retryAfterSeconds)) refusal = { budget: budget.name, retryAfterSeconds: wait };
        }
        if (refusal !== null) throw new Refusal({ allowed: false, ...refusal });
        for (const { budget, key } of keyed) {
          const row = byKey.get(key);
          const state = currentState(budget, row && { windowStartedAt: row.window_started_at, sends: row.sends, lastSentAt: row.last_sent_at }, now);
          const windowStartedAt = state?.windowStartedAt ?? now;
          await trx
            .updateTable('code_send_budgets')
            .set({
              window_started_at: windowStartedAt,
              sends: (state?.sends ?? 0) + 1,
              last_sent_at: now,
              expires_at: new Date(windowStartedAt.getTime() + budget.windowSeconds * 1000),
            })
            .where('key', '=', key)
            .execute();
        }
        await trx
          .deleteFrom('code_send_budgets')
          .where('key', 'in', (query) => query.selectFrom('code_send_budgets').select('key').where('expires_at', '<', now).limit(PURGE_BATCH))
          .execute();
        return { allowed: true } as const;
      });
    } catch (error) {
      if (error instanceof Refusal) return error.outcome;
      throw error;
    }
  }
}

export interface CodeSendBudgetsTable {
  /** HMAC of the budget's name and subject. */
  key: string;
  window_started_at: Date;
  sends: number;
  last_sent_at: Date;
  expires_at: Date;
}

declare module '../db/database.ts' {
  interface Database {
    code_send_budgets: CodeSendBudgetsTable;
  }
}
