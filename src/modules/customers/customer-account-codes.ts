/**
 * One-time codes of customer accounts: six digits to sign in by email, or to prove a phone from
 * the account. The same rules as guest verification: valid 10 minutes, 5 attempts; sends are
 * admitted first by tenancy's `CodeSendGuard` (one destination, SMS countries, budgets shared
 * with guest codes). Stored as keyed hashes only; the destination is the blind index the
 * customers table uses, so no contact data sits in clear.
 */
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import * as repo from './customer-accounts.repository.ts';
import type { AccountCodePurpose } from './customer-accounts.tables.ts';

export const ACCOUNT_CODE_TTL_SECONDS = 600;
export const ACCOUNT_CODE_MAX_ATTEMPTS = 5;

const MINUTE = 60_000;
/** Code rows are kept a day: well past their ten minutes. */
export const CODE_ROW_RETENTION_MS = 24 * 60 * MINUTE;

export interface CodeTarget {
  purpose: AccountCodePurpose;
  destinationBidx: string;
  /** Phone verification: the signed-in customer asking; null to sign in. */
  customerId: string | null;
}

export type CodeCheck = { outcome: 'valid'; codeId: string } | { outcome: 'invalid' | 'exhausted' };

function rateLimited(retryAfterSeconds: number, message: string): AppError {
  return new AppError('RATE_LIMITED', message, { retry_after_seconds: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}

export class AccountCodes {
  readonly #key: Buffer;

  constructor(keyRing: KeyRing) {
    // A key of its own, derived from the deployment's key ring (the same in every process).
    this.#key = Buffer.from(keyRing.blindIndex('name-token', 'reservehub.customers.account-codes.v1'), 'utf8');
  }

  #mac(label: string, value: string): string {
    return createHmac('sha256', this.#key).update(`${label}:${value}`).digest('hex');
  }

  /**
   * Issues a code in the caller's transaction: returns it (and its id) for the message, never to
   * the HTTP caller. The send must have been admitted by `CodeSendGuard` before.
   */
  async issue(trx: Trx, tenantId: string, target: CodeTarget, ip: string | null, now = new Date()): Promise<{ id: string; code: string }> {
    const ipHash = ip === null ? null : this.#mac(`ip:${tenantId}`, ip);
    await repo.purgeCodesBefore(trx, tenantId, new Date(now.getTime() - CODE_ROW_RETENTION_MS));
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await repo.insertCode(trx, tenantId, {
      id,
      purpose: target.purpose,
      destinationBidx: target.destinationBidx,
      customerId: target.customerId,
      codeHash: this.#mac(`code:${id}`, code),
      ipHash,
      expiresAt: new Date(now.getTime() + ACCOUNT_CODE_TTL_SECONDS * 1000),
    });
    return { id, code };
  }

  /**
   * Checks a code against the newest open one for the target and counts the attempt. The caller
   * must commit even when the outcome is not `valid` (so attempts add up) and refuse only after:
   * see `refuseCode`. A valid code stays usable until `consume` in the same transaction.
   */
  async check(trx: Trx, tenantId: string, target: CodeTarget, code: string, now = new Date()): Promise<CodeCheck> {
    const open = await repo.latestOpenCode(trx, tenantId, target.purpose, target.destinationBidx, target.customerId);
    if (!open || open.expires_at.getTime() <= now.getTime()) return { outcome: 'invalid' };
    if (open.attempts >= ACCOUNT_CODE_MAX_ATTEMPTS) return { outcome: 'exhausted' };
    await repo.countCodeAttempt(trx, tenantId, open.id);
    const expected = Buffer.from(open.code_hash, 'hex');
    const given = Buffer.from(this.#mac(`code:${open.id}`, code), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { outcome: 'invalid' };
    return { outcome: 'valid', codeId: open.id };
  }

  async consume(trx: Trx, tenantId: string, codeId: string): Promise<void> {
    await repo.markCodeUsed(trx, tenantId, codeId);
  }
}

/** The answer to a code that did not check out: 400 INVALID_CODE, or 429 after too many attempts. */
export function refuseCode(outcome: 'invalid' | 'exhausted'): AppError {
  if (outcome === 'exhausted') return rateLimited(ACCOUNT_CODE_TTL_SECONDS, 'Too many wrong codes; ask for a new one');
  return new AppError('INVALID_CODE', 'The code is not valid or has expired');
}
