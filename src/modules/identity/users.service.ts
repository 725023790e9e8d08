import { publicUrl, type Config } from '../../platform/config.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertWithinPlanLimit, getTenant } from '../tenancy/index.ts';
import type { RequestMeta } from './auth.service.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import type { MembershipRole } from './identity.tables.ts';
import type { IdentityMessagesPort } from './messages.ts';
import type { OneTimeTokenHasher } from './one-time-token-hash.ts';
import * as tokensRepo from './one-time-tokens.repository.ts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './passwords.ts';
import { assertMayGrant, assertMayManage, OWNER_ROLE, roleEscalation } from './grants.ts';
import type { LocationDirectoryPort } from './location-directory.ts';
import { isPermissionString, isTenantRole, LOCATION_SCOPABLE_ROLES, systemRolePermissions, type PermissionString, type TenantRole } from './permissions.ts';
import { storedLocationScope } from './principal.ts';
import * as rolesRepo from './roles.repository.ts';
import { startSession, type TokenIssuer } from './session-tokens.ts';
import { randomToken } from './secrets.ts';
import * as usersRepo from './users.repository.ts';

export const INVITATION_TTL_MS = 7 * 86_400_000;

/** The invitation's locations (payload `location_ids`), null when it names none (every location). */
export const invitedLocations = (payload: unknown): string[] | null => {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).location_ids : undefined;
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
};

