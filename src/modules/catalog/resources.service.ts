import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { notFound } from '../../platform/http/errors.ts';
import { createdAtCursor, toPage } from '../../platform/http/pagination.ts';
import type { CatalogDeps } from './catalog-deps.ts';
import { deleteOrArchive, isoOf } from './catalog-support.ts';
import type { LocationsRepository } from './locations.repository.ts';
import type { ResourceCreate, ResourceListQuery, ResourceUpdate, ResourceView } from './resources.schemas.ts';
import type { ResourceRow, ResourcesRepository } from './resources.repository.ts';

export interface ResourcesServiceDeps extends CatalogDeps {
  resources: ResourcesRepository;
  locations: LocationsRepository;
}

export function toResourceView(row: ResourceRow): ResourceView {
  return {
    id: row.id,
    location_id: row.location_id,
    name: row.name,
    type: row.type,
    description: row.description,
    capacity: row.capacity,
    skills: row.skills,
    user_id: row.user_id,
    settings: row.settings,
    status: row.status,
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
  };
}

export class ResourcesService {
  readonly #deps: ResourcesServiceDeps;

  constructor(deps: ResourcesServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, input: ResourceCreate): Promise<ResourceView> {
    const { db, resources, locations } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      if (!(await locations.findById(trx, tenantId, input.location_id))) throw notFound('Location');
      return resources.insert(trx, tenantId, input);
    });
    await this.#deps.onCatalogChanged?.(tenantId);
    return toResourceView(row);
  }

  async get(tenantId: string, id: string): Promise<ResourceView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.resources.findById(trx, tenantId, id));
    if (!row) throw notFound('Resource');
    return toResourceView(row);
  }

  /** `within`: only resources at these locations (a location-scoped member's); undefined for all. */
  async list(tenantId: string, query: ResourceListQuery, within?: readonly string[]): Promise<{ items: ResourceView[]; pagination: PaginationMeta }> {
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.resources.list(trx, tenantId, {
        locationId: query.location_id,
        locationIds: within,
        type: query.type,
        status: query.status,
        skill: query.skill,
        userId: query.user_id,
        after: createdAtCursor(query.cursor),
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: isoOf(row.created_at), id: row.id }));
    return { items: page.items.map(toResourceView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: ResourceUpdate): Promise<ResourceView> {
    const { db, resources, locations } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      if (patch.location_id !== undefined && !(await locations.findById(trx, tenantId, patch.location_id))) {
        throw notFound('Location');
      }
      return resources.update(trx, tenantId, id, patch);
    });
    if (!row) throw notFound('Resource');
    await this.#deps.onCatalogChanged?.(tenantId);
    return toResourceView(row);
  }

  /** Deletes the resource, or archives it when bookings' allocations still refer to it. */
  async remove(tenantId: string, id: string): Promise<'deleted' | 'archived'> {
    const { db, resources } = this.#deps;
    const outcome = await withTenant(db, tenantId, (trx) =>
      deleteOrArchive(
        trx,
        'Resource',
        () => resources.delete(trx, tenantId, id),
        () => resources.archive(trx, tenantId, id),
      ),
    );
    await this.#deps.onCatalogChanged?.(tenantId);
    return outcome;
  }
}
