import type { Redis } from 'ioredis';

/**
 * A cached availability answer. `versions` are the invalidation counters read
 * *before* the data was loaded (see `AvailabilityVersions`); null when they could
 * not be (first computation of a key: the resources involved were unknown), in
 * which case the entry only remembers `resourceIds` for the next request.
 */
export interface CachedAvailability<T> {
  data: T;
  resourceIds: string[];
  versions: number[] | null;
  /** Epoch ms after which the entry must not be served (TTL, or the first slot leaving the notice window). */
  expiresAt: number;
}

/** In-process LRU with TTL: a Map keeps insertion order, so re-inserting on read makes it an LRU. */
export class LruTtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** How a cached value travels through Redis: as text inside the entry's JSON. */
export interface CacheCodec<T> {
  toText(data: T): string;
  fromText(text: string): T;
}

const jsonCodec: CacheCodec<unknown> = { toText: (data) => JSON.stringify(data), fromText: (text) => JSON.parse(text) as unknown };

/** Bytes of UTF-8 text (availability caches the answer's JSON as the bytes it sends). */
export const utf8Codec: CacheCodec<Buffer> = {
  toText: (data) => data.toString('utf8'),
  fromText: (text) => Buffer.from(text, 'utf8'),
};

/**
 * Two levels: this process's LRU, then Redis (shared by every server) when
 * configured. In Redis an entry is JSON with `data` as text (see `CacheCodec`);
 * staleness is decided by the caller from `versions` and `expiresAt`, never by
 * trusting an entry's age alone.
 */
export class AvailabilityCache<T> {
  readonly #local: LruTtlCache<CachedAvailability<T>>;
  readonly #redis: Redis | undefined;
  readonly #codec: CacheCodec<T>;

  constructor(options: { maxEntries: number; redis?: Redis | undefined; codec?: CacheCodec<T> | undefined }) {
    this.#local = new LruTtlCache(options.maxEntries);
    this.#redis = options.redis;
    this.#codec = options.codec ?? (jsonCodec as CacheCodec<T>);
  }

  async get(key: string, now: number): Promise<CachedAvailability<T> | undefined> {
    const local = this.#local.get(key, now);
    if (local !== undefined || !this.#redis) return local;
    const text = await this.#redis.get(`rh:av:c:${key}`);
    if (text === null) return undefined;
    const stored = JSON.parse(text) as Omit<CachedAvailability<T>, 'data'> & { data: string };
    if (stored.expiresAt <= now) return undefined;
    const entry: CachedAvailability<T> = { ...stored, data: this.#codec.fromText(stored.data) };
    this.#local.set(key, entry, entry.expiresAt);
    return entry;
  }

  async set(key: string, entry: CachedAvailability<T>, now: number): Promise<void> {
    this.#local.set(key, entry, entry.expiresAt);
    const ttlMs = entry.expiresAt - now;
    if (this.#redis && ttlMs > 0 && entry.versions !== null) {
      await this.#redis.set(`rh:av:c:${key}`, JSON.stringify({ ...entry, data: this.#codec.toText(entry.data) }), 'PX', ttlMs);
    }
  }
}
