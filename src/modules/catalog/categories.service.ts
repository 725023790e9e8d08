import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { BusinessLookupRepository } from './business-lookup.repository.ts';
import type { CatalogDeps } from './catalog-deps.ts';
import { deleteOrArchive, isoOf } from './catalog-support.ts';
import type { CategoryCreate, CategoryListQuery, CategoryUpdate, CategoryView } from './categories.schemas.ts';
import type { CategoriesRepository, CategoryRow } from './categories.repository.ts';
import { resolveBusinessId } from './locations.service.ts';

export interface CategoriesServiceDeps extends CatalogDeps {
  categories: CategoriesRepository;
  businesses: BusinessLookupRepository;
}

export function toCategoryView(row: CategoryRow): CategoryView {
  return {
    id: row.id,
    business_id: row.business_id,
    name: row.name,
    description: row.description,
    color: row.color,
    sort_order: row.sort_order,
    status: row.status,
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
  };
}

function sortOrderCursor(cursor: string | undefined): { sortOrder: number; id: string } | undefined {
  const position = decodeCursor(cursor);
  if (position === undefined) return undefined;
  const sortOrder = Number(position.value);
  if (!Number.isSafeInteger(sortOrder)) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
  return { sortOrder, id: position.id };
}

export class CategoriesService {
  readonly #deps: CategoriesServiceDeps;

  constructor(deps: CategoriesServiceDeps) {
    this.#deps = deps;
  }

  async create(tenantId: string, input: CategoryCreate): Promise<CategoryView> {
    const { db, categories, businesses } = this.#deps;
    const row = await withTenant(db, tenantId, async (trx) => {
      const businessId = await resolveBusinessId(businesses, trx, tenantId, input.business_id);
      return categories.insert(trx, tenantId, businessId, input);
    });
    return toCategoryView(row);
  }

  async get(tenantId: string, id: string): Promise<CategoryView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.categories.findById(trx, tenantId, id));
    if (!row) throw notFound('Service category');
    return toCategoryView(row);
  }

  async list(tenantId: string, query: CategoryListQuery): Promise<{ items: CategoryView[]; pagination: PaginationMeta }> {
    const rows = await withTenant(this.#deps.db, tenantId, (trx) =>
      this.#deps.categories.list(trx, tenantId, {
        businessId: query.business_id,
        status: query.status,
        after: sortOrderCursor(query.cursor),
        limit: query.limit,
      }),
    );
    const page = toPage(rows, query.limit, (row) => ({ value: String(row.sort_order), id: row.id }));
    return { items: page.items.map(toCategoryView), pagination: page.pagination };
  }

  async update(tenantId: string, id: string, patch: CategoryUpdate): Promise<CategoryView> {
    const row = await withTenant(this.#deps.db, tenantId, (trx) => this.#deps.categories.update(trx, tenantId, id, patch));
    if (!row) throw notFound('Service category');
    return toCategoryView(row);
  }

  /** Deletes the category, or archives it while services still belong to it. */
  async remove(tenantId: string, id: string): Promise<'deleted' | 'archived'> {
    const { db, categories } = this.#deps;
    return withTenant(db, tenantId, (trx) =>
      deleteOrArchive(
        trx,
        'Service category',
        () => categories.delete(trx, tenantId, id),
        () => categories.archive(trx, tenantId, id),
      ),
    );
  }
}
