import type { AuthContext } from './access.ts';
import { notFound } from './errors.ts';

/**
 * Location scope: an owner may narrow a manager or receptionist (or a custom role) to some of the
 * business's locations. Identity puts the scope on the AuthContext (`attributes.locationIds` and the
 * resources at those locations, `attributes.locationResourceIds`); null there means every location.
 *
 * Route handlers and services use these helpers, not copies of the test: lists show only what is
 * inside the scope, and a single row outside it is answered as absent (404), so a scoped member
 * cannot even learn that another location's booking or resource exists.
 */
export interface LocationScope {
  locationIds: readonly string[];
  resourceIds: readonly string[];
}

const stringList = (value: unknown): readonly string[] | null =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as readonly string[]) : null;

/** The caller's scope, or null when they reach every location (owners, unscoped members, customers, the public). */
export function locationScopeOf(auth: AuthContext | null | undefined): LocationScope | null {
  if (!auth) return null;
  const locationIds = stringList(auth.attributes.locationIds);
  if (locationIds === null) return null;
  return { locationIds, resourceIds: stringList(auth.attributes.locationResourceIds) ?? [] };
}

export function mayReachLocation(auth: AuthContext | null | undefined, locationId: string): boolean {
  const scope = locationScopeOf(auth);
  return scope === null || scope.locationIds.includes(locationId);
}

export function mayReachResource(auth: AuthContext | null | undefined, resourceId: string): boolean {
  const scope = locationScopeOf(auth);
  return scope === null || scope.resourceIds.includes(resourceId);
}

/** 404 (as if absent) for a location outside the caller's scope. */
export function assertLocationInScope(auth: AuthContext | null | undefined, locationId: string, what = 'Location'): void {
  if (!mayReachLocation(auth, locationId)) throw notFound(what);
}

/** 404 (as if absent) for a resource outside the caller's scope. */
export function assertResourceInScope(auth: AuthContext | null | undefined, resourceId: string, what = 'Resource'): void {
  if (!mayReachResource(auth, resourceId)) throw notFound(what);
}

/**
 * The locations a list may show: undefined for no limit; else the requested location when inside the
 * scope (none when outside), or every location of the scope.
 */
export function locationFilterOf(auth: AuthContext | null | undefined, requested?: string): readonly string[] | undefined {
  const scope = locationScopeOf(auth);
  if (scope === null) return requested === undefined ? undefined : [requested];
  return requested === undefined ? scope.locationIds : scope.locationIds.filter((id) => id === requested);
}

/** The resources a list may show: undefined for no limit, else the scope's resources. */
export function resourceFilterOf(auth: AuthContext | null | undefined): readonly string[] | undefined {
  return locationScopeOf(auth)?.resourceIds;
}

/** Keeps the rows inside the caller's scope (for lists read whole, not paged in SQL). */
export function withinLocationScope<T>(auth: AuthContext | null | undefined, rows: readonly T[], locationOf: (row: T) => string): T[] {
  const scope = locationScopeOf(auth);
  if (scope === null) return [...rows];
  const allowed = new Set(scope.locationIds);
  return rows.filter((row) => allowed.has(locationOf(row)));
}
