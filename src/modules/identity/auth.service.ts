import type { Config } from '../../platform/config.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import { getTenant, PLATFORM_TENANT_ID } from '../tenancy/index.ts';
import { createAccountService } from './account.service.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { recordSecurityEvent } from './security-events.ts';
import { mfaIsOn, type SecondFactorCheck } from './mfa.service.ts';
import * as tokensRepo from './one-time-tokens.repository.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { assertLoginAllowed, assertMfaAttemptsLeft, noteLoginFailure, noteLoginSuccess, noteMfaFailure, noteMfaSuccess } from './login-throttle.ts';
import { lockMfaState } from './mfa.repository.ts';
import type { OneTimeTokenHasher } from './one-time-token-hash.ts';
import { randomToken, sha256 } from './secrets.ts';
import { addRefreshToken, REFRESH_TTL_MS, signAccessToken, startSession, type IssuedTokens, type TokenIssuer, type TokenSubject } from './session-tokens.ts';
import { signCustomerAccessToken, type CustomerAccountState } from './customer-sessions.ts';
import * as sessionsRepo from './sessions.repository.ts';
import type { SigningKeys } from './signing-keys.ts';
import * as usersRepo from './users.repository.ts';
import type { UserRow } from './users.repository.ts';

/** Where a request came from, for sessions and the audit log. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export interface UserView {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  created_at: string;
}

export const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  first_name: row.first_name,
  last_name: row.last_name,
  email_verified: row.email_verified_at !== null,
  created_at: new Date(row.created_at).toISOString(),
});

const MFA_LOGIN_TTL_MS = 5 * 60_000;
const MFA_LOGIN_MAX_ATTEMPTS = 5;
const INVALID_LOGIN = 'The e-mail address or password is incorrect';

export type LoginResult = ({ mfa_required: false } & IssuedTokens) | { mfa_required: true; mfa_token: string; expires_in: number };

export interface AuthServiceDeps {
  db: Db;
  config: Config;
  keys: SigningKeys;
  authenticator: IdentityAuthenticator;
  /** Whether a customer account's session may be refreshed (the customers module answers). */
  customerAccountState: CustomerAccountState;
  /** The sign-in's second factor (the MFA service: TOTP once per time step, or a recovery code). */
  secondFactor: SecondFactorCheck;
  /** Keyed hashes of the sign-in's MFA step tokens. */
  hasher: OneTimeTokenHasher;
}

