import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import { findServiceSnapshot, type ServiceSnapshot } from '../catalog/index.ts';
import type { AvailabilityCache } from './availability-cache.ts';
import type { ComputeBudget } from './compute-budget.ts';
import { computeAvailability, type ResourceDays } from './availability-engine.ts';
import { epochDayOf } from './zone-days.ts';
import type { AvailabilityRepository } from './availability.repository.ts';
import { MAX_AVAILABILITY_DAYS, type AvailabilityQuery, type AvailabilityView } from './availability.schemas.ts';
import type { AvailabilityVersions } from './availability-versions.ts';
import { parseAvailability, renderAvailability } from './availability-view.ts';
import type { ServiceTiming } from './slot-engine.ts';

const MS_PER_MINUTE = 60_000;

export interface AvailabilityServiceDeps {
  db: Db;
  availability: AvailabilityRepository;
  versions: AvailabilityVersions;
  /** Absent when caching is off. Entries hold the answer's JSON as UTF-8 bytes. */
  cache?: AvailabilityCache<Buffer> | undefined;
  cacheTtlMs: number;
  /** The clock; tests pin it. */
  now?: () => number;
  /** Bounds uncached computations asked by public callers; absent: unbounded. */
  budget?: ComputeBudget | undefined;
}

/** Who asks: public callers (no credential) are held to the service's duration and the compute budget. */
export interface AvailabilityCaller {
  public: boolean;
  ip: string | null;
}

const STAFF_CALLER: AvailabilityCaller = { public: false, ip: null };

/**
 * The most slot positions one request may make the engine walk: days × resources loaded
 * (group candidates included) × positions per day (1,440 / slot interval). A week of ten
 * resources at 5-minute steps is 20,160; 62 days of ten at 15 minutes (59,520) is refused.
 */
export const MAX_AVAILABILITY_SLOT_POSITIONS = 50_000;

function assertWorkBounded(days: number, resources: number, intervalMinutes: number, max: number): void {
  const positions = days * resources * Math.ceil(1440 / Math.max(1, intervalMinutes));
  if (positions > max) {
    throw new AppError('AVAILABILITY_RANGE_TOO_LARGE', 'Ask for fewer days or one resource at a time', {
      days,
      resources,
      slot_interval_minutes: intervalMinutes,
      max_slot_positions: max,
    });
  }
}

export interface LoadedAvailability {
  service: ServiceSnapshot;
  timing: ServiceTiming;
  resources: ResourceDays[];
  /** Every resource whose calendar went into the answer (primary and group candidates). */
  involvedResourceIds: string[];
  /** Capacity of every resource loaded, group candidates included. */
  capacities: Map<string, number>;
}

/** The service's timing for slot generation, with an optional duration override. */
export function timingOf(service: ServiceSnapshot, durationOverride?: number): ServiceTiming {
  const duration = durationOverride ?? service.duration_minutes;
  return {
    duration_minutes: duration,
    buffer_before_minutes: service.buffer_before_minutes,
    buffer_after_minutes: service.buffer_after_minutes,
    // The stored interval wins; "defaults to the duration" follows an overridden duration.
    slot_interval_minutes: durationOverride !== undefined && service.slot_interval_minutes === service.duration_minutes
      ? duration
      : service.slot_interval_minutes,
    min_notice_minutes: service.min_notice_minutes,
    max_advance_days: service.max_advance_days,
    capacity: service.capacity,
  };
}

/**
 * Loads and computes availability in the caller's transaction: the service
 * (catalog), then one query for the resources' calendars and allocations, then
 * everything in memory. Shared by the availability endpoint and `isSlotBookable`,
 * so the booking path re-checks with exactly the engine customers saw.
 */
export async function loadAvailability(
  executor: Executor,
  repository: AvailabilityRepository,
  input: {
    tenantId: string;
    serviceId: string;
    resourceId?: string | undefined;
    from: string;
    to: string;
    durationMinutes?: number | undefined;
    now: number;
    /** A public caller may lengthen the duration, never shorten it (finer slots cost more). */
    publicCaller?: boolean | undefined;
    /** Refuse (400) when days × resources × slot positions per day pass this. */
    maxSlotPositions?: number | undefined;
  },
): Promise<LoadedAvailability | undefined> {
  const service = await findServiceSnapshot(executor, input.tenantId, input.serviceId);
  if (!service || service.status !== 'active') return undefined;
  if (input.publicCaller && input.durationMinutes !== undefined && input.durationMinutes < service.duration_minutes) {
    throw validationError([
      { field: 'querystring.duration_minutes', message: `at least the service's own ${service.duration_minutes} minutes` },
    ]);
  }
  const primaryIds =
    input.resourceId === undefined ? service.resource_ids : service.resource_ids.filter((id) => id === input.resourceId);
  const timing = timingOf(service, input.durationMinutes);
  const calendars = await repository.calendars(executor, input.tenantId, {
    resourceIds: primaryIds,
    alsoAtSameLocations: service.required_resources.length > 0,
    from: input.from,
    to: input.to,
  });
  if (input.maxSlotPositions !== undefined) {
    assertWorkBounded(epochDayOf(input.to) - epochDayOf(input.from) + 1, calendars.length, timing.slot_interval_minutes, input.maxSlotPositions);
  }
  const resources = computeAvailability({
    timing,
    requiredResources: service.required_resources,
    primaryIds,
    calendars,
    from: input.from,
    to: input.to,
    now: input.now,
  });
  return {
    service,
    timing,
    resources,
    involvedResourceIds: calendars.map((calendar) => calendar.id).sort(),
    capacities: new Map(calendars.map((calendar) => [calendar.id, calendar.capacity])),
  };
}

