/**
 * A send that failed. `permanent` failures (invalid address, rejected
 * recipient) are not retried; others (network, 4xx greylisting, 5xx from
 * the provider's API, rate limits) are, with backoff.
 */
export class ChannelError extends Error {
  readonly permanent: boolean;
  /** `bounced` when the recipient was rejected, else `failed`. */
  readonly status: 'failed' | 'bounced';
  /** The provider's own wait before a retry (`Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { permanent: boolean; status?: 'failed' | 'bounced'; retryAfterMs?: number | undefined }) {
    super(message);
    this.name = 'ChannelError';
    this.permanent = options.permanent;
    this.status = options.status ?? 'failed';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds, capped at a day; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: Date = new Date()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now.getTime();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, 86_400_000);
}
