import { withTenant } from '../../platform/db/tenant-context.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { createdAtCursor, toPage } from '../../platform/http/pagination.ts';
import type { BusinessLookupRepository } from './business-lookup.repository.ts';
import type { CatalogDeps } from './catalog-deps.ts';
import { deleteOrArchive, isoOf } from './catalog-support.ts';
import type { LocationCreate, LocationListQuery, LocationUpdate, LocationView } from './locations.schemas.ts';
import type { LocationRow, LocationsRepository } from './locations.repository.ts';

export interface LocationsServiceDeps extends CatalogDeps {
  locations: LocationsRepository;
  businesses: BusinessLookupRepository;
}

export function toLocationView(row: LocationRow): LocationView {
  return {
    id: row.id,
    business_id: row.business_id,
    name: row.name,
    address: row.address,
    timezone: row.timezone,
    phone: row.phone,
    email: row.email,
    settings: row.settings,
    status: row.status,
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
  };
}

/**
 * The business a new catalog row belongs to: the one named (404 unless it is the
 * tenant's) or the tenant's first.
 */
export async function resolveBusinessId(
  businesses: BusinessLookupRepository,
  trx: Trx,
  tenantId: string,
  requested: string | undefined,
): Promise<string> {
  if (requested !== undefined) {
    if (!(await businesses.exists(trx, tenantId, requested))) throw notFound('Business');
    return requested;
  }
  const fallback = await businesses.defaultBusinessId(trx, tenantId);
  if (fallback === null) throw new AppError('CONFLICT', 'The tenant has no business yet');
  return fallback;
}

export class LocationsService {
  readonly #deps: LocationsServiceDeps;

  constructor(deps: LocationsServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, input: LocationCreate): Promise<LocationView> {
    const { db, locations, businesses } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      const businessId = await resolveBusinessId(businesses, trx, tenantId, input.business_id);
      return locations.insert(trx, tenantId, businessId, input);
    });
    return toLocationView(row);
  }

  async get(tenantId: string, id: string): Promise<LocationView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.locations.findById(trx, tenantId, id));
    if (!row) throw notFound('Location');
    return toLocationView(row);
  }

  /** `within`: only these locations (a location-scoped member's); undefined for all. */
  async list(tenantId: string, query: LocationListQuery, within?: readonly string[]): Promise<{ items: LocationView[]; pagination: PaginationMeta }> {
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.locations.list(trx, tenantId, {
        ids: within,
        businessId: query.business_id,
        status: query.status,
        search: query.search,
        after: createdAtCursor(query.cursor),
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: isoOf(row.created_at), id: row.id }));
    return { items: page.items.map(toLocationView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: LocationUpdate): Promise<LocationView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.locations.update(trx, tenantId, id, patch));
    if (!row) throw notFound('Location');
    await this.#deps.onCatalogChanged?.(tenantId);
    return toLocationView(row);
  }

  /** Deletes the location, or archives it when resources still belong to it. */
  async remove(tenantId: string, id: string): Promise<'deleted' | 'archived'> {
    const { db, locations } = this.#deps;
    const outcome = await withTenant(db, tenantId, (trx) =>
      deleteOrArchive(
        trx,
        'Location',
        () => locations.delete(trx, tenantId, id),
        () => locations.archive(trx, tenantId, id),
      ),
    );
    await this.#deps.onCatalogChanged?.(tenantId);
    return outcome;
  }
}
