import { sql, type Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { RequiredResourceGroup, ServicePricingTable, ServicesTable } from './catalog.tables.ts';
import type { PricingTierInput } from './pricing.ts';

export type ServiceRow = Selectable<ServicesTable> & { resource_ids: string[] };
export type TierRow = Selectable<ServicePricingTable>;
/** A tier row as `to_jsonb` renders it: timestamps become ISO strings. */
type TierJson = Omit<TierRow, 'valid_from' | 'valid_until' | 'created_at'> & { valid_from: string | null; valid_until: string | null; created_at: string };

function tierFromJson(json: TierJson): TierRow {
  return {
    ...json,
    valid_from: json.valid_from === null ? null : new Date(json.valid_from),
    valid_until: json.valid_until === null ? null : new Date(json.valid_until),
    created_at: new Date(json.created_at),
  };
}

/** Columns of `services` a create or update writes, already in stored form. */
export interface ServiceValues {
  category_id?: string | null;
  name?: string;
  description?: string | null;
  duration_minutes?: number;
  buffer_before_minutes?: number;
  buffer_after_minutes?: number;
  capacity?: number;
  slot_interval_minutes?: number | null;
  min_notice_minutes?: number;
  max_advance_days?: number;
  price_amount?: number;
  currency?: string;
  cost_amount?: number | null;
  deposit_type?: ServicesTable['deposit_type'];
  deposit_value?: number;
  cancellation_policy?: Record<string, unknown> | null;
  required_resources?: RequiredResourceGroup[];
  settings?: Record<string, unknown>;
  status?: ServiceRow['status'];
}

export interface ServiceListOptions {
  businessId?: string | undefined;
  categoryId?: string | undefined;
  resourceId?: string | undefined;
  status?: ServiceRow['status'] | undefined;
  search?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

function stored(values: ServiceValues) {
  const { cancellation_policy, required_resources, settings, ...plain } = values;
  return {
    ...plain,
    ...(cancellation_policy !== undefined
      ? { cancellation_policy: cancellation_policy === null ? null : JSON.stringify(cancellation_policy) }
      : {}),
    ...(required_resources !== undefined ? { required_resources: JSON.stringify(required_resources) } : {}),
    ...(settings !== undefined ? { settings: JSON.stringify(settings) } : {}),
  };
}

export class ServicesRepository {
  async insert(
    trx: Trx,
    tenantId: string,
    businessId: string,
    values: ServiceValues & Required<Pick<ServiceValues, 'name' | 'duration_minutes' | 'price_amount' | 'currency'>>,
  ): Promise<string> {
    const row = await trx
      .insertInto('services')
      .values({
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        capacity: 1,
        min_notice_minutes: 0,
        max_advance_days: 365,
        deposit_type: 'none',
        deposit_value: 0,
        category_id: null,
        description: null,
        slot_interval_minutes: null,
        cancellation_policy: null,
        required_resources: '[]',
        settings: '{}',
        ...stored(values),
        name: values.name,
        duration_minutes: values.duration_minutes,
        price_amount: values.price_amount,
        currency: values.currency,
        tenant_id: tenantId,
        business_id: businessId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async update(trx: Trx, tenantId: string, id: string, values: ServiceValues): Promise<boolean> {
    const result = await trx
      .updateTable('services')
      .set({ ...stored(values), updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Replaces the set of resources that deliver the service. */
  async setResources(trx: Trx, tenantId: string, serviceId: string, resourceIds: readonly string[]): Promise<void> {
    await trx
      .deleteFrom('service_resources')
      .where('tenant_id', '=', tenantId)
      .where('service_id', '=', serviceId)
      .execute();
    if (resourceIds.length === 0) return;
    await trx
      .insertInto('service_resources')
      .values([...new Set(resourceIds)].map((resourceId) => ({ tenant_id: tenantId, service_id: serviceId, resource_id: resourceId })))
      .execute();
  }

  private selectWithResources(executor: Executor, tenantId: string) {
    return executor
      .selectFrom('services as s')
      .selectAll('s')
      .select(
        sql<string[]>`coalesce((select array_agg(sr.resource_id order by sr.resource_id) from service_resources sr
          where sr.tenant_id = s.tenant_id and sr.service_id = s.id), '{}')`.as('resource_ids'),
      )
      .where('s.tenant_id', '=', tenantId);
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<ServiceRow | undefined> {
    return this.selectWithResources(executor, tenantId).where('s.id', '=', id).executeTakeFirst();
  }

  /**
   * The service with its pricing tiers in one round trip (the booking and availability
   * paths read both for every request). Tiers come back in `listTiers` order.
   */
  async findByIdWithTiers(executor: Executor, tenantId: string, id: string): Promise<{ row: ServiceRow; tiers: TierRow[] } | undefined> {
    const found = await this.selectWithResources(executor, tenantId)
      .select(
        sql<TierJson[]>`coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at, p.id) from service_pricing p
          where p.tenant_id = s.tenant_id and p.service_id = s.id), '[]'::jsonb)`.as('tiers_json'),
      )
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!found) return undefined;
    const { tiers_json: tiersJson, ...row } = found;
    return { row, tiers: tiersJson.map(tierFromJson) };
  }

  async list(executor: Executor, tenantId: string, options: ServiceListOptions): Promise<ServiceRow[]> {
    let query = this.selectWithResources(executor, tenantId);
    if (options.businessId !== undefined) query = query.where('s.business_id', '=', options.businessId);
    if (options.categoryId !== undefined) query = query.where('s.category_id', '=', options.categoryId);
    if (options.status !== undefined) query = query.where('s.status', '=', options.status);
    if (options.search !== undefined) query = query.where('s.name', 'ilike', `%${options.search.replace(/[\\%_]/g, '\\$&')}%`);
    const resourceId = options.resourceId;
    if (resourceId !== undefined) {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('service_resources as sr')
            .select('sr.resource_id')
            .whereRef('sr.tenant_id', '=', 's.tenant_id')
            .whereRef('sr.service_id', '=', 's.id')
            .where('sr.resource_id', '=', resourceId),
        ),
      );
    }
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('s.created_at', 's.id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    return query.orderBy('s.created_at').orderBy('s.id').limit(options.limit + 1).execute();
  }

  async delete(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx.deleteFrom('services').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async archive(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx
      .updateTable('services')
      .set({ status: 'archived', updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listTiers(executor: Executor, tenantId: string, serviceId: string): Promise<TierRow[]> {
    return executor
      .selectFrom('service_pricing')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('service_id', '=', serviceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async insertTier(trx: Trx, tenantId: string, serviceId: string, tier: PricingTierInput): Promise<TierRow> {
    return trx
      .insertInto('service_pricing')
      .values({ tenant_id: tenantId, service_id: serviceId, ...tierValues(tier) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async replaceTier(trx: Trx, tenantId: string, serviceId: string, tierId: string, tier: PricingTierInput): Promise<TierRow | undefined> {
    return trx
      .updateTable('service_pricing')
      .set(tierValues(tier))
      .where('tenant_id', '=', tenantId)
      .where('service_id', '=', serviceId)
      .where('id', '=', tierId)
      .returningAll()
      .executeTakeFirst();
  }

  async deleteTier(trx: Trx, tenantId: string, serviceId: string, tierId: string): Promise<number> {
    const result = await trx
      .deleteFrom('service_pricing')
      .where('tenant_id', '=', tenantId)
      .where('service_id', '=', serviceId)
      .where('id', '=', tierId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function tierValues(tier: PricingTierInput) {
  return {
    name: tier.name,
    base_price: tier.base_price,
    currency: tier.currency,
    deposit_type: tier.deposit_type,
    deposit_value: tier.deposit_value,
    is_default: tier.is_default,
    conditions: tier.conditions === null ? null : JSON.stringify(tier.conditions),
    valid_from: tier.valid_from === null ? null : new Date(tier.valid_from),
    valid_until: tier.valid_until === null ? null : new Date(tier.valid_until),
    priority: tier.priority ?? 0,
  };
}
