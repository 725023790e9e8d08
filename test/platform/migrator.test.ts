import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPglite, openPostgres } from '../../src/platform/db/database.ts';
import { isSchemaCurrent, loadMigrations, migrate } from '../../src/platform/db/migrator.ts';
import { onPostgres } from '../support/database.ts';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rh-migrations-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('migrator', () => {
  it('applies pending migrations in order, once, and reports the schema current', async () => {
    const handle = await openPglite({});
    try {
      const all = loadMigrations();
      expect(await isSchemaCurrent(handle)).toBe(false);
      const applied = await migrate(handle, all);
      expect(applied).toEqual(all.map((migration) => `${migration.version}_${migration.name}`));
      expect(await migrate(handle, all)).toEqual([]);
      expect(await isSchemaCurrent(handle)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('rolls back a failing migration whole and refuses an edited one', async () => {
    const handle = await openPglite({});
    try {
      const good = migrationsDir({ '0001_a.sql': 'create table a (id int);' });
      await migrate(handle, loadMigrations(good));
      const broken = migrationsDir({
        '0001_a.sql': 'create table a (id int);',
        '0002_b.sql': 'create table b (id int); select * from missing_table;',
      });
      await expect(migrate(handle, loadMigrations(broken))).rejects.toThrow();
      const tables = await handle.scriptTransaction((tx) =>
        tx.query<{ name: string | null }>(`select to_regclass('public.b')::text as name`),
      );
      expect(tables[0]?.name).toBeNull();
      const edited = migrationsDir({ '0001_a.sql': 'create table a (id bigint);' });
      await expect(migrate(handle, loadMigrations(edited))).rejects.toThrow(/changed after it was applied/);
    } finally {
      await handle.close();
    }
  });

  it.runIf(onPostgres())('lets several processes migrate one database at once without racing', async () => {
    const base = process.env.DATABASE_URL ?? '';
    const name = `rh_migrate_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const handles = [0, 1, 2].map(() => openPostgres({ connectionString: url.toString(), poolSize: 2 }));
    try {
      const results = await Promise.all(handles.map((handle) => migrate(handle)));
      const total = loadMigrations().length;
      expect(results.flat()).toHaveLength(total);
      expect(new Set(results.flat()).size).toBe(total);
      for (const handle of handles) expect(await isSchemaCurrent(handle)).toBe(true);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
