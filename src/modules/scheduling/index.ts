/**
 * Scheduling: schedules, exceptions, location closures, resource occupancy and
 * the availability engine. Other modules use only what this file exports.
 *
 * For the booking module, inside its own transaction: `isSlotBookable`, then the
 * module's `occupancy` (`reserveOccupancies` / `reserveOccupancy`, `moveOccupancy`,
 * `releaseOccupancy`), which marks the cached availability of what it changed
 * stale once that transaction commits.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/database.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { AvailabilityCache, utf8Codec } from './availability-cache.ts';
import { AvailabilityRepository } from './availability.repository.ts';
import { AvailabilityService } from './availability.service.ts';
import { ComputeBudget, InProcessTokenBuckets, RedisTokenBuckets, type ComputeBudgetRules } from './compute-budget.ts';
import { InProcessAvailabilityVersions, RedisAvailabilityVersions, type AvailabilityVersions } from './availability-versions.ts';
import { LocationClosuresRepository } from './location-closures.repository.ts';
import { createOccupancy, type Occupancy } from './occupancy.ts';
import { LocationClosuresService } from './location-closures.service.ts';
import { ScheduleExceptionsRepository } from './schedule-exceptions.repository.ts';
import { ScheduleExceptionsService } from './schedule-exceptions.service.ts';
import { registerSchedulingRoutes } from './scheduling.routes.ts';
import { SchedulesRepository } from './schedules.repository.ts';
import { SchedulesService } from './schedules.service.ts';
import { registerTimeBlockRoutes } from './time-blocks.routes.ts';
import { TimeBlocksService } from './time-blocks.service.ts';

export type { Allocation, HeldAllocation, Occupancy, ReserveOccupancyInput } from './occupancy.ts';
export { isSlotBookable, type SlotCheck, type SlotCheckInput, type SlotReservation } from './slot-check.ts';
export { formatInstant } from './slot-engine.ts';
export { workingIntervalsByDay, workingMinutesByDay, type WorkingIntervals, type WorkingMinutes } from './working-minutes.ts';

export interface SchedulingDeps {
  db: Db;
  /** Shares cache entries and invalidation counters between processes. */
  redis?: Redis | undefined;
  /** Availability cache lifetime; 0 turns the cache off. Default 300 s (specification §4.1.3). */
  cacheTtlSeconds?: number | undefined;
  /** In-process cache entries kept. Default 10 000. */
  cacheMaxEntries?: number | undefined;
  /** The clock; tests pin it. */
  now?: (() => number) | undefined;
  /** Buckets for uncached public availability (defaults in compute-budget.ts); false turns them off. */
  computeBudget?: Partial<ComputeBudgetRules> | false | undefined;
}

export interface SchedulingModule {
  schedules: SchedulesService;
  exceptions: ScheduleExceptionsService;
  closures: LocationClosuresService;
  availability: AvailabilityService;
  /**
   * Reserves, moves and releases resources inside the caller's transaction; each change
   * marks the cached availability of its resources stale (in every process when Redis is
   * configured) after that transaction commits.
   */
  occupancy: Occupancy;
  /** Hook for catalog's `onCatalogChanged`: services, prices, resources or locations changed. */
  onCatalogChanged(tenantId: string): Promise<void>;
  registerRoutes(api: ApiRouter): void;
}

export function createSchedulingModule(deps: SchedulingDeps): SchedulingModule {
  const { db, redis } = deps;
  const versions: AvailabilityVersions = redis ? new RedisAvailabilityVersions(redis) : new InProcessAvailabilityVersions();
  const ttlSeconds = deps.cacheTtlSeconds ?? 300;
  const cache =
    ttlSeconds > 0 ? new AvailabilityCache<Buffer>({ maxEntries: deps.cacheMaxEntries ?? 10_000, redis, codec: utf8Codec }) : undefined;
  const schedules = new SchedulesService({ db, schedules: new SchedulesRepository(), versions });
  const exceptions = new ScheduleExceptionsService({ db, exceptions: new ScheduleExceptionsRepository(), versions });
  const closures = new LocationClosuresService({ db, closures: new LocationClosuresRepository(), versions });
  const availability = new AvailabilityService({
    db,
    availability: new AvailabilityRepository(),
    versions,
    cache,
    cacheTtlMs: ttlSeconds * 1000,
    ...(deps.now ? { now: deps.now } : {}),
    budget:
      deps.computeBudget === false
        ? undefined
        : new ComputeBudget(redis ? new RedisTokenBuckets(redis) : new InProcessTokenBuckets(), deps.computeBudget ?? {}),
  });
  const occupancy = createOccupancy(versions);
  const timeBlocks = new TimeBlocksService({ db, occupancy });
  return {
    schedules,
    exceptions,
    closures,
    availability,
    occupancy,
    onCatalogChanged: (tenantId) => versions.bumpCatalog(tenantId),
    registerRoutes(api) {
      registerSchedulingRoutes(api, { schedules, exceptions, closures, availability });
      registerTimeBlockRoutes(api, timeBlocks);
    },
  };
}
export { hasWeeklyHours, resourcesWithoutSchedule } from './scheduling-diagnostics.ts';
export { activeAllocationsSource } from './occupancy-facts.ts';
