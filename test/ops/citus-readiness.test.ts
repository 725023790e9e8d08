/**
 * Citus readiness, read from the live catalog of a migrated database: every tenant table (one with
 * a `tenant_id` column) can be distributed by `tenant_id` — its primary key, unique and exclusion
 * constraints include `tenant_id`, and its foreign keys to other tenant tables carry `tenant_id`
 * on both sides (so the referenced row lives on the same shard). Tables without `tenant_id` are
 * the platform's own (reference tables in Citus) and are listed here by name, so a new table has
 * to choose. The distribution plan is in docs/operations.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { ROOT } from '../support/product-process.ts';

/**
 * Platform tables: no tenant_id; replicated to every node as Citus reference tables, or kept on the
 * coordinator (the jobs queue and the schema's own bookkeeping).
 */
const PLATFORM_TABLES = [
  'billing_invoice_series', // the platform's invoice numbers, one counter per series and year across businesses
  'code_send_budgets', // per-address throttles of verification codes, across businesses
  'coupons', // the platform's coupons, redeemed by any business (coupon_redemptions are per tenant)
  'encryption_keys', // field-encryption master keys shared by every process (wrapped by the key-encryption key)
  'login_failures', // sign-in throttles per address and IP, across businesses
  'mfa_recovery_codes', // a person's second factor (people are global: one account, several businesses)
  'plan_versions', // every price a plan has had (subscriptions pay the version they signed up at)
  'plans', // the platform's price list
  'platform_settings',
  'schema_migrations', // the migrator's bookkeeping (coordinator only)
  'signing_keys', // JWT signing keys shared by every process
  'tenants', // the distribution key's own table
  'user_credentials', // a person's password hash
  'users', // people, who may work for several businesses (memberships are per tenant)
];

/**
 * Tables with tenant_id that stay on the coordinator (Citus local tables) rather than being
 * distributed, and why; their constraints are exempt. A constraint listed here must still exist.
 */
const COORDINATOR_TABLES: Record<string, string> = {
  jobs: 'the job queue is claimed across tenants with SKIP LOCKED; tenant_id only labels the work',
  idempotency_keys: 'keyed by caller scope (a tenant or the platform); tenant_id is generated from the scope and null for platform calls',
  one_time_tokens: 'tokens of people (invitations, password resets, e-mail checks), found by their hash alone; tenant_id is null for account-wide tokens',
};

/** Constraints of distributed tables that must change before distribution (docs/operations.md, step 1). */
const TO_CHANGE_BEFORE_DISTRIBUTION: Record<string, string> = {
  'calendar_feeds.calendar_feeds_token_hash_key': 'a feed URL names only its token: becomes unique (tenant_id, token_hash) plus an index on token_hash',
};

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

interface ConstraintRow {
  table_name: string;
  name: string;
  type: 'p' | 'u' | 'x' | 'f';
  columns: string[];
  foreign_table: string | null;
  foreign_columns: string[] | null;
}

