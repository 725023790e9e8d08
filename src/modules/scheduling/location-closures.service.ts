import { withTenant } from '../../platform/db/tenant-context.ts';
import type { Db } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/errors.ts';
import { locationExists } from '../catalog/index.ts';
import type { AvailabilityVersions } from './availability-versions.ts';
import type { ClosureCreate, ClosureView } from './schedules.schemas.ts';
import type { ClosureRow, LocationClosuresRepository } from './location-closures.repository.ts';

export interface LocationClosuresServiceDeps {
  db: Db;
  closures: LocationClosuresRepository;
  versions: AvailabilityVersions;
}

export function toClosureView(row: ClosureRow): ClosureView {
  return {
    id: row.id,
    location_id: row.location_id,
    closure_date: row.closure_date,
    reason: row.reason,
    created_at: row.created_at.toISOString(),
  };
}

/** Location-wide closures: a public holiday closes every resource of the location. */
export class LocationClosuresService {
  readonly #deps: LocationClosuresServiceDeps;

  constructor(deps: LocationClosuresServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, locationId: string, input: ClosureCreate): Promise<ClosureView> {
    const row = await withTenant(this.#deps.db, tenantId, async (trx) => {
      if (!(await locationExists(trx, tenantId, locationId))) throw notFound('Location');
      return this.#deps.closures.insert(trx, tenantId, locationId, input.closure_date, input.reason ?? null);
    });
    // Every resource of the location changes: the tenant-wide counter covers them in one bump.
    await this.#deps.versions.bumpCatalog(tenantId);
    return toClosureView(row);
  }

  async list(tenantId: string, locationId: string, range: { from_date?: string | undefined; to_date?: string | undefined }): Promise<ClosureView[]> {
    const rows = await withTenant(this.#deps.db, tenantId, async (trx) => {
      if (!(await locationExists(trx, tenantId, locationId))) throw notFound('Location');
      return this.#deps.closures.list(trx, tenantId, locationId, { fromDate: range.from_date, toDate: range.to_date });
    });
    return rows.map(toClosureView);
  }

  async remove(tenantId: string, locationId: string, closureId: string): Promise<void> {
    const removed = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.closures.delete(trx, tenantId, locationId, closureId));
    if (removed === 0) throw notFound('Closure');
    await this.#deps.versions.bumpCatalog(tenantId);
  }
}
