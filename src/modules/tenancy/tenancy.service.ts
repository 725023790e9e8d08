import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import * as repo from './tenancy.repository.ts';
import type { BusinessRow, PlanRow, TenantRow } from './tenancy.repository.ts';
import { excessesUnder, limitOf, PLAN_METRICS, usagePeriodEnd, usagePeriodStart, type PlanMetric } from './plan-limits.ts';
import type { StoredBusinessSettings, TenantSettings, TenantStatus } from './tenancy.tables.ts';
import { businessSettingsOf, type ReadBusinessSettings } from './business-settings.ts';

/** Tenant id used for platform-level rows (platform admins' sessions, platform audit events). */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_PLAN_ID = 'starter';
const TRIAL_DAYS = 14;
const MAINTENANCE_KEY = 'maintenance';

/** Counts a tenant's active members (identity knows them); injected by the composition root. */
export type ActiveUserCounter = (executor: Executor, tenantId: string) => Promise<number>;

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  plan_id: string;
  status: TenantStatus;
  settings: TenantSettings;
  created_at: string;
  updated_at: string;
}

export interface Business {
  id: string;
  tenant_id: string;
  name: string;
  slug: string;
  description: string | null;
  logo_url: string | null;
  website: string | null;
  phone: string | null;
  email: string | null;
  address: Record<string, unknown> | null;
  timezone: string;
  currency: string;
  settings: StoredBusinessSettings;
  created_at: string;
  updated_at: string;
}

export interface Plan {
  id: string;
  name: string;
  price: { amount: number; currency: string } | null;
  limits: Record<PlanMetric, number | null>;
  transaction_fee: { bps: number; fixed: { amount: number; currency: string } };
  support: string;
}

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  domain: row.domain,
  plan_id: row.plan_id,
  status: row.status,
  settings: row.settings,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

