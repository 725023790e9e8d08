import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openPostgres, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { PREPARED_STATEMENTS_PER_CONNECTION } from '../../src/platform/db/prepared-statements.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT_A = '00000000-0000-4000-8000-0000000000aa';
const TENANT_B = '00000000-0000-4000-8000-0000000000bb';

// Prepared statements are node-postgres' business; PGlite runs queries in-process.
describe.skipIf(!onPostgres())('prepared statements on PostgreSQL (one connection)', () => {
  let database: TestDatabase;
  let single: DatabaseHandle;

  beforeAll(async () => {
    database = await openTestDatabase();
    await sql`
      create table probe_prepared (tenant_id uuid not null, id serial, body text not null, primary key (tenant_id, id));
      alter table probe_prepared enable row level security;
      alter table probe_prepared force row level security;
      create policy probe_prepared_isolation on probe_prepared
        using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id());
      grant select, insert, update, delete on probe_prepared to reservehub_app;
    `.execute(database.db);
    await withPlatform(database.db, (trx) =>
      sql`insert into probe_prepared (tenant_id, body) values (${TENANT_A}, 'a1'), (${TENANT_A}, 'a2'), (${TENANT_B}, 'b1')`.execute(trx),
    );
    // One connection, so every query below reuses the same prepared statements.
    single = openPostgres({ connectionString: database.url ?? '', poolSize: 1 });
  });

  afterAll(async () => {
    await single?.close();
    await database?.close();
  });

  const preparedOnConnection = async (): Promise<string[]> =>
    (await sql<{ name: string }>`select name from pg_prepared_statements where name like ${'rh%'}`.execute(single.db)).rows.map((row) => row.name);

  it('prepares a parameterized statement once and reuses it', async () => {
    const runLoop = async () => {
      for (let run = 0; run < 3; run += 1) {
        const { rows } = await sql<{ next: number }>`select ${run}::int + 1 as next`.execute(single.db);
        expect(rows[0]?.next).toBe(run + 1);
      }
    };
    const before = await preparedOnConnection();
    await runLoop();
    const afterFirst = await preparedOnConnection();
    await runLoop();
    const afterSecond = await preparedOnConnection();
    expect(afterFirst.filter((name) => !before.includes(name))).toHaveLength(1);
    expect(afterSecond.sort()).toEqual(afterFirst.sort());
  });

  it('a reused statement keeps Row-Level Security per transaction: each tenant sees its own rows, the platform all', async () => {
    const bodiesOf = (executor: Parameters<typeof withTenant>[0], tenantId: string | null) => {
      const query = (trx: Parameters<Parameters<typeof withPlatform>[1]>[0]) =>
        sql<{ body: string }>`select body from probe_prepared where body like ${'%'} order by body`.execute(trx);
      return tenantId === null ? withPlatform(executor, query) : withTenant(executor, tenantId, query);
    };
    // Enough executions under tenant A for PostgreSQL to consider a generic plan.
    for (let run = 0; run < 8; run += 1) {
      expect((await bodiesOf(single.db, TENANT_A)).rows.map((row) => row.body)).toEqual(['a1', 'a2']);
    }
    expect((await bodiesOf(single.db, TENANT_B)).rows.map((row) => row.body)).toEqual(['b1']);
    expect((await bodiesOf(single.db, null)).rows.map((row) => row.body)).toEqual(['a1', 'a2', 'b1']);
    expect((await bodiesOf(single.db, TENANT_A)).rows.map((row) => row.body)).toEqual(['a1', 'a2']);
  });

  it('after a column is added under a prepared select *, the next use fails once and the one after succeeds', async () => {
    const selectAll = () => withPlatform(single.db, (trx) => sql<Record<string, unknown>>`select * from probe_prepared where tenant_id = ${TENANT_B}`.execute(trx));
    expect(Object.keys((await selectAll()).rows[0] ?? {})).not.toContain('extra');
    await sql`alter table probe_prepared add column extra text`.execute(database.db);
    const stale = await selectAll().catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(Error);
    expect((stale as Error).message).toContain('cached plan must not change result type');
    expect(Object.keys((await selectAll()).rows[0] ?? {})).toContain('extra');
  });

  it('DATABASE_PREPARED_STATEMENTS=false (preparedStatements: false) sends every statement unnamed', async () => {
    const unprepared = openPostgres({ connectionString: database.url ?? '', poolSize: 1, preparedStatements: false });
    try {
      for (let run = 0; run < 3; run += 1) await sql`select ${run}::int as value`.execute(unprepared.db);
      const { rows } = await sql<{ count: number }>`select count(*)::int as count from pg_prepared_statements`.execute(unprepared.db);
      expect(rows[0]?.count).toBe(0);
    } finally {
      await unprepared.close();
    }
  });

  it(`names at most ${PREPARED_STATEMENTS_PER_CONNECTION} statements per connection; later texts still run, unnamed`, async () => {
    for (let index = 0; index < PREPARED_STATEMENTS_PER_CONNECTION + 20; index += 1) {
      const { rows } = await sql<{ value: number }>`select ${index}::int as value, ${sql.lit(index)} as distinct_text`.execute(single.db);
      expect(rows[0]?.value).toBe(index);
    }
    const names = await preparedOnConnection();
    // + 1: the statement renamed after the column change above stays on the server, unused.
    expect(names.length).toBeLessThanOrEqual(PREPARED_STATEMENTS_PER_CONNECTION + 1);
    expect(names.length).toBeGreaterThan(PREPARED_STATEMENTS_PER_CONNECTION - 10);
  });
});
