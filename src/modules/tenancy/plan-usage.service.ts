/**
 * Plans and usage: a tenant's plan and limits, the monthly usage counters, the checked
 * consumption of the booking quota (and its warnings), plan changes.
 */
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import * as repo from './tenancy.repository.ts';
import type { PlanRow, TenantRow } from './tenancy.repository.ts';
import { excessesUnder, limitOf, PLAN_METRICS, usagePeriodEnd, usagePeriodStart, type PlanMetric } from './plan-limits.ts';
import { toPlan, type ActiveUserCounter, type Plan } from './tenancy.service.ts';
import type { BookingTerms } from './tenant-access.service.ts';

async function planOfTenant(executor: Executor, tenantId: string): Promise<{ tenant: TenantRow; plan: PlanRow }> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const plan = await repo.findPlan(executor, tenant.plan_id);
  if (!plan) throw new Error(`tenant ${tenantId} has unknown plan ${tenant.plan_id}`);
  return { tenant, plan };
}

export interface TenantLimits {
  tenant_id: string;
  plan: Plan;
  limits: Record<PlanMetric, number | null>;
}

export async function tenantLimits(executor: Executor, tenantId: string): Promise<TenantLimits> {
  const { plan } = await planOfTenant(executor, tenantId);
  return { tenant_id: tenantId, plan: toPlan(plan), limits: toPlan(plan).limits };
}

export interface TenantUsage {
  tenant_id: string;
  plan_id: string;
  period: { start: string; end: string };
  metrics: Record<PlanMetric, { current: number; limit: number | null }>;
}

async function currentUsage(
  executor: Executor,
  tenantId: string,
  countUsers: ActiveUserCounter,
): Promise<Record<PlanMetric, number>> {
  return {
    bookings_per_month: await repo.usageValue(executor, tenantId, 'bookings_per_month', usagePeriodStart()),
    users: await countUsers(executor, tenantId),
  };
}

export async function tenantUsage(executor: Executor, tenantId: string, countUsers: ActiveUserCounter): Promise<TenantUsage> {
  const { plan } = await planOfTenant(executor, tenantId);
  const usage = await currentUsage(executor, tenantId, countUsers);
  const metrics = Object.fromEntries(
    PLAN_METRICS.map((metric) => [metric, { current: usage[metric], limit: limitOf(plan, metric) }]),
  ) as Record<PlanMetric, { current: number; limit: number | null }>;
  return { tenant_id: tenantId, plan_id: plan.id, period: { start: usagePeriodStart(), end: usagePeriodEnd() }, metrics };
}

function planLimitReached(metric: PlanMetric, limit: number, current: number): AppError {
  return new AppError(
    'PLAN_LIMIT_REACHED',
    `Your plan allows ${limit} ${metric === 'users' ? 'users' : 'bookings per month'}; upgrade to add more`,
    { metric, limit, current },
  );
}

/**
 * Throws 402 PLAN_LIMIT_REACHED when one more unit of `metric` would pass the plan's limit.
 * For `bookings_per_month` the current value is the month's counter; for `users` pass
 * the current count (identity counts members).
 */
export async function assertWithinPlanLimit(
  executor: Executor,
  tenantId: string,
  metric: PlanMetric,
  current?: number,
): Promise<void> {
  const { plan } = await planOfTenant(executor, tenantId);
  const limit = limitOf(plan, metric);
  if (limit === null) return;
  const value = current ?? (await repo.usageValue(executor, tenantId, metric, usagePeriodStart()));
  if (value >= limit) throw planLimitReached(metric, limit, value);
}

/** Adds to a monthly metered metric (default one booking). Returns the new value. */
export async function incrementUsage(executor: Executor, tenantId: string, metric: PlanMetric, amount = 1): Promise<number> {
  return repo.addUsage(executor, tenantId, metric, usagePeriodStart(), amount);
}

/**
 * Check and increment in one atomic statement: what the booking flow should call, so two
 * concurrent bookings cannot both take the last unit. Throws 402 when the limit (or the
 * consumer's share of it, `shareBasisPoints`) is reached.
 */
export async function consumePlanQuota(executor: Executor, tenantId: string, metric: PlanMetric, shareBasisPoints = 10_000): Promise<number> {
  const period = usagePeriodStart();
  // One statement in the usual case; the refusal (or a tenant without a plan) is explained by a second look.
  const value = await repo.consumeUsageOfPlan(executor, tenantId, metric, period, shareBasisPoints);
  if (value !== null) return value;
  const { plan } = await planOfTenant(executor, tenantId);
  const limit = limitOf(plan, metric);
  if (limit === null) throw new Error(`usage of ${metric} was refused without a limit`);
  throw planLimitReached(metric, limit, await repo.usageValue(executor, tenantId, metric, period));
}

