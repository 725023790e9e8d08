/**
 * What the module harnesses share (test-only): tenants inserted directly, as
 * sign-up does, and the real platform HTTP server (envelope, errors, access
 * checks, idempotency, OpenAPI) with the routes of the modules under test and
 * a stub authenticator, so tests need not go through the identity module.
 *
 * Stub credentials are `Bearer test:<tenant id>:<role>[:<id>]` (see `testToken`).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing, parseMasterKeys } from '../../src/platform/crypto/field-encryption.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { createHttpServer, type ApiRouter, type HttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { composeModules, type CompositionOverrides, type Modules } from '../../src/composition.ts';
import { resourceIdsForUser } from '../../src/modules/catalog/index.ts';
import { buildAbility, checkAbility, ROLE_RULES, SYSTEM_ROLES } from '../../src/modules/identity/permissions.ts';

export const silentLogger = pino({ level: 'silent' });

/**
 * Encrypts what the platform stores on the side (idempotent responses). One per
 * process, so servers started on the same database can read each other's.
 */
const platformKeyRing = new KeyRing({ keys: [generateMasterKey('platform-test')] });

export interface TestTenant {
  tenantId: string;
  slug: string;
  businessId: string;
}

export interface TenantOptions {
  /** Defaults to `starter`. */
  plan?: string;
  /** The business's zone; defaults to `Europe/Madrid`. */
  timezone?: string;
  /** The business's currency; defaults to `EUR`. */
  currency?: string;
  /** The business's settings (jsonb); defaults to `{}`. */
  settings?: Record<string, unknown>;
}

/** A tenant on `plan` with one business, inserted as sign-up would. */
export async function makeTenant(handle: DatabaseHandle, options: TenantOptions = {}): Promise<TestTenant> {
  const tenantId = randomUUID();
  const businessId = randomUUID();
  const slug = `t-${tenantId.slice(0, 8)}`;
  await withPlatform(handle.db, async (trx) => {
    await sql`insert into tenants (id, name, slug, plan_id) values (${tenantId}, ${slug}, ${slug}, ${options.plan ?? 'starter'})`.execute(trx);
    await sql`
      insert into businesses (tenant_id, id, name, slug, timezone, currency, settings)
      values (${tenantId}, ${businessId}, ${slug}, ${slug}, ${options.timezone ?? 'Europe/Madrid'}, ${options.currency ?? 'EUR'},
              ${JSON.stringify(options.settings ?? {})}::jsonb)`.execute(trx);
  });
  return { tenantId, slug, businessId };
}

/**
 * How the stub authenticator turns a token's role into permissions:
 * - `admin-or-read`: any role name; `business_admin` may do anything, every other
 *   role (tests use `reader`) only reads: enough to prove routes declare permissions.
 *   No user: the actor is the tenant, or `<id>` for `customer:<id>` (a signed-in customer).
 * - `role-table`: identity's real role table; the role must be a system role, `<id>`
 *   is the user (a fresh one when absent) and staff see the resources linked to it.
 */
export type StubPermissions = 'admin-or-read' | 'role-table';

const TEST_TOKEN = /^Bearer test:([0-9a-f-]{36}):([a-z_]+)(?::([0-9a-f-]{36}))?$/;

/** Test-only: accepts `testToken` credentials without any signature. Never wire it outside tests. */
export function stubAuthenticator(handle: DatabaseHandle, permissions: StubPermissions = 'admin-or-read'): Authenticator {
  return {
    async authenticate(authorization) {
      if (authorization === undefined) return null;
      const match = TEST_TOKEN.exec(authorization);
      if (!match) throw new AppError('UNAUTHENTICATED', 'bad test token');
      const [, tenantId = '', role = '', id] = match;
      if (permissions === 'admin-or-read') return adminOrReadContext(tenantId, role, id);
      const systemRole = SYSTEM_ROLES.find((known) => known === role);
      if (!systemRole) throw new AppError('UNAUTHENTICATED', 'bad test token');
      const userId = id ?? randomUUID();
      const resourceIds = systemRole === 'staff' ? await withTenant(handle.db, tenantId, (trx) => resourceIdsForUser(trx, tenantId, userId)) : [];
      const ability = buildAbility(ROLE_RULES[systemRole]({ userId, resourceIds }));
      return {
        tenantId,
        actor: { type: systemRole === 'customer' ? 'customer' : 'user', id: userId },
        userId,
        role,
        sessionId: null,
        can: (action, subject, object) => checkAbility(ability, action, subject, object),
        attributes: { resourceIds },
      };
    },
    async resolvePublicTenant(hint) {
      if (hint.slug === undefined) return null;
      const result = await sql<{ id: string; slug: string; status: string }>`
        select id, slug, status from tenants where slug = ${hint.slug}`.execute(handle.db);
      return result.rows[0] ?? null;
    },
  };
}

