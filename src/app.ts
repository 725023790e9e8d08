import type { Logger } from 'pino';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './platform/config.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { isSchemaCurrent } from './platform/db/migrator.ts';
import { createHttpServer, type HttpServer } from './platform/http/server.ts';
import { createMetricsServer } from './platform/http/metrics-route.ts';
import { createMetrics, type Metrics } from './platform/observability/metrics.ts';
import { createEventFanoutJob, type EventSubscriber } from './platform/events/outbox.ts';
import type { JobDefinition } from './platform/jobs/job-definition.ts';
import { Worker, jobCounts } from './platform/jobs/worker.ts';
import { registerDeadJobRoutes } from './platform/jobs/dead-jobs.routes.ts';
import { idempotencyPurgeJob, scheduleIdempotencyPurge } from './platform/http/idempotency-purge.job.ts';
import { rotateSigningKey } from './modules/identity/index.ts';
import { seedDemoCatalog } from './modules/catalog/index.ts';
import { openKeyRing, type KeySource } from './platform/crypto/key-store.ts';
import { rotateDatabaseKey } from './platform/crypto/database-keys.ts';
import type { KeyRing } from './platform/crypto/field-encryption.ts';
import { createKeyRotationJob, startKeyRotationForNewKey } from './platform/crypto/key-rotation.ts';
import { seedDemoBookings } from './modules/booking/index.ts';
import { embedFrameAncestors } from './modules/tenancy/index.ts';
import { composeModules } from './composition.ts';
import type { BillingModule } from './modules/billing/index.ts';
import { publicUrl } from './platform/config.ts';
import { registerWebApp } from './platform/http/web-app.ts';

export interface AppDeps {
  config: Config;
  handle: DatabaseHandle;
  redis?: Redis | undefined;
  /** The built web app; defaults to web/dist. */
  webDistDir?: string;
  /** Where the HTTP request log goes (default: stdout). */
  logStream?: DestinationStream;
}

/** Everything one process needs, wired once: the HTTP server and the worker's job definitions. */
export interface Application {
  server: HttpServer;
  /** The separate `/metrics` listener when METRICS_PORT is set (the main server then has no /metrics). */
  metricsServer: FastifyInstance | null;
  metrics: Metrics;
  jobs: JobDefinition[];
  subscribers: EventSubscriber[];
  createWorker(logger: Logger): Worker;
  /** Shutdown has begun: `/ready` answers 503 from now on (requests are still served). */
  beginDraining(): void;
  /** This process's field-encryption keys, and where they come from. */
  keyRing: KeyRing;
  keySource: KeySource;
  /** Whether encryption or signing keys are kept in the database, so other processes may rotate them. */
  keysInDatabase: boolean;
  /** Re-reads keys rotated in by another process; true when the current encryption key changed. */
  refreshKeys(): Promise<boolean>;
  /**
   * `rotate-keys`: a new encryption key and a new access-token signing key, for those kept in the
   * database, each active after `activateAfterSeconds`. Says what it rotated.
   */
  rotateKeys(activateAfterSeconds: number): Promise<string[]>;
  /** Starts every tenant's re-encryption once per new current encryption key (the worker process calls it at start). */
  startKeyRotationForNewKey(): Promise<number>;
  /** Queues the first run of the platform's recurring maintenance jobs; each run queues the next (the worker calls it at start). */
  scheduleRecurringJobs(): Promise<void>;
  /** Rebuilds the analytics rollups from the raw tables (`analytics:rebuild`); all tenants unless one is named. */
  rebuildAnalytics(tenantId?: string | null): Promise<{ dailyRows: number; hourlyRows: number; customerRows: number }>;
  /** Billing of tenants: its lifecycle (support tools, tests) and the cycle that renews and dunns what is due. */
  billing: BillingModule;
  /** Fills a freshly created demo tenant with its catalog, calendars and a few bookings; returns a summary. */
  seedDemoData(tenantId: string): Promise<string>;
}

/**
 * The composition root: the modules wired by `composeModules`
 * (composition.ts), their routes registered on one HTTP server, their jobs
 * and event subscribers collected.
 */
