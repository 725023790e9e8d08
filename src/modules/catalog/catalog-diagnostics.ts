import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Active services no active resource delivers: their booking page can never offer a time. */
export async function servicesWithoutResources(executor: Executor, tenantId: string): Promise<Array<{ id: string; name: string }>> {
  const result = await sql<{ id: string; name: string }>`
    select s.id, s.name
    from services s
    where s.tenant_id = ${tenantId} and s.status = 'active'
      and not exists (
        select 1 from service_resources sr
        join resources r on r.tenant_id = sr.tenant_id and r.id = sr.resource_id and r.status = 'active'
        where sr.tenant_id = s.tenant_id and sr.service_id = s.id)
    order by s.name, s.id
    limit 50`.execute(executor);
  return result.rows;
}
