import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AvailabilityCache, utf8Codec } from './availability-cache.ts';

/** The two Redis calls the cache makes, over a Map (PX ignored: the cache checks expiry itself). */
function fakeRedis(): Redis & { store: Map<string, string> } {
  const store = new Map<string, string>();
  return {
    store,
    get: async (key: string) => store.get(key) ?? null,
    set: async (key: string, value: string) => {
      store.set(key, value);
      return 'OK';
    },
  } as unknown as Redis & { store: Map<string, string> };
}

describe('AvailabilityCache', () => {
  it('shares the answer bytes through Redis as text and serves them in another process', async () => {
    const redis = fakeRedis();
    const body = Buffer.from('{"service":{"name":"Masaje – sesión 60′"},"resources":[]}', 'utf8');
    const writer = new AvailabilityCache<Buffer>({ maxEntries: 10, redis, codec: utf8Codec });
    await writer.set('t|s', { data: body, resourceIds: ['r1'], versions: [0, 3], expiresAt: 2_000 }, 1_000);

    const stored = JSON.parse([...redis.store.values()][0] ?? '{}') as { data: unknown };
    expect(typeof stored.data).toBe('string');

    const reader = new AvailabilityCache<Buffer>({ maxEntries: 10, redis, codec: utf8Codec });
    const entry = await reader.get('t|s', 1_500);
    expect(entry?.data.equals(body)).toBe(true);
    expect(entry?.versions).toEqual([0, 3]);
    expect(await reader.get('t|s', 2_000)).toBeUndefined();
  });

  it('keeps an entry without counters in this process only', async () => {
    const redis = fakeRedis();
    const cache = new AvailabilityCache<Buffer>({ maxEntries: 10, redis, codec: utf8Codec });
    await cache.set('k', { data: Buffer.from('{}'), resourceIds: ['r1'], versions: null, expiresAt: 2_000 }, 1_000);
    expect(redis.store.size).toBe(0);
    expect((await cache.get('k', 1_500))?.resourceIds).toEqual(['r1']);
  });
});
