/** The subscriptions table: a tenant's live subscription (one at most) and the changes billing makes to it. */
import type { Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { SubscriptionStatus, SubscriptionsTable } from './tenancy.tables.ts';
import type { SubscriptionRow } from './tenancy.repository.ts';

export async function insertSubscription(
  executor: Executor,
  values: { tenantId: string; planId: string; planVersion: number; status: SubscriptionStatus; periodStart: Date; periodEnd: Date; trialEnd?: Date | null },
): Promise<SubscriptionRow> {
  return executor
    .insertInto('subscriptions')
    .values({
      tenant_id: values.tenantId,
      plan_id: values.planId,
      plan_version: values.planVersion,
      status: values.status,
      current_period_start: values.periodStart,
      current_period_end: values.periodEnd,
      trial_end: values.trialEnd ?? null,
      provider_subscription_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLiveSubscription(executor: Executor, tenantId: string): Promise<SubscriptionRow | undefined> {
  return executor
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
}

/** Changes the tenant's live subscription (billing's lifecycle: periods, dunning, pending changes). */
export async function updateLiveSubscription(
  executor: Executor,
  tenantId: string,
  patch: Updateable<SubscriptionsTable>,
): Promise<SubscriptionRow | undefined> {
  return executor
    .updateTable('subscriptions')
    .set({ ...patch, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'cancelled')
    .returningAll()
    .executeTakeFirst();
}

/** The live subscription, locked for the caller's transaction (one lifecycle change at a time). */
export async function lockLiveSubscription(executor: Executor, tenantId: string): Promise<SubscriptionRow | undefined> {
  return executor
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'cancelled')
    .forUpdate()
    .executeTakeFirst();
}

/** Moves the live subscription to another plan at that plan's current prices (`planVersion`). */
export async function updateSubscriptionPlan(executor: Executor, tenantId: string, planId: string, planVersion: number): Promise<void> {
  await executor
    .updateTable('subscriptions')
    .set({ plan_id: planId, plan_version: planVersion, renewal_plan_version: null, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', 'cancelled')
    .execute();
}
