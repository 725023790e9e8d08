/**
 * The HTTP edge under attack, against the real application (`buildApp`):
 * forged client addresses, link tokens in logs, provider callbacks and the
 * public limit, the metrics endpoint, payments in test mode, and a retention
 * run that fails.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { SIGNED_CALLBACK_FAILURES_PER_MINUTE } from '../../src/platform/http/signed-callbacks.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { ok } from '../../src/platform/http/envelope.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createCustomersModule, findOrCreateGuestCustomer, STAFF_ENTERED } from '../../src/modules/customers/index.ts';
import { CODE_BUDGETS } from '../../src/modules/tenancy/index.ts';

const ACCOUNT_CODES_PER_IP = CODE_BUDGETS.ip.limit;
import { openTestDatabase } from '../support/database.ts';
import { signupTenant, type TestApp, type TenantOwner } from '../support/factories.ts';
import { startModuleServer } from '../support/module-server.ts';
import { customerToken, makeTenant as makePaymentsTenant, startPayments } from '../payments/harness.ts';

const PUBLIC_LIMIT = 30;
const STRIPE_WEBHOOK_SECRET = 'whsec_edge_test_secret';
const TWILIO_AUTH_TOKEN = 'twilio-edge-test-token';
const PUBLIC_URL = 'https://book.example.test';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let octet = 0;
/** A fresh client address per use, so tests do not share per-IP counters. */
const nextAddress = (): string => `203.0.${Math.floor(octet / 250) % 250}.${(octet++ % 250) + 1}`;

/** The whole application on its own database, with `env` on top of quiet test defaults. */
async function startApp(env: Record<string, string>, logStream?: DestinationStream): Promise<TestApp> {
  const db = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const app = await buildApp({ config, handle: db, ...(logStream ? { logStream } : {}) });
  await app.server.ready();
  return {
    app,
    server: app.server,
    db,
    config,
    async close() {
      await app.server.close();
      await app.metricsServer?.close();
      await db.close();
    },
  };
}

const logLines: string[] = [];
let edge: TestApp;
let owner: TenantOwner;

beforeAll(async () => {
  // The default deployment: no trusted proxy. Stripe and Twilio are configured so their callbacks
  // verify; nothing here reaches either (their API bases point at a closed port).
  edge = await startApp(
    {
      LOG_LEVEL: 'info',
      PUBLIC_RATE_LIMIT_PER_MINUTE: String(PUBLIC_LIMIT),
      PUBLIC_URL,
      STRIPE_SECRET_KEY: 'sk_test_edge',
      STRIPE_WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_edge',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      TWILIO_ACCOUNT_SID: 'AC_edge',
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM: '+34910000000',
      TWILIO_API_BASE: 'http://127.0.0.1:9',
      METRICS_TOKEN,
    },
    { write: (line: string) => void logLines.push(line) },
  );
  owner = await signupTenant(edge);
});
afterAll(async () => {
  await edge?.close();
});

describe('client addresses cannot be forged', () => {
  it('a rotating X-Forwarded-For does not escape the public per-IP limit', async () => {
    const remoteAddress = nextAddress();
    const statuses: number[] = [];
    for (let index = 0; index <= PUBLIC_LIMIT; index += 1) {
      const response = await edge.server.inject({
        method: 'GET',
        url: '/api/v1/plans',
        remoteAddress,
        headers: { 'x-forwarded-for': `10.9.${index}.1` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, PUBLIC_LIMIT).every((status) => status === 200)).toBe(true);
    expect(statuses[PUBLIC_LIMIT]).toBe(429);
  });

  it('a rotating X-Forwarded-For does not escape the sign-in code throttle per address', async () => {
    const remoteAddress = nextAddress();
    const request = (index: number) =>
      edge.server.inject({
        method: 'POST',
        url: '/api/v1/customer-auth/code',
        remoteAddress,
        headers: { 'x-tenant': owner.tenant.slug, 'x-forwarded-for': `10.8.${index}.1` },
        payload: { email: `rotating-${index}-${randomUUID().slice(0, 6)}@example.test` },
      });
    for (let index = 0; index < ACCOUNT_CODES_PER_IP; index += 1) {
      const response = await request(index);
      expect(response.statusCode, response.body).toBe(202);
    }
    const refused = await request(ACCOUNT_CODES_PER_IP);
    expect(refused.statusCode, refused.body).toBe(429);
  });

  describe('with TRUSTED_PROXIES=127.0.0.1', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await startApp({ TRUSTED_PROXIES: '127.0.0.1', PUBLIC_RATE_LIMIT_PER_MINUTE: '3', METRICS_PORT: '9464' });
    });
    afterAll(async () => {
      await proxied?.close();
    });
    const plans = (remoteAddress: string, forwardedFor: string) =>
      proxied.server.inject({ method: 'GET', url: '/api/v1/plans', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });

    it('uses the forwarded client address the proxy reports', async () => {
      const distinct = await Promise.all([1, 2, 3, 4, 5].map((index) => plans('127.0.0.1', `198.51.100.${index}`)));
      expect(distinct.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
      const same: number[] = [];
      for (let index = 0; index < 4; index += 1) same.push((await plans('127.0.0.1', '198.51.100.77')).statusCode);
      expect(same).toEqual([200, 200, 200, 429]);
    });

    it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
      const remoteAddress = nextAddress();
      const statuses: number[] = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await plans(remoteAddress, `198.51.101.${index}`)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('serves /metrics on METRICS_PORT only (with a liveness /health)', async () => {
      expect((await proxied.server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      const metricsServer = proxied.app.metricsServer;
      if (!metricsServer) throw new Error('METRICS_PORT set but no metrics server');
      const response = await metricsServer.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('http_request_duration_seconds');
      // Only /metrics and a liveness probe (for workers, which have no API listener) live there.
      expect((await metricsServer.inject({ method: 'GET', url: '/api/v1/plans' })).statusCode).toBe(404);
      const health = await metricsServer.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ status: 'ok' });
    });
  });

  it('refuses bad TRUSTED_PROXIES entries at start, naming the variable', () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, not-an-ip' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1,fd00::/8' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1', 'fd00::/8']);
  });
});

