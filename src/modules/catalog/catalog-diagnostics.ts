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

/** What a new business has set up in its catalogue, for the first-run checklist: three `exists`, one statement. */
export interface CatalogSetupFacts {
  /** An active location. */
  location: boolean;
  /** An active service. */
  service: boolean;
  /** An active resource (a staff member, a room) that delivers an active service. */
  deliveringResource: boolean;
}

export async function catalogSetupFacts(executor: Executor, tenantId: string): Promise<CatalogSetupFacts> {
  const result = await sql<{ location: boolean; service: boolean; delivering: boolean }>`
    select
      exists (select 1 from locations where tenant_id = ${tenantId} and status = 'active') as location,
      exists (select 1 from services where tenant_id = ${tenantId} and status = 'active') as service,
      exists (
        select 1 from service_resources sr
        join services s on s.tenant_id = sr.tenant_id and s.id = sr.service_id and s.status = 'active'
        join resources r on r.tenant_id = sr.tenant_id and r.id = sr.resource_id and r.status = 'active'
        where sr.tenant_id = ${tenantId}) as delivering`.execute(executor);
  const row = result.rows[0];
  return { location: row?.location === true, service: row?.service === true, deliveringResource: row?.delivering === true };
}
