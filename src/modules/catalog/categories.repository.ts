import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { ServiceCategoriesTable } from './catalog.tables.ts';
import type { CategoryCreate, CategoryUpdate } from './categories.schemas.ts';

export type CategoryRow = Selectable<ServiceCategoriesTable>;

export interface CategoryListOptions {
  businessId?: string | undefined;
  status?: CategoryRow['status'] | undefined;
  after?: { sortOrder: number; id: string } | undefined;
  limit: number;
}

export class CategoriesRepository {
  async insert(trx: Trx, tenantId: string, businessId: string, input: CategoryCreate): Promise<CategoryRow> {
    return trx
      .insertInto('service_categories')
      .values({
        tenant_id: tenantId,
        business_id: businessId,
        name: input.name,
        description: input.description ?? null,
        color: input.color ?? null,
        sort_order: input.sort_order ?? 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<CategoryRow | undefined> {
    return executor
      .selectFrom('service_categories')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Ordered as shown to customers: `sort_order`, then id for a stable keyset. */
  async list(executor: Executor, tenantId: string, options: CategoryListOptions): Promise<CategoryRow[]> {
    let query = executor.selectFrom('service_categories').selectAll().where('tenant_id', '=', tenantId);
    if (options.businessId !== undefined) query = query.where('business_id', '=', options.businessId);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('sort_order', 'id'), '>', eb.tuple(after.sortOrder, after.id)));
    }
    return query.orderBy('sort_order').orderBy('id').limit(options.limit + 1).execute();
  }

  async update(trx: Trx, tenantId: string, id: string, patch: CategoryUpdate): Promise<CategoryRow | undefined> {
    return trx
      .updateTable('service_categories')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.color !== undefined ? { color: patch.color } : {}),
        ...(patch.sort_order !== undefined ? { sort_order: patch.sort_order } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx
      .deleteFrom('service_categories')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async archive(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx
      .updateTable('service_categories')
      .set({ status: 'archived', updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
