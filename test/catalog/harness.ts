/**
 * Test harness for catalog and scheduling: tenants inserted directly (platform
 * work, as sign-up does) and an HTTP server with the real platform layer
 * (envelope, errors, access checks, OpenAPI) and these modules' routes, whose
 * credentials are `Bearer test:<tenant id>:<role>` so tests need not go
 * through the identity module.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig } from '../../src/platform/config.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import { KeyRing, generateMasterKey } from '../../src/platform/crypto/field-encryption.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createCatalogModule } from '../../src/modules/catalog/index.ts';
import { createSchedulingModule, type SchedulingModule } from '../../src/modules/scheduling/index.ts';

export interface TestTenant {
  tenantId: string;
  slug: string;
  businessId: string;
}

/** A tenant with one business in `timezone`/`currency`, inserted as sign-up would. */
export async function makeTenant(
  handle: DatabaseHandle,
  options: { timezone?: string; currency?: string } = {},
): Promise<TestTenant> {
  const tenantId = randomUUID();
  const businessId = randomUUID();
  const slug = `t-${tenantId.slice(0, 8)}`;
  await withPlatform(handle.db, async (trx) => {
    await sql`insert into tenants (id, name, slug, plan_id) values (${tenantId}, ${slug}, ${slug}, 'starter')`.execute(trx);
    await sql`
      insert into businesses (tenant_id, id, name, slug, timezone, currency)
      values (${tenantId}, ${businessId}, ${slug}, ${slug}, ${options.timezone ?? 'Europe/Madrid'}, ${options.currency ?? 'EUR'})`.execute(
      trx,
    );
  });
  return { tenantId, slug, businessId };
}

function testAuthenticator(handle: DatabaseHandle): Authenticator {
  return {
    async authenticate(authorization) {
      if (authorization === undefined) return null;
      const match = /^Bearer test:([0-9a-f-]{36}):([a-z_]+)$/.exec(authorization);
      if (!match) throw new AppError('UNAUTHENTICATED', 'bad test token');
      const [, tenantId = '', role = ''] = match;
      const context: AuthContext = {
        tenantId,
        actor: { type: 'user', id: tenantId },
        userId: null,
        role,
        sessionId: null,
        // Admins may do anything; `reader` only reads: enough to prove routes declare permissions.
        can: (action) => role === 'business_admin' || action === 'read',
        attributes: {},
      };
      return context;
    },
    async resolvePublicTenant(hint) {
      if (hint.slug === undefined) return null;
      const result = await sql<{ id: string; slug: string; status: string }>`
        select id, slug, status from tenants where slug = ${hint.slug}`.execute(handle.db);
      return result.rows[0] ?? null;
    },
  };
}

export interface TestServer {
  server: HttpServer;
  scheduling: SchedulingModule;
}

/** The platform HTTP server with the catalog and scheduling routes under /api/v1. */
export async function startTestServer(
  handle: DatabaseHandle,
  options: { cacheTtlSeconds?: number; redis?: Redis | undefined } = {},
): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' });
  const metrics = createMetrics({ poolStats: () => handle.poolStats(), jobCounts: async () => [] });
  const scheduling = createSchedulingModule({ db: handle.db, redis: options.redis, cacheTtlSeconds: options.cacheTtlSeconds });
  const catalog = createCatalogModule({ db: handle.db, onCatalogChanged: scheduling.onCatalogChanged });
  const server = await createHttpServer({
    config,
    db: handle.db,
    authenticator: testAuthenticator(handle),
    metrics,
    keyRing: new KeyRing({ keys: [generateMasterKey('test')] }),
    isReady: async () => true,
  });
  await server.register(
    async (plain) => {
      const api = plain.withTypeProvider<ZodTypeProvider>();
      catalog.registerRoutes(api);
      scheduling.registerRoutes(api);
    },
    { prefix: '/api/v1' },
  );
  return { server, scheduling };
}

export const adminToken = (tenant: TestTenant): string => `Bearer test:${tenant.tenantId}:business_admin`;
export const readerToken = (tenant: TestTenant): string => `Bearer test:${tenant.tenantId}:reader`;
