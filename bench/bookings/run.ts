/**
 * Booking creation through HTTP on PostgreSQL.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/bookings/run.ts [seconds=10] [connections=50]
 *   (BENCH_CPU_PROF=/tmp/prof also writes a CPU profile of the server there)
 *
 * Creates a scratch database (`rh_bench_bookings`), migrates it, seeds a tenant
 * (enterprise plan: no monthly limit) with 50 staff resources working every day,
 * starts the real server (`node src/main.ts serve`) as a child process, and:
 * 1. drives it with autocannon, `connections` concurrent clients, every request a
 *    distinct free slot (guest bookings, public API): bookings/s and p50/p95/p99;
 * 2. fires 200 concurrent requests for one slot: the outcome (201/409/5xx) and duration.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openPostgres } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { createCatalogModule } from '../../src/modules/catalog/index.ts';
import { createSchedulingModule } from '../../src/modules/scheduling/index.ts';
import { createTenant } from '../../src/modules/tenancy/index.ts';
import { dropDatabase, processCpu, recreateDatabase, waitForHealth } from '../support.ts';

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (the bench creates its own database there)');
const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const RESOURCES = 50;
const PORT = 3900 + Math.floor(Math.random() * 90);

const url = await recreateDatabase(baseUrl, 'rh_bench_bookings');
const handle = openPostgres({ connectionString: url, poolSize: 4 });
await migrate(handle);

const { tenant } = await withPlatform(handle.db, (trx) =>
  createTenant(trx, { name: 'Bench', slug: 'bench', planId: 'enterprise', timezone: 'Europe/Madrid', currency: 'EUR' }),
);
const scheduling = createSchedulingModule({ db: handle.db });
const catalog = createCatalogModule({ db: handle.db, onCatalogChanged: scheduling.onCatalogChanged });
const location = await catalog.locations.create(tenant.id, { name: 'Bench', timezone: 'Europe/Madrid', address: { line1: 'x', city: 'Madrid', country: 'ES' } });
const resourceIds: string[] = [];
for (let index = 0; index < RESOURCES; index += 1) {
  const resource = await catalog.resources.create(tenant.id, { location_id: location.id, name: `Staff ${index}`, type: 'staff' });
  await scheduling.schedules.create(tenant.id, { resource_id: resource.id, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  resourceIds.push(resource.id);
}
const service = await catalog.services.create(tenant.id, { name: 'Bench cut', duration_minutes: 30, price: { amount: 2000, currency: 'EUR' }, resource_ids: resourceIds });
await handle.close();

const dataDir = mkdtempSync(join(tmpdir(), 'rh-bench-'));
// BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the server there (open it in Chrome DevTools).
const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const server = spawn(process.execPath, [...profileArgs, 'src/main.ts', 'serve'], {
  cwd: join(import.meta.dirname, '../..'),
  env: {
    ...process.env,
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '20',
    PORT: String(PORT),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_MINUTE: '100000000',
    // Guests come from many addresses (X-Forwarded-For below): one address may hold only a few public bookings.
    TRUSTED_PROXIES: '127.0.0.1',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${PORT}`;
await waitForHealth(base);

// Distinct slots: every half hour of every day from tomorrow, round-robin over the resources.
const startDay = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 2);
let slotIndex = 0;
/** A guest's own address for the index-th booking (the server trusts X-Forwarded-For from 127.0.0.1 here). */
const guestAddress = (index: number): string => `10.${Math.floor(index / 62_500) % 256}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
const guestHeaders = (index: number) => ({ 'content-type': 'application/json', 'x-tenant': 'bench', 'x-forwarded-for': guestAddress(index) });
function nextBody(): string {
  const index = slotIndex++;
  const resourceId = resourceIds[index % RESOURCES] ?? '';
  const start = new Date(startDay + Math.floor(index / RESOURCES) * 30 * 60_000).toISOString();
  return JSON.stringify({ service_id: service.id, resource_id: resourceId, start_time: start, customer: { first_name: 'Bench', email: `bench${index}@example.com` } });
}

// Warm-up: JIT, connection pool, prepared caches.
await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}/api/v1/bookings`, { method: 'POST', headers: guestHeaders(slotIndex), body: nextBody() }).then((r) => r.text())));

/** CPU seconds (user + system) used so far by the server process and by every PostgreSQL process on this machine. */
function cpuSeconds(): { server: number; postgres: number } {
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const process = processCpu(pid);
    if (process?.name === 'postgres') postgres += process.seconds;
  }
  return { server: processCpu(server.pid ?? 0)?.seconds ?? NaN, postgres };
}

const latencies: number[] = [];
const cpuBefore = cpuSeconds();
const loadBefore = loadavg().map((value) => value.toFixed(1)).join(' ');
const statuses = new Map<number, number>();
const instance = autocannon({
  url: `${base}/api/v1/bookings`,
  method: 'POST',
  connections,
  duration: seconds,
  headers: { 'content-type': 'application/json', 'x-tenant': 'bench' },
  requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...guestHeaders(slotIndex) }, body: nextBody() }) }],
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  latencies.push(responseTime);
  statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
});
const result = await instance;
const cpuAfter = cpuSeconds();
latencies.sort((a, b) => a - b);
const percentile = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const created = statuses.get(201) ?? 0;
process.stdout.write(`\nBooking creation: ${connections} clients, ${seconds} s, distinct slots over ${RESOURCES} resources` + '\n');
const responseSummary = [...statuses.entries()].map(([status, count]) => `${count} × ${status}`).join(', ');
process.stdout.write(`  responses: ${responseSummary}  (errors ${result.errors}, timeouts ${result.timeouts})\n`);
process.stdout.write(`  bookings/s: ${(created / result.duration).toFixed(0)}` + '\n');
const perBooking = (seconds: number): string => `${((seconds * 1000) / Math.max(created, 1)).toFixed(1)} ms`;
process.stdout.write(
  `  CPU per booking: server ${perBooking(cpuAfter.server - cpuBefore.server)}, PostgreSQL ${perBooking(cpuAfter.postgres - cpuBefore.postgres)}` +
    ` (load average before ${loadBefore})\n`,
);
process.stdout.write(`  latency ms: p50 ${percentile(50).toFixed(1)}, p95 ${percentile(95).toFixed(1)}, p99 ${percentile(99).toFixed(1)}, max ${(latencies.at(-1) ?? NaN).toFixed(1)}` + '\n');

// The storm: 200 concurrent requests for one slot.
const stormBody = JSON.stringify({ service_id: service.id, resource_id: resourceIds[0], start_time: new Date(startDay - 86_400_000).toISOString() });
const began = performance.now();
const outcomes = await Promise.all(
  Array.from({ length: 200 }, async (_, index) => {
    const body = JSON.parse(stormBody) as Record<string, unknown>;
    body.customer = { first_name: 'Storm', email: `storm${index}@example.com` };
    const response = await fetch(`${base}/api/v1/bookings`, { method: 'POST', headers: guestHeaders(1_000_000 + index), body: JSON.stringify(body) });
    const json = (await response.json()) as { error?: { code: string } };
    return `${response.status}${json.error ? ` ${json.error.code}` : ''}`;
  }),
);
const stormMs = performance.now() - began;
const tally = new Map<string, number>();
for (const outcome of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
process.stdout.write(`\nSame-slot storm: 200 concurrent requests in ${stormMs.toFixed(0)} ms` + '\n');
process.stdout.write(`  ${[...tally.entries()].map(([outcome, count]) => `${count} × ${outcome}`).join(', ')}\n`);

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
await dropDatabase(baseUrl, 'rh_bench_bookings');
