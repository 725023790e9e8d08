import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { PLATFORM_TENANT_ID } from './tenancy.service.ts';

/** A tenant's plan and live subscription as platform figures need them (MRR, plan limits, upgrades). */
export interface SubscriptionFact {
  tenant_id: string;
  tenant_name: string;
  tenant_status: string;
  tenant_created_at: Date;
  plan_id: string;
  plan_name: string;
  plan_sort_order: number;
  /** The monthly price the subscription pays (its price version: grandfathered prices count), else the plan's; minor units of `plan_currency`; null: priced by contract. */
  plan_price_amount: number | null;
  plan_currency: string;
  plan_bookings_per_month: number | null;
  plan_users: number | null;
  /** The live (not cancelled) subscription's status, or null without one. */
  subscription_status: string | null;
  /** Bookings counted this calendar month (UTC), the usage the plan limits. */
  bookings_this_month: number;
}

/**
 * Every business with its plan, live subscription and this month's booking usage, across
 * tenants: call it on the platform connection (`withPlatform`). The platform's own tenant (its
 * administrators' home) is not a customer and is left out.
 */
export async function platformSubscriptionFacts(executor: Executor): Promise<SubscriptionFact[]> {
  const result = await sql<SubscriptionFact>`
    select t.id as tenant_id, t.name as tenant_name, t.status as tenant_status, t.created_at as tenant_created_at,
           p.id as plan_id, p.name as plan_name, p.sort_order as plan_sort_order,
           case when s.plan_id is null then p.price_amount else v.price_amount end as plan_price_amount,
           p.price_currency as plan_currency, p.bookings_per_month as plan_bookings_per_month, p.users as plan_users,
           s.status as subscription_status,
           coalesce((select sum(u.value) from tenant_usage u
                     where u.tenant_id = t.id and u.metric = 'bookings_per_month' and u.period_start = date_trunc('month', now() at time zone 'UTC')::date), 0)::bigint
             as bookings_this_month
    from tenants t
    left join subscriptions s on s.tenant_id = t.id and s.status <> 'cancelled'
    join plans p on p.id = coalesce(s.plan_id, t.plan_id)
    left join plan_versions v on v.plan_id = s.plan_id and v.version = s.plan_version
    where t.id <> ${PLATFORM_TENANT_ID}
    order by t.created_at, t.id`.execute(executor);
  return result.rows.map((row) => ({
    ...row,
    plan_price_amount: row.plan_price_amount === null ? null : Number(row.plan_price_amount),
    plan_currency: row.plan_currency.trim(),
    bookings_this_month: Number(row.bookings_this_month),
  }));
}
