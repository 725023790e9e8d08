/**
 * Test harness for payments: tenants and customers inserted directly (as
 * sign-up and booking would), the payments module on the real platform HTTP
 * layer with `Bearer test:<tenant id>:<role>` credentials, and a recorder for
 * the sandbox's outgoing webhooks so tests decide when they are delivered.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig } from '../../src/platform/config.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createPaymentsModule, type PaymentsModule, type PaymentsModuleDeps } from '../../src/modules/payments/index.ts';
import type { SandboxWebhook } from '../../src/modules/payments/sandbox-provider.ts';
import { KeyRing as PlatformKeyRing, generateMasterKey as generatePlatformKey } from '../../src/platform/crypto/field-encryption.ts';

const platformKeyRing = new PlatformKeyRing({ keys: [generatePlatformKey('platform-test')] });

/** The payment page link key of every test payments module. */
export const TEST_PAGE_KEY = Buffer.alloc(32, 7);


export interface PaymentsTenant {
  tenantId: string;
  slug: string;
  customerId: string;
}

const FEES: Record<string, number> = { starter: 350, professional: 290, business: 240, enterprise: 190 };

/** A tenant on `plan` with one guest customer. */
export async function makeTenant(handle: DatabaseHandle, plan = 'starter'): Promise<PaymentsTenant> {
  const tenantId = randomUUID();
  const customerId = randomUUID();
  const slug = `p-${tenantId.slice(0, 8)}`;
  await withPlatform(handle.db, async (trx) => {
    await sql`insert into tenants (id, name, slug, plan_id) values (${tenantId}, ${slug}, ${slug}, ${plan})`.execute(trx);
    // Opaque placeholders: payments never reads personal data, only the customer's id.
    await sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx)
              values (${tenantId}, ${customerId}, 'guest', 'x', 'x', ${`bidx-${customerId}`})`.execute(trx);
  });
  return { tenantId, slug, customerId };
}

export const adminToken = (tenant: PaymentsTenant): string => `Bearer test:${tenant.tenantId}:business_admin`;
export const readerToken = (tenant: PaymentsTenant): string => `Bearer test:${tenant.tenantId}:reader`;

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

/** Collects what the sandbox sends instead of enqueuing it. */
export class WebhookRecorder {
  readonly sent: SandboxWebhook[] = [];
  readonly deliver = (webhook: SandboxWebhook): void => {
    this.sent.push(webhook);
  };
  ofType(type: string): SandboxWebhook[] {
    return this.sent.filter((webhook) => (JSON.parse(webhook.body) as { type: string }).type === type);
  }
}

export interface PaymentsHarness {
  server: HttpServer;
  payments: PaymentsModule;
  recorder: WebhookRecorder;
}

export async function startPayments(
  handle: DatabaseHandle,
  overrides: Partial<PaymentsModuleDeps> = {},
  options: { recordSandbox?: boolean } = {},
): Promise<PaymentsHarness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const recorder = new WebhookRecorder();
  const payments = createPaymentsModule({
    settings: { publicUrl: 'http://localhost:3000' },
    db: handle.db,
    sandboxSecret: 'test-sandbox-secret',
    pageKey: TEST_PAGE_KEY,
    feeRuleOf: async (executor, tenantId) => {
      const row = await sql<{ plan_id: string }>`select plan_id from tenants where id = ${tenantId}`.execute(executor);
      return { bps: FEES[row.rows[0]?.plan_id ?? 'starter'] ?? 350, fixed: { amount: 30, currency: 'USD' } };
    },
    ...(options.recordSandbox === false ? {} : { sandboxDelivery: recorder.deliver }),
    ...overrides,
  });
  const server = await createHttpServer({
    config,
    db: handle.db,
    authenticator: testAuthenticator(handle),
    metrics: createMetrics({ poolStats: () => handle.poolStats(), jobCounts: async () => [] }),
    keyRing: platformKeyRing,
    isReady: async () => true,
  });
  await server.register(
    async (plain) => {
      payments.registerRoutes(plain.withTypeProvider<ZodTypeProvider>());
    },
    { prefix: '/api/v1' },
  );
  payments.registerPages(server);
  await server.ready();
  return { server, payments, recorder };
}

export interface PaymentSnapshot {
  status: string;
  amount: number;
  refunded: number;
  events: Array<{ type: string }>;
}

/** The payment's status, refunded total and the events published about it. */
export async function snapshot(handle: DatabaseHandle, tenantId: string, paymentId: string): Promise<PaymentSnapshot> {
  return withTenant(handle.db, tenantId, async (trx) => {
    const payment = await sql<{ status: string; amount: number }>`
      select status, amount from payments where id = ${paymentId}`.execute(trx);
    const refunded = await sql<{ total: number }>`
      select coalesce(sum(amount), 0)::bigint as total from refunds where payment_id = ${paymentId} and status = 'succeeded'`.execute(trx);
    const events = await sql<{ type: string }>`
      select type from events where aggregate_id = ${paymentId} order by created_at, type`.execute(trx);
    return {
      status: payment.rows[0]?.status ?? 'missing',
      amount: Number(payment.rows[0]?.amount ?? 0),
      refunded: Number(refunded.rows[0]?.total ?? 0),
      events: events.rows,
    };
  });
}

/** Posts a signed webhook as the provider would. */
export async function postWebhook(server: HttpServer, provider: string, webhook: { body: string; headers: Record<string, string> }) {
  return server.inject({ method: 'POST', url: `/api/v1/payments/webhooks/${provider}`, headers: webhook.headers, payload: webhook.body });
}
