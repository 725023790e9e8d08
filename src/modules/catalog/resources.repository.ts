import { sql, type Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { ResourcesTable, ResourceType } from './catalog.tables.ts';
import type { ResourceCreate, ResourceUpdate } from './resources.schemas.ts';

export type ResourceRow = Selectable<ResourcesTable>;

export interface ResourceListOptions {
  locationId?: string | undefined;
  /** Only resources at these locations (a location-scoped member's). */
  locationIds?: readonly string[] | undefined;
  type?: ResourceType | undefined;
  status?: ResourceRow['status'] | undefined;
  skill?: string | undefined;
  userId?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** A resource with its location's time zone: what availability needs to know about it. */
export interface ResourceWithZone {
  id: string;
  location_id: string;
  name: string;
  type: ResourceType;
  capacity: number;
  skills: string[];
  timezone: string;
}

export class ResourcesRepository {
  async insert(trx: Trx, tenantId: string, input: ResourceCreate): Promise<ResourceRow> {
    return trx
      .insertInto('resources')
      .values({
        tenant_id: tenantId,
        location_id: input.location_id,
        name: input.name,
        type: input.type,
        description: input.description ?? null,
        capacity: input.capacity ?? 1,
        skills: input.skills ?? [],
        user_id: input.user_id ?? null,
        settings: JSON.stringify(input.settings ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<ResourceRow | undefined> {
    return executor
      .selectFrom('resources')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The ids among `ids` that are resources of the tenant (used to validate references). */
  async existingIds(executor: Executor, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await executor
      .selectFrom('resources')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  async list(executor: Executor, tenantId: string, options: ResourceListOptions): Promise<ResourceRow[]> {
    let query = executor.selectFrom('resources').selectAll().where('tenant_id', '=', tenantId);
    if (options.locationId !== undefined) query = query.where('location_id', '=', options.locationId);
    if (options.locationIds !== undefined) {
      if (options.locationIds.length === 0) return [];
      query = query.where('location_id', 'in', [...options.locationIds]);
    }
    if (options.type !== undefined) query = query.where('type', '=', options.type);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    if (options.skill !== undefined) query = query.where(sql<boolean>`skills @> array[${options.skill}]::text[]`);
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    return query.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
  }

  async update(trx: Trx, tenantId: string, id: string, patch: ResourceUpdate): Promise<ResourceRow | undefined> {
    return trx
      .updateTable('resources')
      .set({
        ...(patch.location_id !== undefined ? { location_id: patch.location_id } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.type !== undefined ? { type: patch.type } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
        ...(patch.skills !== undefined ? { skills: patch.skills } : {}),
        ...(patch.user_id !== undefined ? { user_id: patch.user_id } : {}),
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
    const result = await trx.deleteFrom('resources').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async archive(trx: Trx, tenantId: string, id: string): Promise<number> {
    const result = await trx
      .updateTable('resources')
      .set({ status: 'archived', updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Active resources linked to a staff user (identity's staff scoping). */
  /** Every resource (whatever its status) at these locations: a location-scoped member's reach. */
  async idsAtLocations(executor: Executor, tenantId: string, locationIds: readonly string[]): Promise<string[]> {
    if (locationIds.length === 0) return [];
    const rows = await executor
      .selectFrom('resources')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('location_id', 'in', [...locationIds])
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async idsForUser(executor: Executor, tenantId: string, userId: string): Promise<string[]> {
    const rows = await executor
      .selectFrom('resources')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '!=', 'archived')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Active resources with their location's zone: the given ids, plus (when
   * `alsoAtLocationsOf` is set) every active resource at the locations of those ids,
   * which is where a two-resource service looks for its room or assistant.
   */
  async withZones(
    executor: Executor,
    tenantId: string,
    ids: readonly string[],
    alsoAtLocationsOf: boolean,
  ): Promise<ResourceWithZone[]> {
    if (ids.length === 0) return [];
    const idList = sql.join(ids.map((id) => sql`${id}::uuid`));
    const scope = alsoAtLocationsOf
      ? sql`r.location_id in (select location_id from resources where tenant_id = ${tenantId} and id in (${idList}))`
      : sql`r.id in (${idList})`;
    const result = await sql<ResourceWithZone>`
      select r.id, r.location_id, r.name, r.type, r.capacity, r.skills, l.timezone
      from resources r
      join locations l on l.tenant_id = r.tenant_id and l.id = r.location_id
      where r.tenant_id = ${tenantId} and r.status = 'active' and ${scope}
      order by r.name, r.id`.execute(executor);
    return result.rows;
  }
}
