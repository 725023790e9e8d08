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

/**
 * Wrong second-factor codes per person, whatever sign-in they belong to: 5 per 15 minutes. A new
 * sign-in (a new `mfa_token`) does not give new attempts, so someone holding the password guesses
 * at most 480 codes a day (each with 3 valid codes of 10^6: about 0.14 % a day), not 5 per login.
 */
export const MFA_THROTTLE = {
  windowMs: 15 * 60_000,
  perUser: 5,
} as const;

export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The `login_failures.account` of a person's wrong second-factor codes (no e-mail address has this form). */
const mfaKey = (userId: string): string => `mfa:${userId}`;

async function assertUnder(
  executor: Executor,
  checks: ReadonlyArray<readonly ['account' | 'ip', string, number]>,
  message: (minutes: number) => string,
  now: Date,
  windowMs: number = LOGIN_THROTTLE.windowMs,
): Promise<void> {
  const since = new Date(now.getTime() - windowMs);
  for (const [column, value, limit] of checks) {
    const failures = await loginFailuresSince(executor, column, value, since);
    if (failures.count >= limit) {
      const oldest = failures.oldest ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + windowMs - now.getTime()) / 1000));
      throw new AppError('RATE_LIMITED', message(Math.ceil(retryAfter / 60)), { retry_after_seconds: retryAfter }, { 'retry-after': String(retryAfter) });
    }
  }
}

/** Throws 429 RATE_LIMITED with Retry-After when the account or the IP has failed too often. */
export async function assertLoginAllowed(executor: Executor, email: string, ip: string, now = new Date()): Promise<void> {
  await assertUnder(
    executor,
    [
      ['account', accountKey(email), LOGIN_THROTTLE.perAccount],
      ['ip', ip, LOGIN_THROTTLE.perIp],
    ],
    (minutes) => `Too many failed sign-in attempts; retry in ${minutes} minutes or reset your password`,
    now,
  );
}

/** Throws 429 RATE_LIMITED when the person has given too many wrong second-factor codes lately. */
export async function assertMfaAttemptsLeft(executor: Executor, userId: string, now = new Date()): Promise<void> {
  await assertUnder(
    executor,
    [['account', mfaKey(userId), MFA_THROTTLE.perUser]],
    (minutes) => `Too many wrong codes; retry in ${minutes} minutes`,
    now,
    MFA_THROTTLE.windowMs,
  );
}

/** A wrong second-factor code: counts for the person and, like a wrong password, for the IP. */
export async function noteMfaFailure(executor: Executor, userId: string, ip: string): Promise<void> {
  await recordLoginFailure(executor, mfaKey(userId), ip);
}

export async function noteMfaSuccess(executor: Executor, userId: string): Promise<void> {
  await clearAccountFailures(executor, mfaKey(userId));
}

export async function noteLoginFailure(executor: Executor, email: string, ip: string): Promise<void> {
  await recordLoginFailure(executor, accountKey(email), ip);
}

export async function noteLoginSuccess(executor: Executor, email: string): Promise<void> {
  await clearAccountFailures(executor, accountKey(email));
}
