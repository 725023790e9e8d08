import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig } from '../../../src/platform/config.ts';
import { generateMasterKey, KeyRing } from '../../../src/platform/crypto/field-encryption.ts';
import { withPlatform } from '../../../src/platform/db/tenant-context.ts';
import type { AuthContext, Authenticator } from '../../../src/platform/http/access.ts';
import { AppError } from '../../../src/platform/http/errors.ts';
import { createHttpServer, type HttpServer } from '../../../src/platform/http/server.ts';
import { createMetrics } from '../../../src/platform/observability/metrics.ts';
import { composeModules, type Modules } from '../../../src/composition.ts';
import type { CustomerDataHolder, CustomersModule } from '../../../src/modules/customers/index.ts';
import { buildAbility, checkAbility, ROLE_RULES, type SystemRole } from '../../../src/modules/identity/permissions.ts';
import { openTestDatabase, type TestDatabase } from '../../support/database.ts';

/**
 * A server with the customers module and the audit hook (the modules from
 * `composeModules`), for HTTP tests of this module without the identity
 * module's real credentials:
 * `Bearer test.<tenant id>.<role>` becomes a credential of that tenant whose
 * permissions come from identity's real role table.
 */
const testAuthenticator: Authenticator = {
  async authenticate(header) {
    if (header === undefined) return null;
    const match = /^Bearer test\.([0-9a-f-]{36})\.(\w+)$/.exec(header);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Invalid credential');
    const tenantId = match[1] ?? '';
    const role = (match[2] ?? 'staff') as SystemRole;
    const rules = ROLE_RULES[role];
    if (!rules) throw new AppError('UNAUTHENTICATED', 'Unknown role');
    const userId = `00000000-0000-4000-8000-${Buffer.from(role).toString('hex').padEnd(12, '0').slice(0, 12)}`;
    const ability = buildAbility(rules({ userId, resourceIds: [] }));
    const context: AuthContext = {
      tenantId,
      actor: { type: role === 'customer' ? 'customer' : 'user', id: userId },
      userId,
      role,
      sessionId: null,
      can: (action, subject, object) => checkAbility(ability, action, subject, object),
      attributes: {},
    };
    return context;
  },
  async resolvePublicTenant() {
    return null;
  },
};

export function bearer(tenantId: string, role: SystemRole = 'business_admin'): { authorization: string } {
  return { authorization: `Bearer test.${tenantId}.${role}` };
}

export interface CustomersTestApp {
  database: TestDatabase;
  server: HttpServer;
  keyRing: KeyRing;
  customers: CustomersModule;
  /** Every module as composed for this app (the customers module among them). */
  modules: Modules;
  close(): Promise<void>;
}

export async function createTenant(database: TestDatabase, name = 'Salon'): Promise<string> {
  const slug = `t-${randomBytes(5).toString('hex')}`;
  return withPlatform(database.db, async (trx) => {
    const result = await sql<{ id: string }>`
      insert into tenants (name, slug, plan_id) values (${name}, ${slug}, 'starter') returning id`.execute(trx);
    const id = result.rows[0]?.id;
    if (!id) throw new Error('tenant insert returned nothing');
    return id;
  });
}

export interface CustomersTestAppOptions {
  keyRing?: KeyRing;
  logLevel?: string;
  /** Configuration on top of the test defaults (the composed modules read it: SMTP_URL, TWILIO_*, ...). */
  env?: Record<string, string>;
  /**
   * Other modules' parts in export, erasure and merges (the customers module's `dataHolders`): fakes given
   * here, or `'wired'` for the product's own (notifications, booking, payments, calendar). Default: none, so
   * the customers module's own parts run alone. Customer accounts stay off: only the staff endpoints exist.
   */
  dataHolders?: CustomerDataHolder[] | 'wired';
}

export async function createCustomersTestApp(options: CustomersTestAppOptions = {}): Promise<CustomersTestApp> {
  const database = await openTestDatabase();
  const keyRing = options.keyRing ?? new KeyRing({ keys: [generateMasterKey('test1')] });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: options.logLevel ?? 'silent', RATE_LIMIT_PER_MINUTE: '100000', ...options.env });
  const server = await createHttpServer({
    config,
    db: database.db,
    authenticator: testAuthenticator,
    metrics: createMetrics({ poolStats: () => database.poolStats(), jobCounts: async () => [] }),
    keyRing,
    isReady: async () => true,
  });
  const modules = composeModules(
    { config, db: database.db, keyRing },
    { customers: { accounts: undefined, ...(options.dataHolders === 'wired' ? {} : { dataHolders: options.dataHolders ?? [] }) } },
  );
  const { audit, customers } = modules;
  audit.registerHooks(server);
  await server.register(
    async (plain) => {
      customers.registerRoutes(plain.withTypeProvider<ZodTypeProvider>());
    },
    { prefix: '/api/v1' },
  );
  await server.ready();
  return {
    database,
    server,
    keyRing,
    customers,
    modules,
    async close() {
      await server.close();
      await database.close();
    },
  };
}

/** Every text, varchar, jsonb, json and text[] column of every table in the public schema. */
export async function textColumns(database: TestDatabase): Promise<Array<{ table: string; column: string; type: string }>> {
  const result = await sql<{ table_name: string; column_name: string; data_type: string; udt_name: string }>`
    select c.table_name, c.column_name, c.data_type, c.udt_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json')
           or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar')))
    order by c.table_name, c.column_name`.execute(database.db);
  return result.rows.map((row) => ({ table: row.table_name, column: row.column_name, type: row.data_type }));
}

/**
 * Where any of `needles` occurs (case-insensitive) in any text-like column of
 * any table, read as the database owner (no RLS), as "table.column".
 */
export async function findPlaintext(database: TestDatabase, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  const patterns = needles.map((needle) => `%${needle}%`);
  for (const { table, column } of await textColumns(database)) {
    const result = await sql<{ pattern: string }>`
      select p.pattern from unnest(${patterns}::text[]) as p(pattern)
      where exists (select 1 from ${sql.table(table)} where ${sql.ref(column)}::text ilike p.pattern)`.execute(database.db);
    for (const row of result.rows) hits.push(`${table}.${column} contains "${row.pattern.slice(1, -1)}"`);
  }
  return hits;
}

/**
 * Captures what pino writes to stdout (sonic-boom writes to fd 1 through
 * `fs.write`/`fs.writeSync`), so a test can search the log for personal data.
 */
export function captureLogs(): { lines: () => string; restore: () => void } {
  const captured: string[] = [];
  const originalWrite = fs.write;
  const originalWriteSync = fs.writeSync;
  const record = (fd: number, data: unknown): boolean => {
    if (fd !== 1 && fd !== 2) return false;
    captured.push(typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    return true;
  };
  const patchedWriteSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (record(fd, data)) return Buffer.byteLength(captured.at(-1) ?? '');
    return Reflect.apply(originalWriteSync, fs, [fd, data, ...rest]);
  }) as typeof fs.writeSync;
  const patchedWrite = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (record(fd, data)) {
      const callback = rest.at(-1);
      const written = Buffer.byteLength(captured.at(-1) ?? '');
      if (typeof callback === 'function') process.nextTick(() => callback(null, written, data));
      return;
    }
    return Reflect.apply(originalWrite, fs, [fd, data, ...rest]);
  }) as typeof fs.write;
  fs.write = patchedWrite;
  fs.writeSync = patchedWriteSync;
  return {
    lines: () => captured.join(''),
    restore: () => {
      fs.write = originalWrite;
      fs.writeSync = originalWriteSync;
    },
  };
}

export const uniqueSuffix = (): string => randomUUID().slice(0, 8);
