import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig } from '../../src/platform/config.ts';
import { KeyRing, generateMasterKey } from '../../src/platform/crypto/field-encryption.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { ok } from '../../src/platform/http/envelope.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';

/** Accepts "Bearer good-<role>" and nothing else: enough to drive the platform's hooks. */
const authenticator: Authenticator = {
  async authenticate(header) {
    if (header === undefined) return null;
    const match = /^Bearer good-(\w+)$/.exec(header);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Invalid credential');
    const role = match[1] ?? 'none';
    const context: AuthContext = {
      tenantId: TENANT,
      actor: { type: 'user', id: `user-${role}` },
      userId: `user-${role}`,
      role,
      sessionId: null,
      can: (action) => role === 'admin' || action === 'read',
      attributes: {},
    };
    return context;
  },
  async resolvePublicTenant({ slug }) {
    return slug === 'acme' ? { id: TENANT, slug: 'acme', status: 'active' } : null;
  },
};

let database: TestDatabase;
let server: HttpServer;
let sideEffects = 0;
/** A request named 'slow' signals it is in its handler, then holds there until the test releases it. */
let slowEntered: () => void = () => undefined;
let slowReleased: Promise<void> = Promise.resolve();

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '5',
    BODY_LIMIT_BYTES: '2048',
  });
  server = await createHttpServer({
    config,
    db: database.db,
    authenticator,
    metrics: createMetrics({ poolStats: () => database.poolStats(), jobCounts: async () => [] }),
    keyRing: new KeyRing({ keys: [generateMasterKey('test')] }),
    isReady: async () => true,
  });
  await server.register(
    async (plain) => {
      const api = plain.withTypeProvider<ZodTypeProvider>();
      api.post(
        '/things',
        {
          config: { access: { permission: ['create', 'Thing'] } },
          schema: { body: z.object({ name: z.string().min(2), size: z.number().int().positive() }) },
        },
        async (request, reply) => {
          sideEffects += 1;
          if (request.body.name === 'slow') {
            slowEntered();
            await slowReleased;
          }
          if (request.body.name === 'taken') throw new AppError('CONFLICT', 'Name taken');
          return reply.code(201).send(ok({ id: sideEffects, name: request.body.name }));
        },
      );
      api.get('/things', { config: { access: { permission: ['read', 'Thing'] } } }, async () => ok([]));
      api.get('/public', { config: { access: { public: true, tenant: 'required' } } }, async (request) =>
        ok({ tenant: request.publicTenant?.slug ?? request.auth?.tenantId }),
      );
      api.get('/boom', { config: { access: { public: true } } }, async () => {
        throw new Error('select secret from internal_table -- at /srv/app.ts:12');
      });
    },
    { prefix: '/api/v1' },
  );
  await server.ready();
});

afterAll(async () => {
  await server.close();
  await database.close();
});

const admin = { authorization: 'Bearer good-admin' };

