/**
 * Harness for the notifications, webhooks and calendar tests: the modules as
 * the product wires them (`composeModules`), and the shared module server (see
 * test/support/module-server.ts) with these modules' routes
 * (credentials `Bearer test:<tenant id>:<role>`, or `customer:<customer id>`
 * for a signed-in customer), a worker running their jobs and the event
 * fan-out, and helpers to publish events.
 */
import { sql } from 'kysely';
import type { Config } from '../../src/platform/config.ts';
import { z } from 'zod';
import type { KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import type { DatabaseHandle } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { defineEvent } from '../../src/platform/events/event-descriptor.ts';
import { createEventFanoutJob, publishEvent, type EventSubscriber } from '../../src/platform/events/outbox.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import type { JobDefinition } from '../../src/platform/jobs/job-definition.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import type { EndpointDisabledNotifier } from '../../src/modules/webhooks/index.ts';
import type { NotificationsModule } from '../../src/modules/notifications/index.ts';
import type { EmailSender } from '../../src/modules/notifications/channels/smtp-sender.ts';
import type { TextSender } from '../../src/modules/notifications/channels/twilio-sender.ts';
import { composeTestModules, silentLogger, startModuleServer } from '../support/module-server.ts';

export { adminToken, customerToken, makeTenant, readerToken, silentLogger, type TestTenant } from '../support/module-server.ts';

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

export async function startHarness(handle: DatabaseHandle, options: HarnessOptions = {}): Promise<Harness> {
  const started = await startModuleServer(handle, {
    env: { PUBLIC_URL: 'https://book.example.test', ...options.env },
    keySpec: options.keySpec,
    register(api, context) {
      const { notifications, webhooks, calendar } = composeTestModules(context, {
        notifications: {
          logger: silentLogger,
          ...(options.email !== undefined ? { email: options.email } : {}),
          ...(options.text !== undefined ? { text: options.text } : {}),
        },
        webhooks: {
          allowPrivateTargets: options.allowPrivateTargets ?? true,
          ...(options.onEndpointDisabled ? { onEndpointDisabled: options.onEndpointDisabled } : {}),
          requestTimeoutMs: options.requestTimeoutMs,
          deliveryLeaseMs: options.deliveryLeaseMs,
        },
      });
      notifications.registerRoutes(api);
      webhooks.registerRoutes(api);
      calendar.registerRoutes(api);
      return { notifications, webhooks, calendar };
    },
  });
  const { notifications, webhooks, calendar } = started.modules;
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
  const { server, config, keyRing, keyRingSpec } = started;
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

const looseData = z.record(z.string(), z.unknown());

/**
 * Publishes a hand-made event of any name and data in its own tenant transaction, as the
 * outbox stores it. The consumers under test (webhooks, notifications, calendar) read
 * payloads leniently, richer ones included, so these events are not held to the producers'
 * catalogue schemas: a test-local descriptor with a loose schema carries them.
 */
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
    publishEvent(
      trx,
      defineEvent({ name: type, aggregateType, description: 'hand-made test event', webhook: false, data: looseData, previousAttributes: looseData }),
      { tenantId, aggregateId, data, ...(previousAttributes ? { previousAttributes } : {}) },
    ),
  );
}

/** Makes every pending job due now (time travel for retry schedules and reminders). */
export async function makePendingJobsDue(handle: DatabaseHandle, name?: string): Promise<void> {
  if (name === undefined) await sql`update jobs set run_at = now() where status = 'pending'`.execute(handle.db);
  else await sql`update jobs set run_at = now() where status = 'pending' and name = ${name}`.execute(handle.db);
}
