import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';

export interface BenchTenant {
  tenantId: string;
  slug: string;
  serviceId: string;
  resourceIds: string[];
}

const SLOT_MS = 30 * 60_000;

/**
 * 1,000 tenants, each with a business, a location, three staff with a weekly
 * schedule, a service and a few dozen allocations; plus the measured tenant: ten
 * resources (Mon–Sat 09:00–19:00, Europe/Madrid), a 30-minute service all ten
 * deliver, a holiday exception, and 2,000 allocations over the coming weeks.
 * Bulk SQL as the platform role: this is data loading, not application work.
 */
export async function seedBenchmark(db: Db, startDate: string): Promise<BenchTenant> {
  return withPlatform(db, async (trx) => {
    await sql`
      insert into tenants (id, name, slug, plan_id)
      select gen_random_uuid(), 'Bench ' || n, 'bench-' || n, 'professional' from generate_series(1, 1000) n`.execute(trx);
    await sql`
      insert into businesses (tenant_id, name, slug, timezone, currency)
      select id, name, slug, 'Europe/Madrid', 'EUR' from tenants where slug like 'bench-%'`.execute(trx);
    await sql`
      insert into locations (tenant_id, business_id, name, address, timezone)
      select tenant_id, id, 'Centro', '{}', 'Europe/Madrid' from businesses where slug like 'bench-%'`.execute(trx);
    await sql`
      insert into resources (tenant_id, location_id, name, type)
      select l.tenant_id, l.id, 'Staff ' || n, 'staff'
      from locations l cross join generate_series(1, 3) n
      where l.tenant_id in (select id from tenants where slug like 'bench-%' and slug <> 'bench-1')`.execute(trx);
    // The measured tenant: ten resources.
    await sql`
      insert into resources (tenant_id, location_id, name, type)
      select l.tenant_id, l.id, 'Staff ' || lpad(n::text, 2, '0'), 'staff'
      from locations l cross join generate_series(1, 10) n
      where l.tenant_id = (select id from tenants where slug = 'bench-1')`.execute(trx);
    await sql`
      insert into schedules (tenant_id, resource_id, name, start_date, time_slots)
      select tenant_id, id, 'Lunes a sábado', date '2026-01-01',
        '[{"start": "09:00", "end": "14:00", "days": [1,2,3,4,5,6]}, {"start": "14:00", "end": "19:00", "days": [1,2,3,4,5,6]}]'
      from resources where tenant_id in (select id from tenants where slug like 'bench-%')`.execute(trx);
    await sql`
      insert into services (tenant_id, business_id, name, duration_minutes, price_amount, currency)
      select tenant_id, id, 'Corte', 30, 2000, 'EUR' from businesses where slug like 'bench-%'`.execute(trx);
    await sql`
      insert into service_resources (tenant_id, service_id, resource_id)
      select s.tenant_id, s.id, r.id from services s join resources r on r.tenant_id = s.tenant_id
      where s.tenant_id in (select id from tenants where slug like 'bench-%')`.execute(trx);
    await sql`
      insert into schedule_exceptions (tenant_id, resource_id, exception_date, type, reason)
      select tenant_id, id, ${startDate}::date + 3, 'holiday', 'Fiesta local' from resources
      where tenant_id = (select id from tenants where slug = 'bench-1') limit 2`.execute(trx);
    // Every other tenant: 30 allocations on its first resource.
    await sql`
      insert into allocations (tenant_id, resource_id, booking_id, occupied, capacity_mode)
      select r.tenant_id, r.id, gen_random_uuid(),
        tstzrange(${startDate}::date + (n / 6) + time '09:00' + (n % 6) * interval '1 hour',
                  ${startDate}::date + (n / 6) + time '09:30' + (n % 6) * interval '1 hour'), 'exclusive'
      from (select distinct on (tenant_id) tenant_id, id from resources
            where tenant_id in (select id from tenants where slug like 'bench-%' and slug <> 'bench-1')
            order by tenant_id, id) r
      cross join generate_series(0, 29) n`.execute(trx);

    const tenant = await sql<{ id: string }>`select id from tenants where slug = 'bench-1'`.execute(trx);
    const tenantId = tenant.rows[0]?.id ?? '';
    const service = await sql<{ id: string }>`select id from services where tenant_id = ${tenantId}`.execute(trx);
    const resources = await sql<{ id: string }>`select id from resources where tenant_id = ${tenantId} order by name`.execute(trx);
    const resourceIds = resources.rows.map((row) => row.id);

    // 2,000 bookings' worth of allocations: 200 per resource, 8 a day on alternate half hours.
    const base = Date.parse(`${startDate}T09:00:00+01:00`);
    const rows: { resourceId: string; start: Date; end: Date }[] = [];
    resourceIds.forEach((resourceId, index) => {
      for (let k = 0; k < 200; k += 1) {
        const start = base + Math.floor(k / 8) * 86_400_000 + ((k % 8) * 2 + (index % 2)) * SLOT_MS;
        rows.push({ resourceId, start: new Date(start), end: new Date(start + SLOT_MS) });
      }
    });
    for (let offset = 0; offset < rows.length; offset += 500) {
      const values = rows
        .slice(offset, offset + 500)
        .map((row) => sql`(${tenantId}::uuid, ${row.resourceId}::uuid, gen_random_uuid(), tstzrange(${row.start}, ${row.end}), 'exclusive')`);
      await sql`insert into allocations (tenant_id, resource_id, booking_id, occupied, capacity_mode) values ${sql.join(values)}`.execute(trx);
    }
    await sql`analyze`.execute(trx);
    return { tenantId, slug: 'bench-1', serviceId: service.rows[0]?.id ?? '', resourceIds };
  });
}

/** The measured tenant of a database seeded before (BENCH_REUSE_DB). */
export async function findBenchTenant(db: Db): Promise<BenchTenant> {
  return withPlatform(db, async (trx) => {
    const tenant = await sql<{ id: string }>`select id from tenants where slug = 'bench-1'`.execute(trx);
    const tenantId = tenant.rows[0]?.id;
    if (tenantId === undefined) throw new Error('no bench-1 tenant: run once with BENCH_KEEP_DB=1 first');
    const service = await sql<{ id: string }>`select id from services where tenant_id = ${tenantId}`.execute(trx);
    const resources = await sql<{ id: string }>`select id from resources where tenant_id = ${tenantId} order by name`.execute(trx);
    return { tenantId, slug: 'bench-1', serviceId: service.rows[0]?.id ?? '', resourceIds: resources.rows.map((row) => row.id) };
  });
}
