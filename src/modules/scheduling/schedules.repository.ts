import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { SchedulesTable } from './scheduling.tables.ts';
import type { TimeSlot } from './working-hours.ts';

export type ScheduleRow = Selectable<SchedulesTable>;

export interface ScheduleValues {
  name: string;
  start_date: string;
  end_date: string | null;
  recurrence_rule: string | null;
  time_slots: TimeSlot[];
  is_active: boolean;
}

export class SchedulesRepository {
  async insert(trx: Trx, tenantId: string, resourceId: string, values: ScheduleValues): Promise<ScheduleRow> {
    return trx
      .insertInto('schedules')
      .values({ tenant_id: tenantId, resource_id: resourceId, ...values, time_slots: JSON.stringify(values.time_slots) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return executor.selectFrom('schedules').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async list(
    executor: Executor,
    tenantId: string,
    options: {
      resourceId?: string | undefined;
      /** Only schedules of these resources (a location-scoped member's). */
      resourceIds?: readonly string[] | undefined;
      isActive?: boolean | undefined;
      after?: { createdAt: Date; id: string } | undefined;
      limit: number;
    },
  ): Promise<ScheduleRow[]> {
    let query = executor.selectFrom('schedules').selectAll().where('tenant_id', '=', tenantId);
    if (options.resourceId !== undefined) query = query.where('resource_id', '=', options.resourceId);
    if (options.resourceIds !== undefined) {
      if (options.resourceIds.length === 0) return [];
      query = query.where('resource_id', 'in', [...options.resourceIds]);
    }
    if (options.isActive !== undefined) query = query.where('is_active', '=', options.isActive);
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    return query.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
  }

  async update(trx: Trx, tenantId: string, id: string, values: ScheduleValues): Promise<ScheduleRow | undefined> {
    return trx
      .updateTable('schedules')
      .set({ ...values, time_slots: JSON.stringify(values.time_slots), updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(trx: Trx, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return trx.deleteFrom('schedules').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  }
}
