/** The plans table as the platform edits it, the prices' versions, and who subscribes at which. */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PlanRow } from './tenancy.repository.ts';
import type { PlansTable, PlanVersionsTable } from './tenancy.tables.ts';
import { PLATFORM_TENANT_ID } from './tenancy.service.ts';

export type PlanVersionRow = Selectable<PlanVersionsTable>;

/** A plan with its live subscriptions: all of them, and those paying an older price at their next renewal. */
export type PlanWithSubscribers = PlanRow & { subscribers: number; grandfathered: number };

export async function listPlansWithSubscribers(executor: Executor): Promise<PlanWithSubscribers[]> {
  const rows = await executor
    .selectFrom('plans')
    .selectAll('plans')
    .select((eb) => [
      eb
        .selectFrom('subscriptions')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('subscriptions.plan_id', '=', 'plans.id')
        .where('subscriptions.status', '<>', 'cancelled')
        .where('subscriptions.tenant_id', '<>', PLATFORM_TENANT_ID)
        .as('subscribers'),
      eb
        .selectFrom('subscriptions')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('subscriptions.plan_id', '=', 'plans.id')
        .where('subscriptions.status', '<>', 'cancelled')
        .where('subscriptions.tenant_id', '<>', PLATFORM_TENANT_ID)
        .where(sql<boolean>`coalesce(subscriptions.renewal_plan_version, subscriptions.plan_version) <> plans.price_version`)
        .as('grandfathered'),
    ])
    .orderBy('plans.sort_order')
    .orderBy('plans.id')
    .execute();
  return rows.map((row) => ({ ...row, subscribers: Number(row.subscribers ?? 0), grandfathered: Number(row.grandfathered ?? 0) }));
}

/** The plan, locked for the caller's transaction (one edit at a time, so versions are numbered without gaps). */
export async function lockPlan(executor: Executor, planId: string): Promise<PlanRow | undefined> {
  return executor.selectFrom('plans').selectAll().where('id', '=', planId).forUpdate().executeTakeFirst();
}

export async function insertPlan(executor: Executor, values: Insertable<PlansTable>): Promise<PlanRow | undefined> {
  return executor
    .insertInto('plans')
    .values(values)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updatePlan(executor: Executor, planId: string, patch: Updateable<PlansTable>): Promise<PlanRow> {
  return executor.updateTable('plans').set(patch).where('id', '=', planId).returningAll().executeTakeFirstOrThrow();
}

export async function insertPlanVersion(executor: Executor, values: Insertable<PlanVersionsTable>): Promise<void> {
  await executor.insertInto('plan_versions').values(values).execute();
}

export async function findPlanVersion(executor: Executor, planId: string, version: number): Promise<PlanVersionRow | undefined> {
  return executor.selectFrom('plan_versions').selectAll().where('plan_id', '=', planId).where('version', '=', version).executeTakeFirst();
}

/**
 * Every live subscription of the plan moves to `version` at its next renewal (the period already
 * paid is not touched). Returns how many will move. Across tenants: platform work only.
 */
export async function moveSubscribersAtRenewal(executor: Executor, planId: string, version: number): Promise<number> {
  const result = await executor
    .updateTable('subscriptions')
    .set({ renewal_plan_version: version, updated_at: new Date() })
    .where('plan_id', '=', planId)
    .where('status', '<>', 'cancelled')
    .where('plan_version', '<>', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