describe('link tokens stay out of the logs', () => {
  it('redacts manage, calendar feed, waitlist offer and payment page tokens and ?token= queries', async () => {
    const secret = () => `SECRET${randomUUID().replaceAll('-', '')}`;
    const secrets = Array.from({ length: 7 }, secret);
    const [manage, feed, offer, page, unsubscribe, encoded, query] = secrets as [string, string, string, string, string, string, string];
    const requests: Array<{ method: 'GET' | 'POST'; url: string }> = [
      { method: 'GET', url: `/api/v1/manage/${manage}` },
      { method: 'GET', url: `/api/v1/calendar/feeds/${feed}.ics` },
      { method: 'POST', url: `/api/v1/waitlist/offers/${offer}/claim` },
      { method: 'GET', url: `/pay/${page}` },
      { method: 'GET', url: `/api/v1/notifications/unsubscribe?token=${unsubscribe}` },
      // The router decodes the path, so an encoded path reaches the same route: redacted all the same.
      { method: 'GET', url: `/api/v1/m%61nage/${encoded}` },
      { method: 'GET', url: `/api/v1/plans?token=${query}` },
    ];
    logLines.length = 0;
    for (const request of requests) {
      await edge.server.inject({ ...request, remoteAddress: nextAddress(), headers: { 'x-tenant': owner.tenant.slug } });
    }
    const log = logLines.join('');
    expect(log).toContain('"url":"/api/v1/manage/[redacted]"');
    expect(log).toContain('"url":"/api/v1/calendar/feeds/[redacted]"');
    expect(log).toContain('"url":"/api/v1/waitlist/offers/[redacted]/claim"');
    expect(log).toContain('"url":"/pay/[redacted]"');
    for (const token of secrets) expect(log).not.toContain(token);
  });
});

