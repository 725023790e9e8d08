import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import type { LocationDirectoryPort } from './location-directory.ts';
import { storedLocationScope, toAuthContext, type StaffResourceResolver } from './principal.ts';

/** An active member of a business and what they may do, as their own signed-in credential would say. */
export interface MemberAbility {
  userId: string;
  role: string;
  can: AuthContext['can'];
}

/** Catalog's answers a member's reach needs: a stylist's own resources, the resources at a scoped member's locations. */
export interface MemberReach {
  staffResources: StaffResourceResolver;
  resourcesAt: LocationDirectoryPort['resourcesAt'];
}

/**
 * Every active member of the business (customer-role members left out) with their permissions,
 * built by the same code that builds a signed-in member's credential (`toAuthContext`): the role's
 * rules, a custom role's permissions, and for staff the resources linked to them. Whoever acts for
 * the members (a notice about a booking) asks `can` exactly as a route would, so a change to the
 * roles applies there too, and so does a member's location scope (migration 0096). Read under the tenant; the staff resolver runs after that transaction.
 * `userIds` limits the answer to those members (the ones a caller has something for).
 */
export async function memberAbilities(
  db: Db,
  tenantId: string,
  reach: MemberReach,
  options: { userIds?: readonly string[] } = {},
): Promise<MemberAbility[]> {
  if (options.userIds?.length === 0) return [];
  const members = await withTenant(db, tenantId, (trx) =>
    trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .leftJoin('roles as r', (join) => join.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.id', '=', 'm.custom_role_id'))
      .select(['m.user_id', 'm.role', 'm.custom_role_id', 'm.location_ids', 'r.permissions as custom_permissions'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.status', '=', 'active')
      .where('u.status', '=', 'active')
      .where('m.role', '<>', 'customer')
      .$if(options.userIds !== undefined, (query) => query.where('m.user_id', 'in', options.userIds ?? []))
      .orderBy('m.user_id')
      .execute(),
  );
  const abilities: MemberAbility[] = [];
  for (const member of members) {
    const resourceIds = member.role === 'staff' ? await reach.staffResources(tenantId, member.user_id) : [];
    const locationIds = storedLocationScope(member.role, member.location_ids);
    const locationReach = locationIds === null ? null : { locationIds, resourceIds: await reach.resourcesAt(tenantId, locationIds) };
    const auth = toAuthContext({
      tenantId,
      actor: { type: 'user', id: member.user_id },
      userId: member.user_id,
      role: member.role,
      permissions: member.role === 'custom' ? (member.custom_permissions ?? []) : null,
      customRoleId: member.custom_role_id,
      sessionId: null,
      resourceIds,
      locationReach,
      // What the person may see, not what one session of theirs may do now: no read-only or second-factor gate.
      readOnly: null,
      impersonatedBy: null,
      mfaEnrollmentRequired: false,
    });
    abilities.push({ userId: member.user_id, role: member.role, can: auth.can });
  }
  return abilities;
}