/** Until when a computed answer stays exact as the clock moves: its earliest start leaving the notice window. */
function exactUntil(loaded: LoadedAvailability, now: number, ttlMs: number): number {
  let earliest = Infinity;
  for (const resource of loaded.resources) {
    for (const day of resource.days) {
      const first = day.slots[0];
      if (first !== undefined && first.start < earliest) earliest = first.start;
    }
  }
  return Math.min(now + ttlMs, earliest - loaded.timing.min_notice_minutes * MS_PER_MINUTE);
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

export class AvailabilityService {
  readonly #deps: AvailabilityServiceDeps;

  constructor(deps: AvailabilityServiceDeps) {
    this.#deps = deps;
  }

  /**
   * `GET /availability`, as the UTF-8 JSON of an `AvailabilityView` (what the endpoint
   * sends inside the envelope). With the cache on, an answer is served from cache only
   * while the counters of every resource it involves (and the tenant's catalog
   * counter) are what they were *before* it was computed, and while no listed slot
   * has left the notice window; anything else recomputes. A hit is the stored bytes,
   * so it costs no rendering nor encoding.
   */
  async getAvailabilityJson(tenantId: string, query: AvailabilityQuery, caller: AvailabilityCaller = STAFF_CALLER): Promise<Buffer> {
    checkRange(query.from_date, query.to_date);
    const now = this.#deps.now?.() ?? Date.now();
    const { cache, versions } = this.#deps;
    const key = `${tenantId}|${query.service_id}|${query.resource_id ?? '*'}|${query.from_date}|${query.to_date}|${query.duration_minutes ?? ''}`;

    let knownIds: string[] | null = null;
    let versionsBefore: number[] | null = null;
    if (cache) {
      const entry = await cache.get(key, now);
      knownIds = entry?.resourceIds ?? null;
      versionsBefore = await versions.read(tenantId, knownIds ?? []);
      if (entry && entry.versions !== null && entry.expiresAt > now && sameList(entry.versions, versionsBefore)) return entry.data;
    }

    if (caller.public && this.#deps.budget) {
      // Only computations take from the budget: a cache hit above cost nothing.
      const taken = await this.#deps.budget.take(tenantId, caller.ip, now);
      if (!taken.ok) {
        throw new AppError('RATE_LIMITED', 'Too many availability searches; retry shortly', undefined, {
          'retry-after': String(taken.retryAfterSeconds),
        });
      }
    }
    const loaded = await withTenant(this.#deps.db, tenantId, (trx) =>
      loadAvailability(trx, this.#deps.availability, {
        tenantId,
        serviceId: query.service_id,
        resourceId: query.resource_id,
        from: query.from_date,
        to: query.to_date,
        durationMinutes: query.duration_minutes,
        now,
        publicCaller: caller.public,
        maxSlotPositions: MAX_AVAILABILITY_SLOT_POSITIONS,
      }),
    );
    if (!loaded) throw notFound('Service');
    if (query.resource_id !== undefined && loaded.resources.length === 0) throw notFound('Resource');
    const data = Buffer.from(renderAvailability(loaded), 'utf8');

    if (cache && versionsBefore !== null) {
      // Counters read before the load are valid for this answer only if they cover
      // exactly the resources it involves; otherwise remember the resources so the
      // next request can read their counters first.
      const covered = knownIds !== null && sameList(knownIds, loaded.involvedResourceIds);
      await cache.set(
        key,
        {
          data,
          resourceIds: loaded.involvedResourceIds,
          versions: covered ? versionsBefore : null,
          expiresAt: exactUntil(loaded, now, this.#deps.cacheTtlMs),
        },
        now,
      );
    }
    return data;
  }

  /** `getAvailabilityJson` as an object, for callers inside the process. */
  async getAvailability(tenantId: string, query: AvailabilityQuery): Promise<AvailabilityView> {
    return parseAvailability((await this.getAvailabilityJson(tenantId, query)).toString('utf8'));
  }
}

/** Dates in order and at most MAX_AVAILABILITY_DAYS of them. */
function checkRange(from: string, to: string): void {
  const days = epochDayOf(to) - epochDayOf(from) + 1;
  if (days < 1) throw validationError([{ field: 'querystring.to_date', message: 'to_date is before from_date' }]);
  if (days > MAX_AVAILABILITY_DAYS) {
    throw new AppError('VALIDATION_ERROR', `Ask for at most ${MAX_AVAILABILITY_DAYS} days at once`, [
      { field: 'querystring.to_date', message: `at most ${MAX_AVAILABILITY_DAYS} days after from_date` },
    ]);
  }
}
