import { z } from 'zod';
import { publicUrl, type Config } from '../../platform/config.ts';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor, Trx } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit } from '../audit/index.ts';
import { PLATFORM_TENANT_ID } from '../tenancy/index.ts';
import type { RequestMeta, UserView } from './auth.service.ts';
import { toUserView } from './auth.service.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { noteLoginSuccess } from './login-throttle.ts';
import type { IdentityMessagesPort } from './messages.ts';
import type { OneTimeTokenHasher } from './one-time-token-hash.ts';
import * as tokensRepo from './one-time-tokens.repository.ts';
import { assertAcceptablePassword, hashPassword } from './passwords.ts';
import { randomToken } from './secrets.ts';
import * as sessionsRepo from './sessions.repository.ts';
import * as usersRepo from './users.repository.ts';
import type { UserRow } from './users.repository.ts';

const EMAIL_VERIFICATION_TTL_MS = 48 * 3_600_000;
const PASSWORD_RESET_TTL_MS = 3_600_000;
/** Encryption context of the address a reset request carries through the job queue. */
const RESET_REQUEST_CONTEXT = 'identity.password_reset_request';

export interface AccountMessagesDeps {
  config: Config;
  hasher: OneTimeTokenHasher;
  messages: IdentityMessagesPort;
}

/** A new e-mail verification link (earlier ones void), queued to the person in the caller's transaction. */
export async function queueVerificationEmail(trx: Trx, deps: AccountMessagesDeps, user: UserRow): Promise<void> {
  const token = randomToken(32);
  await tokensRepo.voidUserTokens(trx, 'email_verification', user.id);
  const row = await tokensRepo.insertOneTimeToken(trx, {
    purpose: 'email_verification',
    tokenHash: deps.hasher.hash('email_verification', token),
    userId: user.id,
    tenantId: null,
    email: user.email,
    payload: {},
    expiresAt: new Date(Date.now() + EMAIL_VERIFICATION_TTL_MS),
  });
  await deps.messages.queue(trx, {
    kind: 'email_verification',
    tenantId: PLATFORM_TENANT_ID,
    reference: `email-verification:${row.id}`,
    to: user.email,
    link: { urlBase: `${publicUrl(deps.config)}/admin/verify-email?token=`, token, expiresHours: EMAIL_VERIFICATION_TTL_MS / 3_600_000 },
  });
}

const resetRequestPayload = z.object({ email_enc: z.string(), requested_at: z.string() });

export interface AccountRecoveryDeps extends AccountMessagesDeps {
  db: Db;
  keyRing: KeyRing;
  authenticator: IdentityAuthenticator;
}

/**
 * Password reset and e-mail verification. Asking for a reset only queues a job with the address
 * (encrypted): the answer does the same work, in the same time, whether or not an account has
 * that address; the job looks the account up and sends the link.
 */
