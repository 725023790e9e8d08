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
import { seedDemoCatalog } from './modules/catalog/index.ts';
import { loadKeyRing } from './platform/crypto/key-store.ts';
import { createKeyRotationJob, startKeyRotationForNewKey } from './platform/crypto/key-rotation.ts';
import { seedDemoBookings } from './modules/booking/index.ts';
import { embedFrameAncestors } from './modules/tenancy/index.ts';
import { composeModules } from './composition.ts';
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
  /** Starts every tenant's re-encryption once per new current encryption key (the worker process calls it at start). */
  startKeyRotationForNewKey(): Promise<number>;
  /** Queues the first run of the platform's recurring maintenance jobs; each run queues the next (the worker calls it at start). */
  scheduleRecurringJobs(): Promise<void>;
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

  // Field encryption keys: ENCRYPTION_KEYS, or the embedded mode's own key under DATA_DIR.
  const keyRing = loadKeyRing(config);
  const modules = composeModules({
    config,
    db,
    keyRing,
    redis: deps.redis,
    onPaymentAttempt: (status) => metrics.paymentAttempts.inc({ status }),
  });
  const { identity, tenancy, audit, catalog, scheduling, customers, payments, booking, notifications, webhooks, calendar } = modules;

  let schemaCurrent = false;
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
    // Every tenant table holding key ring ciphertexts. Not here: idempotency_keys.response_body, a
    // platform table whose stored answers expire after 48 h (retire an old key no sooner than 48 h
    // after its successor became current), and identity's user_credentials (TOTP secrets), a platform
    // table this tenant-scoped job cannot read: identity's to rotate.
    idempotencyPurgeJob,
    createKeyRotationJob({ keyRing, targets: [...customers.reencryptionTargets, ...notifications.reencryptionTargets, ...webhooks.reencryptionTargets] }),
  ];

  return {
    server,
    metricsServer: config.METRICS_PORT === undefined ? null : await createMetricsServer(config, metrics),
    metrics,
    jobs,
    subscribers,
    startKeyRotationForNewKey: () => startKeyRotationForNewKey(db, keyRing),
    scheduleRecurringJobs: () => scheduleIdempotencyPurge(db),
    createWorker: (logger) =>
      new Worker({
        handle,
        definitions: jobs,
        logger,
        metrics,
        concurrency: config.WORKER_CONCURRENCY,
        pollMs: config.WORKER_POLL_MS,
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
