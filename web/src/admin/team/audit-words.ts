import type { AuditEntry, Member, Role } from './use-team.ts';
import { memberName, type TeamT } from './words.ts';

/** Actions with their own sentence (the routes that annotate their audit record). */
const KNOWN = new Set(['user.role_changed', 'user.updated', 'user.invited', 'user.invitation_accepted', 'role.updated', 'role.deleted', 'tenant.plan_changed']);

/** The filter's choices of "what happened". */
export const ACTION_OPTIONS = [
  'user.role_changed',
  'user.updated',
  'user.invited',
  'user.invitation_accepted',
  'POST /api/v1/roles',
  'role.updated',
  'role.deleted',
  'tenant.plan_changed',
  'POST /api/v1/bookings',
  'PATCH /api/v1/bookings/:id',
  'POST /api/v1/customers',
] as const;

export const ENTITY_OPTIONS = ['user', 'role', 'booking', 'customer', 'service', 'resource', 'location', 'tenant', 'api_key', 'webhook_endpoint'] as const;

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export interface Directory {
  members: Map<string, Member>;
  roles: Map<string, Role>;
  /** A person the directory does not list; a business's log calls them a former member. */
  unknownPerson?: (userId: string) => string;
}

/** Who acted, in words: the member's name, an API key, a customer, ReserveHub itself. */
export function actorWords(entry: AuditEntry, directory: Directory, t: TeamT): string {
  const userId = entry.actor.user_id ?? (entry.actor.type === 'user' ? entry.actor.id : null);
  let who: string;
  if (userId) {
    const member = directory.members.get(userId);
    who = member ? memberName(member) : (directory.unknownPerson?.(userId) ?? t('team:audit.formerMember'));
  } else if (entry.actor.type === 'api_key') who = t('team:audit.apiKey');
  else if (entry.actor.type === 'customer') who = t('team:audit.customer');
  else if (entry.actor.type === 'anonymous') who = t('team:audit.anonymous');
  else if (entry.actor.type === 'system') who = t('team:audit.system');
  else who = t('team:audit.someone');
  return entry.actor.impersonated_by ? `${who} ${t('team:audit.impersonated')}` : who;
}

/** The role's name in words (system roles translated, custom ones by name). */
function roleWords(role: unknown, customRoleId: unknown, directory: Directory, t: TeamT): string {
  if (role === 'custom' && typeof customRoleId === 'string') return directory.roles.get(customRoleId)?.name ?? t('team:team.customGroup');
  return typeof role === 'string' ? t(`admin:roles.${role}`, { defaultValue: role }) : '—';
}

/** What was touched: a member's or role's name when known, else the kind of thing. */
function thingWords(entry: AuditEntry, directory: Directory, t: TeamT): string {
  const values = { ...record(entry.old_values), ...record(entry.new_values) };
  if (entry.entity_type === 'user' && entry.entity_id) {
    const member = directory.members.get(entry.entity_id);
    if (member) return memberName(member);
    if (typeof values.email === 'string') return values.email;
  }
  if (entry.entity_type === 'role') {
    const name = (entry.entity_id && directory.roles.get(entry.entity_id)?.name) ?? (typeof values.name === 'string' ? values.name : null);
    if (name) return t('team:audit.roleNamed', { name });
  }
  if (!entry.entity_type) return t('team:audit.entity_none');
  return t(`team:audit.entity_${entry.entity_type}`, { defaultValue: t('team:audit.entity_other', { type: entry.entity_type.replaceAll('_', ' ') }) });
}

/** "Ana García changed the role of Luis Pérez": who did what to what. */
export function sentence(entry: AuditEntry, directory: Directory, t: TeamT): string {
  const actor = actorWords(entry, directory, t);
  const thing = thingWords(entry, directory, t);
  let what: string;
  const dotted = /^[a-z_]+\.[a-z_]+$/.test(entry.action) ? entry.action : null;
  if (KNOWN.has(entry.action) || (dotted && t(`team:audit.known_${dotted}`, { defaultValue: '' }))) what = t(`team:audit.known_${entry.action}`, { thing });
  else if (dotted) {
    const verb = dotted.split('.')[1] ?? '';
    if (/created|registered/.test(verb)) what = t('team:audit.verb_created', { thing });
    else if (/updated|changed/.test(verb)) what = t('team:audit.verb_changed', { thing });
    else if (/deleted|erased|removed|revoked/.test(verb)) what = t('team:audit.verb_deleted', { thing });
    else what = t('team:audit.verb_did', { action: verb.replaceAll('_', ' '), thing });
  } else {
    const [method = '', route = ''] = entry.action.split(' ');
    const segments = route.split('/').filter(Boolean);
    const last = segments.at(-1) ?? '';
    const subAction = segments.length > 3 && !last.startsWith(':') && segments.some((segment) => segment.startsWith(':'));
    if (method === 'POST' && subAction) what = t('team:audit.verb_did', { action: last.replaceAll('-', ' '), thing });
    else if (method === 'POST') what = t('team:audit.verb_created', { thing });
    else if (method === 'PATCH' || method === 'PUT') what = t('team:audit.verb_changed', { thing });
    else if (method === 'DELETE') what = t('team:audit.verb_deleted', { thing });
    else what = t('team:audit.verb_did', { action: entry.action, thing });
  }
  return t('team:audit.sentence', { actor, what });
}

/** A second line for changes that read better as before → after (a role, a plan, a status). */
export function changeLine(entry: AuditEntry, directory: Directory, t: TeamT, planName: (id: string) => string): string | null {
  const before = record(entry.old_values);
  const after = record(entry.new_values);
  if (entry.action === 'user.role_changed' || (entry.action === 'user.updated' && before.custom_role_id !== after.custom_role_id)) {
    return t('team:audit.roleChange', { from: roleWords(before.role, before.custom_role_id, directory, t), to: roleWords(after.role, after.custom_role_id, directory, t) });
  }
  if (entry.action === 'user.updated' && before.status !== after.status && typeof after.status === 'string') {
    return t('team:audit.roleChange', { from: t(`team:team.status_${String(before.status)}`), to: t(`team:team.status_${after.status}`) });
  }
  if ((entry.action === 'tenant.plan_changed' || entry.action === 'platform.tenant_plan_changed') && typeof before.plan_id === 'string' && typeof after.plan_id === 'string') {
    return t('team:audit.planChange', { from: planName(before.plan_id), to: planName(after.plan_id) });
  }
  if (entry.action === 'user.invited') return t('team:audit.invitedAs', { role: roleWords(after.role, after.custom_role_id, directory, t) });
  return null;
}

/** A short device description from the user agent ("Chrome · Linux"). */
export function deviceWords(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null;
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  const words = [browser, system].filter(Boolean).join(' · ');
  return words || userAgent.slice(0, 60);
}
