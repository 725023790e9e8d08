// A worker process for the webhook crash test: runs the event fan-out and webhook deliveries
// with a 1 s lease; the test kills it with SIGKILL while its delivery request hangs.
// Run with: node test/webhooks/crash-delivery-worker.ts <DATABASE_URL> <ENCRYPTION_KEYS spec>
import { pino } from 'pino';
import { composeModules } from '../../src/composition.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { KeyRing, parseMasterKeys } from '../../src/platform/crypto/field-encryption.ts';
import { openPostgres } from '../../src/platform/db/database.ts';
import { createEventFanoutJob } from '../../src/platform/events/outbox.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';

const [url, keySpec] = process.argv.slice(2);
if (!url || !keySpec) throw new Error('usage: crash-delivery-worker.ts <DATABASE_URL> <keys>');
const handle = openPostgres({ connectionString: url, poolSize: 2 });
const { webhooks } = composeModules(
  { config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), db: handle.db, keyRing: new KeyRing({ keys: parseMasterKeys(keySpec) }) },
  { webhooks: { allowPrivateTargets: true, requestTimeoutMs: 60_000, deliveryLeaseMs: 1_000 } },
);
const worker = new Worker({
  handle,
  definitions: [createEventFanoutJob(webhooks.subscribers), ...webhooks.jobs],
  logger: pino({ level: 'silent' }),
  concurrency: 1,
  pollMs: 50,
});
await worker.start();