export interface MemberView {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  role: string;
  custom_role_id: string | null;
  /** The locations the member works at; null: every location. */
  location_ids: string[] | null;
  status: string;
  last_active_at: string | null;
  joined_at: string;
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof usersRepo.findMember>>>;
const toMember = (row: MemberRow): MemberView => ({
  id: row.id,
  email: row.email,
  first_name: row.first_name,
  last_name: row.last_name,
  email_verified: row.email_verified_at !== null,
  role: row.role,
  custom_role_id: row.custom_role_id,
  location_ids: storedLocationScope(row.role, row.location_ids) === null ? null : [...(row.location_ids ?? [])],
  status: row.status,
  last_active_at: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  joined_at: new Date(row.created_at).toISOString(),
});

/** Active members that take a seat of the plan (customers do not). */
export const countActiveUsers = (executor: Executor, tenantId: string): Promise<number> =>
  usersRepo.countActiveMembers(executor, tenantId);

export interface RoleAssignment {
  role: TenantRole | 'custom';
  custom_role_id?: string | null | undefined;
}

/**
 * The locations given with a role: only roles that may be scoped take them (the owner never is), and
 * each must be a location of the caller's business (422 UNKNOWN_LOCATION otherwise, naming them).
 * Null: every location.
 */
async function checkLocations(
  executor: Executor,
  locations: LocationDirectoryPort,
  tenantId: string,
  role: MembershipRole,
  locationIds: readonly string[] | null | undefined,
): Promise<string[] | null> {
  if (locationIds === null || locationIds === undefined) return null;
  if (!LOCATION_SCOPABLE_ROLES.has(role)) {
    throw new AppError('VALIDATION_ERROR', `The ${role} role works at every location`, [
      { field: 'location_ids', message: 'only managers, receptionists and custom roles can be limited to locations' },
    ]);
  }
  const unique = [...new Set(locationIds)];
  const unknown = await locations.unknownLocations(executor, tenantId, unique);
  if (unknown.length > 0) {
    throw new AppError('UNKNOWN_LOCATION', 'Some locations are not locations of this business', [
      ...unknown.map((id) => ({ field: 'location_ids', message: `unknown location ${id}` })),
    ]);
  }
  return unique;
}

/** What a membership's role amounts to: a system role's powers, or its custom role's permissions. */
async function powersOfRole(
  executor: Executor,
  tenantId: string,
  role: MembershipRole,
  customRoleId: string | null,
): Promise<{ what: string; permissions: PermissionString[] } | null> {
  if (role !== 'custom') return { what: `the ${role} role`, permissions: systemRolePermissions(role) };
  if (customRoleId === null) return null;
  const custom = await rolesRepo.findRole(executor, tenantId, customRoleId);
  if (!custom) return null;
  return { what: `the "${custom.name}" role`, permissions: custom.permissions.filter(isPermissionString) };
}

/**
 * The role given by an invitation or a role change: it must exist, and the caller must be able to
 * grant all it carries (grants.ts: nothing beyond their own, owner-level roles by owners only).
 */
async function checkAssignment(executor: Executor, auth: AuthContext, assignment: RoleAssignment): Promise<{ role: MembershipRole; customRoleId: string | null }> {
  const customRoleId = assignment.role === 'custom' ? (assignment.custom_role_id ?? null) : null;
  if (assignment.role === 'custom' && !customRoleId) {
    throw new AppError('VALIDATION_ERROR', 'Choose the custom role', [{ field: 'custom_role_id', message: 'required with role "custom"' }]);
  }
  const powers = await powersOfRole(executor, auth.tenantId, assignment.role, customRoleId);
  if (!powers) throw new AppError('VALIDATION_ERROR', 'Unknown custom role', [{ field: 'custom_role_id', message: 'unknown role' }]);
  assertMayGrant(auth, powers);
  return { role: assignment.role, customRoleId };
}

export function createUserService(deps: {
  db: Db;
  config: Config;
  issuer: TokenIssuer;
  authenticator: IdentityAuthenticator;
  hasher: OneTimeTokenHasher;
  messages: IdentityMessagesPort;
  locations: LocationDirectoryPort;
}) {
  const { db, config } = deps;

  return {
    async list(auth: AuthContext, query: { cursor?: string | undefined; limit: number }) {
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(db, auth.tenantId, (trx) =>
        usersRepo.listMembers(trx, auth.tenantId, {
          after: after ? { email: after.value, id: after.id } : undefined,
          limit: query.limit,
        }),
      );
      const page = toPage(rows, query.limit, (row) => ({ value: row.email.toLowerCase(), id: row.id }));
      return { items: page.items.map(toMember), pagination: page.pagination };
    },

    async get(auth: AuthContext, userId: string): Promise<MemberView> {
      const row = await withTenant(db, auth.tenantId, (trx) => usersRepo.findMember(trx, auth.tenantId, userId));
      if (!row) throw notFound('User');
      return toMember(row);
    },

    async invite(auth: AuthContext, input: { email: string; location_ids?: string[] | null | undefined } & RoleAssignment, request: RequestMeta) {
      const email = input.email.trim();
      const token = await withTenant(db, auth.tenantId, async (trx) => {
        const assignment = await checkAssignment(trx, auth, input);
        const locationIds = await checkLocations(trx, deps.locations, auth.tenantId, assignment.role, input.location_ids);
        if (assignment.role !== 'customer') {
          await assertWithinPlanLimit(trx, auth.tenantId, 'users', await countActiveUsers(trx, auth.tenantId));
        }
        return { ...assignment, locationIds };
      });
      return withPlatform(db, async (trx) => {
        const existing = await usersRepo.findUserByEmail(trx, email);
        if (existing && (await usersRepo.findMembership(trx, auth.tenantId, existing.id))) {
          throw new AppError('CONFLICT', 'This person is already a member of the business');
        }
        const secret = randomToken(32);
        const row = await tokensRepo.insertOneTimeToken(trx, {
          purpose: 'invitation',
          tokenHash: deps.hasher.hash('invitation', secret),
          userId: existing?.id ?? null,
          tenantId: auth.tenantId,
          email,
          payload: { role: token.role, custom_role_id: token.customRoleId, location_ids: token.locationIds, invited_by: auth.userId },
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        });
        await deps.messages.queue(trx, {
          kind: 'invitation',
          tenantId: auth.tenantId,
          reference: `invitation:${row.id}`,
          to: email,
          link: { urlBase: `${publicUrl(config)}/admin/accept-invitation?token=`, token: secret, expiresHours: INVITATION_TTL_MS / 3_600_000 },
          role: token.role,
        });
        await recordAudit(trx, {
          tenantId: auth.tenantId,
          action: 'user.invited',
          actor: { type: auth.actor.type, id: auth.actor.id },
          userId: auth.userId,
          entityType: 'invitation',
          entityId: row.id,
          newValues: { email, role: token.role, custom_role_id: token.customRoleId, location_ids: token.locationIds },
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
        });
        return {
          id: row.id,
          email,
          role: token.role,
          custom_role_id: token.customRoleId,
          location_ids: token.locationIds,
          expires_at: new Date(row.expires_at).toISOString(),
        };
      });
    },

    /** Accepts an invitation: a new person sets a password; an existing one proves theirs. */
    async acceptInvitation(
      input: { token: string; password: string; first_name?: string | undefined; last_name?: string | undefined },
      request: RequestMeta,
    ) {
      return withPlatform(db, async (trx) => {
        const invitation = await tokensRepo.findLiveToken(trx, 'invitation', deps.hasher.candidates('invitation', input.token));
        if (!invitation || invitation.tenant_id === null || invitation.email === null) {
          throw new AppError('VALIDATION_ERROR', 'The invitation is invalid or has expired', [{ field: 'token', message: 'invalid or expired' }]);
        }
        const tenantId = invitation.tenant_id;
        const invitedRole = invitation.payload.role;
        const role: MembershipRole = typeof invitedRole === 'string' && (isTenantRole(invitedRole) || invitedRole === 'custom') ? invitedRole : 'staff';
        const customRoleId = typeof invitation.payload.custom_role_id === 'string' ? invitation.payload.custom_role_id : null;
        const locationIds = storedLocationScope(role, invitedLocations(invitation.payload));
        let user = await usersRepo.findUserByEmail(trx, invitation.email);
        // A person with a second factor joins, but is not signed in by a password alone: they sign in
        // (password, then code) and switch to the business.
        let secondFactorOn = false;
        if (user) {
          const credentials = await usersRepo.findCredentials(trx, user.id);
          if (!credentials || !(await verifyPassword(credentials.password_hash, input.password))) {
            throw new AppError('UNAUTHENTICATED', 'An account with this e-mail exists; accept with its password');
          }
          secondFactorOn = credentials.mfa_enabled_at !== null;
        } else {
          assertAcceptablePassword(input.password, invitation.email);
          user = await usersRepo.insertUser(trx, {
            email: invitation.email,
            firstName: input.first_name ?? null,
            lastName: input.last_name ?? null,
          });
          await usersRepo.insertCredentials(trx, user.id, await hashPassword(input.password));
        }
        // The invitation reached this mailbox: that verifies it.
        await usersRepo.markEmailVerified(trx, user.id);
        if (role !== 'customer') await assertWithinPlanLimit(trx, tenantId, 'users', await countActiveUsers(trx, tenantId));
        if (await usersRepo.findMembership(trx, tenantId, user.id)) {
          throw new AppError('CONFLICT', 'You are already a member of this business');
        }
        await usersRepo.insertMembership(trx, { tenantId, userId: user.id, role, customRoleId, locationIds: locationIds === null ? null : [...locationIds] });
        await tokensRepo.markTokenUsed(trx, invitation.id);
        const tokens = secondFactorOn ? null : await startSession(
          trx,
          deps.issuer,
          { tenantId, userId: user.id, role, customPermissions: null, mfaVerified: false },
          { ip: request.ip, userAgent: request.userAgent },
        );
        await usersRepo.touchMembership(trx, tenantId, user.id);
        await recordAudit(trx, {
          tenantId,
          action: 'user.invitation_accepted',
          actor: { type: 'user', id: user.id },
          userId: user.id,
          entityType: 'user',
          entityId: user.id,
          newValues: { role, custom_role_id: customRoleId },
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
        });
        const joined = { tenant: await getTenant(trx, tenantId), user_id: user.id, role };
        return tokens === null ? { ...joined, mfa_required: true as const } : { ...joined, mfa_required: false as const, ...tokens };
      });
    },

    /**
     * Role change and (de)activation. Only someone able to grant the member's current role may touch
     * them; nobody changes their own role; the last active business admin cannot be demoted or deactivated.
     */
    async update(
      auth: AuthContext,
      userId: string,
      patch: {
        role?: (TenantRole | 'custom') | undefined;
        custom_role_id?: string | null | undefined;
        location_ids?: string[] | null | undefined;
        status?: 'active' | 'deactivated' | undefined;
      },
    ): Promise<{ before: MemberView; after: MemberView }> {
      const result = await withTenant(db, auth.tenantId, async (trx) => {
        const before = await usersRepo.findMember(trx, auth.tenantId, userId);
        if (!before) throw notFound('User');
        // Only someone who could have given the member their role may change or deactivate them:
        // an owner is changed by owners only, a manager by no one below a manager.
        const current = await powersOfRole(trx, auth.tenantId, before.role, before.custom_role_id);
        if (current) assertMayManage(auth, current, `You cannot change a member holding ${current.what}`);
        const changesRole =
          patch.role !== undefined && (patch.role !== before.role || (patch.role === 'custom' && (patch.custom_role_id ?? null) !== before.custom_role_id));
        const losesAdmin = before.role === OWNER_ROLE && before.status === 'active' && ((changesRole && patch.role !== OWNER_ROLE) || patch.status === 'deactivated');
        // Locked, so two owners demoting each other at once cannot leave the business without one.
        if (losesAdmin && (await rolesRepo.lockActiveHolders(trx, auth.tenantId, OWNER_ROLE)).filter((id) => id !== userId).length === 0) {
          throw new AppError('CONFLICT', 'A business needs at least one active business admin');
        }
        if (changesRole && userId === auth.userId) throw roleEscalation('You cannot change your own role; ask an owner');
        const assignment = changesRole ? await checkAssignment(trx, auth, { role: patch.role ?? before.role, custom_role_id: patch.custom_role_id }) : undefined;
        // The locations go with the role: given, they are checked against it; a new role that cannot be
        // scoped (the owner, staff) drops them; otherwise they stay as they were.
        const newRole = assignment?.role ?? before.role;
        const locationIds =
          patch.location_ids !== undefined
            ? await checkLocations(trx, deps.locations, auth.tenantId, newRole, patch.location_ids)
            : assignment && !LOCATION_SCOPABLE_ROLES.has(newRole)
              ? null
              : undefined;
        if (patch.status === 'active' && before.status !== 'active' && before.role !== 'customer') {
          await assertWithinPlanLimit(trx, auth.tenantId, 'users', await countActiveUsers(trx, auth.tenantId));
        }
        await usersRepo.updateMembership(trx, auth.tenantId, userId, {
          ...(assignment ? { role: assignment.role, customRoleId: assignment.customRoleId } : {}),
          ...(locationIds !== undefined ? { locationIds } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
        });
        const after = await usersRepo.findMember(trx, auth.tenantId, userId);
        if (!after) throw notFound('User');
        return { before: toMember(before), after: toMember(after) };
      });
      // A deactivated membership fails authentication at once here and within the
      // credential cache's lifetime elsewhere; the person's other businesses are unaffected.
      deps.authenticator.forgetAllSessions();
      return result;
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
