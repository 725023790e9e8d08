import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordAudit, PLATFORM_AUDIT_TENANT_ID } from '../audit/index.ts';
import * as tenancy from '../tenancy/index.ts';
import type { RequestMeta } from './auth.service.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { assertAcceptablePassword, hashPassword } from './passwords.ts';
import { startSession, type TokenIssuer } from './session-tokens.ts';
import * as usersRepo from './users.repository.ts';
import { countActiveUsers } from './users.service.ts';

export const MAX_IMPERSONATION_MINUTES = 60;

/**
 * Creates (or promotes) one of the platform's people: an administrator, or an auditor who reads and exports
 * the compliance records of every business and changes nothing. A user flag, not a tenant membership.
 * Used by the seed, operators' scripts and tests.
 */
async function createPlatformPerson(db: Db, input: { email: string; password: string }, flag: 'is_platform_admin' | 'is_platform_auditor') {
  assertAcceptablePassword(input.password, input.email);
  return withPlatform(db, async (trx) => {
    const existing = await usersRepo.findUserByEmail(trx, input.email);
    if (existing) {
      await trx.updateTable('users').set({ [flag]: true, updated_at: new Date() }).where('id', '=', existing.id).execute();
      return { id: existing.id, email: existing.email };
    }
    const user = await usersRepo.insertUser(trx, {
      email: input.email,
      firstName: null,
      lastName: null,
      isPlatformAdmin: flag === 'is_platform_admin',
      isPlatformAuditor: flag === 'is_platform_auditor',
    });
    await usersRepo.insertCredentials(trx, user.id, await hashPassword(input.password));
    await usersRepo.markEmailVerified(trx, user.id);
    return { id: user.id, email: user.email };
  });
}

export function createPlatformAdmin(db: Db, input: { email: string; password: string }): Promise<{ id: string; email: string }> {
  return createPlatformPerson(db, input, 'is_platform_admin');
}

export function createPlatformAuditor(db: Db, input: { email: string; password: string }): Promise<{ id: string; email: string }> {
  return createPlatformPerson(db, input, 'is_platform_auditor');
}

