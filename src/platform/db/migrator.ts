import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseHandle } from './database.ts';

/** A forward-only migration: `migrations/0001_platform.sql` has version `0001`. */
export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url).pathname;

// An arbitrary constant shared by every process of the product: the key of the advisory lock that
// serialises schema changes, so several processes starting at once never race.
const MIGRATION_LOCK_KEY = 7_364_019_281;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

const CREATE_LEDGER = `
  create table if not exists schema_migrations (
    version text primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`;

/** Versions recorded as applied; an empty list when the ledger does not exist yet. */
export async function appliedVersions(handle: DatabaseHandle): Promise<Map<string, string>> {
  return handle.scriptTransaction(async (tx) => {
    const [exists] = await tx.query<{ present: boolean }>(
      `select to_regclass('public.schema_migrations') is not null as present`,
    );
    if (!exists?.present) return new Map();
    const rows = await tx.query<{ version: string; checksum: string }>(
      'select version, checksum from schema_migrations',
    );
    return new Map(rows.map((row) => [row.version, row.checksum]));
  });
}

export async function pendingMigrations(handle: DatabaseHandle, all = loadMigrations()): Promise<Migration[]> {
  const applied = await appliedVersions(handle);
  for (const migration of all) {
    const checksum = applied.get(migration.version);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new Error(`Migration ${migration.version}_${migration.name} was changed after it was applied`);
    }
  }
  return all.filter((migration) => !applied.has(migration.version));
}

/**
 * Applies every pending migration, each in its own transaction that first takes
 * a transaction-scoped advisory lock and re-reads the ledger: a process that
 * lost the race finds the migration already applied and skips it.
 */
export async function migrate(handle: DatabaseHandle, all = loadMigrations()): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of await pendingMigrations(handle, all)) {
    const ran = await handle.scriptTransaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(CREATE_LEDGER);
      const done = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (ran) applied.push(`${migration.version}_${migration.name}`);
  }
  return applied;
}

/** True when every migration shipped with this build is applied. */
export async function isSchemaCurrent(handle: DatabaseHandle): Promise<boolean> {
  return (await pendingMigrations(handle)).length === 0;
}