async function tablesOf(): Promise<{ tenant: string[]; platform: string[] }> {
  const rows = await sql<{ table_name: string; has_tenant: boolean }>`
    select c.relname as table_name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db.db);
  return {
    tenant: rows.rows.filter((row) => row.has_tenant).map((row) => row.table_name),
    platform: rows.rows.filter((row) => !row.has_tenant).map((row) => row.table_name),
  };
}

async function constraintsOf(): Promise<ConstraintRow[]> {
  const rows = await sql<ConstraintRow>`
    select t.relname as table_name, con.conname as name, con.contype as type,
           array(select a.attname from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k)::text[] as columns,
           ft.relname as foreign_table,
           case when con.confrelid = 0 then null else
             array(select a.attname from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k)::text[] end as foreign_columns
    from pg_constraint con
    join pg_class t on t.oid = con.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    left join pg_class ft on ft.oid = con.confrelid
    where n.nspname = current_schema() and con.contype in ('p', 'u', 'x', 'f')
    order by t.relname, con.conname`.execute(db.db);
  return rows.rows;
}

describe('Citus readiness: every tenant table can be distributed by tenant_id', () => {
  it('lists the platform tables (no tenant_id) by name', async () => {
    const { platform, tenant } = await tablesOf();
    expect(tenant.length).toBeGreaterThan(20);
    expect(platform).toEqual(PLATFORM_TABLES);
  });

  it('includes tenant_id in every primary key, unique and exclusion constraint of a tenant table', async () => {
    const { tenant } = await tablesOf();
    const tenantTables = new Set(tenant);
    const lacking = (await constraintsOf()).filter((row) => row.type !== 'f' && tenantTables.has(row.table_name) && !row.columns.includes('tenant_id'));
    const unexplained = lacking
      .filter((row) => !(row.table_name in COORDINATOR_TABLES) && !(`${row.table_name}.${row.name}` in TO_CHANGE_BEFORE_DISTRIBUTION))
      .map((row) => `${row.table_name}.${row.name} (${row.type}: ${row.columns.join(', ')})`);
    expect(unexplained).toEqual([]);
    // The listed exceptions are real (a fixed one must leave the list).
    const names = new Set(lacking.map((row) => `${row.table_name}.${row.name}`));
    for (const name of Object.keys(TO_CHANGE_BEFORE_DISTRIBUTION)) expect(names.has(name), name).toBe(true);
    for (const table of Object.keys(COORDINATOR_TABLES)) expect(tenantTables.has(table), table).toBe(true);
  });

  it('joins tenant tables by foreign keys that carry tenant_id on both sides', async () => {
    const { tenant } = await tablesOf();
    const tenantTables = new Set(tenant);
    const missing = (await constraintsOf())
      .filter((row) => row.type === 'f' && tenantTables.has(row.table_name) && row.foreign_table !== null && tenantTables.has(row.foreign_table))
      .filter((row) => {
        const at = row.columns.indexOf('tenant_id');
        return at === -1 || row.foreign_columns?.[at] !== 'tenant_id';
      })
      .map((row) => `${row.table_name}.${row.name} (${row.columns.join(', ')}) → ${row.foreign_table ?? ''}(${(row.foreign_columns ?? []).join(', ')})`);
    expect(missing).toEqual([]);
  });
});

/** Every source file of the server (tests aside). */
function serverSources(directory = join(ROOT, 'src')): Array<{ path: string; text: string }> {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return serverSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [{ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** The text of a call from its opening parenthesis to the matching closing one. */
function callAt(text: string, open: number): string {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    if (text[index] === '(') depth += 1;
    else if (text[index] === ')' && --depth === 0) return text.slice(open, index + 1);
  }
  return text.slice(open);
}

describe('Citus readiness: queries join tenant tables on tenant_id', () => {
  it('every join to a tenant table, in the query builder or in SQL text, names tenant_id', async () => {
    const { tenant } = await tablesOf();
    const tenantTables = new Set(tenant);
    const offenders: string[] = [];
    let joins = 0;
    for (const { path, text } of serverSources()) {
      for (const match of text.matchAll(/\.(?:innerJoin|leftJoin|rightJoin|fullJoin)\(\s*'(\w+)/g)) {
        joins += 1;
        const call = callAt(text, (match.index ?? 0) + match[0].indexOf('('));
        if (tenantTables.has(match[1] ?? '') && !call.includes('tenant_id')) offenders.push(`${path}: ${call.replace(/\s+/g, ' ').slice(0, 120)}`);
      }
      // SQL text: `join <table> [alias] on <condition>` up to the next clause.
      for (const match of text.matchAll(/\bjoin\s+(\w+)(?:\s+(?:as\s+)?\w+)?\s+on\s+([\s\S]*?)(?=\bwhere\b|\bjoin\b|\bgroup\b|\border\b|\blimit\b|\bfor\b|`|\)\s*$)/gi)) {
        if (!tenantTables.has(match[1] ?? '')) continue;
        joins += 1;
        if (!/tenant_id/.test(match[2] ?? '')) offenders.push(`${path}: join ${match[1]} on ${(match[2] ?? '').replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    // The scan finds the joins there are (a pattern that matched nothing would pass vacuously).
    expect(joins).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
