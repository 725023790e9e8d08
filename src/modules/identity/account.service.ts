import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import { getTenant, PLATFORM_TENANT_ID } from '../tenancy/index.ts';
import { toUserView, type RequestMeta } from './auth.service.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './passwords.ts';
import { assertNotImpersonating, permissionsOf } from './principal.ts';
import { recordSecurityEvent } from './security-events.ts';
import * as sessionsRepo from './sessions.repository.ts';
import * as usersRepo from './users.repository.ts';

/** The signed-in person's own account: password change, their sessions, and who they are (`GET /auth/me`). */
export function createAccountService(deps: { db: Db; authenticator: IdentityAuthenticator }) {
  const { db } = deps;
  return {
    async changePassword(auth: AuthContext, input: { current_password: string; new_password: string }, request: RequestMeta) {
      const userId = auth.userId;
      if (auth.actor.type !== 'user' || userId === null) throw forbidden('Only people have passwords');
      assertNotImpersonating(auth, 'change the password');
      const revoked = await withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        const credentials = await usersRepo.findCredentials(trx, userId);
        if (!user || !credentials || !(await verifyPassword(credentials.password_hash, input.current_password))) {
          throw new AppError('VALIDATION_ERROR', 'The current password is not correct', [
            { field: 'current_password', message: 'incorrect' },
          ]);
        }
        assertAcceptablePassword(input.new_password, user.email, 'new_password');
        await usersRepo.updatePasswordHash(trx, userId, await hashPassword(input.new_password));
        const ids = await sessionsRepo.revokeSessionsOf(trx, { userId }, 'password_changed', auth.sessionId);
        await recordSecurityEvent(trx, auth.tenantId, 'auth.password_changed', request, {
          userId,
          metadata: { other_sessions_revoked: ids.length },
        });
        return ids.length;
      });
      deps.authenticator.forgetAllSessions();
      return { other_sessions_revoked: revoked };
    },

    async listSessions(auth: AuthContext) {
      const userId = auth.userId;
      if (auth.actor.type !== 'user' || userId === null) throw forbidden('API keys have no sessions');
      const rows = await withPlatform(db, (trx) => sessionsRepo.listLiveSessions(trx, auth.tenantId, userId));
      return rows.map((row) => ({
        id: row.id,
        current: row.id === auth.sessionId,
        ip: row.ip,
        user_agent: row.user_agent,
        mfa_verified: row.mfa_verified,
        impersonated_by: row.impersonated_by,
        created_at: new Date(row.created_at).toISOString(),
        last_used_at: new Date(row.last_used_at).toISOString(),
        expires_at: new Date(row.expires_at).toISOString(),
      }));
    },

    async revokeSession(auth: AuthContext, sessionId: string, request: RequestMeta): Promise<void> {
      const userId = auth.userId;
      if (auth.actor.type !== 'user' || userId === null) throw forbidden('API keys have no sessions');
      await withPlatform(db, async (trx) => {
        const session = await sessionsRepo.findSession(trx, auth.tenantId, sessionId);
        if (!session || session.user_id !== userId || session.revoked_at !== null) throw notFound('Session');
        await sessionsRepo.revokeSession(trx, auth.tenantId, sessionId, 'revoked_by_user');
        await recordSecurityEvent(trx, auth.tenantId, 'auth.session_revoked', request, { userId, metadata: { session_id: sessionId } });
      });
      deps.authenticator.forgetSession(auth.tenantId, sessionId);
    },

    async me(auth: AuthContext) {
      const userId = auth.userId;
      const permissions = permissionsOf(auth);
      if (auth.actor.type !== 'user' || userId === null) {
        return { user: null, tenant: await withPlatform(db, (trx) => getTenant(trx, auth.tenantId)), role: auth.role, permissions, memberships: [], session_id: null, actor: auth.actor, impersonated_by: null, read_only: auth.attributes.readOnly === true, mfa_enabled: false, mfa_enrollment_required: false };
      }
      return withPlatform(db, async (trx) => {
        const user = await usersRepo.findUserById(trx, userId);
        if (!user) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
        const credentials = await usersRepo.findCredentials(trx, userId);
        const memberships = await usersRepo.activeMembershipsOfUser(trx, userId);
        const impersonatedBy = auth.attributes.impersonatedBy;
        return {
          user: toUserView(user),
          tenant: auth.tenantId === PLATFORM_TENANT_ID ? null : await getTenant(trx, auth.tenantId),
          role: auth.role,
          permissions,
          memberships: memberships.map((membership) => ({
            tenant_id: membership.tenant_id,
            tenant_slug: membership.tenant_slug,
            tenant_name: membership.tenant_name,
            role: membership.role,
          })),
          session_id: auth.sessionId,
          actor: auth.actor,
          impersonated_by: typeof impersonatedBy === 'string' ? impersonatedBy : null,
          read_only: auth.attributes.readOnly === true,
          mfa_enabled: credentials?.mfa_enabled_at !== null && credentials?.mfa_enabled_at !== undefined,
          mfa_enrollment_required: auth.attributes.mfaEnrollmentRequired === true,
        };
      });
    },
  };
}