export function createPlatformAdminService(deps: { db: Db; issuer: TokenIssuer; authenticator: IdentityAuthenticator }) {
  const { db } = deps;

  /** Platform actions are audited twice: in the platform's log and in the affected tenant's. */
  async function audit(
    executor: Executor,
    auth: AuthContext,
    request: RequestMeta,
    tenantId: string,
    action: string,
    values: { oldValues?: unknown; newValues?: unknown; metadata?: Record<string, unknown> },
  ): Promise<void> {
    for (const target of [PLATFORM_AUDIT_TENANT_ID, tenantId]) {
      await recordAudit(executor, {
        tenantId: target,
        action,
        actor: { type: 'user', id: auth.userId },
        userId: auth.userId,
        entityType: 'tenant',
        entityId: tenantId,
        ...values,
        ip: request.ip,
        userAgent: request.userAgent,
        requestId: request.requestId,
      });
    }
  }

  return {
    searchTenants: (query: tenancy.TenantSearchQuery) => withPlatform(db, (trx) => tenancy.searchTenants(trx, query)),

    async getTenant(tenantId: string) {
      return withPlatform(db, async (trx) => {
        const tenant = await tenancy.getTenant(trx, tenantId);
        if (!tenant || tenant.id === tenancy.PLATFORM_TENANT_ID) throw notFound('Tenant');
        return { ...tenant, usage: await tenancy.tenantUsage(trx, tenantId, countActiveUsers) };
      });
    },

    async setStatus(auth: AuthContext, tenantId: string, status: 'active' | 'suspended', reason: string | null, request: RequestMeta) {
      const result = await withPlatform(db, async (trx) => {
        const changed = await tenancy.setTenantStatus(trx, tenantId, status, reason);
        await audit(trx, auth, request, tenantId, status === 'active' ? 'platform.tenant_reactivated' : 'platform.tenant_suspended', {
          oldValues: { status: changed.before.status },
          newValues: { status, reason },
        });
        return changed.after;
      });
      deps.authenticator.forgetAllSessions();
      return result;
    },

    async changePlan(auth: AuthContext, tenantId: string, planId: string, request: RequestMeta) {
      return withPlatform(db, async (trx) => {
        const changed = await tenancy.changePlan(trx, tenantId, planId, countActiveUsers, { force: true });
        await audit(trx, auth, request, tenantId, 'platform.tenant_plan_changed', {
          oldValues: { plan_id: changed.before },
          newValues: { plan_id: planId },
        });
        return changed.after;
      });
    },

    async platformMaintenance() {
      return { scope: 'platform' as const, ...(await withPlatform(db, (trx) => tenancy.platformMaintenance(trx))) };
    },

    async setMaintenance(auth: AuthContext, input: { enabled: boolean; message?: string | null | undefined; tenant_id?: string | undefined }, request: RequestMeta) {
      return withPlatform(db, async (trx) => {
        const state = { enabled: input.enabled, message: input.message ?? null };
        if (input.tenant_id === undefined) {
          await tenancy.setPlatformMaintenance(trx, state);
          await audit(trx, auth, request, PLATFORM_AUDIT_TENANT_ID, 'platform.maintenance_changed', { newValues: state });
          return { scope: 'platform' as const, ...state };
        }
        await tenancy.setTenantMaintenance(trx, input.tenant_id, state);
        await audit(trx, auth, request, input.tenant_id, 'platform.tenant_maintenance_changed', { newValues: state });
        return { scope: 'tenant' as const, tenant_id: input.tenant_id, ...state };
      });
    },

    /**
     * Support impersonation (RF6.1): a session acting as a member of the tenant (by default its
     * first business admin), read-only unless asked otherwise, at most 60 minutes, with a
     * mandatory reason, audited in the platform's and the tenant's logs. Its tokens carry
     * `impersonated_by` and `read_only`.
     */
    async impersonate(
      auth: AuthContext,
      input: { tenant_id: string; reason: string; user_id?: string | undefined; read_only?: boolean | undefined; duration_minutes?: number | undefined },
      request: RequestMeta,
    ) {
      const adminId = auth.userId;
      if (adminId === null) throw new AppError('FORBIDDEN', 'Only a platform administrator can impersonate');
      const minutes = Math.min(input.duration_minutes ?? 30, MAX_IMPERSONATION_MINUTES);
      const readOnly = input.read_only ?? true;
      return withPlatform(db, async (trx) => {
        const tenant = await tenancy.getTenant(trx, input.tenant_id);
        if (!tenant || tenant.id === tenancy.PLATFORM_TENANT_ID) throw notFound('Tenant');
        const member = await trx
          .selectFrom('memberships')
          .select(['user_id', 'role', 'custom_role_id'])
          .where('tenant_id', '=', tenant.id)
          .where('status', '=', 'active')
          .$if(input.user_id !== undefined, (q) => q.where('user_id', '=', input.user_id ?? ''))
          .$if(input.user_id === undefined, (q) => q.where('role', '=', 'business_admin'))
          .orderBy('created_at')
          .executeTakeFirst();
        if (!member) throw notFound('Member');
        const tokens = await startSession(
          trx,
          deps.issuer,
          {
            tenantId: tenant.id,
            userId: member.user_id,
            role: member.role,
            customPermissions: null,
            mfaVerified: true,
            impersonatedBy: adminId,
            readOnly,
          },
          { ip: request.ip, userAgent: request.userAgent, lifetimeMs: minutes * 60_000, impersonationReason: input.reason },
        );
        const expiresAt = new Date(Date.now() + minutes * 60_000).toISOString();
        await audit(trx, auth, request, tenant.id, 'platform.impersonation_started', {
          newValues: { user_id: member.user_id, read_only: readOnly, expires_at: expiresAt, session_id: tokens.session_id },
          metadata: { reason: input.reason },
        });
        return { ...tokens, tenant_id: tenant.id, user_id: member.user_id, read_only: readOnly, session_expires_at: expiresAt };
      });
    },
  };
}

export type PlatformAdminService = ReturnType<typeof createPlatformAdminService>;
