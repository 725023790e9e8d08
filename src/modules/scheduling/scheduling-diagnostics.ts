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

/** Whether any resource has weekly hours in force now or later (an active schedule not yet ended): the first-run checklist's hours step. */
export async function hasWeeklyHours(executor: Executor, tenantId: string): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    select exists (
      select 1 from schedules
      where tenant_id = ${tenantId} and is_active and (end_date is null or end_date >= current_date)
    ) as found`.execute(executor);
  return result.rows[0]?.found === true;
}
