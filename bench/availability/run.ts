/**
 * Availability benchmark (issue 4): `node bench/availability/run.ts` with
 * DATABASE_URL pointing at a PostgreSQL server whose user may create databases.
 *
 * Creates a scratch database, migrates and seeds it (1,000 tenants; one with ten
 * resources and 2,000 bookings' allocations), starts the real HTTP server
 * (`buildApp`) and drives `GET /api/v1/availability` for 7 days × 10 resources
 * with 100 concurrent connections, cache off and then on. Prints client-side
 * latency (autocannon) and server-side latency (Fastify's reply time) and req/s.
 *
 * Also measures one connection at a time (the latency of a request alone, without
 * queueing behind 99 others), and prints the server process's CPU time per request
 * and the machine's load average, since other work on the machine skews figures.
 * Server latency is Fastify's reply time (onRequest to response sent), so it includes
 * waiting for a pooled database connection. With N connections kept busy, latency is
 * at least N / throughput (Little's law): the line "queueing bound" prints it.
 *
 * Options (environment): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (100),
 * REDIS_URL (cache shared through Redis when set; only this tenant's keys are
 * touched), BENCH_KEEP_DB=1 (keep the scratch database), BENCH_REUSE_DB=1 (use a kept
 * one as it is: no migration, no seeding), BENCH_DATABASE (the scratch database's
 * name, default rh_bench_availability), DATABASE_POOL_SIZE (default 20).
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openPostgres, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { databaseUrlFor, dropDatabase, recreateDatabase } from '../support.ts';
import { findBenchTenant, seedBenchmark, type BenchTenant } from './seed.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server (the user must be allowed to create databases).\n');
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const benchDatabase = process.env.BENCH_DATABASE ?? 'rh_bench_availability';
if (!/^[a-z_][a-z0-9_]*$/.test(benchDatabase)) throw new Error('BENCH_DATABASE must be a plain lower-case identifier');

const run = promisify(execFile);
const AUTOCANNON = new URL('../../node_modules/.bin/autocannon', import.meta.url).pathname;

interface LoadResult {
  latency: { p50: number; p90: number; p97_5: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  duration: number;
}

/**
 * Drives the server from a separate process (autocannon's CLI), so the load
 * generator parsing ~100 kB answers does not steal the server's event loop.
 */
async function autocannon(url: string, concurrency: number, duration: number, headers: Record<string, string>): Promise<LoadResult> {
  const args = ['-j', '-c', String(concurrency), '-d', String(duration)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const { stdout } = await run(AUTOCANNON, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as LoadResult;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const reuse = process.env.BENCH_REUSE_DB === '1';

/** The bench database: reused as it is with BENCH_REUSE_DB=1, else created empty. */
async function benchDatabaseUrl(): Promise<string> {
  return reuse ? databaseUrlFor(databaseUrl ?? '', benchDatabase) : recreateDatabase(databaseUrl ?? '', benchDatabase);
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function measure(label: string, handle: DatabaseHandle, url: string, tenant: BenchTenant, cacheTtlSeconds: number) {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'development',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_MINUTE: '100000000',
    AVAILABILITY_CACHE_TTL_SECONDS: String(cacheTtlSeconds),
  });
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : undefined;
  if (redis) {
    // Forget this tenant's cached answers and counters (and nothing else: the Redis may be shared).
    for (const pattern of [`rh:av:c:${tenant.tenantId}|*`, `rh:av:v:${tenant.tenantId}:*`]) {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
      if (keys.length > 0) await redis.del(...keys);
    }
  }
  const app = await buildApp({ config, handle, redis });
  const serverTimes: number[] = [];
  app.server.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/api/v1/availability')) serverTimes.push(reply.elapsedTime);
  });
  const address = await app.server.listen({ port: 0, host: '127.0.0.1' });
  const from = Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 1 });
  const path = `/api/v1/availability?service_id=${tenant.serviceId}&from_date=${from}&to_date=${from.add({ days: 6 })}`;
  const headers = { 'x-tenant': tenant.slug };

  const probe = await fetch(address + path, { headers });
  const body = (await probe.json()) as { data?: { resources?: { dates: { slots: unknown[] }[] }[] } };
  const slots = (body.data?.resources ?? []).reduce((sum, resource) => sum + resource.dates.reduce((n, day) => n + day.slots.length, 0), 0);
  if (probe.status !== 200) throw new Error(`probe answered ${probe.status}`);
  // Warm up JIT, pool and (when on) the cache.
  await run(AUTOCANNON, ['-c', String(connections), '-d', '2', '-H', `x-tenant=${tenant.slug}`, address + path], { maxBuffer: 16 * 1024 * 1024 });

  const line = (name: string, values: string[]) => `  ${name.padEnd(24)}${values.join('  ')}`;
  const report = async (phase: string, concurrency: number) => {
    serverTimes.length = 0;
    const loadBefore = load();
    const cpuBefore = process.cpuUsage();
    const result = await autocannon(address + path, concurrency, seconds, headers);
    const cpu = process.cpuUsage(cpuBefore);
    const sorted = [...serverTimes].sort((a, b) => a - b);
    const served = Math.max(1, serverTimes.length);
    process.stdout.write(
      [
        `\n${label}, ${phase}: ${result.requests.total} requests in ${result.duration}s, ${concurrency} connection(s), ` +
          `${body.data?.resources?.length ?? 0} resources × 7 days = ${slots} slots per answer; non-2xx ${result.non2xx}, errors ${result.errors}`,
        line('client latency (ms)', [`p50 ${result.latency.p50}`, `p90 ${result.latency.p90}`, `p97.5 ${result.latency.p97_5}`, `p99 ${result.latency.p99}`]),
        line('server latency (ms)', [50, 95, 99].map((p) => `p${p} ${percentile(sorted, p).toFixed(2)}`)),
        line('throughput', [`${result.requests.average.toFixed(0)} req/s`]),
        line('queueing bound', [`${concurrency} / ${result.requests.average.toFixed(0)} req/s = ${((1000 * concurrency) / Math.max(1, result.requests.average)).toFixed(1)} ms`]),
        line('server CPU per request', [`${((cpu.user + cpu.system) / 1000 / served).toFixed(2)} ms (user+system of this process)`]),
        line('load average', [`${loadBefore} before, ${load()} after (1, 5, 15 min)`]),
        '',
      ].join('\n'),
    );
  };
  await report('alone', 1);
  await report('under load', connections);
  await app.server.close();
  await redis?.quit();
}

const url = await benchDatabaseUrl();
const handle = openPostgres({ connectionString: url, poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
try {
  let tenant: BenchTenant;
  if (reuse) {
    tenant = await findBenchTenant(handle.db);
  } else {
    await migrate(handle);
    const started = Date.now();
    tenant = await seedBenchmark(handle.db, Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 1 }).toString());
    // What autovacuum does to a live table: statistics and the visibility map (index-only scans).
    await sql`vacuum analyze`.execute(handle.db);
    process.stdout.write(`seeded 1,000 tenants and 2,000 allocations for the measured tenant in ${Date.now() - started} ms\n`);
  }
  process.stdout.write(`node ${process.version}, ${cpus().length} CPUs, load average ${load()}\n`);
  await measure('cache off', handle, url, tenant, 0);
  await measure('cache on', handle, url, tenant, 300);
} finally {
  await handle.close();
  if (!process.env.BENCH_KEEP_DB && !reuse) await dropDatabase(databaseUrl ?? '', benchDatabase);
}
