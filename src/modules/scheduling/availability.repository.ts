import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ResourceType } from '../catalog/index.ts';
import type { BusyAllocation } from './slot-engine.ts';
import type { Schedule, ScheduleException } from './working-hours.ts';

/** Everything availability needs about one resource for a date range, from one query. */
export interface ResourceCalendar {
  id: string;
  location_id: string;
  name: string;
  type: ResourceType;
  capacity: number;
  skills: string[];
  timezone: string;
  schedules: Schedule[];
  exceptions: ScheduleException[];
  closures: string[];
  /** Occupied ranges in epoch ms; `exclusive` ones block every place. */
  busy: (BusyAllocation & { exclusive: boolean })[];
}

interface CalendarRow extends Omit<ResourceCalendar, 'busy'> {
  busy: [number, number, number, boolean][];
}

const MS_PER_DAY = 86_400_000;

/**
 * The availability hot path, one statement: the active resources asked for (and,
 * for two-resource services, every active resource at their locations) with their
 * location's zone, their schedules and exceptions in the range, their location's
 * closures and their active allocations. Reads catalog's resources/locations
 * tables directly, read-only, to stay one round trip (DESIGN.md §7 latency bar).
 *
 * Allocations are fetched for a UTC window two days wider than the local dates on
 * each side: wide enough for any zone offset (≤ 14 h) plus buffers (≤ 24 h).
 */
export class AvailabilityRepository {
  async calendars(
    executor: Executor,
    tenantId: string,
    input: { resourceIds: readonly string[]; alsoAtSameLocations: boolean; from: string; to: string },
  ): Promise<ResourceCalendar[]> {
    if (input.resourceIds.length === 0) return [];
    const ids = sql.join(input.resourceIds.map((id) => sql`${id}::uuid`));
    const scope = input.alsoAtSameLocations
      ? sql`r.location_id in (select location_id from resources where tenant_id = ${tenantId} and id in (${ids}))`
      : sql`r.id in (${ids})`;
    const windowStart = new Date(Date.parse(`${input.from}T00:00:00Z`) - 2 * MS_PER_DAY);
    const windowEnd = new Date(Date.parse(`${input.to}T00:00:00Z`) + 3 * MS_PER_DAY);
    const result = await sql<CalendarRow>`
      select r.id, r.location_id, r.name, r.type, r.capacity, r.skills, l.timezone,
        coalesce((
          select json_agg(json_build_object('start_date', s.start_date, 'end_date', s.end_date,
                 'recurrence_rule', s.recurrence_rule, 'time_slots', s.time_slots, 'is_active', s.is_active))
          from schedules s
          where s.tenant_id = r.tenant_id and s.resource_id = r.id and s.is_active
            and s.start_date <= ${input.to}::date and (s.end_date is null or s.end_date >= ${input.from}::date)
        ), '[]') as schedules,
        coalesce((
          select json_agg(json_build_object('exception_date', e.exception_date, 'type', e.type, 'custom_hours', e.custom_hours))
          from schedule_exceptions e
          where e.tenant_id = r.tenant_id and e.resource_id = r.id
            and e.exception_date between ${input.from}::date and ${input.to}::date
        ), '[]') as exceptions,
        coalesce((
          select json_agg(c.closure_date)
          from location_closures c
          where c.tenant_id = r.tenant_id and c.location_id = r.location_id
            and c.closure_date between ${input.from}::date and ${input.to}::date
        ), '[]') as closures,
        coalesce((
          select json_agg(json_build_array(
                   (extract(epoch from lower(a.occupied)) * 1000)::bigint,
                   (extract(epoch from upper(a.occupied)) * 1000)::bigint,
                   a.places, a.capacity_mode = 'exclusive'))
          from allocations a
          where a.tenant_id = r.tenant_id and a.resource_id = r.id and a.active
            and a.occupied && tstzrange(${windowStart}, ${windowEnd}, '[)')
        ), '[]') as busy
      from resources r
      join locations l on l.tenant_id = r.tenant_id and l.id = r.location_id
      where r.tenant_id = ${tenantId} and r.status = 'active' and l.status <> 'archived' and ${scope}
      order by r.name, r.id`.execute(executor);
    return result.rows.map((row) => ({
      ...row,
      busy: row.busy.map(([start, end, places, exclusive]) => ({ start, end, places, exclusive })),
    }));
  }
}
