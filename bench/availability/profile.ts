/**
 * The availability endpoint alone, for profiling its per-request cost:
 *
 *   BENCH_KEEP_DB=1 BENCH_SECONDS=1 node bench/availability/run.ts   # seed once, keep the database
 *   DATABASE_URL=postgres://…/rh_bench_availability node --cpu-prof bench/availability/profile.ts
 *
 * Starts the real server (`buildApp`) on the seeded database and drives it over HTTP
 * from a separate autocannon process, so the profile holds only server work.
 *
 * Options (environment): PROFILE_REQUESTS (default 3000), PROFILE_CONNECTIONS (1),
 * PROFILE_CACHE_TTL (default 0: cache off).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openPostgres } from '../../src/platform/db/database.ts';
import { findBenchTenant } from './seed.ts';

const url = process.env.DATABASE_URL ?? '';
const requests = Number(process.env.PROFILE_REQUESTS ?? 3000);
const connections = Number(process.env.PROFILE_CONNECTIONS ?? 1);
const AUTOCANNON = new URL('../../node_modules/.bin/autocannon', import.meta.url).pathname;

const handle = openPostgres({ connectionString: url, poolSize: Math.max(2, Math.min(20, connections)) });
const config = loadConfig({
  ...process.env,
  DATABASE_URL: url,
  LOG_LEVEL: 'silent',
  NODE_ENV: 'development',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
  RATE_LIMIT_PER_MINUTE: '100000000',
  AVAILABILITY_CACHE_TTL_SECONDS: process.env.PROFILE_CACHE_TTL ?? '0',
});
const app = await buildApp({ config, handle });
const times: number[] = [];
app.server.addHook('onResponse', async (request, reply) => {
  if (request.url.startsWith('/api/v1/availability')) times.push(reply.elapsedTime);
});
const address = await app.server.listen({ port: 0, host: '127.0.0.1' });
const tenant = await findBenchTenant(handle.db);
const from = Temporal.Now.plainDateISO('Europe/Madrid').add({ days: 1 });
const path = `/api/v1/availability?service_id=${tenant.serviceId}&from_date=${from}&to_date=${from.add({ days: 6 })}`;

const cpuBefore = process.cpuUsage();
const { stdout } = await promisify(execFile)(
  AUTOCANNON,
  ['-j', '-c', String(connections), '-a', String(requests), '-H', `x-tenant=${tenant.slug}`, address + path],
  { maxBuffer: 16 * 1024 * 1024 },
);
const cpu = process.cpuUsage(cpuBefore);
const result = JSON.parse(stdout) as { non2xx: number; errors: number; requests: { average: number } };
const sorted = times.slice(Math.floor(times.length / 5)).sort((a, b) => a - b);
const at = (p: number) => (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(2);
process.stdout.write(
  `${times.length} requests, ${connections} connection(s), non-2xx ${result.non2xx}, errors ${result.errors}, ${result.requests.average.toFixed(0)} req/s\n` +
    `server latency after warm-up: p50 ${at(50)} ms  p95 ${at(95)} ms  p99 ${at(99)} ms\n` +
    `server CPU per request: ${((cpu.user + cpu.system) / 1000 / Math.max(1, times.length)).toFixed(2)} ms\n`,
);
await app.server.close();
await handle.close();
