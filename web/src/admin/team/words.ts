import { ApiError } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { errorText } from '../ui/error-text.ts';
import teamEn from './i18n/en.json';
import teamEs from './i18n/es.json';

// The team, plan and audit log words load with these screens' chunks.
i18next.addResourceBundle('en', 'team', teamEn, true, true);
i18next.addResourceBundle('es', 'team', teamEs, true, true);

export type TeamT = TFunction<['team', 'admin']>;

/** The API's refusals that name no reason code, recognised by their (stable, English) message. */
const BY_MESSAGE: Array<[RegExp, string]> = [
  [/at least one active business admin/i, 'last_owner'],
  [/your own role/i, 'own_role'],
  [/already a member/i, 'already_member'],
  [/role with this name already exists/i, 'role_name_taken'],
  [/belongs to a system role/i, 'system_role_name'],
  [/still hold this role/i, 'role_in_use'],
];

/** A refusal in one sentence that says what to do next: this screen's sentence, else the dashboard's. */
export function teamErrorText(error: unknown, t: TeamT): string {
  if (error instanceof ApiError) {
    const known = BY_MESSAGE.find(([pattern]) => pattern.test(error.message))?.[1];
    for (const key of [known, error.code]) {
      if (key && t(`team:errors.${key}`, { defaultValue: '' })) return t(`team:errors.${key}`);
    }
  }
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/** "5 Dec 2026, 17:04" in the browser's zone. */
export function dateTime(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
}

/** "5 Dec 2026". */
export function dateOnly(instant: string, language: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(instant));
}

/** "3 minutes ago", "yesterday", else the date. */
export function relative(instant: string, language: string, now = Date.now()): string {
  const seconds = (Date.parse(instant) - now) / 1000;
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(Math.round(seconds), 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return format.format(Math.round(seconds / 86_400), 'day');
  return dateOnly(instant, language);
}

export function money(amount: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: amount % 100 === 0 ? 0 : 2 }).format(amount / 100);
}

export function memberName(member: { first_name: string | null; last_name: string | null; email: string }): string {
  const name = [member.first_name, member.last_name].filter(Boolean).join(' ').trim();
  return name || member.email;
}

/** The four roles a business assigns (customers are not team members). */
export const SYSTEM_ROLES = ['business_admin', 'manager', 'receptionist', 'staff'] as const;

/**
 * The actions that mean something for each subject of the permission catalogue, in the order
 * shown; the catalogue itself (what the API's owner role holds) decides what is offered.
 */
export const SUBJECT_ACTIONS: Record<string, readonly string[]> = {
  Booking: ['read', 'create', 'update', 'cancel_anytime', 'delete'],
  Customer: ['read', 'create', 'update', 'delete', 'export'],
  Service: ['read', 'create', 'update', 'delete'],
  Resource: ['read', 'create', 'update', 'delete'],
  Schedule: ['read', 'create', 'update', 'delete'],
  Location: ['read', 'create', 'update', 'delete'],
  Payment: ['read', 'refund'],
  Refund: ['read', 'create'],
  Notification: ['read', 'create', 'update', 'delete'],
  Report: ['read', 'export'],
  Business: ['read', 'update'],
  Settings: ['read', 'update'],
  Tenant: ['read', 'update'],
  User: ['read', 'create', 'update', 'delete'],
  Role: ['read', 'create', 'update', 'delete'],
  AuditLog: ['read', 'export'],
  WebhookEndpoint: ['read', 'create', 'update', 'delete'],
  ApiKey: ['read', 'create', 'delete'],
};

/** The catalogue grouped by subject: only what the API offers and the author holds. */
export function permissionGroups(catalogue: readonly string[], mayGrant: (permission: string) => boolean): Array<{ subject: string; actions: string[] }> {
  const offered = new Set(catalogue);
  return Object.entries(SUBJECT_ACTIONS)
    .map(([subject, actions]) => ({ subject, actions: actions.filter((action) => offered.has(`${action}:${subject}`) && mayGrant(`${action}:${subject}`)) }))
    .filter((group) => group.actions.length > 0);
}
