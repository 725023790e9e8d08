/**
 * Harness for the notifications, webhooks and calendar tests: the real
 * platform HTTP server with these modules' routes (test credentials
 * `Bearer test:<tenant id>:<role>`, as the catalog harness does), a worker
 * running their jobs and the event fan-out, and helpers to publish events.
 */
import { sql } from 'kysely';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing, parseMasterKeys } from '../../src/platform/crypto/field-encryption.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { createEventFanoutJob, publishEvent, type EventSubscriber } from '../../src/platform/events/outbox.ts';
import type { AuthContext, Authenticator } from '../../src/platform/http/access.ts';
import { AppError } from '../../src/platform/http/errors.ts';
import { createHttpServer, type HttpServer } from '../../src/platform/http/server.ts';
import type { JobDefinition } from '../../src/platform/jobs/job-definition.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createCalendarModule } from '../../src/modules/calendar/index.ts';
import { createWebhooksModule, type EndpointDisabledNotifier } from '../../src/modules/webhooks/index.ts';
import { createNotificationsModule, type NotificationsModule } from '../../src/modules/notifications/index.ts';
import type { EmailSender } from '../../src/modules/notifications/channels/smtp-sender.ts';
import type { TextSender } from '../../src/modules/notifications/channels/twilio-sender.ts';
import { KeyRing as PlatformKeyRing, generateMasterKey as generatePlatformKey } from '../../src/platform/crypto/field-encryption.ts';

const platformKeyRing = new PlatformKeyRing({ keys: [generatePlatformKey('platform-test')] });


export { makeTenant, type TestTenant } from '../catalog/harness.ts';

export const silentLogger = pino({ level: 'silent' });

export interface HarnessOptions {
  env?: Record<string, string>;
  allowPrivateTargets?: boolean;
  requestTimeoutMs?: number;
  deliveryLeaseMs?: number;
  onEndpointDisabled?: EndpointDisabledNotifier;
  /** ENCRYPTION_KEYS-style key spec (share one between harnesses and child processes). */
  keySpec?: string;
  email?: EmailSender | null;
  text?: TextSender | null;
}

export interface Harness {
  server: HttpServer;
  config: Config;
  keyRing: KeyRing;
  keyRingSpec: string;
  notifications: NotificationsModule;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  worker(id?: string): Worker;
  /** Runs every due job (fan-out, deliveries, messages) until none is left. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

function testAuthenticator(handle: DatabaseHandle): Authenticator {
  return {
    async authenticate(authorization) {
      if (authorization === undefined) return null;
      // `test:<tenant>:<role>`, or `test:<tenant>:customer:<customer id>` for a signed-in customer.
      const match = /^Bearer test:([0-9a-f-]{36}):([a-z_]+)(?::([0-9a-f-]{36}))?$/.exec(authorization);
      if (!match) throw new AppError('UNAUTHENTICATED', 'bad test token');
      const [, tenantId = '', role = '', customerId] = match;
      const context: AuthContext = {
        tenantId,
        actor: role === 'customer' && customerId !== undefined ? { type: 'customer', id: customerId } : { type: 'user', id: tenantId },
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

export async function startHarness(handle: DatabaseHandle, options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    PUBLIC_URL: 'https://book.example.test',
    ...options.env,
  });
  const keyRingSpec = options.keySpec ?? `test:${generateMasterKey('test').key.toString('base64')}`;
  const keyRing = new KeyRing({ keys: parseMasterKeys(keyRingSpec) });
  const metrics = createMetrics({ poolStats: () => handle.poolStats(), jobCounts: async () => [] });
  const notifications = createNotificationsModule({
    db: handle.db,
    config,
    keyRing,
    logger: silentLogger,
    ...(options.email !== undefined ? { email: options.email } : {}),
    ...(options.text !== undefined ? { text: options.text } : {}),
  });
  const webhooks = createWebhooksModule({
    db: handle.db,
    keyRing,
    allowPrivateTargets: options.allowPrivateTargets ?? true,
    livemode: false,
    onEndpointDisabled: options.onEndpointDisabled ?? notifications.notifyEndpointDisabled,
    requestTimeoutMs: options.requestTimeoutMs,
    deliveryLeaseMs: options.deliveryLeaseMs,
  });
  const calendar = createCalendarModule({ db: handle.db, keyRing, publicUrl: 'https://book.example.test' });
  const server = await createHttpServer({
    config,
    db: handle.db,
    authenticator: testAuthenticator(handle),
    metrics,
    keyRing: platformKeyRing,
    isReady: async () => true,
  });
  await server.register(
    async (plain) => {
      const api = plain.withTypeProvider<ZodTypeProvider>();
      notifications.registerRoutes(api);
      webhooks.registerRoutes(api);
      calendar.registerRoutes(api);
    },
    { prefix: '/api/v1' },
  );
  await server.ready();
  const subscribers = [...calendar.subscribers, ...notifications.subscribers, ...webhooks.subscribers];
  const jobs = [createEventFanoutJob(subscribers), ...notifications.jobs, ...webhooks.jobs];
  const worker = (id?: string) =>
    new Worker({
      handle,
      definitions: jobs,
      logger: silentLogger,
      concurrency: 4,
      pollMs: 50,
      ...(id ? { workerId: id } : {}),
    });
  const drainer = worker('harness');
  return {
    server,
    config,
    keyRing,
    keyRingSpec,
    notifications,
    jobs,
    subscribers,
    worker,
    drain: () => drainer.drain(),
    close: async () => {
      await server.close();
      notifications.close();
    },
  };
}

/** Publishes a domain event as its producing module would, in its own tenant transaction. */
export async function publish(
  handle: DatabaseHandle,
  tenantId: string,
  type: string,
  data: Record<string, unknown>,
  previousAttributes?: Record<string, unknown>,
): Promise<string> {
  const aggregateType = type.split('.')[0] ?? 'unknown';
  const aggregateId = typeof data.id === 'string' ? data.id : '00000000-0000-0000-0000-000000000000';
  return withTenant(handle.db, tenantId, (trx) =>
    publishEvent(trx, {
      tenantId,
      type,
      aggregateType,
      aggregateId,
      data,
      ...(previousAttributes ? { previousAttributes } : {}),
    }),
  );
}

/** Makes every pending job due now (time travel for retry schedules and reminders). */
export async function makePendingJobsDue(handle: DatabaseHandle, name?: string): Promise<void> {
  if (name === undefined) await sql`update jobs set run_at = now() where status = 'pending'`.execute(handle.db);
  else await sql`update jobs set run_at = now() where status = 'pending' and name = ${name}`.execute(handle.db);
}

export const adminToken = (tenantId: string): string => `Bearer test:${tenantId}:business_admin`;
export const readerToken = (tenantId: string): string => `Bearer test:${tenantId}:reader`;
export const customerToken = (tenantId: string, customerId: string): string => `Bearer test:${tenantId}:customer:${customerId}`;
