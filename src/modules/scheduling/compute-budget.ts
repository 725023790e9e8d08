/**
 * Token buckets that bound how many availability answers public callers make the server
 * compute (cache hits cost nothing and take no token): one bucket per client address and
 * tenant, one per tenant. In Redis when configured (the connection the HTTP rate limit
 * shares between processes; an atomic Lua script per take), else in this process.
 */
import type { Redis } from 'ioredis';

/** A bucket: `burst` tokens at most, refilled at `perSecond`. */
export interface BucketRule {
  burst: number;
  perSecond: number;
}

export interface ComputeBudgetRules {
  perIp: BucketRule;
  perTenant: BucketRule;
}

/** Uncached public computations: 60 at once, then one a second, per address and tenant. */
export const DEFAULT_PER_IP: BucketRule = { burst: 60, perSecond: 1 };
/** Uncached public computations of one tenant, whatever the address: 600 at once, then ten a second. */
export const DEFAULT_PER_TENANT: BucketRule = { burst: 600, perSecond: 10 };

/** A take: whether a token was there, else in how many milliseconds one will be. */
export interface Take {
  ok: boolean;
  retryAfterMs: number;
}

export interface TokenBuckets {
  take(key: string, rule: BucketRule, now: number): Promise<Take>;
}

function refill(tokens: number, updatedAt: number, rule: BucketRule, now: number): number {
  return Math.min(rule.burst, tokens + (Math.max(0, now - updatedAt) / 1000) * rule.perSecond);
}

/** In-process buckets; forgets the least recently used beyond `maxKeys`. */
export class InProcessTokenBuckets implements TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number }>();
  readonly #maxKeys: number;

  constructor(maxKeys = 50_000) {
    this.#maxKeys = maxKeys;
  }

  async take(key: string, rule: BucketRule, now: number): Promise<Take> {
    const known = this.#buckets.get(key);
    this.#buckets.delete(key);
    const tokens = known ? refill(known.tokens, known.updatedAt, rule, now) : rule.burst;
    const ok = tokens >= 1;
    this.#buckets.set(key, { tokens: ok ? tokens - 1 : tokens, updatedAt: now });
    while (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done) break;
      this.#buckets.delete(oldest.value);
    }
    return { ok, retryAfterMs: ok ? 0 : Math.ceil(((1 - tokens) / rule.perSecond) * 1000) };
  }
}

// KEYS[1] bucket; ARGV: burst, per second, now (ms). Returns {ok, retry after ms}.
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil then tokens = burst; updated = now end
tokens = math.min(burst, tokens + math.max(0, now - updated) / 1000 * rate)
local ok = 0
local retry = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 else retry = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {ok, retry}
`;

/** Buckets in Redis, shared by every process; the clock is the caller's (one per request). */
export class RedisTokenBuckets implements TokenBuckets {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async take(key: string, rule: BucketRule, now: number): Promise<Take> {
    const [ok, retry] = (await this.#redis.eval(TAKE_SCRIPT, 1, `reservehub:availability-budget:${key}`, rule.burst, rule.perSecond, now)) as [number, number];
    return { ok: ok === 1, retryAfterMs: Number(retry) };
  }
}

/** The budget of uncached public availability computations. */
export class ComputeBudget {
  readonly #buckets: TokenBuckets;
  readonly #rules: ComputeBudgetRules;

  constructor(buckets: TokenBuckets, rules: Partial<ComputeBudgetRules> = {}) {
    this.#buckets = buckets;
    this.#rules = { perIp: rules.perIp ?? DEFAULT_PER_IP, perTenant: rules.perTenant ?? DEFAULT_PER_TENANT };
  }

  /** Takes a token for one computation; a refusal says in how many seconds to retry. */
  async take(tenantId: string, ip: string | null, now: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    if (ip !== null) {
      const byIp = await this.#buckets.take(`ip:${tenantId}:${ip}`, this.#rules.perIp, now);
      if (!byIp.ok) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(byIp.retryAfterMs / 1000)) };
    }
    const byTenant = await this.#buckets.take(`tenant:${tenantId}`, this.#rules.perTenant, now);
    if (!byTenant.ok) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(byTenant.retryAfterMs / 1000)) };
    return { ok: true };
  }
}