/** What exceeds `planId`'s limits today (empty: the tenant's usage fits that plan). */
export async function planExcesses(executor: Executor, tenantId: string, planId: string, countUsers: ActiveUserCounter) {
  const target = await repo.findPlan(executor, planId);
  if (!target) throw new AppError('VALIDATION_ERROR', `Unknown plan "${planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
  return excessesUnder(target, await currentUsage(executor, tenantId, countUsers));
}

/**
 * Moves the tenant to another plan. A downgrade is refused with 409 CONFLICT (details list
 * each metric over the new limit) while usage exceeds the lower plan; `force` (platform
 * administration) skips that check.
 */
export async function changePlan(
  executor: Executor,
  tenantId: string,
  planId: string,
  countUsers: ActiveUserCounter,
  options: { force?: boolean } = {},
): Promise<{ before: string; after: TenantLimits }> {
  const { tenant, plan: current } = await planOfTenant(executor, tenantId);
  const target = await repo.findPlan(executor, planId);
  // A hidden plan is not on offer: only the platform (force) moves a business onto it.
  const offered = target !== undefined && (target.is_public || options.force === true || target.id === tenant.plan_id);
  if (!target || !offered) throw new AppError('VALIDATION_ERROR', `Unknown plan "${planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
  if (!options.force && target.sort_order < current.sort_order) {
    const excesses = excessesUnder(target, await currentUsage(executor, tenantId, countUsers));
    if (excesses.length > 0) {
      throw new AppError('CONFLICT', `Usage exceeds the limits of the ${target.name} plan; reduce it before downgrading`, {
        excesses,
      });
    }
  }
  if (target.id !== tenant.plan_id) {
    await repo.updateTenantPlan(executor, tenantId, target.id);
    await repo.updateSubscriptionPlan(executor, tenantId, target.id, target.price_version);
  }
  return { before: tenant.plan_id, after: { tenant_id: tenantId, plan: toPlan(target), limits: toPlan(target).limits } };
}

/**
 * Share of the monthly booking limit that public (unauthenticated and customer) bookings
 * may fill: 80 %. The rest is kept for the business's own staff, so anonymous traffic
 * can never lock a business out of booking for its customers.
 */
export const PUBLIC_BOOKING_SHARE_BASIS_POINTS = 8_000;

/** Usage levels of the monthly booking limit at which the business is warned (once per month each). */
export const BOOKING_USAGE_WARNINGS_PERCENT = [80, 100] as const;

/** The month's booking usage after a booking was counted on a limited plan. */
export interface BookingQuotaUse {
  /** First day of the month counted (YYYY-MM-DD). */
  period: string;
  total: number;
  limit: number;
  /** Warning levels (percent) this consumption crossed: the business is told of each. */
  crossed: number[];
}

/** The warning levels (percent of `limit`) that going from `before` to `after` units crosses. */
export function usageWarningsCrossed(before: number, after: number, limit: number): number[] {
  if (limit <= 0) return [];
  return BOOKING_USAGE_WARNINGS_PERCENT.filter((percent) => {
    const level = Math.ceil((limit * percent) / 100);
    return before < level && after >= level;
  });
}

/**
 * Counts `bookings` new bookings of one transaction against the month's plan quota. With a
 * limit (or an unknown plan) each is `consumePlanQuota`: checked at once, 402 when reached;
 * a public booking (`publicBooking`) may fill only `PUBLIC_BOOKING_SHARE_BASIS_POINTS` of the
 * limit and is refused without the figures. Without a limit there is nothing to check, so the
 * count goes with the transaction's deferred writes as one increment (if the plan changed since
 * `bookingTerms` read it, within this transaction, these bookings are counted unchecked). Call
 * it once per transaction. Returns the usage and the warning levels crossed (limited plans).
 */
export async function consumeBookingQuota(
  executor: Executor,
  tenantId: string,
  terms: BookingTerms,
  bookings = 1,
  options: { publicBooking?: boolean } = {},
): Promise<BookingQuotaUse | null> {
  const period = usagePeriodStart();
  if (terms.monthlyBookingLimit === null) {
    await repo.addUnlimitedUsage(executor, tenantId, 'bookings_per_month', period, bookings);
    return null;
  }
  const share = options.publicBooking ? PUBLIC_BOOKING_SHARE_BASIS_POINTS : 10_000;
  let total = 0;
  try {
    for (let count = 0; count < bookings; count += 1) total = await consumePlanQuota(executor, tenantId, 'bookings_per_month', share);
  } catch (error) {
    // A public caller learns that the business cannot take more online bookings, not its volume.
    if (options.publicBooking && error instanceof AppError && error.code === 'PLAN_LIMIT_REACHED') {
      throw new AppError('PLAN_LIMIT_REACHED', 'This business cannot take more online bookings this month; please contact it directly');
    }
    throw error;
  }
  const limit = terms.monthlyBookingLimit;
  if (limit === undefined) return null;
  return { period, total, limit, crossed: usageWarningsCrossed(total - bookings, total, limit) };
}

/**
 * Gives back the unit a booking took (it expired unpaid, or was cancelled the day it was
 * made), in the month it was counted (`createdAt`). Never below zero.
 */
export async function returnBookingQuota(executor: Executor, tenantId: string, createdAt: Date): Promise<void> {
  await repo.returnUsage(executor, tenantId, 'bookings_per_month', usagePeriodStart(createdAt));
}