export async function buildApp(deps: AppDeps): Promise<Application> {
  const { config, handle } = deps;
  const db = handle.db;
  const metrics = createMetrics({ poolStats: () => handle.poolStats(), jobCounts: () => jobCounts(handle) });

  // Field encryption keys: ENCRYPTION_KEYS, the keys kept in PostgreSQL, or the embedded mode's own key under DATA_DIR.
  const keys = await openKeyRing(config, handle);
  const keyRing = keys.keyRing;
  // Access-token signing keys generated into a database other processes share (JWT_PRIVATE_KEYS unset).
  const signingKeysInDatabase = config.JWT_PRIVATE_KEYS === undefined && handle.kind === 'postgres';
  const modules = composeModules({
    config,
    db,
    keyRing,
    redis: deps.redis,
    onPaymentAttempt: (status) => metrics.paymentAttempts.inc({ status }),
    metricsRegistry: metrics.registry,
  });
  const { identity, tenancy, audit, catalog, scheduling, customers, payments, booking, notifications, webhooks, calendar, analytics, support, compliance, billing } = modules;

  let schemaCurrent = false;
  let draining = false;
  const server = await createHttpServer({
    config,
    db,
    authenticator: identity.authenticator,
    accessGuard: identity.accessGuard,
    metrics,
    keyRing,
    ...(deps.redis ? { redis: deps.redis } : {}),
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
    isReady: async () => {
      // Stopping: not ready, so load balancers send nothing new while in-flight requests finish.
      if (draining) return false;
      // The schema never goes backwards, so once current it stays current for this process.
      schemaCurrent ||= await isSchemaCurrent(handle);
      return schemaCurrent;
    },
  });

  // Before the routes: records every successful write under /api/v1.
  audit.registerHooks(server);
  identity.registerAccessRegistry(server);
  await server.register(
    async (plain) => {
      const api = plain.withTypeProvider<ZodTypeProvider>();
      identity.registerRoutes(api);
      tenancy.registerRoutes(api);
      audit.registerRoutes(api);
      catalog.registerRoutes(api);
      scheduling.registerRoutes(api);
      customers.registerRoutes(api);
      payments.registerRoutes(api);
      booking.registerRoutes(api);
      notifications.registerRoutes(api);
      webhooks.registerRoutes(api);
      calendar.registerRoutes(api);
      analytics.registerRoutes(api);
      support.registerRoutes(api);
      compliance.registerRoutes(api);
      billing.registerRoutes(api);
      modules.portability.registerRoutes(api);
      registerDeadJobRoutes(api, db);
    },
    { prefix: '/api/v1' },
  );
  identity.registerWellKnown(server);
  // The hosted payment page (/pay/{token}), outside the API prefix.
  payments.registerPages(server);
  // The web app (web/dist) on the remaining paths: /, /book/*, /embed/*, ...
  await registerWebApp(server, {
    ...(deps.webDistDir ? { distDir: deps.webDistDir } : {}),
    embedAncestors: (slug) => embedFrameAncestors(db, slug),
  });

  const subscribers: EventSubscriber[] = [
    ...identity.subscribers,
    ...payments.subscribers,
    ...booking.subscribers,
    // Calendar first: notifications plan reminders from its projection.
    ...calendar.subscribers,
    ...notifications.subscribers,
    ...webhooks.subscribers,
    ...analytics.subscribers,
  ];
  const jobs: JobDefinition[] = [
    createEventFanoutJob(subscribers),
    ...identity.jobs,
    ...audit.jobs,
    ...customers.jobs,
    ...payments.jobs,
    ...booking.jobs,
    ...notifications.jobs,
    ...webhooks.jobs,
    ...analytics.jobs,
    ...billing.jobs,
    ...modules.portability.jobs,
    // Every tenant table holding key ring ciphertexts. Not here: idempotency_keys.response_body, a
    // platform table whose stored answers expire after 48 h (retire an old key no sooner than 48 h
    // after its successor became current), and identity's user_credentials (TOTP secrets), a platform
    // table this tenant-scoped job cannot read: identity's to rotate.
    idempotencyPurgeJob,
    createKeyRotationJob({ keyRing, targets: [...customers.reencryptionTargets, ...notifications.reencryptionTargets, ...webhooks.reencryptionTargets, ...modules.portability.reencryptionTargets] }),
  ];

  return {
    server,
    metricsServer: config.METRICS_PORT === undefined ? null : await createMetricsServer(config, metrics),
    metrics,
    jobs,
    subscribers,
    beginDraining: () => {
      draining = true;
    },
    keyRing,
    keySource: keys.source,
    keysInDatabase: signingKeysInDatabase || keys.source === 'database',
    async refreshKeys() {
      if (signingKeysInDatabase) await identity.refreshSigningKeys();
      return keys.refresh();
    },
    async rotateKeys(activateAfterSeconds) {
      const rotated: string[] = [];
      if (keys.source === 'database') {
        const key = await rotateDatabaseKey(db, { keyEncryptionKeys: config.KEY_ENCRYPTION_KEYS, activateAfterSeconds });
        rotated.push(`New encryption key ${key.kid}, current from ${key.activeFrom.toISOString()}`);
      }
      if (signingKeysInDatabase) {
        const key = await rotateSigningKey(db, activateAfterSeconds);
        rotated.push(`New signing key ${key.kid}, signing from ${key.activeFrom.toISOString()}`);
      }
      return rotated;
    },
    startKeyRotationForNewKey: () => startKeyRotationForNewKey(db, keyRing),
    scheduleRecurringJobs: async () => {
      await scheduleIdempotencyPurge(db);
      await analytics.scheduleRecurringJobs();
      await billing.scheduleRecurringJobs();
    },
    rebuildAnalytics: (tenantId) => analytics.rebuild(tenantId ?? null),
    billing,
    createWorker: (logger) =>
      new Worker({
        handle,
        definitions: jobs,
        logger,
        metrics,
        concurrency: config.WORKER_CONCURRENCY,
        pollMs: config.WORKER_POLL_MS,
        leaseMs: config.WORKER_LEASE_MS,
      }),
    async seedDemoData(tenantId) {
      const demo = await seedDemoCatalog(catalog, scheduling, tenantId);
      const bookingNumbers = await seedDemoBookings(booking.services, tenantId, {
        serviceId: demo.serviceIds.corte,
        resourceIds: demo.staffIds.slice(0, 2),
      });
      return [
        `  Catalog: 1 location, 3 services, ${demo.staffIds.length} staff, 1 room; bookings: ${bookingNumbers.join(', ')}`,
        `  Public booking: GET ${publicUrl(config)}/api/v1/availability?service_id=${demo.serviceIds.corte}&from_date=...&to_date=... with header X-Tenant: demo`,
      ].join('\n');
    },
  };
}