function adminOrReadContext(tenantId: string, role: string, id: string | undefined): AuthContext {
  return {
    tenantId,
    actor: role === 'customer' && id !== undefined ? { type: 'customer', id } : { type: 'user', id: tenantId },
    userId: null,
    role,
    sessionId: null,
    can: (action) => role === 'business_admin' || action === 'read',
    attributes: {},
  };
}

type TenantRef = string | { tenantId: string };
const tenantIdOf = (tenant: TenantRef): string => (typeof tenant === 'string' ? tenant : tenant.tenantId);

/** A stub credential: `role` in `tenant`, with `id` as the user (role table) or the signed-in customer. */
export const testToken = (tenant: TenantRef, role: string, id?: string): string =>
  `Bearer test:${tenantIdOf(tenant)}:${role}${id ? `:${id}` : ''}`;
export const adminToken = (tenant: TenantRef): string => testToken(tenant, 'business_admin');
/** Reads only (`admin-or-read` permissions). */
export const readerToken = (tenant: TenantRef): string => testToken(tenant, 'reader');
export const customerToken = (tenant: TenantRef, customerId: string): string => testToken(tenant, 'customer', customerId);

/** What the modules under test are built from. */
export interface ModuleServerContext {
  handle: DatabaseHandle;
  config: Config;
  /** The modules' key ring (field encryption), from `keyRingSpec`. */
  keyRing: KeyRing;
  /** ENCRYPTION_KEYS-style spec of `keyRing`, to share it with another server or a child process. */
  keyRingSpec: string;
}

export interface ModuleServerOptions<Modules> {
  /** Configuration variables on top of the test defaults (silent logs, rate limits no test reaches). */
  env?: Record<string, string>;
  /** ENCRYPTION_KEYS-style spec of the modules' key ring; a fresh key when absent. */
  keySpec?: string;
  permissions?: StubPermissions;
  /** Builds the modules under test and adds their routes to `api` (mounted at /api/v1); returns them. */
  register(api: ApiRouter, context: ModuleServerContext): Modules;
  /** Adds routes outside /api/v1 (server-rendered pages). */
  registerPages?(server: HttpServer, modules: Modules): void;
}

export interface ModuleServer<Modules> extends ModuleServerContext {
  server: HttpServer;
  modules: Modules;
}

/**
 * Every module, wired as the product wires them (`composeModules`) on the server's database, configuration
 * and key ring, with what the test replaces in `overrides`. Harnesses register the routes they test.
 */
export function composeTestModules(context: ModuleServerContext, overrides: CompositionOverrides = {}, redis?: Redis): Modules {
  return composeModules({ config: context.config, db: context.handle.db, keyRing: context.keyRing, redis }, overrides);
}

/** The platform HTTP server, ready, with the routes `options.register` adds. */
export async function startModuleServer<Modules>(handle: DatabaseHandle, options: ModuleServerOptions<Modules>): Promise<ModuleServer<Modules>> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    ...options.env,
  });
  const keyRingSpec = options.keySpec ?? `test:${generateMasterKey('test').key.toString('base64')}`;
  const context: ModuleServerContext = { handle, config, keyRing: new KeyRing({ keys: parseMasterKeys(keyRingSpec) }), keyRingSpec };
  const server = await createHttpServer({
    config,
    db: handle.db,
    authenticator: stubAuthenticator(handle, options.permissions),
    metrics: createMetrics({ poolStats: () => handle.poolStats(), jobCounts: async () => [] }),
    keyRing: platformKeyRing,
    isReady: async () => true,
  });
  let registered: { modules: Modules } | undefined;
  await server.register(
    async (plain) => {
      registered = { modules: options.register(plain.withTypeProvider<ZodTypeProvider>(), context) };
    },
    { prefix: '/api/v1' },
  );
  if (!registered) throw new Error('the /api/v1 plugin did not run');
  options.registerPages?.(server, registered.modules);
  await server.ready();
  return { ...context, server, modules: registered.modules };
}
