/**
 * Tenancy module: plans, tenants, subscriptions, usage and limits, businesses.
 * Other modules import from here only.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { registerBusinessLogoRoutes } from './business-logo.ts';
import { registerCustomDomainRoutes, type DnsResolver } from './custom-domain.ts';
import { registerPlanCatalogRoutes } from './plan-catalog.routes.ts';
import { registerTenancyRoutes, type PlanChangePort } from './tenancy.routes.ts';
import type { ActiveUserCounter } from './tenancy.service.ts';

export {
  PLATFORM_TENANT_ID,
  DEFAULT_PLAN_ID,
  getTenant,
  getTenantBySlug,
  getTenantByDomain,
  getBusiness,
  listBusinesses,
  defaultBusiness,
  createTenant,
  searchTenants,
  slugify,
  listPlans,
  type Tenant,
  type Business,
  type Plan,
  type ActiveUserCounter,
  type TenantSearchQuery,
} from './tenancy.service.ts';
export {
  assertWithinPlanLimit,
  incrementUsage,
  consumePlanQuota,
  consumeBookingQuota,
  returnBookingQuota,
  usageWarningsCrossed,
  PUBLIC_BOOKING_SHARE_BASIS_POINTS,
  type BookingQuotaUse,
  changePlan,
  tenantLimits,
  tenantUsage,
  type TenantLimits,
  type TenantUsage,
} from './plan-usage.service.ts';
export {
  assertPublicBookingOpen,
  bookingTerms,
  type BookingTerms,
  setTenantStatus,
  setTenantMaintenance,
  setPlatformMaintenance,
  platformMaintenance,
  updateTenantSettings,
  type MaintenanceState,
} from './tenant-access.service.ts';
export { PLAN_METRICS, type PlanMetric } from './plan-limits.ts';
// Billing drives the subscription's lifecycle through these (the table stays tenancy's).
export { findPlan, findLiveSubscription, lockLiveSubscription, updateLiveSubscription, updateTenantPlan, type PlanRow, type SubscriptionRow } from './tenancy.repository.ts';
export { planExcesses } from './plan-usage.service.ts';
export { platformSubscriptionFacts, type SubscriptionFact } from './subscription-facts.ts';
// Billing charges a subscription at the price version it signed up at (grandfathering).
export { findPlanVersion, type PlanVersionRow } from './plan-catalog.repository.ts';
export { CodeSendGuard, CODE_BUDGETS, assertCodeTemplatesEditable, isFreeOrTrial, type CodeSendRequest } from './code-sending.ts';
export { businessReturnOrigins, embedFrameAncestors, embedOriginsOf } from './business-origins.ts';
export type { TenantSettings, TenantStatus, BillingInterval, SubscriptionStatus } from './tenancy.tables.ts';
export { bookingPageShared, markBookingPageShared } from './booking-page-shared.ts';
export { sniffLogoType, LOGO_MAX_BYTES } from './business-logo.ts';
export { normaliseHost, type DnsResolver, type CustomDomain } from './custom-domain.ts';
export { contrastWithWhite, businessSettingsOf, businessSettingsSchema, type BusinessSettings, type ReadBusinessSettings } from './business-settings.ts';
export { tenantSchema, businessSchema, timezoneSchema, currencySchema, planSchema, limitsSchema, usageSchema } from './tenancy.schemas.ts';

export interface TenancyModule {
  registerRoutes(api: ApiRouter): void;
}

export type { PlanChangePort } from './tenancy.routes.ts';

export interface TenancyModuleDeps {
  db: Db;
  countActiveUsers: ActiveUserCounter;
  planChanges?: PlanChangePort | undefined;
  /** PUBLIC_URL: its host is the custom domains' CNAME target and never a tenant's domain. */
  publicUrl: string;
  /** How custom domains are verified; `node:dns/promises` when absent. */
  dnsResolver?: DnsResolver | undefined;
}

export function createTenancyModule(deps: TenancyModuleDeps): TenancyModule {
  return {
    registerRoutes: (api) => {
      registerTenancyRoutes(api, deps);
      registerPlanCatalogRoutes(api, deps);
      registerBusinessLogoRoutes(api, deps);
      registerCustomDomainRoutes(api, { db: deps.db, platformHost: new URL(deps.publicUrl).hostname, resolver: deps.dnsResolver });
    },
  };
}
