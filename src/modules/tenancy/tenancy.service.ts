/**
 * Tenants and their businesses: creation (with the first business and a trial), look-ups,
 * business updates, the plans on offer, and the platform's tenant search. Plans and usage are
 * `plan-usage.service.ts`; whether a tenant is open, `tenant-access.service.ts`.
 */
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import * as repo from './tenancy.repository.ts';
import type { BusinessRow, PlanRow, TenantRow } from './tenancy.repository.ts';
import type { PlanMetric } from './plan-limits.ts';
import type { StoredBusinessSettings, TenantSettings, TenantStatus } from './tenancy.tables.ts';

/** Tenant id used for platform-level rows (platform admins' sessions, platform audit events). */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_PLAN_ID = 'starter';
const TRIAL_DAYS = 14;

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
  annual_price: { amount: number; currency: string } | null;
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
  annual_price: row.annual_price_amount === null ? null : { amount: Number(row.annual_price_amount), currency: row.price_currency },
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
    if (await repo.slugTaken(executor, slug)) throw new AppError('CONFLICT', `The slug "${slug}" is already taken`, { reason: 'slug_taken' });
  } else {
    const base = slugify(input.name);
    slug = base;
    for (let suffix = 2; await repo.slugTaken(executor, slug); suffix += 1) slug = `${base}-${suffix}`;
  }
  const tenantRow = await repo.insertTenant(executor, { name: input.name, slug, planId });
  const now = new Date();
  const trial = plan.price_amount !== null && plan.price_amount > 0;
  // Paid plans start with a 14-day trial; billing charges the first period when it ends.
  await repo.insertSubscription(executor, {
    tenantId: tenantRow.id,
    planId,
    planVersion: plan.price_version,
    status: trial ? 'trialing' : 'active',
    periodStart: now,
    periodEnd: new Date(now.getTime() + TRIAL_DAYS * 86_400_000),
    trialEnd: trial ? new Date(now.getTime() + TRIAL_DAYS * 86_400_000) : null,
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

/** Every plan (platform figures), or with `publicOnly` the ones offered to businesses (hidden plans are custom deals). */
export async function listPlans(executor: Executor, options: { publicOnly?: boolean } = {}): Promise<Plan[]> {
  return (await repo.listPlans(executor, options)).map(toPlan);
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
