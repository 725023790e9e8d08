import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { LocationsTable } from './catalog.tables.ts';
import type { LocationCreate, LocationUpdate } from './locations.schemas.ts';

export type LocationRow = Selectable<LocationsTable>;

export interface LocationListOptions {
  businessId?: string | undefined;
  status?: LocationRow['status'] | undefined;
  search?: string | undefined;
  /** Only these locations (a location-scoped member's). */
  ids?: readonly string[] | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export class LocationsRepository {
  async insert(trx: Trx, tenantId: string, businessId: string, input: LocationCreate): Promise<LocationRow> {
    return trx
      .insertInto('locations')
      .values({
        tenant_id: tenantId,
        business_id: businessId,
        name: input.name,
        address: JSON.stringify(input.address),
        timezone: input.timezone,
        phone: input.phone ?? null,
        email: input.email ?? null,
        settings: JSON.stringify(input.settings ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<LocationRow | undefined> {
    return executor
      .selectFrom('locations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Which of `ids` the tenant has (any status). */
  async existingIds(executor: Executor, tenantId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await executor.selectFrom('locations').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
    return rows.map((row) => row.id);
  }

  async list(executor: Executor, tenantId: string, options: LocationListOptions): Promise<LocationRow[]> {
    let query = executor.selectFrom('locations').selectAll().where('tenant_id', '=', tenantId);
    if (options.businessId !== undefined) query = query.where('business_id', '=', options.businessId);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    if (options.search !== undefined) query = query.where('name', 'ilike', `%${escapeLike(options.search)}%`);
    if (options.ids !== undefined) {
      if (options.ids.length === 0) return [];
      query = query.where('id', 'in', [...options.ids]);
    }
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    return query.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
  }

  async update(trx: Trx, tenantId: string, id: string, patch: LocationUpdate): Promise<LocationRow | undefined> {
    return trx
      .updateTable('locations')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.address !== undefined ? { address: JSON.stringify(patch.address) } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx.deleteFrom('locations').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async archive(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx
      .updateTable('locations')
      .set({ status: 'archived', updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