describe('provider callbacks', () => {
  const stripeEvent = () =>
    JSON.stringify({
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: `cus_${randomUUID().slice(0, 8)}`, object: 'customer' } },
    });
  const stripeSignature = (body: string, secret: string) => {
    const timestamp = Math.floor(Date.now() / 1000);
    return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  };
  const stripeWebhook = (remoteAddress: string, secret = STRIPE_WEBHOOK_SECRET) => {
    const body = stripeEvent();
    return edge.server.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/stripe',
      remoteAddress,
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, secret) },
      payload: body,
    });
  };
  const twilioPath = '/api/v1/notifications/webhooks/twilio';
  const twilioCallback = (remoteAddress: string, token = TWILIO_AUTH_TOKEN) => {
    const params: Record<string, string> = { MessageSid: `SM${randomUUID().replaceAll('-', '')}`, MessageStatus: 'delivered', AccountSid: 'AC_edge' };
    const signed = `${PUBLIC_URL}${twilioPath}${Object.keys(params).sort().map((name) => `${name}${params[name]}`).join('')}`;
    return edge.server.inject({
      method: 'POST',
      url: twilioPath,
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': createHmac('sha1', token).update(signed).digest('base64') },
      payload: new URLSearchParams(params).toString(),
    });
  };

  it.each([
    ['Stripe webhooks', (address: string) => stripeWebhook(address)],
    ['Twilio status callbacks', (address: string) => twilioCallback(address)],
  ])('%s with a valid signature are never refused by the public per-IP limit', async (_name, send) => {
    const providerAddress = nextAddress();
    const statuses: number[] = [];
    for (let index = 0; index < PUBLIC_LIMIT + 10; index += 1) statuses.push((await send(providerAddress)).statusCode);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it.each([
    ['Stripe webhooks', (address: string) => stripeWebhook(address, 'whsec_wrong'), (address: string) => stripeWebhook(address)],
    ['Twilio status callbacks', (address: string) => twilioCallback(address, 'wrong-token'), (address: string) => twilioCallback(address)],
  ])('%s with a bad signature get a tight per-IP limit that never blocks valid ones', async (_name, forge, send) => {
    const attacker = nextAddress();
    const statuses: number[] = [];
    for (let index = 0; index < SIGNED_CALLBACK_FAILURES_PER_MINUTE + 2; index += 1) statuses.push((await forge(attacker)).statusCode);
    expect(statuses.slice(0, SIGNED_CALLBACK_FAILURES_PER_MINUTE).every((status) => status === 400)).toBe(true);
    const throttled = await forge(attacker);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // A genuine call from that same address still goes through.
    expect((await send(attacker)).statusCode).toBe(200);
  });
});

describe('provider callbacks with Redis', () => {
  const redisUrl = process.env.REDIS_URL;
  it.runIf(redisUrl)('count failed signatures across every server process', async () => {
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const redis = new Redis(redisUrl ?? '');
        const server = await createHttpServer({
          config: loadConfig({ LOG_LEVEL: 'silent', REDIS_URL: redisUrl }),
          db: edge.db.db,
          authenticator: { authenticate: async () => null, resolvePublicTenant: async () => null },
          metrics: createMetrics({ poolStats: () => edge.db.poolStats(), jobCounts: async () => [] }),
          redis,
          keyRing: new KeyRing({ keys: [generateMasterKey('edge-redis')] }),
          isReady: async () => true,
        });
        server.post('/api/v1/callback', { config: { access: { public: true, tenant: 'none' }, signedCallback: true } }, async (request) => {
          if (request.headers['x-signature'] !== 'good') throw new AppError('INVALID_SIGNATURE', 'bad signature');
          return ok({ received: true });
        });
        await server.ready();
        return { server, redis };
      }),
    );
    try {
      const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;
      const call = (index: number, signature: string) =>
        servers[index % 2]?.server.inject({ method: 'POST', url: '/api/v1/callback', remoteAddress, headers: { 'x-signature': signature } });
      const statuses: number[] = [];
      for (let index = 0; index <= SIGNED_CALLBACK_FAILURES_PER_MINUTE; index += 1) statuses.push((await call(index, 'forged'))?.statusCode ?? 0);
      expect(statuses.slice(0, SIGNED_CALLBACK_FAILURES_PER_MINUTE).every((status) => status === 400)).toBe(true);
      expect(statuses[SIGNED_CALLBACK_FAILURES_PER_MINUTE]).toBe(429);
      expect((await call(0, 'good'))?.statusCode).toBe(200);
    } finally {
      for (const { server, redis } of servers) {
        await server.close();
        redis.disconnect();
      }
    }
  });
});

describe('/metrics', () => {
  it('with METRICS_TOKEN answers only the bearer of that token', async () => {
    const metrics = (authorization?: string) =>
      edge.server.inject({ method: 'GET', url: '/metrics', ...(authorization ? { headers: { authorization } } : {}) });
    expect((await metrics()).statusCode).toBe(401);
    expect((await metrics(`Bearer ${METRICS_TOKEN.slice(0, -1)}x`)).statusCode).toBe(401);
    expect((await metrics(`Bearer ${METRICS_TOKEN}extra`)).statusCode).toBe(401);
    expect((await metrics(METRICS_TOKEN)).statusCode).toBe(401);
    const allowed = await metrics(`Bearer ${METRICS_TOKEN}`);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('http_request_duration_seconds');
  });
});

