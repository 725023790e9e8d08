import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/platform/config.ts';
import { KeyRing, generateMasterKey } from '../../src/platform/crypto/field-encryption.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import type { Authenticator } from '../../src/platform/http/access.ts';
import { ok } from '../../src/platform/http/envelope.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const redisUrl = process.env.REDIS_URL;
const authenticator: Authenticator = {
  authenticate: async () => null,
  resolvePublicTenant: async ({ slug }) => (slug ? { id: randomUUID(), slug, status: 'active' } : null),
};

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function serverSharing(redis: Redis, database: TestDatabase): Promise<HttpServer> {
  const server = await createHttpServer({
    config: loadConfig({ LOG_LEVEL: 'silent', PUBLIC_RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: redisUrl }),
    db: database.db,
    authenticator,
    metrics: createMetrics({ poolStats: () => database.poolStats(), jobCounts: async () => [] }),
    redis,
    keyRing: new KeyRing({ keys: [generateMasterKey('test')] }),
    isReady: async () => true,
  });
  server.get('/api/v1/ping', { config: { access: { public: true } } }, async () => ok('pong'));
  await server.ready();
  cleanup.push(() => server.close());
  return server;
}

describe('rate limits with Redis', () => {
  it.runIf(redisUrl)('are shared by every server process', async () => {
    const database = await openTestDatabase();
    cleanup.push(() => database.close());
    const redisA = new Redis(redisUrl ?? '');
    const redisB = new Redis(redisUrl ?? '');
    cleanup.push(async () => redisA.disconnect(), async () => redisB.disconnect());
    const [a, b] = [await serverSharing(redisA, database), await serverSharing(redisB, database)];
    const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;
    const call = (server: HttpServer) => server.inject({ method: 'GET', url: '/api/v1/ping', remoteAddress: ip });
    const statuses = [await call(a), await call(b), await call(a), await call(b)].map((response) => response.statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
