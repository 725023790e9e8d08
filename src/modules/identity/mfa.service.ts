import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { verifyPassword } from './passwords.ts';
import { randomToken, sha256 } from './secrets.ts';
import * as usersRepo from './users.repository.ts';
import type { RequestMeta } from './auth.service.ts';

const ISSUER = 'ReserveHub';
const RECOVERY_CODE_COUNT = 10;

/** A recovery code as shown to the user: 10 characters in two groups, case-insensitive. */
function newRecoveryCode(): string {
  const raw = randomToken(12).replace(/[^A-Za-z0-9]/g, '').toLowerCase().padEnd(10, '7').slice(0, 10);
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

async function totpMatches(secret: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  // One period of tolerance either side for clock drift.
  const result = await verifyTotp({ secret, token: code, epochTolerance: 30 });
  return result.valid;
}

/** True when `code` is the user's current TOTP code or an unused recovery code (which it then uses up). */
export async function verifyTotpOrRecoveryCode(executor: Executor, userId: string, code: string): Promise<boolean> {
  const credentials = await usersRepo.findCredentials(executor, userId);
  if (!credentials?.mfa_secret) return false;
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) return totpMatches(credentials.mfa_secret, trimmed);
  return usersRepo.consumeRecoveryCode(executor, userId, sha256(normaliseRecoveryCode(trimmed)));
}

async function replaceCodes(executor: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await usersRepo.replaceRecoveryCodes(executor, userId, codes.map((code) => sha256(normaliseRecoveryCode(code))));
  return codes;
}

function personOf(auth: AuthContext): string {
  if (auth.actor.type !== 'user' || auth.userId === null) throw forbidden('Only people can use two-factor authentication');
  return auth.userId;
}

/** TOTP enrolment, activation, recovery codes and removal (with re-authentication). */
export function createMfaService(deps: { db: Db; authenticator: IdentityAuthenticator }) {
  const { db } = deps;

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

  return {
    /** Starts enrolment: a new secret (pending until a code proves the app has it). */
    async enroll(auth: AuthContext) {
      const userId = personOf(auth);
      return withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        const credentials = await usersRepo.findCredentials(trx, userId);
        if (!user || !credentials) throw forbidden('Only people can use two-factor authentication');
        if (credentials.mfa_secret !== null) throw new AppError('CONFLICT', 'Two-factor authentication is already on; disable it first');
        const secret = generateSecret();
        await usersRepo.setPendingMfaSecret(trx, userId, secret);
        return { secret, otpauth_uri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
      });
    },

    /** Confirms enrolment with a code; returns the recovery codes, shown this once. */
    async enable(auth: AuthContext, code: string, request: RequestMeta) {
      const userId = personOf(auth);
      const codes = await withPlatform(db, async (trx) => {
        const credentials = await usersRepo.findCredentials(trx, userId);
        if (!credentials?.mfa_pending_secret) throw new AppError('CONFLICT', 'Start enrolment first');
        if (!(await totpMatches(credentials.mfa_pending_secret, code.trim()))) {
          throw new AppError('INVALID_CODE', 'The code is not valid; check the time on your device and try again');
        }
        await usersRepo.enableMfa(trx, userId, credentials.mfa_pending_secret);
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
      await withPlatform(db, async (trx) => {
        await assertPassword(trx, userId, password);
        await usersRepo.disableMfa(trx, userId);
        await audit(trx, auth, 'auth.mfa_disabled', request);
      });
      return { enabled: false };
    },

    async regenerateRecoveryCodes(auth: AuthContext, password: string, request: RequestMeta) {
      const userId = personOf(auth);
      return withPlatform(db, async (trx) => {
        await assertPassword(trx, userId, password);
        const credentials = await usersRepo.findCredentials(trx, userId);
        if (!credentials?.mfa_secret) throw new AppError('CONFLICT', 'Two-factor authentication is not on');
        const codes = await replaceCodes(trx, userId);
        await audit(trx, auth, 'auth.mfa_recovery_codes_regenerated', request);
        return { recovery_codes: codes };
      });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
