import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import { PLATFORM_AUDIT_TENANT_ID, recordAudit } from '../audit/index.ts';
import { createTenant, PLATFORM_TENANT_ID, type Business, type Tenant } from '../tenancy/index.ts';
import { queueVerificationEmail, type AccountMessagesDeps } from './account-recovery.service.ts';
import { toUserView, type RequestMeta, type UserView } from './auth.service.ts';
import { assertLoginAllowed, noteLoginFailure } from './login-throttle.ts';
import { mfaIsOn } from './mfa.service.ts';
import { assertAcceptablePassword, burnPasswordCheck, hashPassword } from './passwords.ts';
import { assertNotImpersonating } from './principal.ts';
import { startSession, type IssuedTokens, type TokenIssuer } from './session-tokens.ts';
import * as sessionsRepo from './sessions.repository.ts';
import * as usersRepo from './users.repository.ts';
import type { UserRow } from './users.repository.ts';

/** The business part of a sign-up, also what a signed-in person gives to add a business. */
export interface NewBusinessInput {
  tenant_name: string;
  tenant_slug?: string | undefined;
  plan_id?: string | undefined;
  timezone?: string | undefined;
  currency?: string | undefined;
}

export interface SignupInput extends NewBusinessInput {
  email: string;
  password: string;
  first_name?: string | undefined;
  last_name?: string | undefined;
}

export interface SignupResult extends IssuedTokens {
  tenant: Tenant;
  business: Business;
  user: UserView;
}

/**
 * What sign-up answers: the new account, signed in (201); or, when the address already has an
 * account, `accepted` (202) whatever password was sent, with a notice to the address's owner.
 */
export type SignupOutcome = { created: true; result: SignupResult } | { created: false };

export interface SignupServiceDeps extends AccountMessagesDeps {
  db: Db;
  issuer: TokenIssuer;
}

/**
 * Sign-up for new people, and adding a business to one's account (signed in). Sign-up never
 * signs an existing account in: that would answer whether the password was right (an oracle
 * outside the sign-in throttle) and open a session that skipped the account's second factor.
 */
export function createSignupService(deps: SignupServiceDeps) {
  const { db, issuer } = deps;

  /** Tenant, first business, business-admin membership and a session in it, in the caller's transaction. */
  async function openBusiness(trx: Trx, user: UserRow, input: NewBusinessInput, mfaVerified: boolean, request: RequestMeta) {
    const { tenant, business } = await createTenant(trx, {
      name: input.tenant_name,
      slug: input.tenant_slug,
      planId: input.plan_id,
      timezone: input.timezone ?? 'UTC',
      currency: input.currency ?? 'USD',
    });
    await usersRepo.insertMembership(trx, { tenantId: tenant.id, userId: user.id, role: 'business_admin', customRoleId: null });
    const tokens = await startSession(
      trx,
      issuer,
      { tenantId: tenant.id, userId: user.id, role: 'business_admin', customPermissions: null, mfaVerified },
      { ip: request.ip, userAgent: request.userAgent },
    );
    await usersRepo.touchMembership(trx, tenant.id, user.id);
    await recordAudit(trx, {
      tenantId: tenant.id,
      action: 'tenant.signed_up',
      actor: { type: 'user', id: user.id },
      userId: user.id,
      entityType: 'tenant',
      entityId: tenant.id,
      newValues: { tenant, business, user: toUserView(user) },
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
    });
    return { tenant, business, user: toUserView(user), ...tokens };
  }

  return {
    async signup(input: SignupInput, request: RequestMeta): Promise<SignupOutcome> {
      const email = input.email.trim();
      // Checked before looking the address up, so the answer to a bad password never depends on it.
      assertAcceptablePassword(input.password, email);
      await withPlatform(db, (trx) => assertLoginAllowed(trx, email, request.ip));
      const existing = await withPlatform(db, (trx) => usersRepo.findUserByEmail(trx, email));
      if (existing) {
        // The same work and the same answer for a right and a wrong password: a password check's
        // time (never its result), a failure on the sign-in throttle, a notice to the owner.
        await burnPasswordCheck(input.password);
        await withPlatform(db, async (trx) => {
          await noteLoginFailure(trx, email, request.ip);
          await deps.messages.queue(trx, { kind: 'signup_attempt', tenantId: PLATFORM_TENANT_ID, reference: `signup-attempt:${randomUUID()}`, to: existing.email });
          await recordAudit(trx, {
            tenantId: PLATFORM_AUDIT_TENANT_ID,
            action: 'auth.signup_existing_account',
            actor: { type: 'anonymous', id: null },
            userId: existing.id,
            entityType: 'user',
            entityId: existing.id,
            ip: request.ip,
            userAgent: request.userAgent,
            requestId: request.requestId,
          });
        });
        return { created: false };
      }
      const result = await withPlatform(db, async (trx) => {
        const user = await usersRepo.insertUser(trx, { email, firstName: input.first_name ?? null, lastName: input.last_name ?? null });
        await usersRepo.insertCredentials(trx, user.id, await hashPassword(input.password));
        const opened = await openBusiness(trx, user, input, false, request);
        await queueVerificationEmail(trx, deps, user);
        return opened;
      });
      return { created: true, result };
    },

    /**
     * A signed-in person opens another business: they become its business admin, with a session
     * in it that carries their current session's second-factor proof. A person with MFA on needs
     * a session that passed it; impersonation and API keys cannot.
     */
    async addBusiness(auth: AuthContext, input: NewBusinessInput, request: RequestMeta): Promise<SignupResult> {
      const userId = auth.userId;
      if (auth.actor.type !== 'user' || userId === null || auth.sessionId === null) throw forbidden('Only a signed-in person can open a business');
      assertNotImpersonating(auth, 'open a business');
      const sessionId = auth.sessionId;
      return withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        const credentials = await usersRepo.findCredentials(trx, userId);
        const session = await sessionsRepo.findSession(trx, auth.tenantId, sessionId);
        if (!user || !credentials || !session) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
        if (mfaIsOn(credentials) && !session.mfa_verified) {
          throw new AppError('MFA_REQUIRED', 'Sign in with your second factor before opening a business');
        }
        return openBusiness(trx, user, input, session.mfa_verified, request);
      });
    },
  };
}

export type SignupService = ReturnType<typeof createSignupService>;
