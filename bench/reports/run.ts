/**
 * Analytics reports bench: `DATABASE_URL=postgres://… node bench/reports/run.ts`
 *
 * Creates a scratch database, migrates it and seeds 1,000 tenants with 1,000 bookings
 * each (1,000,000 bookings over a year, Europe/Madrid; three in seven completed and paid),
 * 200 customers, five scheduled staff and three services per tenant, with bulk SQL
 * (generate_series). Then prints the time to rebuild every rollup from scratch, and p50/p95
 * of the main report reads (a month of one tenant's business, through ReportsService as
 * the routes call it) and of one incremental refresh. BENCH_ITERATIONS (default 200) reads
 * per report; BENCH_REUSE_DB=1 keeps an already seeded database.
 */
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { createAnalyticsModule } from '../../src/modules/analytics/index.ts';
import { applyRefresh } from '../../src/modules/analytics/rollup-refresh.job.ts';
import { openPostgres } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { withPlatform, withTenant } from '../../src/platform/db/tenant-context.ts';
import { databaseUrlFor, dropDatabase, recreateDatabase } from '../support.ts';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server (the user must be allowed to create databases).\n');
  process.exit(2);
}
const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);
const reuse = process.env.BENCH_REUSE_DB === '1';
const NAME = 'rh_bench_reports';

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;

const url = reuse ? databaseUrlFor(serverUrl, NAME) : await recreateDatabase(serverUrl, NAME);
const handle = openPostgres({ connectionString: url, poolSize: 4 });
const db = handle.db;

