/**
 * Who may hand out which powers. One rule for every way a power changes hands — inviting someone
 * with a role, changing a member's role, assigning or defining a custom role, creating an API key:
 *
 * - nobody grants a permission they do not hold themselves, unconditionally (a staff member's
 *   "bookings of my resources" is not "bookings");
 * - owner-level powers (the business admin role, or any change to the team, roles, keys, plan or
 *   security settings) are granted only by owners (business admins);
 * - platform powers and impersonation are granted by nobody in a tenant.
 *
 * Refusals answer 403 `ROLE_ESCALATION`, naming the permissions that were beyond the caller.
 */
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError } from '../../platform/http/errors.ts';
import { impliedPermissions, isOwnerLevelPermission, isPermissionString, isPlatformPower, parsePermission, type PermissionString } from './permissions.ts';

export const OWNER_ROLE = 'business_admin';

export const roleEscalation = (message: string, details?: unknown): AppError => new AppError('ROLE_ESCALATION', message, details);

/** An owner of the business: a person (never a key) holding the business admin role. */
export function isOwner(auth: AuthContext): boolean {
  return auth.actor.type === 'user' && auth.role === OWNER_ROLE;
}

/**
 * What the caller holds whatever the object, and may use now (a read-only or MFA-gated session
 * holds nothing it could hand out).
 */
export function heldPermissions(auth: AuthContext): Set<PermissionString> {
  const listed = auth.attributes.unconditionalPermissions;
  if (!Array.isArray(listed)) return new Set();
  const held = listed.filter((item): item is PermissionString => typeof item === 'string' && isPermissionString(item));
  return new Set(
    held.filter((permission) => {
      const [action, subject] = parsePermission(permission);
      return auth.can(action, subject);
    }),
  );
}

export interface Grant {
  /** What is granted, for the message: `the "Front desk" role`, `an API key`. */
  what: string;
  permissions: readonly PermissionString[];
  /** Keys delegate the holder's own powers and are not people: the owner-level rule is for roles. */
  ownerLevelRule?: boolean;
}

type Refusal = { reason: 'platform' | 'owner_level' | 'beyond'; permissions: PermissionString[] };

function refusalOf(auth: AuthContext, grant: Grant): Refusal | null {
  const platform = grant.permissions.filter(isPlatformPower);
  if (platform.length > 0) return { reason: 'platform', permissions: platform };
  const powers = impliedPermissions(grant.permissions);
  if ((grant.ownerLevelRule ?? true) && !isOwner(auth)) {
    const ownerLevel = powers.filter(isOwnerLevelPermission);
    if (ownerLevel.length > 0) return { reason: 'owner_level', permissions: ownerLevel };
  }
  const held = heldPermissions(auth);
  const beyond = powers.filter((permission) => !held.has(permission));
  return beyond.length > 0 ? { reason: 'beyond', permissions: beyond } : null;
}

/** Throws ROLE_ESCALATION unless `auth` may grant every permission of `grant`. */
export function assertMayGrant(auth: AuthContext, grant: Grant): void {
  const refusal = refusalOf(auth, grant);
  if (refusal === null) return;
  const details = { reason: refusal.reason, permissions: refusal.permissions };
  if (refusal.reason === 'platform') throw roleEscalation(`${capitalise(grant.what)} cannot carry platform powers or impersonation`, details);
  if (refusal.reason === 'owner_level') {
    throw roleEscalation(`Only an owner (business admin) can grant ${grant.what}: it administers the business`, details);
  }
  throw roleEscalation(`${capitalise(grant.what)} carries permissions you do not hold`, details);
}

/**
 * Throws ROLE_ESCALATION unless `auth` could have granted what `held` carries: changing,
 * deactivating or editing something is for those at its level or above (owners by owners only).
 */
export function assertMayManage(auth: AuthContext, held: Grant, message: string): void {
  const refusal = refusalOf(auth, held);
  if (refusal !== null) throw roleEscalation(message, { reason: refusal.reason, permissions: refusal.permissions });
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
