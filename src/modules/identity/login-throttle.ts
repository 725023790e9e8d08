import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import { clearAccountFailures, loginFailuresSince, recordLoginFailure } from './one-time-tokens.repository.ts';

/**
 * Failed-login throttling, stored in the database so every process shares it, and
 * independent of the general rate limiter. Per account: 10 failures per 15 minutes (so at
 * most 40 an hour, well under the 100/hour ceiling); per IP: 50 per 15 minutes.
 */
export const LOGIN_THROTTLE = {
  windowMs: 15 * 60_000,
  perAccount: 10,
  perIp: 50,
} as const;

export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws 429 RATE_LIMITED with Retry-After when the account or the IP has failed too often. */
export async function assertLoginAllowed(executor: Executor, email: string, ip: string, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - LOGIN_THROTTLE.windowMs);
  for (const [column, value, limit] of [
    ['account', accountKey(email), LOGIN_THROTTLE.perAccount],
    ['ip', ip, LOGIN_THROTTLE.perIp],
  ] as const) {
    const failures = await loginFailuresSince(executor, column, value, since);
    if (failures.count >= limit) {
      const oldest = failures.oldest ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + LOGIN_THROTTLE.windowMs - now.getTime()) / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `Too many failed sign-in attempts; retry in ${Math.ceil(retryAfter / 60)} minutes or reset your password`,
        { retry_after_seconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}

export async function noteLoginFailure(executor: Executor, email: string, ip: string): Promise<void> {
  await recordLoginFailure(executor, accountKey(email), ip);
}

export async function noteLoginSuccess(executor: Executor, email: string): Promise<void> {
  await clearAccountFailures(executor, accountKey(email));
}
