import type { Executor } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import * as repo from './audit.repository.ts';
import type { AuditActorType } from './audit.tables.ts';

/** Tenant id of platform-level audit rows (see 0004_audit.sql). */
export const PLATFORM_AUDIT_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** One audit record. Values are redacted before they are stored. */
export interface AuditEntry {
  tenantId: string;
  action: string;
  actor?: { type: AuditActorType; id: string | null } | undefined;
  userId?: string | null | undefined;
  impersonatedBy?: string | null | undefined;
  entityType?: string | null | undefined;
  entityId?: string | null | undefined;
  oldValues?: unknown;
  newValues?: unknown;
  metadata?: Record<string, unknown> | undefined;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
  requestId?: string | null | undefined;
}

const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|^key$|authorization|cookie|otp|recovery|code_hash|hash$|private/i;
/**
 * Personal data under these keys (a guest's contact in a booking request, a code's
 * destination, the code itself): the audit trail keeps who did what to which entity, not
 * the person's details, which live encrypted in their own tables and can be erased there.
 */
const PERSONAL_KEY = /e-?mail|phone|^(first|last|full)_?name$|date_of_birth|^(internal_)?notes$|^destination$|^code$|^address_line|^ip_address$/i;
const REDACTED = '[REDACTED]';

/** Deep copy with every value under a secret-looking or personal-data key replaced by "[REDACTED]". */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) || PERSONAL_KEY.test(key) ? REDACTED : redactSecrets(inner, depth + 1)]),
    );
  }
  return value;
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(redactSecrets(value)));

/**
 * Appends an audit record in the caller's transaction (so it commits with the change it
 * describes). Under `withTenant` the entry's tenant must be the current tenant (RLS).
 */
export async function recordAudit(executor: Executor, entry: AuditEntry): Promise<void> {
  await repo.insertAuditLog(executor, auditRow(entry));
}

/** Appends several audit records in one statement, in the caller's transaction. */
export async function recordAudits(executor: Executor, entries: readonly AuditEntry[]): Promise<void> {
  await repo.insertAuditLogs(executor, entries.map(auditRow));
}

function auditRow(entry: AuditEntry) {
  return {
    tenant_id: entry.tenantId,
    actor_type: entry.actor?.type ?? (entry.userId ? 'user' : 'anonymous'),
    actor_id: entry.actor?.id ?? entry.userId ?? null,
    user_id: entry.userId ?? null,
    impersonated_by: entry.impersonatedBy ?? null,
    action: entry.action,
    entity_type: entry.entityType ?? null,
    entity_id: entry.entityId ?? null,
    old_values: json(entry.oldValues),
    new_values: json(entry.newValues),
    metadata: JSON.stringify(redactSecrets(entry.metadata ?? {})),
    ip: entry.ip ?? null,
    user_agent: entry.userAgent?.slice(0, 512) ?? null,
    request_id: entry.requestId ?? null,
  };
}

/** Actor fields of an audit entry from a request's credential. */
export function actorOf(auth: AuthContext | null): Pick<AuditEntry, 'actor' | 'userId' | 'impersonatedBy'> {
  if (!auth) return { actor: { type: 'anonymous', id: null }, userId: null, impersonatedBy: null };
  const impersonatedBy = auth.attributes.impersonatedBy;
  return {
    actor: { type: auth.actor.type, id: auth.actor.id },
    userId: auth.userId,
    impersonatedBy: typeof impersonatedBy === 'string' ? impersonatedBy : null,
  };
}

export interface AuditLogView {
  id: string;
  /** The business the entry belongs to; the platform's own log has the nil UUID (`PLATFORM_AUDIT_TENANT_ID`). */
  tenant_id: string;
  created_at: string;
  actor: { type: string; id: string | null; user_id: string | null; impersonated_by: string | null };
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  old_values: unknown;
  new_values: unknown;
  metadata: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

export interface AuditLogQuery {
  entity_type?: string | undefined;
  entity_id?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** One page of a tenant's log, or with `tenantId` null of every tenant's (the platform's compliance search). */
export async function listAuditLogs(
  executor: Executor,
  tenantId: string | null,
  query: AuditLogQuery,
): Promise<{ items: AuditLogView[]; pagination: PaginationMeta }> {
  const rows = await repo.listAuditLogs(executor, tenantId, {
    entityType: query.entity_type,
    entityId: query.entity_id,
    actorId: query.actor,
    action: query.action,
    from: query.from,
    to: query.to,
    after: decodeCursor(query.cursor),
    limit: query.limit,
  });
  const page = toPage(rows, query.limit, (row) => ({ value: new Date(row.created_at).toISOString(), id: row.id }));
  return {
    items: page.items.map((row) => ({
      id: row.id,
      tenant_id: row.tenant_id,
      created_at: new Date(row.created_at).toISOString(),
      actor: { type: row.actor_type, id: row.actor_id, user_id: row.user_id, impersonated_by: row.impersonated_by },
      action: row.action,
      entity_type: row.entity_type,
      entity_id: row.entity_id,
      old_values: row.old_values,
      new_values: row.new_values,
      metadata: row.metadata,
      ip: row.ip,
      user_agent: row.user_agent,
      request_id: row.request_id,
    })),
    pagination: page.pagination,
  };
}

/** How many entries a tenant's log has over [from, to), in all and for each of `actions` (for compliance reports). */
export async function countAuditEntries(
  executor: Executor,
  tenantId: string,
  period: { from: Date; to: Date },
  actions: readonly string[],
): Promise<{ total: number; by_action: Record<string, number> }> {
  const rows = await executor
    .selectFrom('audit_logs')
    .select(['action', (eb) => eb.fn.countAll<string>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', period.from)
    .where('created_at', '<', period.to)
    .groupBy('action')
    .execute();
  const counts = new Map(rows.map((row) => [row.action, Number(row.count)]));
  return {
    total: [...counts.values()].reduce((sum, count) => sum + count, 0),
    by_action: Object.fromEntries(actions.map((action) => [action, counts.get(action) ?? 0])),
  };
}
