import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { RolesTable } from './identity.tables.ts';
import './identity.tables.ts';

export type RoleRow = Selectable<RolesTable>;

export async function listRoles(executor: Executor, tenantId: string): Promise<RoleRow[]> {
  return executor.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
}

export async function findRole(executor: Executor, tenantId: string, roleId: string): Promise<RoleRow | undefined> {
  return executor.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('id', '=', roleId).executeTakeFirst();
}

export async function insertRole(
  executor: Executor,
  values: { tenantId: string; name: string; description: string | null; permissions: string[] },
): Promise<RoleRow> {
  return executor
    .insertInto('roles')
    .values({
      tenant_id: values.tenantId,
      name: values.name,
      description: values.description,
      permissions: JSON.stringify(values.permissions),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateRole(
  executor: Executor,
  tenantId: string,
  roleId: string,
  patch: { name?: string | undefined; description?: string | null | undefined; permissions?: string[] | undefined },
): Promise<RoleRow | undefined> {
  return executor
    .updateTable('roles')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.permissions !== undefined ? { permissions: JSON.stringify(patch.permissions) } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .returningAll()
    .executeTakeFirst();
}

export async function roleInUse(executor: Executor, tenantId: string, roleId: string): Promise<boolean> {
  const row = await executor
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('custom_role_id', '=', roleId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteRole(executor: Executor, tenantId: string, roleId: string): Promise<boolean> {
  const result = await executor.deleteFrom('roles').where('tenant_id', '=', tenantId).where('id', '=', roleId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Locks the active memberships holding `role` (FOR UPDATE) and returns their users. Two owners
 * demoting each other at once: the second waits for the first, then sees one owner left.
 */
export async function lockActiveHolders(executor: Executor, tenantId: string, role: 'business_admin'): Promise<string[]> {
  const rows = await executor
    .selectFrom('memberships')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', role)
    .where('status', '=', 'active')
    .orderBy('user_id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.user_id);
}
