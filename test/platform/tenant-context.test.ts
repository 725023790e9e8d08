import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT_A = '00000000-0000-4000-8000-00000000000a';
const TENANT_B = '00000000-0000-4000-8000-00000000000b';
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
  // A tenant table built the way every module builds one.
  await sql`
    create table probe_notes (
      tenant_id uuid not null,
      id serial,
      body text not null,
      primary key (tenant_id, id)
    );
    alter table probe_notes enable row level security;
    alter table probe_notes force row level security;
    create policy probe_notes_isolation on probe_notes
      using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id());
    grant select, insert, update, delete on probe_notes to reservehub_app;
    grant usage on sequence probe_notes_id_seq to reservehub_app;
  `.execute(database.db).catch(async () => {
    // Simple-protocol drivers take one statement at a time.
    for (const statement of [
      sql`create table probe_notes (tenant_id uuid not null, id serial, body text not null, primary key (tenant_id, id))`,
      sql`alter table probe_notes enable row level security`,
      sql`alter table probe_notes force row level security`,
      sql`create policy probe_notes_isolation on probe_notes using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())`,
      sql`grant select, insert, update, delete on probe_notes to reservehub_app`,
      sql`grant usage on sequence probe_notes_id_seq to reservehub_app`,
    ]) {
      await statement.execute(database.db);
    }
  });
  await withPlatform(database.db, async (trx) => {
    await sql`insert into probe_notes (tenant_id, body) values (${TENANT_A}, 'a1'), (${TENANT_A}, 'a2'), (${TENANT_B}, 'b1')`.execute(trx);
  });
});

afterAll(async () => {
  await database.close();
});

describe('tenant context', () => {
  it('runs as the application role with the tenant set, and clears both at commit', async () => {
    const inside = await withTenant(database.db, TENANT_A, async (trx) =>
      (await sql<{ role: string; tenant: string }>`select current_user as role, current_tenant_id()::text as tenant`.execute(trx)).rows[0],
    );
    expect(inside).toEqual({ role: 'reservehub_app', tenant: TENANT_A });
    const after = (await sql<{ role: string; tenant: string | null }>`select current_user as role, current_tenant_id()::text as tenant`.execute(database.db)).rows[0];
    expect(after?.role).not.toBe('reservehub_app');
    expect(after?.tenant).toBeNull();
  });

  it('returns only the current tenant rows from an unscoped SELECT', async () => {
    const bodies = await withTenant(database.db, TENANT_A, async (trx) =>
      (await sql<{ body: string }>`select body from probe_notes order by body`.execute(trx)).rows.map((row) => row.body),
    );
    expect(bodies).toEqual(['a1', 'a2']);
  });

  it('refuses to write a row for another tenant', async () => {
    await expect(
      withTenant(database.db, TENANT_A, async (trx) => {
        await sql`insert into probe_notes (tenant_id, body) values (${TENANT_B}, 'smuggled')`.execute(trx);
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it('cannot update or delete another tenant rows (they are invisible)', async () => {
    const changed = await withTenant(database.db, TENANT_A, async (trx) => {
      const updated = await sql`update probe_notes set body = 'x' where tenant_id = ${TENANT_B}`.execute(trx);
      const deleted = await sql`delete from probe_notes where tenant_id = ${TENANT_B}`.execute(trx);
      return Number(updated.numAffectedRows ?? 0) + Number(deleted.numAffectedRows ?? 0);
    });
    expect(changed).toBe(0);
  });

  it('uses an application role that is neither superuser nor able to bypass RLS', async () => {
    const role = (
      await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
        select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'reservehub_app'`.execute(database.db)
    ).rows[0];
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
  });

  it('sees nothing without a tenant set', async () => {
    const count = await database.db.transaction().execute(async (trx) => {
      await sql`set local role reservehub_app`.execute(trx);
      return (await sql<{ n: number }>`select count(*)::int as n from probe_notes`.execute(trx)).rows[0]?.n;
    });
    expect(count).toBe(0);
  });

  it('keeps concurrent transactions isolated: one rolling back does not undo another', async () => {
    // The pauses let the three transactions overlap on PostgreSQL (its pool runs them at once). They stay fixed
    // rather than latches: PGlite's one connection runs the transactions in turn, where a latch would deadlock.
    const results = await Promise.allSettled([
      withTenant(database.db, TENANT_A, async (trx) => {
        await sql`insert into probe_notes (tenant_id, body) values (${TENANT_A}, 'kept')`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }),
      withTenant(database.db, TENANT_B, async (trx) => {
        await sql`insert into probe_notes (tenant_id, body) values (${TENANT_B}, 'discarded')`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('roll back');
      }),
      withTenant(database.db, TENANT_B, async (trx) => {
        await sql`insert into probe_notes (tenant_id, body) values (${TENANT_B}, 'kept-b')`.execute(trx);
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const bodies = await withPlatform(database.db, async (trx) =>
      (await sql<{ body: string }>`select body from probe_notes where body in ('kept', 'discarded', 'kept-b') order by body`.execute(trx)).rows.map((row) => row.body),
    );
    expect(bodies).toEqual(['kept', 'kept-b']);
  });

  it('rolls back a unit whose statement failed and hands back a clean connection', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const failed = await withTenant(database.db, TENANT_A, async (trx) => {
        await sql`insert into probe_notes (tenant_id, body) values (${TENANT_A}, 'half-written')`.execute(trx);
        await sql`select 1 / 0`.execute(trx);
      }).catch((error: unknown) => error);
      expect(String(failed)).toMatch(/division by zero/);
    }
    const after = await withPlatform(database.db, async (trx) => ({
      session: (await sql<{ role: string; tenant: string | null }>`select current_user as role, current_tenant_id()::text as tenant`.execute(trx)).rows[0],
      halfWritten: (await sql<{ count: number }>`select count(*)::int as count from probe_notes where body = 'half-written'`.execute(trx)).rows[0]?.count,
    }));
    expect(after.session?.role).not.toBe('reservehub_app');
    expect(after.session?.tenant).toBeNull();
    expect(after.halfWritten).toBe(0);
  });

  it('refuses a tenant id that is not a UUID without running the work', async () => {
    let ran = false;
    const refused = await withTenant(database.db, "x'; drop table probe_notes; --", async () => {
      ran = true;
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(ran).toBe(false);
    const count = await withPlatform(database.db, async (trx) => (await sql<{ count: number }>`select count(*)::int as count from probe_notes`.execute(trx)).rows[0]?.count);
    expect(count).toBeGreaterThan(0);
  });
});
