import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor, Trx } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import * as mfaRepo from './mfa.repository.ts';
import type { MfaState } from './mfa.repository.ts';
import { verifyPassword } from './passwords.ts';
import { assertNotImpersonating } from './principal.ts';
import { randomToken, sha256 } from './secrets.ts';
import * as usersRepo from './users.repository.ts';
import type { RequestMeta } from './auth.service.ts';

const ISSUER = 'ReserveHub';
const RECOVERY_CODE_COUNT = 10;
/** Rows per transaction of the start-up pass over stored TOTP secrets. */
const SECRET_PASS_BATCH = 200;

/** A recovery code as shown to the user: 10 characters in two groups, case-insensitive. */
function newRecoveryCode(): string {
  const raw = randomToken(12).replace(/[^A-Za-z0-9]/g, '').toLowerCase().padEnd(10, '7').slice(0, 10);
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

// Associated data of the ciphertexts: a secret decrypts only in its own column of its own person's row.
const secretContext = (userId: string): string => `identity.user_credentials.mfa_secret:${userId}`;
const pendingSecretContext = (userId: string): string => `identity.user_credentials.mfa_pending_secret:${userId}`;

/** Whether sign-in asks this person for a second factor. A legacy plaintext secret counts. */
export const mfaIsOn = (credentials: Pick<MfaState, 'mfa_secret' | 'mfa_secret_enc'>): boolean =>
  credentials.mfa_secret_enc !== null || credentials.mfa_secret !== null;

/** The RFC 6238 time step `code` belongs to (one period of tolerance either side for clock drift), or null. */
async function matchedTimeStep(secret: string, code: string): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verifyTotp({ secret, token: code, epochTolerance: 30 });
  // The result type also covers HOTP, which has no time step: narrow (a TOTP match always has one).
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Why a second factor was refused; both answer the same error to the client, the audit log tells them apart. */
export type SecondFactorOutcome = { accepted: true; via: 'totp' | 'recovery_code' } | { accepted: false; reason: 'wrong_code' | 'code_reused' };

/** Checks a sign-in's second factor inside the caller's transaction (see `verifySecondFactor`). */
export type SecondFactorCheck = (executor: Executor, userId: string, code: string) => Promise<SecondFactorOutcome>;

async function replaceCodes(executor: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await usersRepo.replaceRecoveryCodes(executor, userId, codes.map((code) => sha256(normaliseRecoveryCode(code))));
  return codes;
}

/** The person changing their own second factor; never an impersonation (the change would outlive it). */
function personOf(auth: AuthContext): string {
  if (auth.actor.type !== 'user' || auth.userId === null) throw forbidden('Only people can use two-factor authentication');
  assertNotImpersonating(auth, 'change two-factor authentication');
  return auth.userId;
}

/**
 * TOTP enrolment, activation, the sign-in check, recovery codes and removal (with
 * re-authentication). Secrets are stored encrypted with the platform key ring.
 */
export function createMfaService(deps: { db: Db; authenticator: IdentityAuthenticator; keyRing: KeyRing }) {
  const { db, keyRing } = deps;

  async function audit(executor: Executor, auth: AuthContext, action: string, request: RequestMeta): Promise<void> {
    await recordAudit(executor, {
      tenantId: auth.tenantId,
      action,
      actor: { type: 'user', id: auth.userId },
      userId: auth.userId,
      entityType: 'user',
      entityId: auth.userId,
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
    });
  }

  async function assertPassword(executor: Executor, userId: string, password: string): Promise<void> {
    const credentials = await usersRepo.findCredentials(executor, userId);
    if (!credentials || !(await verifyPassword(credentials.password_hash, password))) {
      throw new AppError('VALIDATION_ERROR', 'The password is not correct', [{ field: 'password', message: 'incorrect' }]);
    }
  }

  /** The active secret in clear: decrypted, or a row's legacy plaintext. */
  function activeSecret(state: MfaState): string | null {
    if (state.mfa_secret_enc !== null) return keyRing.decrypt(state.mfa_secret_enc, secretContext(state.user_id));
    return state.mfa_secret;
  }

  /**
   * After a successful use: a legacy plaintext secret (a row written before migration 0063's
   * start-up pass, or by a process still on the previous version) is encrypted and cleared, and
   * a ciphertext under an older key is re-encrypted under the current one. user_credentials is a
   * platform table, outside the per-tenant rotation job, so this is how rotation reaches it for
   * people who sign in. Conditional updates: a concurrent change wins and this does nothing.
   */
  async function keepSecretEncrypted(executor: Executor, state: MfaState, secret: string | null): Promise<void> {
    if (state.mfa_secret_enc === null) {
      if (state.mfa_secret !== null) {
        await mfaRepo.encryptLegacySecret(executor, state.user_id, state.mfa_secret, keyRing.encrypt(state.mfa_secret, secretContext(state.user_id)));
      }
    } else if (secret !== null && keyRing.needsRotation(state.mfa_secret_enc)) {
      await mfaRepo.replaceSecretCiphertext(executor, state.user_id, state.mfa_secret_enc, keyRing.encrypt(secret, secretContext(state.user_id)));
    }
  }

  /**
   * The second factor of a sign-in: the current TOTP code, or an unused recovery code (which
   * it uses up). A TOTP code is accepted once: its time step must be newer than the last one
   * accepted, recorded by a conditional update in the caller's transaction, so a code seen by
   * someone else (shoulder, phishing proxy, log) is worthless once used, and of two requests
   * racing with the same code exactly one wins. Recovery codes are single use the same way
   * (`used_at is null` in the update that spends them).
   */
  const verifySecondFactor: SecondFactorCheck = async (executor, userId, code) => {
    const state = await mfaRepo.findMfaState(executor, userId);
    if (!state || !mfaIsOn(state)) return { accepted: false, reason: 'wrong_code' };
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const secret = activeSecret(state);
      const step = secret === null ? null : await matchedTimeStep(secret, trimmed);
      if (step === null) return { accepted: false, reason: 'wrong_code' };
      if (!(await mfaRepo.acceptTimeStep(executor, userId, step))) return { accepted: false, reason: 'code_reused' };
      await keepSecretEncrypted(executor, state, secret);
      return { accepted: true, via: 'totp' };
    }
    if (!(await usersRepo.consumeRecoveryCode(executor, userId, sha256(normaliseRecoveryCode(trimmed))))) {
      return { accepted: false, reason: 'wrong_code' };
    }
    // No decryption on this path: a recovery code must work even when the secret does not.
    await keepSecretEncrypted(executor, state, null);
    return { accepted: true, via: 'recovery_code' };
  };

  return {
    verifySecondFactor,

    /** Starts enrolment: a new secret (pending until a code proves the app has it). */
    async enroll(auth: AuthContext) {
      const userId = personOf(auth);
      return withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        const state = await mfaRepo.findMfaState(trx, userId);
        if (!user || !state) throw forbidden('Only people can use two-factor authentication');
        if (mfaIsOn(state)) throw new AppError('CONFLICT', 'Two-factor authentication is already on; disable it first');
        const secret = generateSecret();
        await mfaRepo.setPendingSecret(trx, userId, keyRing.encrypt(secret, pendingSecretContext(userId)));
        return { secret, otpauth_uri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
      });
    },

    /**
     * Confirms enrolment with a code; returns the recovery codes, shown this once. The code's
     * time step is recorded as used, so the enrolment code cannot also sign in: every TOTP code
     * counts once.
     */
    async enable(auth: AuthContext, code: string, request: RequestMeta) {
      const userId = personOf(auth);
      const codes = await withPlatform(db, async (trx) => {
        const state = await mfaRepo.findMfaState(trx, userId);
        if (!state?.mfa_pending_secret_enc) throw new AppError('CONFLICT', 'Start enrolment first');
        const pending = keyRing.decrypt(state.mfa_pending_secret_enc, pendingSecretContext(userId));
        const step = await matchedTimeStep(pending, code.trim());
        if (step === null) {
          throw new AppError('INVALID_CODE', 'The code is not valid; check the time on your device and try again');
        }
        await mfaRepo.enableMfa(trx, userId, keyRing.encrypt(pending, secretContext(userId)));
        // The enrolment code is used up like a sign-in code: it cannot open a session afterwards.
        await mfaRepo.acceptTimeStep(trx, userId, step);
        const recovery = await replaceCodes(trx, userId);
        // This session just proved the second factor.
        if (auth.sessionId !== null) {
          await trx
            .updateTable('sessions')
            .set({ mfa_verified: true })
            .where('tenant_id', '=', auth.tenantId)
            .where('id', '=', auth.sessionId)
            .execute();
        }
        await audit(trx, auth, 'auth.mfa_enabled', request);
        return recovery;
      });
      if (auth.sessionId !== null) deps.authenticator.forgetSession(auth.tenantId, auth.sessionId);
      return { enabled: true, recovery_codes: codes };
    },

    async disable(auth: AuthContext, password: string, request: RequestMeta) {
      const userId = personOf(auth);
      if (auth.role.startsWith('platform_')) throw new AppError('FORBIDDEN', 'The platform’s administrators and auditors keep two-factor authentication on');
      await withPlatform(db, async (trx) => {
        await assertPassword(trx, userId, password);
        await mfaRepo.disableMfa(trx, userId);
        await audit(trx, auth, 'auth.mfa_disabled', request);
      });
      return { enabled: false };
    },

    async regenerateRecoveryCodes(auth: AuthContext, password: string, request: RequestMeta) {
      const userId = personOf(auth);
      return withPlatform(db, async (trx) => {
        await assertPassword(trx, userId, password);
        const state = await mfaRepo.findMfaState(trx, userId);
        if (!state || !mfaIsOn(state)) throw new AppError('CONFLICT', 'Two-factor authentication is not on');
        const codes = await replaceCodes(trx, userId);
        await audit(trx, auth, 'auth.mfa_recovery_codes_regenerated', request);
        return { recovery_codes: codes };
      });
    },

    /**
     * Run at start-up, idempotent and safe from several processes at once (a row changes only if
     * it still holds what was read): encrypts every secret still stored in clear (migration
     * 0063's data step) and re-encrypts under the current key every secret written under an
     * older one. The per-tenant rotation job cannot reach this platform-wide table, so this is
     * what lets an old key be retired. Answers how many rows it changed.
     */
    async refreshStoredSecrets(): Promise<number> {
      // Keyset pages, one short transaction each; a rewrite counts only if the row still held what was read.
      const rewriteAll = async <Row extends { user_id: string }>(
        page: (trx: Trx, after: string | null) => Promise<Row[]>,
        rewrite: (trx: Trx, row: Row) => Promise<boolean>,
      ): Promise<number> => {
        let changed = 0;
        for (let after: string | null = null; ; ) {
          const rows = await withPlatform(db, async (trx) => {
            const batch = await page(trx, after);
            for (const row of batch) if (await rewrite(trx, row)) changed += 1;
            return batch;
          });
          const last = rows.at(-1);
          if (rows.length < SECRET_PASS_BATCH || last === undefined) return changed;
          after = last.user_id;
        }
      };
      const encrypted = await rewriteAll(
        (trx, after) => mfaRepo.plaintextSecrets(trx, after, SECRET_PASS_BATCH),
        (trx, row) => mfaRepo.encryptLegacySecret(trx, row.user_id, row.mfa_secret, keyRing.encrypt(row.mfa_secret, secretContext(row.user_id))),
      );
      const reencrypted = await rewriteAll(
        (trx, after) => mfaRepo.secretsUnderOtherKey(trx, keyRing.currentKid, after, SECRET_PASS_BATCH),
        (trx, row) => {
          const context = secretContext(row.user_id);
          return mfaRepo.replaceSecretCiphertext(trx, row.user_id, row.mfa_secret_enc, keyRing.encrypt(keyRing.decrypt(row.mfa_secret_enc, context), context));
        },
      );
      return encrypted + reencrypted;
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