async function seed(): Promise<void> {
  await migrate(handle);
  const started = performance.now();
  await withPlatform(db, async (trx) => {
    const id = (kind: string, n: string) => sql.raw(`md5(b.tenant_id::text || '${kind}' || ${n})::uuid`);
    await sql`insert into tenants (id, name, slug, plan_id) select gen_random_uuid(), 'Bench ' || n, 'bench-' || n, 'professional' from generate_series(1, 1000) n`.execute(trx);
    await sql`insert into businesses (tenant_id, name, slug, timezone, currency) select id, name, slug, 'Europe/Madrid', 'EUR' from tenants`.execute(trx);
    await sql`insert into locations (tenant_id, business_id, name, address, timezone) select tenant_id, id, 'Centro', '{}', 'Europe/Madrid' from businesses`.execute(trx);
    await sql`insert into resources (tenant_id, id, location_id, name, type)
      select b.tenant_id, ${id('r', 'k')}, l.id, 'Staff ' || k, 'staff' from businesses b join locations l on l.tenant_id = b.tenant_id cross join generate_series(0, 4) k`.execute(trx);
    await sql`insert into services (tenant_id, id, business_id, name, duration_minutes, price_amount, currency, cost_amount)
      select b.tenant_id, ${id('s', 'k')}, b.id, 'Service ' || k, 60, 3000, 'EUR', 1200 from businesses b cross join generate_series(0, 2) k`.execute(trx);
    await sql`insert into schedules (tenant_id, resource_id, name, start_date, time_slots)
      select tenant_id, id, 'Weekdays', '2025-01-01', '[{"start":"09:00","end":"17:00","days":[1,2,3,4,5]}]'::jsonb from resources`.execute(trx);
    await sql`insert into customers (tenant_id, id, type, first_name_enc, email_enc, email_bidx)
      select b.tenant_id, ${id('c', 'k')}, 'guest', 'x', 'x', md5(b.tenant_id::text || k) from businesses b cross join generate_series(0, 199) k`.execute(trx);
    await sql`insert into bookings (tenant_id, id, business_id, location_id, service_id, resource_id, customer_id, booking_number, status,
        start_time, end_time, service_name, resource_name, resource_type, time_zone, base_price, total_price, currency, customer_type, source, created_at)
      select b.tenant_id, gen_random_uuid(), b.id, l.id, ${id('s', 'n % 3')}, ${id('r', 'n % 5')}, ${id('c', '(n * 7) % 200')},
        'BK-2222' || substr(a.chars, n / 900 % 30 + 1, 1) || substr(a.chars, n / 30 % 30 + 1, 1) || substr(a.chars, n % 30 + 1, 1),
        (array['completed', 'completed', 'completed', 'confirmed', 'cancelled', 'no_show', 'expired'])[n % 7 + 1],
        s.start, s.start + interval '60 minutes', 'Service', 'Staff', 'staff', 'Europe/Madrid', 3000, 3000, 'EUR', 'guest',
        (array['web', 'widget', 'admin', 'api'])[n % 4 + 1], s.start - interval '3 days'
      from businesses b join locations l on l.tenant_id = b.tenant_id
      cross join (select '23456789ABCDEFGHJKMNPQRSTVWXYZ' as chars) a
      cross join generate_series(0, 999) n
      cross join lateral (select timestamptz '2025-07-01 07:00+00' + ((n * 37) % 365) * interval '1 day' + (n % 8) * interval '1 hour' as start) s`.execute(trx);
    await sql`insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, platform_fee, provider, idempotency_key)
      select tenant_id, id, customer_id, 'full_payment', 'succeeded', 3000, 'EUR', 117, 'sandbox', id::text from bookings where status = 'completed'`.execute(trx);
  });
  await sql`analyze`.execute(db);
  process.stdout.write(`seeded 1,000 tenants, 1,000,000 bookings in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (!reuse) await seed();
const analytics = createAnalyticsModule({ db });

let started = performance.now();
const rebuilt = await analytics.rebuild(null);
process.stdout.write(
  `rollup rebuild from scratch: ${((performance.now() - started) / 1000).toFixed(1)} s (${rebuilt.dailyRows} daily rows, ${rebuilt.hourlyRows} hourly rows, ${rebuilt.customerRows} customer rows)\n`,
);
await sql`analyze analytics_daily`.execute(db);
await sql`analyze analytics_hourly`.execute(db);
await sql`analyze analytics_customer_days`.execute(db);

const tenants = (await withPlatform(db, (trx) => sql<{ tenant_id: string; id: string }>`select tenant_id, id from businesses`.execute(trx))).rows;
const pick = (i: number) => tenants[(i * 7919) % tenants.length]!;
const month = { from: '2026-03-01', to: '2026-03-31' };
const reports: Record<string, (tenantId: string, businessId: string) => Promise<unknown>> = {
  overview: (t, b) => analytics.reports.overview(t, { ...month, business_id: b }),
  daily: (t, b) => analytics.reports.daily(t, { ...month, business_id: b }),
  services: (t, b) => analytics.reports.services(t, { ...month, business_id: b }),
  staff: (t, b) => analytics.reports.staff(t, { ...month, business_id: b }),
  customers: (t, b) => analytics.reports.customers(t, { ...month, business_id: b }),
  'heat map': (t, b) => analytics.reports.heatmap(t, { ...month, business_id: b }),
  'cohorts (12 months)': (t, b) => analytics.reports.cohorts(t, { from: '2025-07-01', to: '2026-06-30', business_id: b }),
  'overview (a year)': (t, b) => analytics.reports.overview(t, { from: '2025-07-01', to: '2026-06-30', business_id: b }),
};

process.stdout.write(`\nreport reads, ${iterations} each over different tenants (ReportsService, one tenant transaction each):\n`);
for (const [name, read] of Object.entries(reports)) {
  for (let i = 0; i < 10; i += 1) await read(pick(i).tenant_id, pick(i).id);
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const { tenant_id, id } = pick(i + 10);
    started = performance.now();
    await read(tenant_id, id);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`  ${name.padEnd(22)} p50 ${ms(percentile(times, 50)).padStart(9)}   p95 ${ms(percentile(times, 95)).padStart(9)}\n`);
}

const bookings = (await withPlatform(db, (trx) => sql<{ tenant_id: string; id: string }>`select tenant_id, id from bookings tablesample system (1) limit ${iterations}`.execute(trx))).rows;
const refresh: number[] = [];
for (const booking of bookings) {
  started = performance.now();
  await withTenant(db, booking.tenant_id, (trx) => applyRefresh(trx, booking.tenant_id, { booking_id: booking.id, places: [], customer_ids: [] }));
  refresh.push(performance.now() - started);
}
refresh.sort((a, b) => a - b);
process.stdout.write(`  ${'refresh (one event)'.padEnd(22)} p50 ${ms(percentile(refresh, 50)).padStart(9)}   p95 ${ms(percentile(refresh, 95)).padStart(9)}\n`);

await handle.close();
if (process.env.BENCH_KEEP_DB !== '1' && !reuse) await dropDatabase(serverUrl, NAME);