describe('envelope and errors', () => {
  it('answers unknown routes with 404 in the envelope', async () => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/nowhere', headers: admin });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await server.inject({ method: 'DELETE', url: '/api/v1/things', headers: admin });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
    expect(response.json().error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('lists every bad field in a validation error', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/things', headers: admin, payload: { name: 'x', size: -1 } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const fields = body.error.details.map((detail: { field: string }) => detail.field).sort();
    expect(fields).toEqual(['body.name', 'body.size']);
  });

  it('refuses malformed JSON with 400 INVALID_JSON', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_JSON');
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: admin,
      payload: { name: 'a'.repeat(5000), size: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { ...admin, 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('hides unexpected errors behind a generic 500 without internals', async () => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/boom', headers: admin });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL_ERROR');
    expect(response.body).not.toMatch(/select|internal_table|app\.ts/);
  });
});

describe('credentials and declared access', () => {
  it('answers 401 without credentials on a protected route', async () => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/things' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 for a bad credential and 403 for a missing permission', async () => {
    // Its own address: a refused credential counts on its IP's public rate limit.
    const bad = await server.inject({ method: 'GET', url: '/api/v1/things', headers: { authorization: 'Bearer forged' }, remoteAddress: '192.0.2.166' });
    expect(bad.statusCode).toBe(401);
    const reader = await server.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { authorization: 'Bearer good-reader' },
      payload: { name: 'ok', size: 1 },
    });
    expect(reader.statusCode).toBe(403);
    expect(reader.json().error.code).toBe('FORBIDDEN');
  });

  it('resolves the tenant of a public call from X-Tenant, and 404s an unknown one', async () => {
    const known = await server.inject({ method: 'GET', url: '/api/v1/public', headers: { 'x-tenant': 'acme' } });
    expect(known.json().data.tenant).toBe('acme');
    const unknown = await server.inject({ method: 'GET', url: '/api/v1/public', headers: { 'x-tenant': 'nope' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TENANT_NOT_FOUND');
    const missing = await server.inject({ method: 'GET', url: '/api/v1/public' });
    expect(missing.statusCode).toBe(400);
  });
});

describe('request ids', () => {
  it('echoes a valid incoming X-Request-Id and generates one otherwise', async () => {
    const echoed = await server.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const generated = await server.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id!' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('rate limits', () => {
  it('sends X-RateLimit headers and answers 429 with Retry-After past the public limit', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i += 1) {
      last = await server.inject({
        method: 'GET',
        url: '/api/v1/public',
        headers: { 'x-tenant': 'acme' },
        remoteAddress: '10.9.9.9',
      });
      statuses.push(last.statusCode);
      expect(last.headers['x-ratelimit-limit']).toBe('5');
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(last?.statusCode).toBe(429);
    expect(last?.json().error.code).toBe('RATE_LIMITED');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('idempotency', () => {
  it('replays the stored answer for the same key and body, performing nothing again', async () => {
    const before = sideEffects;
    const request = { method: 'POST' as const, url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'k-1' }, payload: { name: 'first', size: 2 } };
    const first = await server.inject(request);
    const second = await server.inject(request);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().data).toEqual(first.json().data);
    expect(sideEffects).toBe(before + 1);
  });

  it('answers 422 when a key is reused with another body', async () => {
    await server.inject({ method: 'POST', url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'k-2' }, payload: { name: 'aa', size: 1 } });
    const reused = await server.inject({ method: 'POST', url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'k-2' }, payload: { name: 'bb', size: 1 } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const request = { method: 'POST' as const, url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'k-3' }, payload: { name: 'slow', size: 1 } };
    let release!: () => void;
    slowReleased = new Promise((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (slowEntered = resolve));
    const running = server.inject(request);
    await entered;
    // The first request is inside its handler: the second arrives while it runs.
    const second = await server.inject(request);
    release();
    const first = await running;
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('stores client errors too, and keeps keys of different credentials apart', async () => {
    const conflict = { method: 'POST' as const, url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'k-4' }, payload: { name: 'taken', size: 1 } };
    expect((await server.inject(conflict)).statusCode).toBe(409);
    const replay = await server.inject(conflict);
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const other = await server.inject({ ...conflict, headers: { authorization: 'Bearer good-reader', 'idempotency-key': 'k-4' } });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects keys longer than 255 characters', async () => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/things', headers: { ...admin, 'idempotency-key': 'x'.repeat(256) }, payload: { name: 'long', size: 1 } });
    expect(response.statusCode).toBe(400);
  });
});

describe('operations endpoints', () => {
  it('exposes request durations by route template in Prometheus format', async () => {
    await server.inject({ method: 'GET', url: '/api/v1/things', headers: admin });
    const metrics = await server.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/things"[^}]*method="GET"/);
    expect(metrics.body).toContain('db_pool_connections');
    expect(metrics.body).toContain('jobs_queue_depth');
  });

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\.1/);
    expect(Object.keys(document.paths)).toContain('/api/v1/things');
  });

  it('serves the interactive reference at /docs', async () => {
    const response = await server.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
