import type { Executor } from '../../platform/db/database.ts';

/**
 * What identity needs to know about a business's locations to scope members to them. Identity may
 * not import catalog (catalog owns locations and resources): it declares this port and the
 * composition root fills it with catalog's answers.
 */
export interface LocationDirectoryPort {
  /** Of `locationIds`, those that are not locations of the tenant. Runs in the caller's tenant transaction. */
  unknownLocations(executor: Executor, tenantId: string, locationIds: readonly string[]): Promise<string[]>;
  /** Every resource (whatever its status) at these locations of the tenant. */
  resourcesAt(tenantId: string, locationIds: readonly string[]): Promise<string[]>;
}

/** Without catalog (some test harnesses): no location is known, so nobody can be scoped, and a scope reaches nothing. */
export const NO_LOCATIONS: LocationDirectoryPort = {
  unknownLocations: async (_executor, _tenantId, locationIds) => [...locationIds],
  resourcesAt: async () => [],
};
