/**
 * Catalog: locations, service categories, services and their price tiers,
 * resources and which resources deliver which service. Other modules use only
 * what this file exports.
 */
import type { Executor } from '../../platform/db/database.ts';
import { existingMemo, memoKey, transactionMemo } from '../../platform/db/transaction-context.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { BusinessLookupRepository } from './business-lookup.repository.ts';
import { registerBookingPageRoutes } from './booking-page.routes.ts';
import { BookingPageService } from './booking-page.service.ts';
import type { CatalogDeps } from './catalog-deps.ts';
import { CategoriesRepository } from './categories.repository.ts';
import { registerCategoryRoutes } from './categories.routes.ts';
import { CategoriesService } from './categories.service.ts';
import { LocationsRepository } from './locations.repository.ts';
import { registerLocationRoutes } from './locations.routes.ts';
import { LocationsService } from './locations.service.ts';
import { ResourcesRepository, type ResourceWithZone } from './resources.repository.ts';
import { registerResourceRoutes } from './resources.routes.ts';
import { ResourcesService } from './resources.service.ts';
import { ServicesRepository } from './services.repository.ts';
import { registerServiceRoutes } from './services.routes.ts';
import { loadServiceSnapshot, ServicesService, type ServiceSnapshot } from './services.service.ts';

export type { CatalogDeps } from './catalog-deps.ts';
export type { RequiredResourceGroup, ResourceType } from './catalog.tables.ts';
export type { ResourceWithZone } from './resources.repository.ts';
export type { ServiceSnapshot } from './services.service.ts';
export { priceForSlot, depositFor, type PricingTier } from './pricing.ts';
export { catalogLabels, type LocationLabel, type ResourceLabel, type ServiceLabel } from './catalog-labels.ts';
export {
  cancellationPolicySchema,
  hoursToMs,
  withGuestTerms,
  percentageForNotice,
  type CancellationPolicy,
  type RefundRule,
} from './cancellation-policy.ts';

const resourcesRepository = new ResourcesRepository();
const servicesRepository = new ServicesRepository();
const locationsRepository = new LocationsRepository();

/**
 * The active resources linked to a staff user: identity scopes a `staff`
 * member's bookings to these. Runs in the caller's tenant transaction.
 */
export async function resourceIdsForUser(executor: Executor, tenantId: string, userId: string): Promise<string[]> {
  return resourcesRepository.idsForUser(executor, tenantId, userId);
}

/** A service as availability and booking need it (timing, price, tiers, resources); undefined if unknown. */
export async function findServiceSnapshot(
  executor: Executor,
  tenantId: string,
  serviceId: string,
): Promise<ServiceSnapshot | undefined> {
  const memo = existingMemo(executor, SERVICE_SNAPSHOTS);
  if (!memo) return loadServiceSnapshot(servicesRepository, executor, tenantId, serviceId);
  const key = `${tenantId}:${serviceId}`;
  let snapshot = memo.get(key);
  if (!snapshot) {
    snapshot = loadServiceSnapshot(servicesRepository, executor, tenantId, serviceId);
    memo.set(key, snapshot);
  }
  return snapshot;
}

const SERVICE_SNAPSHOTS = memoKey<Map<string, Promise<ServiceSnapshot | undefined>>>('catalog.serviceSnapshots');

/**
 * Lets `findServiceSnapshot` read each service once in this transaction (booking
 * creation reads it, then the availability re-check reads it again). Only for a
 * transaction that does not change services: the memo is the transaction's
 * (platform/db/transaction-context.ts) and ends with it.
 */
export function memoizeServiceSnapshots(trx: Executor): void {
  transactionMemo(trx, SERVICE_SNAPSHOTS, () => new Map());
}

/**
 * Active resources with their location's time zone: `ids`, plus every active
 * resource at their locations when `alsoAtSameLocations` (candidates for the
 * extra resources of a two-resource service).
 */
export async function findResourcesWithZones(
  executor: Executor,
  tenantId: string,
  ids: readonly string[],
  alsoAtSameLocations = false,
): Promise<ResourceWithZone[]> {
  return resourcesRepository.withZones(executor, tenantId, ids, alsoAtSameLocations);
}

/** The ids of the active resources at a location (for location-wide closures). */
export async function resourceIdsAtLocation(executor: Executor, tenantId: string, locationId: string): Promise<string[]> {
  const rows = await resourcesRepository.list(executor, tenantId, { locationId, limit: 10_000 });
  return rows.map((row) => row.id);
}

/** Of `ids`, those that are not locations of the tenant (identity checks a member's locations with it). */
export async function unknownLocationIds(executor: Executor, tenantId: string, ids: readonly string[]): Promise<string[]> {
  const known = new Set(await locationsRepository.existingIds(executor, tenantId, ids));
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/** Every resource, whatever its status, at these locations: what a location-scoped member reaches. */
export async function resourceIdsAtLocations(executor: Executor, tenantId: string, locationIds: readonly string[]): Promise<string[]> {
  return resourcesRepository.idsAtLocations(executor, tenantId, locationIds);
}

/** Whether the tenant has this location (for routes of other modules nested under it). */
export async function locationExists(executor: Executor, tenantId: string, locationId: string): Promise<boolean> {
  return (await locationsRepository.findById(executor, tenantId, locationId)) !== undefined;
}

/** Whether the tenant has this resource. */
export async function resourceExists(executor: Executor, tenantId: string, resourceId: string): Promise<boolean> {
  return (await resourcesRepository.findById(executor, tenantId, resourceId)) !== undefined;
}

export interface CatalogModule {
  locations: LocationsService;
  categories: CategoriesService;
  resources: ResourcesService;
  services: ServicesService;
  registerRoutes(api: ApiRouter): void;
}

export function createCatalogModule(deps: CatalogDeps): CatalogModule {
  const businesses = new BusinessLookupRepository();
  const categoriesRepository = new CategoriesRepository();
  const locations = new LocationsService({ ...deps, locations: locationsRepository, businesses });
  const categories = new CategoriesService({ ...deps, categories: categoriesRepository, businesses });
  const resources = new ResourcesService({ ...deps, resources: resourcesRepository, locations: locationsRepository });
  const services = new ServicesService({
    ...deps,
    services: servicesRepository,
    resources: resourcesRepository,
    categories: categoriesRepository,
    businesses,
  });
  const bookingPage = new BookingPageService({ db: deps.db, services: servicesRepository, categories: categoriesRepository, locations: locationsRepository });
  return {
    locations,
    categories,
    resources,
    services,
    registerRoutes(api) {
      registerLocationRoutes(api, locations);
      registerCategoryRoutes(api, categories);
      registerResourceRoutes(api, resources);
      registerServiceRoutes(api, services);
      registerBookingPageRoutes(api, bookingPage);
    },
  };
}

export { seedDemoCatalog, type DemoCatalog, type DemoSchedulingApi } from './catalog.seed.ts';
export { catalogSetupFacts, servicesWithoutResources, type CatalogSetupFacts } from './catalog-diagnostics.ts';