/**
 * Sign-in (with MFA step), refresh rotation, sign-out and tenant switch; with the signed-in
 * person's own account (password change, sessions, `me`) from account.service.ts.
 */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, config } = deps;
  const issuer: TokenIssuer = { config, keys: deps.keys };
  const meta = (request: RequestMeta) => ({ ip: request.ip, userAgent: request.userAgent });
  const account = createAccountService({ db, authenticator: deps.authenticator });

  /** The token subject for a user's membership in a tenant (or the platform). */
  async function subjectFor(executor: Executor, user: UserRow, tenantId: string, mfaVerified: boolean): Promise<TokenSubject> {
    if (tenantId === PLATFORM_TENANT_ID) {
      const role = user.is_platform_admin ? 'platform_admin' : user.is_platform_auditor ? 'platform_auditor' : null;
      if (role === null) throw forbidden('You are not a platform administrator');
      return { tenantId, userId: user.id, role, customPermissions: null, mfaVerified };
    }
    const membership = await usersRepo.findMembership(executor, tenantId, user.id);
    if (!membership || membership.status !== 'active') throw forbidden('You are not a member of this business');
    let customPermissions: string[] | null = null;
    if (membership.role === 'custom' && membership.custom_role_id !== null) {
      const role = await executor
        .selectFrom('roles')
        .select('permissions')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', membership.custom_role_id)
        .executeTakeFirst();
      customPermissions = role?.permissions ?? [];
    }
    return { tenantId, userId: user.id, role: membership.role, customPermissions, mfaVerified };
  }

  /** Picks the tenant a sign-in is for: the named one, else the most recently used membership. */
  async function chooseTenant(executor: Executor, user: UserRow, tenantSlug: string | undefined): Promise<string> {
    const memberships = await usersRepo.activeMembershipsOfUser(executor, user.id);
    if (tenantSlug !== undefined) {
      const chosen = memberships.find((membership) => membership.tenant_slug === tenantSlug.toLowerCase());
      if (!chosen) throw forbidden('You are not a member of this business');
      return chosen.tenant_id;
    }
    const latest = memberships[0];
    if (latest) return latest.tenant_id;
    if (user.is_platform_admin || user.is_platform_auditor) return PLATFORM_TENANT_ID;
    throw forbidden('This account is not a member of any business');
  }

  async function openSession(
    executor: Executor,
    user: UserRow,
    tenantId: string,
    mfaVerified: boolean,
    request: RequestMeta,
  ): Promise<IssuedTokens> {
    const subject = await subjectFor(executor, user, tenantId, mfaVerified);
    const tokens = await startSession(executor, issuer, subject, meta(request));
    if (tenantId !== PLATFORM_TENANT_ID) await usersRepo.touchMembership(executor, tenantId, user.id);
    await recordSecurityEvent(executor, tenantId, 'auth.login_succeeded', request, {
      userId: user.id,
      metadata: { session_id: tokens.session_id, mfa: mfaVerified },
    });
    return tokens;
  }

  return {
    async login(input: { email: string; password: string; tenant_slug?: string | undefined }, request: RequestMeta): Promise<LoginResult> {
      const email = input.email.trim();
      await withPlatform(db, (trx) => assertLoginAllowed(trx, email, request.ip));
      const outcome = await withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserByEmail(trx, email);
        const credentials = user ? await usersRepo.findCredentials(trx, user.id) : undefined;
        const valid = user && credentials ? await verifyPassword(credentials.password_hash, input.password) : false;
        if (!user || !credentials || !valid) {
          if (!user) await burnPasswordCheck(input.password);
          await noteLoginFailure(trx, email, request.ip);
          const memberships = user ? await usersRepo.activeMembershipsOfUser(trx, user.id) : [];
          await recordSecurityEvent(trx, memberships[0]?.tenant_id ?? null, 'auth.login_failed', request, {
            userId: user?.id ?? null,
            metadata: { email: email.toLowerCase() },
          });
          return null;
        }
        if (user.status !== 'active') throw forbidden('This account is disabled');
        const tenantId = await chooseTenant(trx, user, input.tenant_slug);
        await noteLoginSuccess(trx, email);
        if (mfaIsOn(credentials)) {
          const mfaToken = randomToken(32);
          await tokensRepo.insertOneTimeToken(trx, {
            purpose: 'mfa_login',
            tokenHash: deps.hasher.hash('mfa_login', mfaToken),
            userId: user.id,
            tenantId: tenantId === PLATFORM_TENANT_ID ? null : tenantId,
            email: user.email,
            payload: { tenant_id: tenantId },
            expiresAt: new Date(Date.now() + MFA_LOGIN_TTL_MS),
          });
          return { mfa_required: true as const, mfa_token: mfaToken, expires_in: MFA_LOGIN_TTL_MS / 1000 };
        }
        return { mfa_required: false as const, ...(await openSession(trx, user, tenantId, false, request)) };
      });
      if (outcome === null) throw new AppError('UNAUTHENTICATED', INVALID_LOGIN);
      return outcome;
    },

    async verifyMfaLogin(input: { mfa_token: string; code: string }, request: RequestMeta): Promise<IssuedTokens> {
      const outcome = await withPlatform(db, async (trx) => {
        const token = await tokensRepo.findLiveToken(trx, 'mfa_login', deps.hasher.candidates('mfa_login', input.mfa_token));
        const expired = { error: 'The sign-in step has expired; sign in again', tokens: null } as const;
        if (!token || token.user_id === null) return expired;
        const user = await usersRepo.findUserById(trx, token.user_id);
        if (!user) return expired;
        // The budget of wrong codes is the person's, across sign-ins: a new mfa_token gives no new tries.
        // The row lock makes concurrent attempts for one person count one after the other.
        await lockMfaState(trx, user.id);
        await assertMfaAttemptsLeft(trx, user.id);
        const attempts = await tokensRepo.countTokenAttempt(trx, token.id);
        if (attempts > MFA_LOGIN_MAX_ATTEMPTS) {
          await tokensRepo.markTokenUsed(trx, token.id);
          return { error: 'Too many wrong codes; sign in again', tokens: null } as const;
        }
        const tenantId = typeof token.payload.tenant_id === 'string' ? token.payload.tenant_id : PLATFORM_TENANT_ID;
        const secondFactor = await deps.secondFactor(trx, user.id, input.code);
        if (!secondFactor.accepted) {
          // A replayed code gets the same answer as a wrong one; the audit log tells them apart.
          await noteMfaFailure(trx, user.id, request.ip);
          await recordSecurityEvent(trx, tenantId, 'auth.mfa_failed', request, { userId: user.id, metadata: { reason: secondFactor.reason } });
          return { error: 'The code is not valid', tokens: null } as const;
        }
        await noteMfaSuccess(trx, user.id);
        await tokensRepo.markTokenUsed(trx, token.id);
        return { error: undefined, tokens: await openSession(trx, user, tenantId, true, request) } as const;
      });
      if (outcome.error !== undefined) {
        throw new AppError(outcome.error === 'The code is not valid' ? 'INVALID_CODE' : 'UNAUTHENTICATED', outcome.error);
      }
      return outcome.tokens;
    },

    /**
     * Rotates a refresh token. Reusing an already rotated token means it leaked (or a
     * client raced itself): the whole session family is revoked and the caller must sign in.
     */
    async refresh(refreshToken: string, request: RequestMeta): Promise<IssuedTokens> {
      const outcome = await withPlatform(db, async (trx) => {
        const found = await sessionsRepo.findRefreshToken(trx, sha256(refreshToken));
        if (!found) return null;
        const now = Date.now();
        const reused = found.rotated_at !== null || !(await sessionsRepo.rotateRefreshToken(trx, found.tenant_id, found.token_id));
        if (reused) {
          if (await sessionsRepo.revokeSession(trx, found.tenant_id, found.session_id, 'refresh_token_reuse')) {
            await recordSecurityEvent(trx, found.tenant_id, 'auth.refresh_token_reused', request, {
              userId: found.user_id,
              metadata: { session_id: found.session_id },
            });
          }
          return { revoked: { tenantId: found.tenant_id, sessionId: found.session_id }, tokens: null };
        }
        if (
          found.revoked_at !== null ||
          new Date(found.session_expires_at).getTime() <= now ||
          new Date(found.token_expires_at).getTime() <= now
        ) {
          return null;
        }
        // Impersonation sessions keep their fixed end; ordinary ones slide.
        const expiresAt =
          found.impersonated_by !== null ? new Date(found.session_expires_at) : new Date(now + REFRESH_TTL_MS);
        const ttlSeconds = Math.floor((expiresAt.getTime() - now) / 1000);
        let access: { token: string; expiresIn: number };
        if (found.customer_id !== null) {
          // A customer account's session: the customer must still be allowed to hold one.
          if (!(await deps.customerAccountState(trx, found.tenant_id, found.customer_id))) return null;
          access = await signCustomerAccessToken(issuer, { tenantId: found.tenant_id, customerId: found.customer_id }, found.session_id, ttlSeconds);
        } else {
          const user = found.user_id === null ? undefined : await usersRepo.findUserById(trx, found.user_id);
          if (!user || user.status !== 'active') return null;
          const subject = {
            ...(await subjectFor(trx, user, found.tenant_id, found.mfa_verified)),
            impersonatedBy: found.impersonated_by,
            readOnly: found.read_only,
          };
          access = await signAccessToken(issuer, subject, found.session_id, ttlSeconds);
        }
        await sessionsRepo.extendSession(trx, found.tenant_id, found.session_id, expiresAt);
        const newRefresh = await addRefreshToken(trx, found.tenant_id, found.session_id, expiresAt);
        return {
          revoked: null,
          tokens: {
            access_token: access.token,
            refresh_token: newRefresh,
            token_type: 'Bearer' as const,
            expires_in: access.expiresIn,
            session_id: found.session_id,
          },
        };
      });
      if (outcome === null) throw new AppError('UNAUTHENTICATED', 'The refresh token is not valid; sign in again');
      if (outcome.revoked) {
        deps.authenticator.forgetSession(outcome.revoked.tenantId, outcome.revoked.sessionId);
        throw new AppError('UNAUTHENTICATED', 'This refresh token was already used; the session has been ended for safety');
      }
      if (!outcome.tokens) throw new AppError('UNAUTHENTICATED', 'The refresh token is not valid; sign in again');
      return outcome.tokens;
    },

    async logout(auth: AuthContext, request: RequestMeta): Promise<void> {
      const sessionId = auth.sessionId;
      if (sessionId === null) throw forbidden('Only a signed-in session can sign out; revoke API keys instead');
      await withPlatform(db, async (trx) => {
        await sessionsRepo.revokeSession(trx, auth.tenantId, sessionId, 'logout');
        await recordSecurityEvent(trx, auth.tenantId, 'auth.logout', request, { userId: auth.userId, metadata: { session_id: sessionId } });
      });
      deps.authenticator.forgetSession(auth.tenantId, sessionId);
    },

    async switchTenant(auth: AuthContext, target: { tenant_slug?: string | undefined; tenant_id?: string | undefined }, request: RequestMeta) {
      if (auth.actor.type !== 'user' || auth.userId === null) throw forbidden('Only people can switch business');
      if (auth.attributes.impersonatedBy) throw forbidden('An impersonation session cannot switch business');
      const userId = auth.userId;
      return withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        if (!user) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
        const memberships = await usersRepo.activeMembershipsOfUser(trx, userId);
        const chosen = memberships.find(
          (membership) => membership.tenant_id === target.tenant_id || membership.tenant_slug === target.tenant_slug?.toLowerCase(),
        );
        if (!chosen) throw notFound('Business');
        const session = auth.sessionId ? await sessionsRepo.findSession(trx, auth.tenantId, auth.sessionId) : undefined;
        const mfaVerified = session?.mfa_verified ?? false;
        const credentials = await usersRepo.findCredentials(trx, userId);
        const tenant = await getTenant(trx, chosen.tenant_id);
        // A switch is a sign-in to the other business: it needs the second factor the person has on,
        // or the one the business demands of its admins, already proved by this session.
        const businessRequiresMfa = tenant?.settings.require_mfa_for_admins === true && chosen.role === 'business_admin';
        if (!mfaVerified && ((credentials !== undefined && mfaIsOn(credentials)) || businessRequiresMfa)) {
          throw new AppError('MFA_REQUIRED', 'Sign in to that business with your second factor (POST /auth/login with its tenant_slug)');
        }
        const tokens = await openSession(trx, user, chosen.tenant_id, mfaVerified, request);
        return { ...tokens, tenant };
      });
    },

    // The signed-in person's own account: password, sessions, who am I (account.service.ts).
    ...account,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
