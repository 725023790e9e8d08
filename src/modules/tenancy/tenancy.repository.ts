import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { deferWrites } from '../../platform/db/transaction-context.ts';
import type {
  StoredBusinessSettings,
  BusinessesTable,
  PlansTable,
  TenantSettings,
  TenantStatus,
  TenantsTable,
  SubscriptionsTable,
} from './tenancy.tables.ts';
import './tenancy.tables.ts';
import type { PlanMetric } from './plan-limits.ts';

export type PlanRow = Selectable<PlansTable>;
export type TenantRow = Selectable<TenantsTable>;
export type BusinessRow = Selectable<BusinessesTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;

export { insertSubscription, findLiveSubscription, updateLiveSubscription, lockLiveSubscription, updateSubscriptionPlan } from './subscriptions.repository.ts';

export async function listPlans(executor: Executor, options: { publicOnly?: boolean } = {}): Promise<PlanRow[]> {
  return executor
    .selectFrom('plans')
    .selectAll()
    .$if(options.publicOnly === true, (query) => query.where('is_public', '=', true))
    .orderBy('sort_order')
    .execute();
}

export async function findPlan(executor: Executor, planId: string): Promise<PlanRow | undefined> {
  return executor.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
}

export async function insertTenant(
  executor: Executor,
  values: { name: string; slug: string; planId: string; settings?: TenantSettings },
): Promise<TenantRow> {
  return executor
    .insertInto('tenants')
    .values({
      name: values.name,
      slug: values.slug,
      plan_id: values.planId,
      settings: JSON.stringify(values.settings ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function slugTaken(executor: Executor, slug: string): Promise<boolean> {
  const row = await executor.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

export async function findTenantById(executor: Executor, tenantId: string): Promise<TenantRow | undefined> {
  return executor.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
}

/**
 * A tenant with, in one statement: a platform setting (`key`), the plan's monthly booking limit
 * (undefined: no plan row; null: unlimited) and, when `businessId` is given, that business's
 * settings (undefined: no such business).
 */
export async function findTenantWithPlatformSetting(
  executor: Executor,
  tenantId: string,
  key: string,
  businessId?: string,
): Promise<
  | { tenant: TenantRow; setting: Record<string, unknown> | undefined; businessSettings: StoredBusinessSettings | undefined; bookingLimit: number | null | undefined }
  | undefined
> {
  const row = await executor
    .selectFrom('tenants')
    .leftJoin('plans', 'plans.id', 'tenants.plan_id')
    .selectAll('tenants')
    .select((eb) => [
      'plans.id as plan_found',
      'plans.bookings_per_month as booking_limit',
      eb.selectFrom('platform_settings').select('value').where('key', '=', key).as('platform_setting_value'),
      eb
        .selectFrom('businesses')
        .select('settings')
        .whereRef('businesses.tenant_id', '=', 'tenants.id')
        // Without a business id, `= null` matches no row: no settings.
        .where('businesses.id', '=', businessId ?? null)
        .as('business_settings'),
    ])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { platform_setting_value: setting, business_settings: businessSettings, plan_found: planFound, booking_limit: limit, ...tenant } = row;
  return {
    tenant,
    setting: setting ?? undefined,
    businessSettings: businessSettings ?? undefined,
    bookingLimit: planFound === null ? undefined : limit === null ? null : Number(limit),
  };
}

export async function findTenantBySlug(executor: Executor, slug: string): Promise<TenantRow | undefined> {
  return executor.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findTenantByDomain(executor: Executor, domain: string): Promise<TenantRow | undefined> {
  return executor.selectFrom('tenants').selectAll().where(sql<string>`lower(domain)`, '=', domain.toLowerCase()).executeTakeFirst();
}

export interface TenantSearch {
  search?: string | undefined;
  status?: TenantStatus | undefined;
  /** Keyset position: the previous page's last `position` (epoch seconds, microseconds exact) and id. */
  after?: { position: string; id: string } | undefined;
  limit: number;
}

/** Platform administration: tenants newest first, optionally filtered by name/slug/domain and status. */
export async function searchTenants(executor: Executor, options: TenantSearch): Promise<Array<TenantRow & { position: string }>> {
  return executor
    .selectFrom('tenants')
    .selectAll()
    .$if(options.search !== undefined, (query) => {
      const pattern = `%${(options.search ?? '').replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
      return query.where((eb) =>
        eb.or([eb('name', 'ilike', pattern), eb('slug', 'ilike', pattern), eb('domain', 'ilike', pattern)]),
      );
    })
    .$if(options.status !== undefined, (query) => query.where('status', '=', options.status ?? 'active'))
    .$if(options.after !== undefined, (query) =>
      query.where(
        sql<boolean>`(extract(epoch from created_at), id) < (${options.after?.position ?? '0'}::numeric, ${options.after?.id ?? ''}::uuid)`,
      ),
    )
    .select(sql<string>`extract(epoch from created_at)::text`.as('position'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

export async function updateTenantPlan(executor: Executor, tenantId: string, planId: string): Promise<void> {
  await executor.updateTable('tenants').set({ plan_id: planId, updated_at: new Date() }).where('id', '=', tenantId).execute();
}

export async function updateTenantStatus(
  executor: Executor,
  tenantId: string,
  status: TenantStatus,
  settings: TenantSettings,
): Promise<void> {
  await executor
    .updateTable('tenants')
    .set({ status, settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', tenantId)
    .execute();
}

export async function updateTenantSettings(executor: Executor, tenantId: string, settings: TenantSettings): Promise<void> {
  await executor
    .updateTable('tenants')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', tenantId)
    .execute();
}


/** The month's value of a metered metric: the sum of its shards (see migration 0064). */
export async function usageValue(executor: Executor, tenantId: string, metric: string, periodStart: string): Promise<number> {
  const row = await executor
    .selectFrom('tenant_usage')
    .select((eb) => eb.fn.sum<string | number | null>('value').as('value'))
    .where('tenant_id', '=', tenantId)
    .where('metric', '=', metric)
    .where('period_start', '=', periodStart)
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}

export async function addUsage(
  executor: Executor,
  tenantId: string,
  metric: string,
  periodStart: string,
  amount: number,
): Promise<number> {
  // Corrections go to shard 0; the value reported is the sum of all shards.
  await sql`
    insert into tenant_usage (tenant_id, metric, period_start, shard, value)
    values (${tenantId}, ${metric}, ${periodStart}::date, 0, greatest(${amount}, 0))
    on conflict (tenant_id, metric, period_start, shard)
      do update set value = greatest(tenant_usage.value + ${amount}, 0), updated_at = now()`.execute(executor);
  return usageValue(executor, tenantId, metric, periodStart);
}

/** Shards 1..USAGE_SHARDS-1 take the units of unlimited plans; shard 0 those of limited ones. */
const USAGE_SHARDS = 32;

/**
 * Units for a tenant whose plan has no limit for `metric`: nothing to check, so the increment
 * (on a random shard) is sent with the transaction's deferred writes, just before commit, and
 * holds its row lock only from there to the commit. One call per transaction: two upserts of
 * one row in one statement would fail.
 */
export async function addUnlimitedUsage(executor: Executor, tenantId: string, metric: PlanMetric, periodStart: string, amount: number): Promise<void> {
  await deferWrites(executor, [
    sql`insert into tenant_usage (tenant_id, metric, period_start, shard, value)
        values (${tenantId}::uuid, ${metric}, ${periodStart}::date, 1 + floor(random() * ${USAGE_SHARDS - 1})::int, ${amount})
        on conflict (tenant_id, metric, period_start, shard) do update set value = tenant_usage.value + excluded.value, updated_at = now()`,
  ]);
}

/**
 * Adds one unit unless that would pass the limit of the tenant's plan for `metric` (null =
 * unlimited), in one statement (one round trip on the booking path). A limited plan counts
 * on shard 0 and checks shard 0 plus the other shards against the limit: the upsert's row
 * lock serialises that tenant's consumers, so the last unit is never taken twice. An
 * unlimited plan counts on a random other shard, so concurrent bookings of a busy tenant
 * do not queue on one row until commit. Returns the new total (for unlimited plans read
 * without waiting for concurrent consumers), or null when refused or the tenant has no plan.
 */
export async function consumeUsageOfPlan(
  executor: Executor,
  tenantId: string,
  metric: PlanMetric,
  periodStart: string,
  /** Share of the limit this consumer may fill, in basis points (public bookings get less than staff). */
  shareBasisPoints = 10_000,
): Promise<number | null> {
  const row = await sql<{ total: number | string }>`
    with target as (
      select floor(${sql.ref(`plans.${metric}`)}::bigint * ${shareBasisPoints}::int / 10000) as lim,
             case when ${sql.ref(`plans.${metric}`)} is null then 1 + floor(random() * ${USAGE_SHARDS - 1})::int else 0 end as shard
      from plans join tenants on tenants.plan_id = plans.id
      where tenants.id = ${tenantId}
    ),
    others as (
      select coalesce(sum(u.value), 0) as value
      from tenant_usage u, target
      where u.tenant_id = ${tenantId} and u.metric = ${metric} and u.period_start = ${periodStart}::date and u.shard <> target.shard
    )
    insert into tenant_usage (tenant_id, metric, period_start, shard, value)
    select ${tenantId}::uuid, ${metric}, ${periodStart}::date, target.shard, 1
    from target, others
    where target.lim is null or others.value + 1 <= target.lim
    on conflict (tenant_id, metric, period_start, shard)
      do update set value = tenant_usage.value + 1, updated_at = now()
      where (select lim from target) is null or tenant_usage.value + (select value from others) < (select lim from target)
    returning value + (select value from others) as total`.execute(executor);
  const total = row.rows[0]?.total;
  return total === undefined ? null : Number(total);
}

/**
 * Gives back one unit of the month `periodStart` (a booking that expired unpaid or was
 * cancelled the day it was made): from shard 0 when it holds any, else from another shard
 * that does, never below zero. Returns whether a unit was given back.
 */
export async function returnUsage(executor: Executor, tenantId: string, metric: PlanMetric, periodStart: string): Promise<boolean> {
  const result = await sql`
    update tenant_usage set value = value - 1, updated_at = now()
    where tenant_id = ${tenantId} and metric = ${metric} and period_start = ${periodStart}::date
      and shard = (select shard from tenant_usage
                   where tenant_id = ${tenantId} and metric = ${metric} and period_start = ${periodStart}::date and value > 0
                   order by shard limit 1)`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function findBusiness(executor: Executor, tenantId: string, businessId: string): Promise<BusinessRow | undefined> {
  return executor
    .selectFrom('businesses')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', businessId)
    .executeTakeFirst();
}

export async function listBusinesses(executor: Executor, tenantId: string): Promise<BusinessRow[]> {
  return executor
    .selectFrom('businesses')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertBusiness(
  executor: Executor,
  values: { tenantId: string; name: string; slug: string; timezone: string; currency: string; settings?: StoredBusinessSettings },
): Promise<BusinessRow> {
  return executor
    .insertInto('businesses')
    .values({
      tenant_id: values.tenantId,
      name: values.name,
      slug: values.slug,
      timezone: values.timezone,
      currency: values.currency,
      settings: JSON.stringify(values.settings ?? { guest_verification: 'none' }),
      description: null,
      logo_url: null,
      website: null,
      phone: null,
      email: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface BusinessPatch {
  name?: string | undefined;
  description?: string | null | undefined;
  logo_url?: string | null | undefined;
  website?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  address?: Record<string, unknown> | null | undefined;
  timezone?: string | undefined;
  currency?: string | undefined;
  settings?: StoredBusinessSettings | undefined;
}

export async function updateBusiness(
  executor: Executor,
  tenantId: string,
  businessId: string,
  patch: BusinessPatch,
): Promise<BusinessRow | undefined> {
  const { address, settings, ...plain } = patch;
  return executor
    .updateTable('businesses')
    .set({
      ...Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== undefined)),
      ...(address !== undefined ? { address: address === null ? null : JSON.stringify(address) } : {}),
      ...(settings !== undefined ? { settings: JSON.stringify(settings) } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', businessId)
    .returningAll()
    .executeTakeFirst();
}

export async function readPlatformSetting(executor: Executor, key: string): Promise<Record<string, unknown> | undefined> {
  const row = await executor.selectFrom('platform_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writePlatformSetting(executor: Executor, key: string, value: Record<string, unknown>): Promise<void> {
  await executor
    .insertInto('platform_settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }))
    .execute();
}
