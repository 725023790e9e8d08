import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { mkdirSync } from 'node:fs';
import { PreparingClient } from './prepared-statements.ts';
import { tracedDialect } from './query-tracing.ts';

/**
 * The database schema as Kysely sees it. Platform tables are declared here;
 * each module adds its own tables by augmenting this interface from its
 * `*.tables.ts` file, so no central file has to know every module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Either the root handle or an open transaction: repositories accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** A script runner used by migrations: several statements, no parameters. */
export interface ScriptTransaction {
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

/** Every unit of work that touches tenant data runs as this role, which cannot bypass Row-Level Security. */
export const APP_ROLE = 'reservehub_app';

export interface DatabaseHandle {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a migration script in its own transaction on a dedicated connection. */
  scriptTransaction<T>(work: (tx: ScriptTransaction) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns the unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Connection pool figures for metrics. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

// DATE columns stay strings ('2026-03-29'): they are local dates of a location, and turning
// them into a JS Date would shift them by the server's offset.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// int8 (count(*), sums) as number: our counts and minor-unit sums are far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

const DATE_OID = 1082;
const INT8_OID = 20;
const pgliteParsers = {
  [DATE_OID]: (value: string) => value,
  [INT8_OID]: (value: string) => Number.parseInt(value, 10),
};

export interface PostgresOptions {
  connectionString: string;
  poolSize: number;
  applicationName?: string;
  /** Prepare parameterized statements once per connection (default true; see prepared-statements.ts). */
  preparedStatements?: boolean;
}

const batchingHandles = new WeakSet<Db>();

/**
 * Whether this handle's driver sends a parameterless query through the simple protocol,
 * where one round trip may carry several statements (node-postgres does; PGlite's
 * `query` does not, and has no network round trip to save anyway).
 */
export function sendsStatementBatches(db: Db): boolean {
  return batchingHandles.has(db);
}

export function openPostgres(options: PostgresOptions): DatabaseHandle {
  const pool = new pg.Pool({
    // Parameterized statements are prepared once per connection (see prepared-statements.ts).
    Client: options.preparedStatements === false ? pg.Client : PreparingClient,
    connectionString: options.connectionString,
    max: options.poolSize,
    application_name: options.applicationName ?? 'reservehub',
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: tracedDialect(new PostgresDialect({ pool })) });
  batchingHandles.add(db);
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  return {
    kind: 'postgres',
    db,
    async scriptTransaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          exec: async (script) => {
            await client.query(script);
          },
          query: async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotify) {
      if (!listener) {
        listener = new pg.Client({ connectionString: options.connectionString });
        listener.on('error', () => undefined);
        listener.on('notification', (message) => {
          for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
        });
        await listener.connect();
      }
      const set = handlers.get(channel) ?? new Set();
      if (set.size === 0) await listener.query(`LISTEN ${quoteIdentifier(channel)}`);
      set.add(onNotify);
      handlers.set(channel, set);
      return async () => {
        set.delete(onNotify);
      };
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener?.end().catch(() => undefined);
      await db.destroy();
    },
  };
}

export interface PgliteOptions {
  /** Directory for the database files; undefined keeps everything in memory. */
  dataDir?: string;
  /** A data directory dump to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob;
}

export async function openPglite(options: PgliteOptions): Promise<DatabaseHandle & { pglite: PGlite }> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { btree_gist },
    parsers: pgliteParsers,
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: tracedDialect(new PGliteDialect({ pglite })) });
  return {
    kind: 'pglite',
    db,
    pglite,
    scriptTransaction: (work) =>
      pglite.transaction(async (tx) =>
        work({
          exec: async (script) => {
            await tx.exec(script);
          },
          query: async <Row>(text: string, params: unknown[] = []) => (await tx.query<Row>(text, params)).rows,
        }),
      ),
    async listen(channel, onNotify) {
      const unlisten = await pglite.listen(channel, onNotify);
      return async () => unlisten();
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      await db.destroy();
    },
  };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Sends a NOTIFY that is delivered when the surrounding transaction commits. */
export async function notify(executor: Executor, channel: string, payload = ''): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(executor);
}
