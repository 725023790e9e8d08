#!/usr/bin/env node
import { pino } from 'pino';
import { buildApp, type Application } from './app.ts';
import { ConfigError, isEmbedded, loadConfig, publicUrl, type Config } from './platform/config.ts';
import { DEFAULT_ACTIVATION_DELAY_SECONDS } from './platform/crypto/database-keys.ts';
import { migrate } from './platform/db/migrator.ts';
import { loggerOptions, prettyLogs } from './platform/observability/logger.ts';
import { startTracing } from './platform/observability/tracing.ts';
import { openRuntime, type Runtime } from './platform/runtime.ts';
import { seedDemo } from './seed/demo.ts';

const USAGE = `Usage: reservehub <command>

Commands:
  start     migrate, seed the demo business on an empty database, then serve and work (one process)
  serve     HTTP API (in embedded mode it also runs the background worker)
  work      background worker only (PostgreSQL mode)
  migrate   apply pending database migrations and exit
  seed      create the demo business if it does not exist and exit
  rotate-keys [--activate-in SECONDS]
            keys kept in PostgreSQL (ENCRYPTION_KEYS / JWT_PRIVATE_KEYS unset): a new field-encryption key
            and a new access-token signing key; every process learns them within
            ENCRYPTION_KEYS_REFRESH_MS and uses them after SECONDS (default 120); the worker then
            re-encrypts existing data under the new encryption key
  analytics:rebuild [tenant id]
            rebuild the analytics rollups from the raw tables (all tenants, or one) and exit
`;

type Command = 'start' | 'serve' | 'work' | 'migrate' | 'seed' | 'rotate-keys' | 'analytics:rebuild';
const COMMANDS: readonly Command[] = ['start', 'serve', 'work', 'migrate', 'seed', 'rotate-keys', 'analytics:rebuild'];

function isCommand(value: string | undefined): value is Command {
  return COMMANDS.some((known) => known === value);
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  if (!isCommand(command)) {
    process.stdout.write(USAGE);
    process.exitCode = command === undefined ? 0 : 2;
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = pino(loggerOptions(config.LOG_LEVEL, { pretty: prettyLogs(config.NODE_ENV) }));
  const stopTracing = await startTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT, `reservehub-${command}`);
  const runtime = await openRuntime(config);

  if (command === 'migrate' || command === 'start') {
    const applied = await migrate(runtime.handle);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema is current');
  }
  if (command === 'migrate') {
    await runtime.close();
    await stopTracing();
    return;
  }
  const app = await buildApp({ config, handle: runtime.handle, redis: runtime.redis });
  if (command === 'rotate-keys') {
    process.exitCode = await rotateKeys(app, argv.slice(1));
    await app.server.close();
    await runtime.close();
    await stopTracing();
    return;
  }
  if (command === 'seed' || command === 'start') {
    const seeded = await seedDemo(runtime.handle.db, config);
    if (seeded) {
      const details = await app.seedDemoData(seeded.tenantId);
      logger.info('demo business created');
      process.stdout.write(`${seeded.summary.trimEnd()}\n${details}\n\n`);
    }
  }
  if (command === 'analytics:rebuild') {
    const started = performance.now();
    const rows = await app.rebuildAnalytics(argv[1] ?? null);
    process.stdout.write(`analytics rollups rebuilt: ${rows.dailyRows} daily rows, ${rows.hourlyRows} hourly rows, ${rows.customerRows} customer rows in ${Math.round(performance.now() - started)} ms\n`);
    await app.server.close();
    await app.metricsServer?.close();
    await runtime.close();
    await stopTracing();
    return;
  }
  if (command === 'seed') {
    await app.server.close();
    await app.metricsServer?.close();
    await runtime.close();
    await stopTracing();
    return;
  }
  await run(command, app, runtime, logger, stopTracing);
}

async function run(
  command: 'start' | 'serve' | 'work',
  app: Application,
  runtime: Runtime,
  logger: pino.Logger,
  stopTracing: () => Promise<void>,
): Promise<void> {
  const { config } = runtime;
  // The embedded database lives inside one process, so that process also runs the jobs.
  const runsWorker = command !== 'serve' || isEmbedded(config);
  const runsHttp = command !== 'work';
  const worker = runsWorker ? app.createWorker(logger.child({ role: 'worker' })) : null;

  if (runsHttp) {
    await app.server.listen({ port: config.PORT, host: config.HOST });
    logger.info(`ReserveHub is listening on ${publicUrl(config)} (API reference at ${publicUrl(config)}/docs)`);
  }
  // METRICS_PORT: /metrics on its own listener, in worker-only processes too (their job figures).
  if (app.metricsServer && config.METRICS_PORT !== undefined) {
    await app.metricsServer.listen({ port: config.METRICS_PORT, host: config.HOST });
    logger.info(`Metrics are served on port ${config.METRICS_PORT}`);
  }
  await worker?.start();
  const startRotation = async () => {
    const tenants = await app.startKeyRotationForNewKey();
    if (tenants > 0) logger.info({ tenants }, 'key rotation started for a new current encryption key');
  };
  if (worker) {
    await app.scheduleRecurringJobs();
    await startRotation();
  }
  // Keys kept in the database: learn those another process rotated in, and use each once its time comes.
  const keyRefresh =
    app.keysInDatabase
      ? setInterval(() => {
          app
            .refreshKeys()
            .then(async (changed) => {
              if (!changed) return;
              logger.info({ kid: app.keyRing.currentKid }, 'a new encryption key is current');
              if (worker) await startRotation();
            })
            .catch((error: unknown) => logger.error({ err: error }, 'reading the encryption keys failed'));
        }, config.ENCRYPTION_KEYS_REFRESH_MS)
      : null;
  keyRefresh?.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    const deadline = setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    deadline.unref();
    if (keyRefresh) clearInterval(keyRefresh);
    // Readiness turns false first, and the listener stays open while load balancers notice.
    app.beginDraining();
    if (runsHttp && config.SHUTDOWN_READINESS_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_READINESS_DELAY_MS));
    // Stop accepting requests first, let in-flight ones finish, then the worker, then the database.
    if (runsHttp) await app.server.close();
    await app.metricsServer?.close();
    await worker?.stop();
    await runtime.close();
    await stopTracing();
    clearTimeout(deadline);
    logger.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** `rotate-keys`: a new encryption key and signing key, for those kept in the database, active after `--activate-in` seconds. */
async function rotateKeys(app: Application, args: string[]): Promise<number> {
  const flag = args.indexOf('--activate-in');
  const seconds = flag === -1 ? DEFAULT_ACTIVATION_DELAY_SECONDS : Number(args[flag + 1]);
  if (!Number.isInteger(seconds) || seconds < 0) {
    process.stderr.write('--activate-in takes a whole number of seconds\n');
    return 2;
  }
  const rotated = await app.rotateKeys(seconds);
  if (rotated.length === 0) {
    process.stderr.write(
      'rotate-keys rotates the keys kept in PostgreSQL. With ENCRYPTION_KEYS or JWT_PRIVATE_KEYS, put a new key first ' +
        'in the list and restart the processes; the embedded mode keeps its key under DATA_DIR (see docs/operations.md).\n',
    );
    return 2;
  }
  process.stdout.write(`${rotated.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
