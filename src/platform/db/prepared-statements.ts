import { createHash } from 'node:crypto';
import pg from 'pg';

/** Statements a connection keeps prepared; later new texts run unnamed (parsed and planned each time). */
export const PREPARED_STATEMENTS_PER_CONNECTION = 1_000;

/** SQLSTATE 0A000 with this text: a prepared `select *` met a table whose columns changed (a migration). */
const RESULT_TYPE_CHANGED = 'cached plan must not change result type';

type QueryCallback = (error: Error | null, result?: unknown) => void;

/**
 * A node-postgres client that prepares each parameterized statement once per
 * connection. By default node-postgres sends every query unnamed, so
 * PostgreSQL parses and plans it on every execution: on the booking path that
 * was about a third of PostgreSQL's CPU. Named statements are parsed once and,
 * after a few executions, PostgreSQL keeps a generic plan when it is as good.
 *
 * - Only queries with parameters are named: parameterless ones may be several
 *   statements sent through the simple protocol (see `sendsStatementBatches`).
 * - At most `PREPARED_STATEMENTS_PER_CONNECTION` names per connection, so a
 *   stream of distinct texts cannot grow the server's memory without bound.
 * - After a migration changes a table's columns, a statement prepared before
 *   it fails once with "cached plan must not change result type"; the
 *   connection then prepares that text again under a new name.
 */
export class PreparingClient extends pg.Client {
  readonly #names = new Map<string, string>();
  #generation = 0;

  /** How many statements this connection has named (for tests and metrics). */
  get preparedCount(): number {
    return this.#names.size;
  }

  // node-postgres' overloads; only (text, values[, callback]) with values is named.
  override query(...args: unknown[]): never {
    const base = super.query.bind(this) as unknown as (...rest: unknown[]) => never;
    const [text, values, callback] = args;
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 ? this.#nameOf(text) : undefined;
    if (name === undefined) return base(...args);
    const config = { name, text, values };
    if (typeof callback === 'function') {
      return base(config, (error: Error | null, result?: unknown) => {
        if (error) this.#forgetIfStale(name, error);
        (callback as QueryCallback)(error, result);
      });
    }
    return (base(config) as Promise<unknown>).catch((error: unknown) => {
      this.#forgetIfStale(name, error);
      throw error;
    }) as never;
  }

  #nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= PREPARED_STATEMENTS_PER_CONNECTION) return known;
    const name = `rh${this.#generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    this.#names.set(text, name);
    return name;
  }

  /** After a stale-plan error, the text gets a fresh name (the old one stays unused on the server). */
  #forgetIfStale(name: string, error: unknown): void {
    if (!(error instanceof Error && error.message.includes(RESULT_TYPE_CHANGED))) return;
    for (const [text, known] of this.#names) if (known === name) this.#names.delete(text);
    this.#generation += 1;
  }
}
