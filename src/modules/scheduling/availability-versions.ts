import type { Redis } from 'ioredis';

/**
 * Version counters that say when cached availability went stale: one per
 * tenant+resource (bumped after a booking, cancellation, reschedule, schedule or
 * exception change of that resource commits) and one per tenant for the catalog
 * (services, prices, resources, locations, closures). A cached answer records the
 * counters it was computed under and is used only while they are unchanged.
 *
 * With Redis the counters are shared by every process (INCR/MGET), so a change made
 * through one server invalidates every server's cache; without it they live in
 * this process, which is then the only one.
 */
export interface AvailabilityVersions {
  /** Marks availability of these resources stale. Call after the change committed. */
  bumpResources(tenantId: string, resourceIds: readonly string[]): Promise<void>;
  /** Marks everything of the tenant stale (catalog or location-wide change). */
  bumpCatalog(tenantId: string): Promise<void>;
  /** `[catalog, ...resources]` counters, in the order asked. */
  read(tenantId: string, resourceIds: readonly string[]): Promise<number[]>;
}

const catalogKey = (tenantId: string): string => `rh:av:v:${tenantId}:catalog`;
const resourceKey = (tenantId: string, resourceId: string): string => `rh:av:v:${tenantId}:r:${resourceId}`;

export class InProcessAvailabilityVersions implements AvailabilityVersions {
  readonly #counters = new Map<string, number>();

  #bump(key: string): void {
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
  }

  async bumpResources(tenantId: string, resourceIds: readonly string[]): Promise<void> {
    for (const resourceId of resourceIds) this.#bump(resourceKey(tenantId, resourceId));
  }

  async bumpCatalog(tenantId: string): Promise<void> {
    this.#bump(catalogKey(tenantId));
  }

  async read(tenantId: string, resourceIds: readonly string[]): Promise<number[]> {
    return [catalogKey(tenantId), ...resourceIds.map((id) => resourceKey(tenantId, id))].map(
      (key) => this.#counters.get(key) ?? 0,
    );
  }
}

/** Counters kept a day after their last bump; an expired counter reads 0 again, which only forces a recompute if an entry older than a day survived, and entries live minutes. */
const COUNTER_TTL_SECONDS = 86_400;

export class RedisAvailabilityVersions implements AvailabilityVersions {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async bumpResources(tenantId: string, resourceIds: readonly string[]): Promise<void> {
    if (resourceIds.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const resourceId of resourceIds) {
      pipeline.incr(resourceKey(tenantId, resourceId));
      pipeline.expire(resourceKey(tenantId, resourceId), COUNTER_TTL_SECONDS);
    }
    await pipeline.exec();
  }

  async bumpCatalog(tenantId: string): Promise<void> {
    await this.#redis.pipeline().incr(catalogKey(tenantId)).expire(catalogKey(tenantId), COUNTER_TTL_SECONDS).exec();
  }

  async read(tenantId: string, resourceIds: readonly string[]): Promise<number[]> {
    const values = await this.#redis.mget(catalogKey(tenantId), ...resourceIds.map((id) => resourceKey(tenantId, id)));
    return values.map((value) => (value === null ? 0 : Number(value)));
  }
}
