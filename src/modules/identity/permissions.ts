import { createMongoAbility, subject as asSubject, type ForcedSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';

/**
 * The permission catalogue. Routes declare `{ permission: [action, subject] }` with these
 * names; custom roles and API keys pick from them as "action:Subject" strings.
 * `manage` means every action; the subject `all` (system roles only) every subject.
 */
export const ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'manage',
  'cancel_anytime',
  'refund',
  'export',
  'impersonate',
] as const;
export type Action = (typeof ACTIONS)[number];

export const SUBJECTS = [
  'Tenant',
  'Business',
  'Location',
  'Service',
  'Resource',
  'Schedule',
  'Booking',
  'Customer',
  'Payment',
  'Refund',
  'Notification',
  'WebhookEndpoint',
  'ApiKey',
  'User',
  'Role',
  'AuditLog',
  'Report',
  'Settings',
  /** Platform administration: tenants of every customer, maintenance, impersonation. */
  'Platform',
  /** The platform's compliance records: the audit trail and GDPR requests of every business (auditors). */
  'Compliance',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** "read:Booking", the serialised form stored for custom roles and API keys. */
export type PermissionString = `${Action}:${Subject}`;

export const ALL_PERMISSIONS: readonly PermissionString[] = SUBJECTS.flatMap((subject) =>
  ACTIONS.map((action): PermissionString => `${action}:${subject}`),
);
const PERMISSION_SET = new Set<string>(ALL_PERMISSIONS);

export function isPermissionString(value: string): value is PermissionString {
  return PERMISSION_SET.has(value);
}

export function parsePermission(permission: PermissionString): [Action, Subject] {
  const [action, subject] = permission.split(':') as [Action, Subject];
  return [action, subject];
}

export const SYSTEM_ROLES = ['platform_admin', 'platform_auditor', 'business_admin', 'manager', 'receptionist', 'staff', 'customer'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];
/** Roles a tenant member can hold (the platform's roles are user flags, not memberships). */
export const TENANT_ROLES = ['business_admin', 'manager', 'receptionist', 'staff', 'customer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Subjects are names, or plain objects tagged with their subject name (to evaluate conditions). */
export type AppAbility = MongoAbility<[Action, Subject | 'all' | (Record<string, unknown> & ForcedSubject<Subject>)]>;
type Rule = RawRuleOf<AppAbility>;

/** Facts conditions refer to: who acts and which resources they are assigned to. */
export interface RuleContext {
  userId: string | null;
  resourceIds: readonly string[];
  /** The signed-in customer of a customer account's credential (migration 0060); null or absent otherwise. */
  customerId?: string | null;
}

/** A location-scoped member's reach: their locations and every resource at them (migration 0096). */
export interface LocationReach {
  locationIds: readonly string[];
  resourceIds: readonly string[];
}

/** What a scoped member's `manage Location` amounts to: everything on their own locations but adding one. */
const LOCATION_ACTIONS_IN_SCOPE: Action[] = ['read', 'update', 'delete', 'export'];

/** Roles an owner may narrow to some locations; the owner, staff (scoped by their resources) and customers never are. */
export const LOCATION_SCOPABLE_ROLES: ReadonlySet<string> = new Set(['manager', 'receptionist', 'custom']);

/**
 * Narrows rules to a member's locations: each grant on a subject that lives at a location gets the
 * condition that the object is there (a booking or schedule by its resource, a resource by its
 * location, a location by its id). Reports are business-wide figures, so a scoped member holds none
 * (403), and a new location would lie outside the scope, so they add none (403; the dashboard, reading
 * the granted permissions, offers neither). Subjects not listed (customers, services, the business)
 * are shared by every location.
 */
export function scopeRulesToLocations(rules: Rule[], reach: LocationReach): Rule[] {
  const conditionOf: Partial<Record<Subject, Record<string, unknown>>> = {
    Booking: { resource_id: { $in: [...reach.resourceIds] } },
    Schedule: { resource_id: { $in: [...reach.resourceIds] } },
    Resource: { location_id: { $in: [...reach.locationIds] } },
    Location: { id: { $in: [...reach.locationIds] } },
  };
  return rules.flatMap((rule): Rule[] => {
    const subjects = (Array.isArray(rule.subject) ? rule.subject : [rule.subject]) as (Subject | 'all')[];
    return subjects.flatMap((subjectName): Rule[] => {
      if (subjectName === 'Report' && rule.inverted !== true) return [];
      const condition = subjectName === 'all' ? undefined : conditionOf[subjectName];
      if (condition === undefined || rule.inverted === true) return [{ ...rule, subject: subjectName }];
      // `manage` spelled out without `create` (an inverted rule would leave "manage:Location" granted,
      // which the dashboard reads as "may create").
      const actions = subjectName === 'Location' ? [rule.action].flat().flatMap((action) => (action === 'manage' ? LOCATION_ACTIONS_IN_SCOPE : action === 'create' ? [] : [action])) : rule.action;
      if (Array.isArray(actions) && actions.length === 0) return [];
      return [{ ...rule, action: actions, subject: subjectName, conditions: { ...(rule.conditions ?? {}), ...condition } }];
    });
  });
}

const CATALOGUE_READABLE: Subject[] = ['Business', 'Location', 'Service', 'Resource', 'Schedule'];

/**
 * What each system role may do, as data. Conditions narrow a rule to matching objects
 * (`can(action, subject, object)`); without an object the check asks "may they ever".
 */
export const ROLE_RULES: Record<SystemRole, (context: RuleContext) => Rule[]> = {
  platform_admin: () => [{ action: 'manage', subject: 'all' }],
  // Reads and exports the compliance records of every business; changes nothing anywhere.
  platform_auditor: () => [{ action: ['read', 'export'], subject: 'Compliance' }],
  business_admin: () => [
    { action: 'manage', subject: 'all' },
    { action: 'manage', subject: ['Platform', 'Compliance'], inverted: true },
    { action: 'impersonate', subject: 'all', inverted: true },
  ],
  manager: () => [
    { action: 'manage', subject: ['Location', 'Service', 'Resource', 'Schedule', 'Booking', 'Customer', 'Notification'] },
    { action: ['read', 'export'], subject: 'Report' },
    { action: ['read', 'update'], subject: 'Business' },
    { action: 'read', subject: ['Tenant', 'User', 'Role', 'Payment', 'Refund', 'Settings', 'AuditLog', 'WebhookEndpoint'] },
    { action: 'create', subject: 'Refund' },
    { action: 'refund', subject: 'Payment' },
    { action: 'export', subject: 'Customer' },
  ],
  receptionist: () => [
    { action: 'read', subject: CATALOGUE_READABLE },
    { action: ['read', 'create', 'update'], subject: ['Booking', 'Customer'] },
    { action: 'read', subject: ['Payment', 'Notification'] },
  ],
  staff: (context) => [
    { action: 'read', subject: CATALOGUE_READABLE },
    { action: ['read', 'update'], subject: 'Booking', conditions: { resource_id: { $in: [...context.resourceIds] } } },
    { action: 'read', subject: 'Customer' },
  ],
  // Least privilege: the public catalogue, and their own bookings and profile only. Customers book,
  // rebook and manage through /api/v1/me (which always books for the signed-in customer), so they
  // hold no `create Booking`: the staff endpoint accepts any customer_id. Routes that declare a
  // permission (the business's API) refuse customer credentials unless the permission is granted
  // without conditions (`CUSTOMER_ROUTE_PERMISSIONS`).
  customer: (context) => [
    { action: 'read', subject: CATALOGUE_READABLE },
    { action: ['read', 'update'], subject: 'Booking', conditions: { customer_id: context.customerId ?? null } },
    { action: ['read', 'update'], subject: 'Customer', conditions: { id: context.customerId ?? null } },
  ],
};

export function rulesFromPermissions(permissions: readonly PermissionString[]): Rule[] {
  return permissions.map((permission) => {
    const [action, subject] = parsePermission(permission);
    return { action, subject };
  });
}

export function buildAbility(rules: Rule[]): AppAbility {
  return createMongoAbility<AppAbility>(rules);
}

/** Ability check, evaluating conditions against `object` when one is given. */
export function checkAbility(ability: AppAbility, action: string, subjectName: string, object?: Record<string, unknown>): boolean {
  if (!isAction(action) || !isSubject(subjectName)) return false;
  if (object === undefined) return ability.can(action, subjectName);
  return ability.can(action, asSubject(subjectName, { ...object }));
}

/** Every catalogue permission the ability grants without conditions (for tokens, `me`, key scoping). */
export function grantedPermissions(ability: AppAbility): PermissionString[] {
  return ALL_PERMISSIONS.filter((permission) => {
    const [action, subject] = parsePermission(permission);
    return ability.can(action, subject);
  });
}

function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}
function isSubject(value: string): value is Subject {
  return (SUBJECTS as readonly string[]).includes(value);
}
export function isTenantRole(value: string): value is TenantRole {
  return (TENANT_ROLES as readonly string[]).includes(value);
}

/**
 * Permissions the rules grant whatever the object. A route-level check (`permission` access)
 * sees no object, so for a role whose grants carry conditions only these are safe to rely on.
 */
export function unconditionalPermissions(rules: Rule[]): PermissionString[] {
  return grantedPermissions(buildAbility(rules.filter((rule) => rule.inverted === true || rule.conditions === undefined)));
}

/** What customer credentials may reach on routes declaring a permission: the public catalogue reads. */
export const CUSTOMER_ROUTE_PERMISSIONS: ReadonlySet<string> = new Set(
  unconditionalPermissions(ROLE_RULES.customer({ userId: null, resourceIds: [], customerId: null })),
);

/**
 * Subjects whose changes administer the business itself: its team, roles, credentials, plan and
 * security settings. A role carrying any change on them is owner-level: only owners define or grant it.
 */
const OWNER_LEVEL_SUBJECTS: ReadonlySet<Subject> = new Set<Subject>(['User', 'Role', 'ApiKey', 'Tenant', 'Settings']);

export function isOwnerLevelPermission(permission: PermissionString): boolean {
  const [action, subject] = parsePermission(permission);
  return action !== 'read' && action !== 'export' && OWNER_LEVEL_SUBJECTS.has(subject);
}

/** Powers no tenant role, custom role or key may carry: the platform's own, and acting as someone else. */
export function isPlatformPower(permission: PermissionString): boolean {
  const [action, subject] = parsePermission(permission);
  return subject === 'Platform' || subject === 'Compliance' || action === 'impersonate';
}

/**
 * Everything a list of catalogue permissions amounts to ("manage:Booking" is every action on
 * bookings). Impersonation is left out: only the platform's own subject makes it mean anything.
 */
export function impliedPermissions(permissions: readonly PermissionString[]): PermissionString[] {
  return grantedPermissions(buildAbility(rulesFromPermissions(permissions))).filter((permission) => !permission.startsWith('impersonate:'));
}

/** The most a system role can ever reach: grants under conditions count as granted. */
export function systemRolePermissions(role: TenantRole): PermissionString[] {
  return grantedPermissions(buildAbility(ROLE_RULES[role]({ userId: null, resourceIds: [], customerId: null }))).filter(
    (permission) => !permission.startsWith('impersonate:'),
  );
}
