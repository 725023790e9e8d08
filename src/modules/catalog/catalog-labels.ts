import type { Executor } from '../../platform/db/database.ts';

/** A service as reports show it: name, price and the cost the business entered. */
export interface ServiceLabel {
  id: string;
  business_id: string;
  name: string;
  price_amount: number;
  currency: string;
  cost_amount: number | null;
}

/** A resource as reports show it: name, kind, location and the staff user it is (if any). */
export interface ResourceLabel {
  id: string;
  location_id: string;
  name: string;
  type: string;
  user_id: string | null;
}

/** A location as reports show it: its business and zone. */
export interface LocationLabel {
  id: string;
  business_id: string;
  name: string;
  timezone: string;
}

/** The names and costs of a tenant's locations, services and resources (archived ones included: past figures name them). */
export async function catalogLabels(
  executor: Executor,
  tenantId: string,
): Promise<{ locations: LocationLabel[]; services: ServiceLabel[]; resources: ResourceLabel[] }> {
  const locations = await executor
    .selectFrom('locations')
    .select(['id', 'business_id', 'name', 'timezone'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute();
  const services = await executor
    .selectFrom('services')
    .select(['id', 'business_id', 'name', 'price_amount', 'currency', 'cost_amount'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute();
  const resources = await executor
    .selectFrom('resources')
    .select(['id', 'location_id', 'name', 'type', 'user_id'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute();
  return {
    locations,
    services: services.map((row) => ({ ...row, currency: row.currency.trim() })),
    resources,
  };
}
