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
  /** `start,end,places,exclusive(0/1),...` in epoch ms, or null (see migration 0012). */
  busy: string | null;
}

const MS_PER_DAY = 86_400_000;

/** `start,end,places,exclusive,…` as allocations (one JSON.parse of numbers is the cheapest way to read it). */
function parseBusy(text: string | null): ResourceCalendar['busy'] {
  if (text === null || text === '') return [];
  const numbers = JSON.parse(`[${text}]`) as number[];
  const busy: ResourceCalendar['busy'] = new Array(numbers.length / 4);
  for (let i = 0, j = 0; i + 3 < numbers.length; i += 4, j += 1) {
    busy[j] = { start: numbers[i]!, end: numbers[i + 1]!, places: numbers[i + 2]!, exclusive: numbers[i + 3] === 1 };
  }
  return busy;
}

/**
 * The availability hot path, one statement: `availability_calendars` (migration
 * 0012), a PL/pgSQL function so each connection plans it once. It returns the active
 * resources asked for (and, for two-resource services, every active resource at their
 * locations) with their location's zone, their schedules and exceptions in the range,
 * their location's closures and their active allocations. It reads catalog's
 * resources/locations tables directly, read-only, to stay one round trip (DESIGN.md §7
 * latency bar).
 *
 * Allocations are fetched for the UTC dates one day wider than the local dates on each
 * side. A slot's occupied range, buffers included, lies inside its working interval and
 * so inside its local day, and a local date D spans instants between D 00:00Z − 24 h and
 * D+1 00:00Z + 24 h for any UTC offset under a day (tzdata's largest, local mean times
 * included, is under 16 h). (It used to be two and three days, for buffers that cannot
 * leave the day: a quarter more rows read, aggregated and parsed for a week.)
 */
export class AvailabilityRepository {
  async calendars(
    executor: Executor,
    tenantId: string,
    input: { resourceIds: readonly string[]; alsoAtSameLocations: boolean; from: string; to: string },
  ): Promise<ResourceCalendar[]> {
    if (input.resourceIds.length === 0) return [];
    const windowStart = Date.parse(`${input.from}T00:00:00Z`) - MS_PER_DAY;
    const windowEnd = Date.parse(`${input.to}T00:00:00Z`) + 2 * MS_PER_DAY;
    const result = await sql<CalendarRow>`
      select * from availability_calendars(${tenantId}::uuid, ${`{${input.resourceIds.join(',')}}`}::uuid[],
        ${input.alsoAtSameLocations}, ${input.from}::date, ${input.to}::date, ${windowStart}::bigint, ${windowEnd}::bigint)`.execute(executor);
    const calendars: ResourceCalendar[] = new Array(result.rows.length);
    result.rows.forEach((row, index) => {
      calendars[index] = { ...row, busy: parseBusy(row.busy) };
    });
    return calendars;
  }
}
