import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, RETRY_SCHEDULE_MS, retryDelayMs } from './webhook-retry.ts';
import { signWebhook } from './webhook-signature.ts';

describe('retryDelayMs', () => {
  const expected: Array<[number, number]> = [
    [1, 5_000],
    [2, 5 * 60_000],
    [3, 30 * 60_000],
    [4, 2 * 3_600_000],
    [5, 5 * 3_600_000],
    [6, 10 * 3_600_000],
    [7, 14 * 3_600_000],
    [8, 20 * 3_600_000],
    [9, 24 * 3_600_000],
  ];
  it.each(expected)('after failure %i waits about %i ms (±10 %% jitter)', (failures, base) => {
    expect(retryDelayMs(failures, () => 0)).toBe(Math.round(base * 0.9));
    expect(retryDelayMs(failures, () => 1)).toBe(Math.round(base * 1.1));
  });
  it('stops after the last scheduled retry, having covered more than a day', () => {
    expect(retryDelayMs(MAX_DELIVERY_ATTEMPTS)).toBeNull();
    expect(RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(24 * 3_600_000);
  });
});

describe('signWebhook', () => {
  it('matches the Standard Webhooks reference vector', () => {
    // From the Standard Webhooks specification's test vectors.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});
