import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { LocationClosuresTable } from './scheduling.tables.ts';

export type ClosureRow = Selectable<LocationClosuresTable>;

export class LocationClosuresRepository {
  async insert(trx: Trx, tenantId: string, locationId: string, closureDate: string, reason: string | null): Promise<ClosureRow> {
    return trx
      .insertInto('location_closures')
      .values({ tenant_id: tenantId, location_id: locationId, closure_date: closureDate, reason })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async list(
    executor: Executor,
    tenantId: string,
    locationId: string,
    range: { fromDate?: string | undefined; toDate?: string | undefined },
  ): Promise<ClosureRow[]> {
    let query = executor
      .selectFrom('location_closures')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId);
    if (range.fromDate !== undefined) query = query.where('closure_date', '>=', range.fromDate);
    if (range.toDate !== undefined) query = query.where('closure_date', '<=', range.toDate);
    return query.orderBy('closure_date').limit(1000).execute();
  }

  async delete(trx: Trx, tenantId: string, locationId: string, id: string): Promise<number> {
    const result = await trx
      .deleteFrom('location_closures')
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
