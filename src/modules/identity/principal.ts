import type { AuthContext } from '../../platform/http/access.ts';
import { forbidden } from '../../platform/http/errors.ts';
import {
  ACTIONS,
  buildAbility,
  checkAbility,
  grantedPermissions,
  isPermissionString,
  LOCATION_SCOPABLE_ROLES,
  ROLE_RULES,
  rulesFromPermissions,
  scopeRulesToLocations,
  SUBJECTS,
  unconditionalPermissions,
  type LocationReach,
  type PermissionString,
  type SystemRole,
} from './permissions.ts';

/** Looks up the resources a staff member is assigned to (catalog provides it; default none). */
export type StaffResourceResolver = (tenantId: string, userId: string) => Promise<string[]>;

export type ReadOnlyReason = 'impersonation' | 'tenant_inactive';

/** Everything authentication established about a caller, before it becomes an AuthContext. */
export interface PrincipalFacts {
  tenantId: string;
  actor: AuthContext['actor'];
  userId: string | null;
  /** A system role name, 'custom' (custom role) or 'api_key'. */
  role: string;
  /** Permissions of a custom role or API key; null for system roles. */
  permissions: readonly string[] | null;
  sessionId: string | null;
  resourceIds: readonly string[];
  readOnly: ReadOnlyReason | null;
  impersonatedBy: string | null;
  /** Tenant requires MFA for admins and this session has not proved it: only `authenticated` routes work. */
  mfaEnrollmentRequired: boolean;
  customRoleId?: string | null;
  /** A customer account's credential: the customer (also `actor.id`). */
  customerId?: string | null;
  /** A location-scoped member's locations and the resources at them (migration 0096); null or absent = every location. */
  locationReach?: LocationReach | null;
}

/** The locations a member is scoped to (null = every one) as stored, for roles that may be scoped. */
export function storedLocationScope(role: string, locationIds: readonly string[] | null | undefined): readonly string[] | null {
  return LOCATION_SCOPABLE_ROLES.has(role) && locationIds !== null && locationIds !== undefined && locationIds.length > 0 ? locationIds : null;
}

const READ_ACTIONS = new Set(['read', 'export']);

/**
 * What write-impersonation may not change: whatever would let someone in after the
 * impersonation ends (API keys, members and invitations, roles, webhook endpoints and their
 * secrets). Reading and revoking stay allowed.
 */
const LASTING_ACCESS_SUBJECTS = new Set(['ApiKey', 'User', 'Role', 'WebhookEndpoint']);
const REVOKING_ACTIONS = new Set(['read', 'export', 'delete']);

export function isSystemRole(role: string): role is SystemRole {
  return role in ROLE_RULES;
}

/** The AuthContext the platform carries: permission checks with conditions, read-only and MFA gates. */
export function toAuthContext(facts: PrincipalFacts): AuthContext {
  const roleRules = isSystemRole(facts.role)
    ? ROLE_RULES[facts.role]({ userId: facts.userId, resourceIds: facts.resourceIds, customerId: facts.customerId ?? null })
    : rulesFromPermissions((facts.permissions ?? []).filter(isPermissionString));
  const reach = LOCATION_SCOPABLE_ROLES.has(facts.role) ? (facts.locationReach ?? null) : null;
  const rules = reach === null ? roleRules : scopeRulesToLocations(roleRules, reach);
  const ability = buildAbility(rules);
  let granted: PermissionString[] | undefined;
  let unconditional: PermissionString[] | undefined;
  return {
    tenantId: facts.tenantId,
    actor: facts.actor,
    userId: facts.userId,
    role: facts.role,
    sessionId: facts.sessionId,
    can(action, subject, object) {
      if (facts.mfaEnrollmentRequired) return false;
      // The owner of a business suspended for an unpaid invoice may still pay it: the access guard
      // lets only billing's payment routes write for such a credential.
      const payingWhileSuspended = facts.readOnly === 'tenant_inactive' && action === 'update' && subject === 'Tenant';
      if (facts.readOnly !== null && !READ_ACTIONS.has(action) && !payingWhileSuspended) return false;
      if (facts.impersonatedBy !== null && LASTING_ACCESS_SUBJECTS.has(subject) && !REVOKING_ACTIONS.has(action)) return false;
      return checkAbility(ability, action, subject, object);
    },
    attributes: Object.freeze({
      resourceIds: facts.resourceIds,
      readOnly: facts.readOnly !== null,
      readOnlyReason: facts.readOnly,
      impersonatedBy: facts.impersonatedBy,
      mfaEnrollmentRequired: facts.mfaEnrollmentRequired,
      customRoleId: facts.customRoleId ?? null,
      /** A location-scoped member's locations (platform/http/location-scope.ts reads them); null = every location. */
      locationIds: reach?.locationIds ?? null,
      /** Every resource at those locations; null = every resource. */
      locationResourceIds: reach?.resourceIds ?? null,
      /** The signed-in customer of a customer account's credential, else null. */
      customerId: facts.customerId ?? null,
      /** Every catalogue permission granted (conditions aside); computed on first read. */
      get permissions(): PermissionString[] {
        granted ??= grantedPermissions(ability);
        return granted;
      },
      /** The permissions granted whatever the object (staff's own-resource grants are not among them); computed on first read. */
      get unconditionalPermissions(): PermissionString[] {
        unconditional ??= unconditionalPermissions(rules);
        return unconditional;
      },
    }),
  };
}

/** Permissions granted by the context (as computed when it was built). */
export function permissionsOf(auth: AuthContext): PermissionString[] {
  const value = auth.attributes.permissions;
  return Array.isArray(value) ? value.filter((item): item is PermissionString => typeof item === 'string' && isPermissionString(item)) : [];
}

/** Short form for token claims: "*:Booking" when every action on a subject is granted. */
export function compactPermissions(permissions: readonly PermissionString[]): string[] {
  const granted = new Set<string>(permissions);
  return SUBJECTS.flatMap((subject) => {
    const actions = ACTIONS.filter((action) => granted.has(`${action}:${subject}`));
    if (actions.length === ACTIONS.length) return [`*:${subject}`];
    return actions.map((action) => `${action}:${subject}`);
  });
}

/**
 * Refuses an impersonation session: a password, second factor, session or business it created
 * would outlive the impersonation (which ends at a fixed time and never belongs to the person).
 */
export function assertNotImpersonating(auth: AuthContext, what: string): void {
  if (auth.attributes.impersonatedBy) throw forbidden(`An impersonation session cannot ${what}`);
}