export const toBusiness = (row: BusinessRow): Business => ({
  id: row.id,
  tenant_id: row.tenant_id,
  name: row.name,
  slug: row.slug,
  description: row.description,
  logo_url: row.logo_url,
  website: row.website,
  phone: row.phone,
  email: row.email,
  address: row.address,
  timezone: row.timezone,
  currency: row.currency,
  settings: row.settings,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

export const toPlan = (row: PlanRow): Plan => ({
  id: row.id,
  name: row.name,
  price: row.price_amount === null ? null : { amount: row.price_amount, currency: row.price_currency },
  limits: { bookings_per_month: row.bookings_per_month, users: row.users },
  transaction_fee: { bps: row.fee_bps, fixed: { amount: row.fee_fixed_amount, currency: row.price_currency } },
  support: row.support,
});

/** Lower-case, ASCII, hyphenated slug from a display name ("Salón Demo" → "salon-demo"). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug === '' ? 'business' : slug;
}

export async function getTenant(executor: Executor, tenantId: string): Promise<Tenant | null> {
  const row = await repo.findTenantById(executor, tenantId);
  return row ? toTenant(row) : null;
}

export async function getTenantBySlug(executor: Executor, slug: string): Promise<Tenant | null> {
  const row = await repo.findTenantBySlug(executor, slug);
  return row ? toTenant(row) : null;
}

export async function getTenantByDomain(executor: Executor, domain: string): Promise<Tenant | null> {
  const row = await repo.findTenantByDomain(executor, domain);
  return row ? toTenant(row) : null;
}

export async function getBusiness(executor: Executor, tenantId: string, businessId: string): Promise<Business | null> {
  const row = await repo.findBusiness(executor, tenantId, businessId);
  return row ? toBusiness(row) : null;
}

export async function listBusinesses(executor: Executor, tenantId: string): Promise<Business[]> {
  return (await repo.listBusinesses(executor, tenantId)).map(toBusiness);
}

/** The tenant's default business: the first one created (sign-up creates it). */
export async function defaultBusiness(executor: Executor, tenantId: string): Promise<Business | null> {
  return (await listBusinesses(executor, tenantId))[0] ?? null;
}

export async function updateBusiness(
  executor: Executor,
  tenantId: string,
  businessId: string,
  patch: repo.BusinessPatch,
): Promise<{ before: Business; after: Business }> {
  const before = await repo.findBusiness(executor, tenantId, businessId);
  if (!before) throw notFound('Business');
  const settings = patch.settings === undefined ? undefined : { ...before.settings, ...patch.settings };
  const after = await repo.updateBusiness(executor, tenantId, businessId, { ...patch, settings });
  if (!after) throw notFound('Business');
  return { before: toBusiness(before), after: toBusiness(after) };
}

export interface NewTenantInput {
  name: string;
  slug?: string | undefined;
  planId?: string | undefined;
  timezone: string;
  currency: string;
}

/**
 * Creates a tenant with its subscription and first business, in the caller's
 * (platform) transaction. A taken slug answers 409; a slug derived from the name
 * gets a numeric suffix instead.
 */
export async function createTenant(executor: Executor, input: NewTenantInput): Promise<{ tenant: Tenant; business: Business }> {
  const planId = input.planId ?? DEFAULT_PLAN_ID;
  const plan = await repo.findPlan(executor, planId);
  if (!plan || !plan.is_public) {
    throw new AppError('VALIDATION_ERROR', `Unknown plan "${planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
  }
  let slug = input.slug;
  if (slug !== undefined) {
    if (await repo.slugTaken(executor, slug)) throw new AppError('CONFLICT', `The slug "${slug}" is already taken`);
  } else {
    const base = slugify(input.name);
    slug = base;
    for (let suffix = 2; await repo.slugTaken(executor, slug); suffix += 1) slug = `${base}-${suffix}`;
  }
  const tenantRow = await repo.insertTenant(executor, { name: input.name, slug, planId });
  const now = new Date();
  await repo.insertSubscription(executor, {
    tenantId: tenantRow.id,
    planId,
    // Paid plans start with a trial; there is no billing provider yet to collect payment.
    status: plan.price_amount === null || plan.price_amount === 0 ? 'active' : 'trialing',
    periodStart: now,
    periodEnd: new Date(now.getTime() + TRIAL_DAYS * 86_400_000),
  });
  const businessRow = await repo.insertBusiness(executor, {
    tenantId: tenantRow.id,
    name: input.name,
    slug,
    timezone: input.timezone,
    currency: input.currency,
  });
  return { tenant: toTenant(tenantRow), business: toBusiness(businessRow) };
}

export async function listPlans(executor: Executor): Promise<Plan[]> {
  return (await repo.listPlans(executor)).map(toPlan);
}

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
  if (!target) throw new AppError('VALIDATION_ERROR', `Unknown plan "${planId}"`, [{ field: 'plan_id', message: 'unknown plan' }]);
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
    await repo.updateSubscriptionPlan(executor, tenantId, target.id);
  }
  return { before: tenant.plan_id, after: { tenant_id: tenantId, plan: toPlan(target), limits: toPlan(target).limits } };
}

export interface MaintenanceState {
  enabled: boolean;
  message: string | null;
}

export async function platformMaintenance(executor: Executor): Promise<MaintenanceState> {
  return maintenanceState(await repo.readPlatformSetting(executor, MAINTENANCE_KEY));
}

function maintenanceState(value: Record<string, unknown> | undefined): MaintenanceState {
  return {
    enabled: value?.enabled === true,
    message: typeof value?.message === 'string' ? value.message : null,
  };
}

export async function setPlatformMaintenance(executor: Executor, state: MaintenanceState): Promise<void> {
  await repo.writePlatformSetting(executor, MAINTENANCE_KEY, { enabled: state.enabled, message: state.message });
}

export async function setTenantMaintenance(executor: Executor, tenantId: string, state: MaintenanceState): Promise<Tenant> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const { maintenance: _maintenance, maintenance_message: _message, ...rest } = tenant.settings;
  const settings: TenantSettings = state.enabled
    ? { ...rest, maintenance: true, ...(state.message ? { maintenance_message: state.message } : {}) }
    : rest;
  await repo.updateTenantSettings(executor, tenantId, settings);
  return toTenant({ ...tenant, settings });
}

export async function setTenantStatus(
  executor: Executor,
  tenantId: string,
  status: TenantStatus,
  reason: string | null,
): Promise<{ before: Tenant; after: Tenant }> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const { suspension_reason: _reason, ...rest } = tenant.settings;
  const settings: TenantSettings = status === 'active' || reason === null ? rest : { ...rest, suspension_reason: reason };
  await repo.updateTenantStatus(executor, tenantId, status, settings);
  return { before: toTenant(tenant), after: toTenant({ ...tenant, status, settings }) };
}

export async function updateTenantSettings(executor: Executor, tenantId: string, patch: TenantSettings): Promise<Tenant> {
  const tenant = await repo.findTenantById(executor, tenantId);
  if (!tenant) throw notFound('Tenant');
  const settings = { ...tenant.settings, ...patch };
  await repo.updateTenantSettings(executor, tenantId, settings);
  return toTenant({ ...tenant, settings });
}

/**
 * What public (unauthenticated) booking calls must check first: a suspended or cancelled
 * tenant answers 403 TENANT_SUSPENDED; maintenance (platform-wide or the tenant's) 503
 * MAINTENANCE. Staff of a suspended tenant can still sign in and read.
 */
export async function assertPublicBookingOpen(executor: Executor, tenantId: string): Promise<void> {
  assertOpen(await repo.findTenantWithPlatformSetting(executor, tenantId, MAINTENANCE_KEY));
}

/** What a booking needs of its tenant and business (see `bookingTerms`). */
export interface BookingTerms {
  /** The settings of the business that offers the service; null when it does not exist. */
  settings: ReadBusinessSettings | null;
  /** The plan's monthly booking limit: null for none; undefined when the plan is unknown. */
  monthlyBookingLimit: number | null | undefined;
}

/**
 * What the booking flow needs of the tenancy, in one read: for a public booking
 * (`publicBooking`), the refusals of `assertPublicBookingOpen`; the settings of the business
 * that offers the service (guest verification, unpaid hold); and the plan's monthly limit,
 * for `consumeBookingQuota`.
 */
export async function bookingTerms(
  executor: Executor,
  tenantId: string,
  businessId: string,
  options: { publicBooking: boolean },
): Promise<BookingTerms> {
  const found = await repo.findTenantWithPlatformSetting(executor, tenantId, MAINTENANCE_KEY, businessId);
  if (options.publicBooking) assertOpen(found);
  return { settings: found?.businessSettings === undefined ? null : businessSettingsOf(found.businessSettings), monthlyBookingLimit: found?.bookingLimit };
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

function assertOpen(found: Awaited<ReturnType<typeof repo.findTenantWithPlatformSetting>>): void {
  if (!found) throw new AppError('TENANT_NOT_FOUND', 'This business does not exist');
  const { tenant } = found;
  if (tenant.status !== 'active') {
    throw new AppError('TENANT_SUSPENDED', 'This business is not taking bookings at the moment');
  }
  const platform = maintenanceState(found.setting);
  if (platform.enabled) {
    throw new AppError('MAINTENANCE', platform.message ?? 'Bookings are paused for scheduled maintenance; please retry later', undefined, {
      'retry-after': '300',
    });
  }
  if (tenant.settings.maintenance === true) {
    throw new AppError(
      'MAINTENANCE',
      tenant.settings.maintenance_message ?? 'This business is under maintenance; please retry later',
      undefined,
      { 'retry-after': '300' },
    );
  }
}

export interface TenantSearchQuery {
  search?: string | undefined;
  status?: TenantStatus | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Platform administration: tenants newest first, searchable by name, slug or domain. */
export async function searchTenants(
  executor: Executor,
  query: TenantSearchQuery,
): Promise<{ items: Tenant[]; pagination: PaginationMeta }> {
  const after = decodeCursor(query.cursor);
  const rows = await repo.searchTenants(executor, {
    search: query.search,
    status: query.status,
    after: after ? { position: after.value, id: after.id } : undefined,
    limit: query.limit,
  });
  const page = toPage(
    rows.filter((row) => row.id !== PLATFORM_TENANT_ID),
    query.limit,
    (row) => ({ value: row.position, id: row.id }),
  );
  return { items: page.items.map(toTenant), pagination: page.pagination };
}