export function createAccountRecoveryService(deps: AccountRecoveryDeps) {
  const { db, keyRing } = deps;

  const passwordResetJob: JobDefinition<typeof resetRequestPayload> = defineJob({
    name: 'identity.password_reset.send',
    version: 1,
    payload: resetRequestPayload,
    maxAttempts: 5,
    async handle(payload, context) {
      const email = keyRing.decrypt(payload.email_enc, RESET_REQUEST_CONTEXT);
      const sent = await withPlatform(context.db, async (trx) => {
        const user = await usersRepo.findUserByEmail(trx, email);
        if (!user || user.status !== 'active') return false;
        const token = randomToken(32);
        await tokensRepo.voidUserTokens(trx, 'password_reset', user.id);
        const row = await tokensRepo.insertOneTimeToken(trx, {
          purpose: 'password_reset',
          tokenHash: deps.hasher.hash('password_reset', token),
          userId: user.id,
          tenantId: null,
          email: user.email,
          payload: {},
          expiresAt: new Date(new Date(payload.requested_at).getTime() + PASSWORD_RESET_TTL_MS),
        });
        await deps.messages.queue(trx, {
          kind: 'password_reset',
          tenantId: PLATFORM_TENANT_ID,
          reference: `password-reset:${row.id}`,
          to: user.email,
          link: { urlBase: `${publicUrl(deps.config)}/admin/reset-password?token=`, token, expiresHours: PASSWORD_RESET_TTL_MS / 3_600_000 },
        });
        return true;
      });
      return { outcome: 'done', note: sent ? 'reset link queued' : 'no active account' };
    },
  });

  async function securityEvent(executor: Executor, tenantId: string | null, action: string, request: RequestMeta, userId: string): Promise<void> {
    await recordAudit(executor, {
      tenantId: tenantId ?? PLATFORM_AUDIT_TENANT_ID,
      action,
      actor: { type: 'user', id: userId },
      userId,
      entityType: 'user',
      entityId: userId,
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
    });
  }

  return {
    jobs: [passwordResetJob] as JobDefinition[],

    /** Same answer and the same work whether or not the address has an account: one queued job. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      const email = emailInput.trim();
      await withPlatform(db, (trx) =>
        enqueue(trx, passwordResetJob, { email_enc: keyRing.encrypt(email, RESET_REQUEST_CONTEXT), requested_at: new Date().toISOString() }, { tenantId: null }),
      );
    },

    async resetPassword(input: { token: string; new_password: string }, request: RequestMeta): Promise<void> {
      await withPlatform(db, async (trx) => {
        const token = await tokensRepo.findLiveToken(trx, 'password_reset', deps.hasher.candidates('password_reset', input.token));
        if (!token || token.user_id === null) {
          throw new AppError('VALIDATION_ERROR', 'The reset link is invalid or has expired; ask for a new one', [
            { field: 'token', message: 'invalid or expired' },
          ]);
        }
        const user = await usersRepo.findUserById(trx, token.user_id);
        if (!user) throw notFound('User');
        assertAcceptablePassword(input.new_password, user.email, 'new_password');
        await usersRepo.updatePasswordHash(trx, user.id, await hashPassword(input.new_password));
        await tokensRepo.markTokenUsed(trx, token.id);
        // Proving control of the mailbox also verifies it.
        await usersRepo.markEmailVerified(trx, user.id);
        await noteLoginSuccess(trx, user.email);
        await sessionsRepo.revokeSessionsOf(trx, { userId: user.id }, 'password_reset', null);
        const memberships = await usersRepo.activeMembershipsOfUser(trx, user.id);
        await securityEvent(trx, memberships[0]?.tenant_id ?? null, 'auth.password_reset', request, user.id);
      });
      deps.authenticator.forgetAllSessions();
    },

    async verifyEmail(tokenValue: string): Promise<UserView> {
      return withPlatform(db, async (trx) => {
        const token = await tokensRepo.findLiveToken(trx, 'email_verification', deps.hasher.candidates('email_verification', tokenValue));
        if (!token || token.user_id === null) {
          throw new AppError('VALIDATION_ERROR', 'The verification link is invalid or has expired', [
            { field: 'token', message: 'invalid or expired' },
          ]);
        }
        await tokensRepo.markTokenUsed(trx, token.id);
        await usersRepo.markEmailVerified(trx, token.user_id);
        const user = await usersRepo.findUserById(trx, token.user_id);
        if (!user) throw notFound('User');
        return toUserView(user);
      });
    },

    async resendVerification(auth: AuthContext): Promise<void> {
      const userId = auth.userId;
      if (auth.actor.type !== 'user' || userId === null) throw forbidden('Only people have e-mail addresses');
      await withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        if (!user || user.email_verified_at !== null) return;
        await queueVerificationEmail(trx, deps, user);
      });
    },
  };
}

export type AccountRecoveryService = ReturnType<typeof createAccountRecoveryService>;
