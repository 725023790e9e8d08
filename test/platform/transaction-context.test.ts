import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Trx } from '../../src/platform/db/database.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { afterCommit, existingMemo, memoKey, transactionMemo } from '../../src/platform/db/transaction-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT = '00000000-0000-4000-8000-0000000000c7';
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
  await sql`create table probe_context (id int primary key)`.execute(database.db);
  await sql`grant select, insert on probe_context to reservehub_app`.execute(database.db);
});

afterAll(async () => {
  await database?.close();
});

const insertProbe = (trx: Trx, id: number) => sql`insert into probe_context (id) values (${id})`.execute(trx);
/** Read in a transaction of its own: on PostgreSQL another connection, so it sees only committed rows. */
const committed = async (id: number): Promise<boolean> =>
  (await withPlatform(database.db, (trx) => sql<{ id: number }>`select id from probe_context where id = ${id}`.execute(trx))).rows.length === 1;

const units = [
  ['withTenant', <T>(work: (trx: Trx) => Promise<T>) => withTenant(database.db, TENANT, work)],
  ['withPlatform', <T>(work: (trx: Trx) => Promise<T>) => withPlatform(database.db, work)],
] as const;

describe.each(units)('the transaction context of %s', (_name, unit) => {
  const base = _name === 'withTenant' ? 100 : 200;

  it('runs after-commit hooks once the transaction committed, in order, before it returns', async () => {
    const seen: string[] = [];
    const result = await unit(async (trx) => {
      await insertProbe(trx, base + 1);
      await afterCommit(trx, async () => {
        seen.push(`first:${await committed(base + 1)}`);
      });
      await afterCommit(trx, () => {
        seen.push('second');
      });
      seen.push('work done');
      return 'result';
    });
    expect(result).toBe('result');
    expect(seen).toEqual(['work done', 'first:true', 'second']);
  });

  it('drops the hooks of a transaction that rolls back', async () => {
    let ran = false;
    await expect(
      unit(async (trx) => {
        await insertProbe(trx, base + 2);
        await afterCommit(trx, () => {
          ran = true;
        });
        throw new Error('declined');
      }),
    ).rejects.toThrow('declined');
    expect(ran).toBe(false);
    expect(await committed(base + 2)).toBe(false);
  });

  it('a failing hook does not undo the commit: the other hooks run, then the caller gets the error', async () => {
    let later = false;
    await expect(
      unit(async (trx) => {
        await insertProbe(trx, base + 3);
        await afterCommit(trx, () => {
          throw new Error('cache unreachable');
        });
        await afterCommit(trx, () => {
          later = true;
        });
      }),
    ).rejects.toThrow('cache unreachable');
    expect(later).toBe(true);
    expect(await committed(base + 3)).toBe(true);
  });

  it('keeps a memo for the transaction only', async () => {
    const key = memoKey<{ reads: number }>('probe.reads');
    const first = await unit(async (trx) => {
      expect(existingMemo(trx, key)).toBeUndefined();
      const memo = transactionMemo(trx, key, () => ({ reads: 0 }));
      if (memo) memo.reads += 1;
      expect(transactionMemo(trx, key, () => ({ reads: 100 }))).toBe(memo);
      expect(existingMemo(trx, key)).toBe(memo);
      return memo;
    });
    expect(first).toEqual({ reads: 1 });
    await unit(async (trx) => {
      expect(existingMemo(trx, key)).toBeUndefined();
    });
  });
});

describe('outside withTenant / withPlatform', () => {
  it('on the root handle (autocommit) a hook runs at once and there is no memo', async () => {
    let ran = false;
    await afterCommit(database.db, () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(transactionMemo(database.db, memoKey<number>('probe'), () => 1)).toBeUndefined();
  });

  it('in a transaction opened some other way afterCommit refuses: there is no commit to wait for', async () => {
    await expect(database.db.transaction().execute((trx) => afterCommit(trx, () => undefined))).rejects.toThrow(/withTenant or withPlatform/);
  });
});
