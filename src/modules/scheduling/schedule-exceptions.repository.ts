import type { Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { ScheduleExceptionsTable } from './scheduling.tables.ts';
import type { ScheduleExceptionType, WallTimeRange } from './working-hours.ts';

export type ExceptionRow = Selectable<ScheduleExceptionsTable>;

export interface ExceptionValues {
  exception_date: string;
  type: ScheduleExceptionType;
  custom_hours: WallTimeRange[] | null;
  reason: string | null;
}

export class ScheduleExceptionsRepository {
  async insert(trx: Trx, tenantId: string, resourceId: string, createdBy: string | null, values: ExceptionValues): Promise<ExceptionRow> {
    return trx
      .insertInto('schedule_exceptions')
      .values({
        tenant_id: tenantId,
        resource_id: resourceId,
        created_by: createdBy,
        ...values,
        custom_hours: values.custom_hours === null ? null : JSON.stringify(values.custom_hours),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<ExceptionRow | undefined> {
    return executor
      .selectFrom('schedule_exceptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Ordered by date, then id. */
  async list(
    executor: Executor,
    tenantId: string,
    options: {
      resourceId?: string | undefined;
      /** Only exceptions of these resources (a location-scoped member's). */
      resourceIds?: readonly string[] | undefined;
      type?: ScheduleExceptionType | undefined;
      fromDate?: string | undefined;
      toDate?: string | undefined;
      after?: { date: string; id: string } | undefined;
      limit: number;
    },
  ): Promise<ExceptionRow[]> {
    let query = executor.selectFrom('schedule_exceptions').selectAll().where('tenant_id', '=', tenantId);
    if (options.resourceId !== undefined) query = query.where('resource_id', '=', options.resourceId);
    if (options.resourceIds !== undefined) {
      if (options.resourceIds.length === 0) return [];
      query = query.where('resource_id', 'in', [...options.resourceIds]);
    }
    if (options.type !== undefined) query = query.where('type', '=', options.type);
    if (options.fromDate !== undefined) query = query.where('exception_date', '>=', options.fromDate);
    if (options.toDate !== undefined) query = query.where('exception_date', '<=', options.toDate);
    const after = options.after;
    if (after !== undefined) {
      query = query.where((eb) => eb(eb.refTuple('exception_date', 'id'), '>', eb.tuple(after.date, after.id)));
    }
    return query.orderBy('exception_date').orderBy('id').limit(options.limit + 1).execute();
  }

  async update(trx: Trx, tenantId: string, id: string, values: ExceptionValues): Promise<ExceptionRow | undefined> {
    return trx
      .updateTable('schedule_exceptions')
      .set({
        ...values,
        custom_hours: values.custom_hours === null ? null : JSON.stringify(values.custom_hours),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(trx: Trx, tenantId: string, id: string): Promise<ExceptionRow | undefined> {
    return trx
      .deleteFrom('schedule_exceptions')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}
