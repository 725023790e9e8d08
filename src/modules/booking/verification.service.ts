/**
 * Guest verification by one-time code (business setting `guest_verification:
 * otp`): six digits sent by email or SMS through the messages port (the
 * notifications pipeline), stored here only as an HMAC, valid 10 minutes, 5
 * attempts. The destination is exactly one address or phone, texted only to the
 * business's SMS countries, and each send counts against tenancy's code budgets
 * (per destination with back-off, per IP, per business). A correct code yields a
 * `verification_token` that one booking request consumes.
 */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { Trx } from '../../platform/db/database.ts';
import { normalizeEmail, normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, validationError } from '../../platform/http/errors.ts';
import { parseCodeDestination } from '../../platform/messaging/code-destination.ts';
import { CodeSendGuard } from '../tenancy/index.ts';
import { nowOf, type BookingDeps } from './booking-deps.ts';
import type { VerificationCheck, VerificationRequest } from './verification.schemas.ts';
import { VerificationRepository } from './verification.repository.ts';

export const CODE_TTL_SECONDS = 600;
export const MAX_ATTEMPTS = 5;
export const TOKEN_TTL_SECONDS = 1800;

function rateLimited(retryAfterSeconds: number, message: string): AppError {
  return new AppError('RATE_LIMITED', message, undefined, { 'retry-after': String(retryAfterSeconds) });
}

/** Canonical destination: lower-cased email, or E.164 phone. */
export function normalizeDestination(destination: string): { kind: 'email' | 'sms'; value: string } | null {
  if (destination.includes('@')) return { kind: 'email', value: normalizeEmail(destination) };
  const phone = normalizePhone(destination);
  return phone === null ? null : { kind: 'sms', value: phone };
}

export class VerificationService {
  readonly #deps: BookingDeps;
  readonly #repository = new VerificationRepository();
  readonly #guard: CodeSendGuard;

  constructor(deps: BookingDeps) {
    this.#deps = deps;
    this.#guard = new CodeSendGuard({ db: deps.db, keyRing: deps.keyRing });
  }

  /** HMAC of the destination: the table holds no contact data in clear. */
  destinationHash(tenantId: string, destination: string): string {
    return createHmac('sha256', this.#deps.linkKey).update(`otp-destination:${tenantId}:${destination}`).digest('hex');
  }

  #codeHash(verificationId: string, code: string): string {
    return createHmac('sha256', this.#deps.linkKey).update(`otp-code:${verificationId}:${code}`).digest('hex');
  }

  #tokenHash(token: string): string {
    return createHmac('sha256', this.#deps.linkKey).update(`otp-token:${token}`).digest('hex');
  }

  async request(tenantId: string, input: VerificationRequest, ip: string | null): Promise<{ channel: 'email' | 'sms'; expires_in: number }> {
    const destination = parseCodeDestination(input.channel, input.destination);
    if (destination === null) {
      throw validationError([
        {
          field: 'destination',
          message: input.channel === 'email' ? 'must be one e-mail address (no name, list or comment)' : 'must be one phone number in E.164',
        },
      ]);
    }
    // Budgets and SMS countries first, in their own transactions: a refusal stores and queues nothing.
    await this.#guard.admit({ tenantId, destination, ip });
    const now = nowOf(this.#deps);
    const destinationHash = this.destinationHash(tenantId, destination.value);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await withTenant(this.#deps.db, tenantId, async (trx) => {
      const id = randomUUID();
      await this.#repository.insert(trx, tenantId, {
        id,
        channel: input.channel,
        destinationHash,
        codeHash: this.#codeHash(id, code),
        ip,
        expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
      });
      // Queued with the verification: the code goes out exactly when it can be checked.
      await this.#deps.messages.queueVerificationCode(trx, tenantId, {
        verificationId: id,
        channel: input.channel,
        destination: destination.value,
        code,
        expiresMinutes: CODE_TTL_SECONDS / 60,
        language: input.language,
      });
    });
    return { channel: input.channel, expires_in: CODE_TTL_SECONDS };
  }

  async verify(tenantId: string, input: VerificationCheck): Promise<{ verification_token: string; expires_in: number }> {
    const destination = normalizeDestination(input.destination);
    if (destination === null) throw new AppError('INVALID_CODE', 'The code is not valid');
    const now = nowOf(this.#deps);
    const destinationHash = this.destinationHash(tenantId, destination.value);
    const token = randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
    // The attempt is counted in a transaction that commits even when the code is wrong;
    // the refusal is thrown only after it.
    const outcome = await withTenant(this.#deps.db, tenantId, async (trx) => {
      const open = await this.#repository.latestOpen(trx, tenantId, destinationHash);
      if (!open || open.expires_at.getTime() <= now.getTime()) return 'invalid' as const;
      if (open.attempts >= MAX_ATTEMPTS) return 'exhausted' as const;
      await this.#repository.countAttempt(trx, tenantId, open.id);
      if (this.#codeHash(open.id, input.code) !== open.code_hash) return 'invalid' as const;
      await this.#repository.markVerified(trx, tenantId, open.id, this.#tokenHash(token), new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000));
      return 'verified' as const;
    });
    if (outcome === 'exhausted') throw rateLimited(CODE_TTL_SECONDS, 'Too many wrong codes; request a new one');
    if (outcome === 'invalid') throw new AppError('INVALID_CODE', 'The code is not valid or has expired');
    return { verification_token: token, expires_in: TOKEN_TTL_SECONDS };
  }

  /**
   * Consumes a verification token for a guest booking, inside the booking's
   * transaction (so a failed booking leaves the token usable): the token must
   * have been issued for the guest's email or phone. 403 VERIFICATION_REQUIRED otherwise.
   */
  async consume(trx: Trx, tenantId: string, token: string | undefined, guest: { email?: string | undefined; phone?: string | undefined }): Promise<void> {
    const hashes = [guest.email, guest.phone]
      .filter((value): value is string => value !== undefined)
      .map((value) => normalizeDestination(value))
      .filter((value) => value !== null)
      .map((destination) => this.destinationHash(tenantId, destination.value));
    const consumed =
      token !== undefined && (await this.#repository.consumeToken(trx, tenantId, this.#tokenHash(token), hashes, nowOf(this.#deps)));
    if (!consumed) {
      throw new AppError('VERIFICATION_REQUIRED', 'Verify your email or phone first (POST /api/v1/verifications)');
    }
  }
}