describe('payments in production', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://app@db.internal/reservehub',
    ENCRYPTION_KEYS: 'k1:AAAA',
    JWT_PRIVATE_KEYS: 'jwt',
    PUBLIC_URL: 'https://book.example.com',
  };

  it('refuses to start on the sandbox unless PAYMENTS_SANDBOX=true says so', () => {
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/PAYMENTS_SANDBOX/);
    expect(loadConfig({ ...production, PAYMENTS_SANDBOX: 'true' }).PAYMENTS_SANDBOX).toBe(true);
    expect(() => loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_BILLING_WEBHOOK_SECRET: 'whsec_b' })).not.toThrow();
  });

  it('says X-Payments-Mode: test on every response while no real money can move', async () => {
    // Stripe with a test key (the edge app): every response, errors included.
    for (const url of ['/health', '/api/v1/plans', '/api/v1/no-such-route']) {
      const response = await edge.server.inject({ method: 'GET', url, remoteAddress: nextAddress() });
      expect(response.headers['x-payments-mode'], url).toBe('test');
    }
    const live = await startModuleServer(edge.db, { env: { STRIPE_SECRET_KEY: 'sk_live_edge' }, register: () => ({}) });
    expect((await live.server.inject({ method: 'GET', url: '/health' })).headers['x-payments-mode']).toBeUndefined();
    await live.server.close();
    const sandbox = await startModuleServer(edge.db, { env: { ...production, PAYMENTS_SANDBOX: 'true' }, register: () => ({}) });
    expect((await sandbox.server.inject({ method: 'GET', url: '/health' })).headers['x-payments-mode']).toBe('test');
    await sandbox.server.close();
  });

  it('shows a visible test-mode banner on the hosted payment page', async () => {
    const payments = await startPayments(edge.db, {
      bookingLookup: async (executor, tenantId, bookingId) => {
        const customer = await sql<{ id: string }>`select id from customers where tenant_id = ${tenantId} limit 1`.execute(executor);
        return { bookingId, customerId: customer.rows[0]?.id ?? '', resourceId: randomUUID(), awaitingPayment: true, amountDue: { amount: 2500, currency: 'EUR' }, type: 'deposit', description: 'Deposit' };
      },
    });
    try {
      const tenant = await makePaymentsTenant(edge.db);
      const intent = await payments.server.inject({
        method: 'POST',
        url: '/api/v1/payments/intent',
        // The booking's customer (the payments tenant's only one) may pay it.
        headers: { authorization: customerToken(tenant, tenant.customerId) },
        payload: { booking_id: randomUUID() },
      });
      expect(intent.statusCode, intent.body).toBe(200);
      const page = await payments.server.inject({ method: 'GET', url: new URL(intent.json().data.payment_page_url as string).pathname });
      expect(page.statusCode).toBe(200);
      expect(page.headers['x-payments-mode']).toBe('test');
      expect(page.body).toMatch(/<p id="test-mode" class="test-mode" role="note">Test mode: no real payment is taken\.<\/p>/);
    } finally {
      await payments.server.close();
    }
  });
});

describe('retention', () => {
  it('queues the next daily run even when this run fails', async () => {
    const { db } = edge;
    const tenantId = owner.tenant.id;
    const keyRing = new KeyRing({ keys: [generateMasterKey('edge-retention')] });
    const customers = createCustomersModule({
      db: db.db,
      keyRing,
      dataHolders: [
        {
          erasureParticipants: [
            {
              name: 'failing',
              async erase() {
                throw new Error('participant unavailable');
              },
            },
          ],
        },
      ],
    });
    const guest = await withTenant(db.db, tenantId, (trx) =>
      findOrCreateGuestCustomer(trx, keyRing, tenantId, { first_name: 'Old', last_name: 'Guest', email: `old-${randomUUID().slice(0, 6)}@example.test` }, STAFF_ENTERED),
    );
    await withTenant(db.db, tenantId, (trx) =>
      sql`update customers set last_activity_at = now() - interval '25 months' where tenant_id = ${tenantId} and id = ${guest.id}`.execute(trx),
    );
    // Nothing queued yet for this tenant: what follows is the run's own scheduling.
    await sql`delete from jobs where name = 'customers.maintenance' and tenant_id = ${tenantId}`.execute(db.db);
    const job = customers.jobs.find((definition) => definition.name === 'customers.maintenance');
    if (!job) throw new Error('no customers.maintenance job');
    const context = { db: db.db, jobId: randomUUID(), tenantId, attempt: 10, signal: new AbortController().signal };
    await expect(job.handle({ day: new Date().toISOString().slice(0, 10) }, context)).rejects.toThrow(/participant unavailable/);
    const queued = await sql<{ run_at: Date }>`
      select run_at from jobs where name = 'customers.maintenance' and tenant_id = ${tenantId} and status = 'pending'`.execute(db.db);
    expect(queued.rows).toHaveLength(1);
    expect(new Date(queued.rows[0]?.run_at ?? 0).getTime()).toBeGreaterThan(Date.now());
  });
});
