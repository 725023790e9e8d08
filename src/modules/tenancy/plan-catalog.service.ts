/**
 * The platform's plans editor: every plan with its subscribers, a new plan, and changes to one.
 *
 * Prices are versioned (`plan_versions`, migration 0086). A price change adds a version; a
 * subscription keeps paying the version it signed up at (grandfathered) unless the platform
 * applies the new price to existing subscribers, who then move to it at their next renewal, never
 * in the middle of a paid period. Limits, fees, support, visibility and order are not versioned:
 * they apply to every subscriber at once. Runs on the platform connection (`withPlatform`).
 */
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit, type AuditEntry } from '../audit/index.ts';
import * as catalog from './plan-catalog.repository.ts';
import type { PlanCreate, PlanPatch } from './plan-catalog.schemas.ts';
import type { PlanRow } from './tenancy.repository.ts';
import { toPlan, type Plan } from './tenancy.service.ts';

export interface PlatformPlan extends Plan {
  currency: string;
  is_public: boolean;
  sort_order: number;
  price_version: number;
  subscribers: number;
  grandfathered: number;
}

/** Who edits, and from where, as the platform's audit log records it. */
export type PlanEditor = Pick<AuditEntry, 'actor' | 'userId' | 'impersonatedBy' | 'ip' | 'userAgent' | 'requestId'>;

const toPlatformPlan = (row: catalog.PlanWithSubscribers): PlatformPlan => ({
  ...toPlan(row),
  currency: row.price_currency.trim(),
  is_public: row.is_public,
  sort_order: row.sort_order,
  price_version: row.price_version,
  subscribers: row.subscribers,
  grandfathered: row.grandfathered,
});

/** The yearly price as a number (the column is a bigint, which drivers may hand over as text). */
const annualOf = (row: PlanRow): number | null => (row.annual_price_amount === null ? null : Number(row.annual_price_amount));

/** The editable fields of a plan, as the audit log shows them before and after. */
function editable(row: PlanRow) {
  return {
    name: row.name,
    price_amount: row.price_amount,
    annual_price_amount: annualOf(row),
    bookings_per_month: row.bookings_per_month,
    users: row.users,
    fee_bps: row.fee_bps,
    fee_fixed_amount: row.fee_fixed_amount,
    support: row.support,
    is_public: row.is_public,
    sort_order: row.sort_order,
  };
}

async function planView(executor: Executor, planId: string): Promise<PlatformPlan> {
  const row = (await catalog.listPlansWithSubscribers(executor)).find((plan) => plan.id === planId);
  if (!row) throw notFound('Plan');
  return toPlatformPlan(row);
}

async function auditPlan(executor: Executor, editor: PlanEditor, action: string, planId: string, values: Pick<AuditEntry, 'oldValues' | 'newValues' | 'metadata'>) {
  await recordAudit(executor, { tenantId: PLATFORM_AUDIT_TENANT_ID, ...editor, action, entityType: 'plan', entityId: planId, ...values });
}

export async function listPlatformPlans(executor: Executor): Promise<PlatformPlan[]> {
  return (await catalog.listPlansWithSubscribers(executor)).map(toPlatformPlan);
}

/** A new plan at price version 1; an id already taken answers 409. */
export async function createPlan(executor: Executor, input: PlanCreate, editor: PlanEditor): Promise<PlatformPlan> {
  const { id, currency, ...fields } = input;
  const row = await catalog.insertPlan(executor, { id, ...fields, price_currency: currency, price_version: 1 });
  if (!row) throw new AppError('CONFLICT', `A plan with the id "${id}" already exists`, { reason: 'plan_exists' });
  await catalog.insertPlanVersion(executor, { plan_id: id, version: 1, price_amount: row.price_amount, annual_price_amount: annualOf(row), price_currency: currency });
  await auditPlan(executor, editor, 'platform.plan_created', id, { newValues: { id, currency, ...editable(row) } });
  return planView(executor, id);
}

/**
 * Changes a plan. A new monthly or yearly price becomes a new price version: new sign-ups and plan
 * changes pay it at once; existing subscribers keep theirs (`apply_to_existing: false`) or move to
 * the current price at their next renewal (`true`). Everything else applies to all at once.
 */
export async function updatePlan(executor: Executor, planId: string, patch: PlanPatch, editor: PlanEditor): Promise<PlatformPlan> {
  const before = await catalog.lockPlan(executor, planId);
  if (!before) throw notFound('Plan');
  const { apply_to_existing: applyToExisting, ...changes } = patch;
  const monthly = changes.price_amount === undefined ? before.price_amount : changes.price_amount;
  const yearly = changes.annual_price_amount === undefined ? annualOf(before) : changes.annual_price_amount;
  if (yearly !== null && monthly === null) {
    throw new AppError('VALIDATION_ERROR', 'A yearly price needs a monthly price', [{ field: 'annual_price_amount', message: 'a yearly price needs a monthly price' }]);
  }
  const priceChanged = monthly !== before.price_amount || yearly !== annualOf(before);
  const version = priceChanged ? before.price_version + 1 : before.price_version;
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const after = await catalog.updatePlan(executor, planId, { ...set, price_version: version });
  if (priceChanged) {
    await catalog.insertPlanVersion(executor, { plan_id: planId, version, price_amount: monthly, annual_price_amount: yearly, price_currency: before.price_currency });
  }
  const moved = applyToExisting ? await catalog.moveSubscribersAtRenewal(executor, planId, version) : 0;
  const old = editable(before);
  const now = editable(after);
  const changed = (Object.keys(now) as Array<keyof typeof now>).filter((key) => now[key] !== old[key]);
  await auditPlan(executor, editor, 'platform.plan_updated', planId, {
    oldValues: Object.fromEntries(changed.map((key) => [key, old[key]])),
    newValues: Object.fromEntries(changed.map((key) => [key, now[key]])),
    metadata: { price_version: version, apply_to_existing: applyToExisting, subscribers_moving_at_renewal: moved },
  });
  return planView(executor, planId);
}
