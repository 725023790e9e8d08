/**
 * The machine's floor for request work, to read the other benchmarks against.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/floor/run.ts [seconds=5]
 *
 * 1. PostgreSQL round trips from node-postgres: 50 concurrent workers over a pool of 20
 *    connections, each unit of work taking 1, 5, 10 or 20 `select $1` round trips on one
 *    connection: units/s, queries/s and this process's CPU per query.
 * 2. The HTTP server with no work: `GET /health` of the real server (`node src/main.ts
 *    serve`, on a scratch migrated database) from 50 autocannon connections: requests/s and
 *    server CPU per request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPostgres } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { dropDatabase, processCpu, recreateDatabase, waitForHealth } from '../support.ts';

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (the bench creates its own database there)');
const seconds = Number(process.argv[2] ?? 5);
const WORKERS = 50;

const url = await recreateDatabase(baseUrl, 'rh_bench_floor');

process.stdout.write(`\nPostgreSQL round trips: ${WORKERS} workers, pool of 20, ${seconds} s each\n`);
const pool = new pg.Pool({ connectionString: url, max: 20 });
for (const perUnit of [1, 5, 10, 20]) {
  const end = Date.now() + seconds * 1000;
  let units = 0;
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (Date.now() < end) {
        const client = await pool.connect();
        try {
          for (let index = 0; index < perUnit; index += 1) await client.query('select $1::int as value', [index]);
        } finally {
          client.release();
        }
        units += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const queries = units * perUnit;
  process.stdout.write(
    `  ${String(perUnit).padStart(2)} round trips per unit: ${(units / seconds).toFixed(0)} units/s, ${(queries / seconds).toFixed(0)} queries/s,` +
      ` client CPU ${((cpu.user + cpu.system) / 1000 / queries).toFixed(3)} ms per query\n`,
  );
}
await pool.end();

const handle = openPostgres({ connectionString: url, poolSize: 2 });
await migrate(handle);
await handle.close();
const dataDir = mkdtempSync(join(tmpdir(), 'rh-floor-'));
const PORT = 3900 + Math.floor(Math.random() * 90);
const server = spawn(process.execPath, ['src/main.ts', 'serve'], {
  cwd: join(import.meta.dirname, '../..'),
  env: { ...process.env, DATABASE_URL: url, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${PORT}`;
await waitForHealth(base);
const serverCpu = (): number => processCpu(server.pid ?? 0)?.seconds ?? NaN;
await autocannon({ url: `${base}/health`, connections: WORKERS, duration: 1 }); // warm-up
const before = serverCpu();
const result = await autocannon({ url: `${base}/health`, connections: WORKERS, duration: seconds });
const used = serverCpu() - before;
process.stdout.write(`\nHTTP with no work (GET /health): ${WORKERS} connections, ${seconds} s\n`);
process.stdout.write(
  `  requests/s: ${result.requests.average.toFixed(0)}, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms,` +
    ` server CPU ${((used * 1000) / Math.max(result.requests.total, 1)).toFixed(3)} ms per request\n`,
);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
await dropDatabase(baseUrl, 'rh_bench_floor');
