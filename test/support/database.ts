import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type DatabaseHandle } from '../../src/platform/db/database.ts';

export interface TestDatabase extends DatabaseHandle {
  /** Connection string of this file's own database (PostgreSQL only). */
  url: string | null;
}

/** True when the suite runs against PostgreSQL (DATABASE_URL set). */
export const onPostgres = (): boolean => Boolean(process.env.DATABASE_URL);

/**
 * A fresh, migrated database for one test file: a copy of the run's template
 * (PGlite: loaded from its dump; PostgreSQL: CREATE DATABASE ... TEMPLATE).
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const template = inject('postgresTemplate');
    const name = `rh_t_${process.ppid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // The template is briefly "in use" while another file copies it or a closed connection's
      // backend is still exiting: retry instead of failing.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await admin.query(`create database ${name} template ${template}`);
          break;
        } catch (error) {
          const inUse = typeof error === 'object' && error !== null && 'code' in error && error.code === '55006';
          if (!inUse || attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        }
      }
    } finally {
      await admin.end();
    }
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const handle = openPostgres({ connectionString: url.toString(), poolSize: 20 });
    return {
      ...handle,
      url: url.toString(),
      async close() {
        await handle.close();
        const cleanup = new pg.Client({ connectionString: databaseUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
        await cleanup.end();
      },
    };
  }
  const dump = readFileSync(inject('pgliteTemplate'));
  const handle = await openPglite({ loadDataDir: new Blob([dump]) });
  return { ...handle, url: null };
}
