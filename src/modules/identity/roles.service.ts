import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { assertMayGrant, assertMayManage } from './grants.ts';
import { isPermissionString, ROLE_RULES, TENANT_ROLES, buildAbility, grantedPermissions, type PermissionString } from './permissions.ts';
import * as repo from './roles.repository.ts';

export interface RoleView {
  id: string;
  name: string;
  description: string | null;
  permissions: string[];
  is_system_role: boolean;
  created_at: string | null;
  updated_at: string | null;
}

const toView = (row: repo.RoleRow): RoleView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  permissions: row.permissions,
  is_system_role: false,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

/** The system roles a tenant can assign, described with their (unconditional) permissions. */
export function systemRoleViews(): RoleView[] {
  return TENANT_ROLES.map((name) => ({
    id: name,
    name,
    description: null,
    permissions: grantedPermissions(buildAbility(ROLE_RULES[name]({ userId: null, resourceIds: [] }))),
    is_system_role: true,
    created_at: null,
    updated_at: null,
  }));
}

/**
 * Custom roles pick from the catalogue, never platform powers, never more than their author holds,
 * and only owners define owner-level roles (grants.ts).
 */
function validatePermissions(auth: AuthContext, permissions: readonly string[]): PermissionString[] {
  const unknown = permissions.filter((permission) => !isPermissionString(permission));
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION_ERROR',
      'Unknown permissions',
      unknown.map((permission) => ({ field: 'permissions', message: `unknown permission "${permission}"` })),
    );
  }
  const valid = [...new Set(permissions.filter(isPermissionString))];
  assertMayGrant(auth, { what: 'a role', permissions: valid });
  return valid;
}

/** Editing or deleting a role is for those who could have granted all it carries. */
function assertMayEdit(auth: AuthContext, row: repo.RoleRow): void {
  assertMayManage(
    auth,
    { what: `the "${row.name}" role`, permissions: row.permissions.filter(isPermissionString) },
    `You cannot change the "${row.name}" role: it carries permissions you could not grant`,
  );
}

export function createRoleService(deps: { db: Db; authenticator: IdentityAuthenticator }) {
  const { db } = deps;
  const conflictOnName = (error: unknown): never => {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') {
      throw new AppError('CONFLICT', 'A role with this name already exists');
    }
    throw error;
  };
  return {
    async list(auth: AuthContext): Promise<RoleView[]> {
      const custom = await withTenant(db, auth.tenantId, (trx) => repo.listRoles(trx, auth.tenantId));
      return [...systemRoleViews(), ...custom.map(toView)];
    },

    async get(auth: AuthContext, roleId: string): Promise<RoleView> {
      const row = await withTenant(db, auth.tenantId, (trx) => repo.findRole(trx, auth.tenantId, roleId));
      if (!row) throw notFound('Role');
      return toView(row);
    },

    async create(auth: AuthContext, input: { name: string; description?: string | null | undefined; permissions: string[] }) {
      const permissions = validatePermissions(auth, input.permissions);
      if ((TENANT_ROLES as readonly string[]).includes(input.name) || input.name.startsWith('platform_')) {
        throw new AppError('CONFLICT', 'This name belongs to a system role');
      }
      const row = await withTenant(db, auth.tenantId, (trx) =>
        repo.insertRole(trx, { tenantId: auth.tenantId, name: input.name, description: input.description ?? null, permissions }),
      ).catch(conflictOnName);
      return toView(row);
    },

    async update(
      auth: AuthContext,
      roleId: string,
      patch: { name?: string | undefined; description?: string | null | undefined; permissions?: string[] | undefined },
    ): Promise<{ before: RoleView; after: RoleView }> {
      const permissions = patch.permissions === undefined ? undefined : validatePermissions(auth, patch.permissions);
      const result = await withTenant(db, auth.tenantId, async (trx) => {
        const before = await repo.findRole(trx, auth.tenantId, roleId);
        if (!before) throw notFound('Role');
        assertMayEdit(auth, before);
        const after = await repo.updateRole(trx, auth.tenantId, roleId, { ...patch, permissions });
        if (!after) throw notFound('Role');
        return { before: toView(before), after: toView(after) };
      }).catch(conflictOnName);
      // Members holding the role get the new permissions within the credential cache's lifetime.
      deps.authenticator.forgetAllSessions();
      return result;
    },

    async remove(auth: AuthContext, roleId: string): Promise<RoleView> {
      return withTenant(db, auth.tenantId, async (trx) => {
        const role = await repo.findRole(trx, auth.tenantId, roleId);
        if (!role) throw notFound('Role');
        assertMayEdit(auth, role);
        if (await repo.roleInUse(trx, auth.tenantId, roleId)) {
          throw new AppError('CONFLICT', 'Members still hold this role; give them another role first');
        }
        await repo.deleteRole(trx, auth.tenantId, roleId);
        return toView(role);
      });
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
