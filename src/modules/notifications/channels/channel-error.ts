/**
 * A send that failed. `permanent` failures (invalid address, rejected
 * recipient) are not retried; others (network, 4xx greylisting, 5xx from
 * the provider's API, rate limits) are, with backoff.
 */
export class ChannelError extends Error {
  readonly permanent: boolean;
  /** `bounced` when the recipient was rejected, else `failed`. */
  readonly status: 'failed' | 'bounced';
  constructor(message: string, options: { permanent: boolean; status?: 'failed' | 'bounced' }) {
    super(message);
    this.name = 'ChannelError';
    this.permanent = options.permanent;
    this.status = options.status ?? 'failed';
  }
}
