import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Active resources with no active schedule that is current or still to come: nobody can book them. */
export async function resourcesWithoutSchedule(executor: Executor, tenantId: string): Promise<Array<{ id: string; name: string }>> {
  const result = await sql<{ id: string; name: string }>`
    select r.id, r.name
    from resources r
    where r.tenant_id = ${tenantId} and r.status = 'active'
      and not exists (
        select 1 from schedules sc
        where sc.tenant_id = r.tenant_id and sc.resource_id = r.id and sc.is_active
          and (sc.end_date is null or sc.end_date >= current_date))
    order by r.name, r.id
    limit 50`.execute(executor);
  return result.rows;
}
