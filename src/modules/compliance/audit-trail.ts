import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { csvDocument } from '../../platform/csv.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { auditLogQuerySchema, auditLogSchema, listAuditLogs, PLATFORM_AUDIT_TENANT_ID, type AuditLogView } from '../audit/index.ts';
import { peopleByIds } from '../identity/index.ts';
import { getTenant, searchTenants } from '../tenancy/index.ts';

/** At most this many entries in one export; a wider request is refused with the figure, to be narrowed. */
export const MAX_EXPORT_ENTRIES = 100_000;
const EXPORT_PAGE = 1_000;

export const trailQuerySchema = auditLogQuerySchema.extend({
  tenant_id: z.uuid().optional().describe('One business; the platform’s own log is the nil UUID. Every business when absent.'),
});
export type TrailQuery = z.infer<typeof trailQuerySchema>;

export const trailExportQuerySchema = trailQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(['csv', 'jsonl']).default('csv'),
});

export const tenantRefSchema = z.object({ id: z.string(), slug: z.string(), name: z.string() });
export const trailEntrySchema = auditLogSchema.extend({
  tenant: tenantRefSchema.nullable().describe('The business, or null for the platform’s own log'),
  actor: auditLogSchema.shape.actor.extend({
    email: z.string().nullable().describe('The account’s e-mail when a person acted (the auditor cannot look people up otherwise)'),
    name: z.string().nullable(),
  }),
});
export type TrailEntry = z.infer<typeof trailEntrySchema>;

/** Names the businesses of a page of entries (one read per business, remembered for the request). */
export function tenantNamer(db: Db) {
  const known = new Map<string, TrailEntry['tenant']>();
  return async <T extends { tenant_id: string }>(entries: T[]): Promise<Array<T & { tenant: TrailEntry['tenant'] }>> => {
    const missing = [...new Set(entries.map((entry) => entry.tenant_id))].filter((id) => !known.has(id));
    if (missing.length > 0) {
      await withPlatform(db, async (trx) => {
        for (const id of missing) {
          const tenant = id === PLATFORM_AUDIT_TENANT_ID ? null : await getTenant(trx, id);
          known.set(id, tenant ? { id: tenant.id, slug: tenant.slug, name: tenant.name } : null);
        }
      });
    }
    return entries.map((entry) => ({ ...entry, tenant: known.get(entry.tenant_id) ?? null }));
  };
}

function logQuery(query: Omit<TrailQuery, 'limit' | 'cursor'>, page: { limit: number; cursor?: string | undefined }) {
  return {
    entity_type: query.entity_type,
    entity_id: query.entity_id,
    actor: query.actor,
    action: query.action,
    from: query.from,
    to: query.to,
    cursor: page.cursor,
    limit: page.limit,
  };
}

/** One page of the audit trail of every business (or one), newest first, each entry with its business named. */
export async function searchTrail(db: Db, query: TrailQuery): Promise<{ items: TrailEntry[]; pagination: PaginationMeta }> {
  const page = await withPlatform(db, (trx) => listAuditLogs(trx, query.tenant_id ?? null, logQuery(query, query)));
  return { items: await nameEntries(db, tenantNamer(db), page.items), pagination: page.pagination };
}

/** Each entry with its business and the person who acted named. */
async function nameEntries(db: Db, nameTenants: ReturnType<typeof tenantNamer>, entries: AuditLogView[]): Promise<TrailEntry[]> {
  const ids = [...new Set(entries.map((entry) => entry.actor.user_id).filter((id): id is string => id !== null))];
  const people = await withPlatform(db, (trx) => peopleByIds(trx, ids));
  return (await nameTenants(entries)).map((entry) => {
    const person = entry.actor.user_id === null ? undefined : people.get(entry.actor.user_id);
    return { ...entry, actor: { ...entry.actor, email: person?.email ?? null, name: person?.name ?? null } };
  });
}

/** The businesses an auditor may pick from (id, slug, name, status), searchable; the platform's own is left out. */
export const directoryQuerySchema = z.object({
  search: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional(),
});
export const directoryEntrySchema = tenantRefSchema.extend({ status: z.string() });

export async function tenantDirectory(db: Db, query: z.infer<typeof directoryQuerySchema>) {
  const page = await withPlatform(db, (trx) => searchTenants(trx, { search: query.search, cursor: query.cursor, limit: query.limit }));
  return { items: page.items.map((tenant) => ({ id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status })), pagination: page.pagination };
}

const EXPORT_COLUMNS = [
  'created_at',
  'tenant_id',
  'tenant_slug',
  'tenant_name',
  'action',
  'entity_type',
  'entity_id',
  'actor_type',
  'actor_id',
  'user_id',
  'actor_email',
  'impersonated_by',
  'ip',
  'user_agent',
  'request_id',
  'old_values',
  'new_values',
  'metadata',
] as const;

const jsonText = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Every entry matching the filters, newest first, as CSV (one column per field, values as JSON text) or JSON Lines
 * (one entry per line, as the search answers it). Refused with the figure when more than MAX_EXPORT_ENTRIES match.
 */
export async function exportTrail(db: Db, query: z.infer<typeof trailExportQuerySchema>): Promise<{ body: string; count: number }> {
  const name = tenantNamer(db);
  const entries: TrailEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await withPlatform(db, (trx) => listAuditLogs(trx, query.tenant_id ?? null, logQuery(query, { limit: EXPORT_PAGE, cursor })));
    entries.push(...(await nameEntries(db, name, page.items)));
    if (entries.length > MAX_EXPORT_ENTRIES) {
      throw new AppError('VALIDATION_ERROR', `More than ${MAX_EXPORT_ENTRIES} entries match: narrow the period or the filters`, {
        max_entries: MAX_EXPORT_ENTRIES,
      });
    }
    cursor = page.pagination.has_more ? (page.pagination.cursor ?? undefined) : undefined;
  } while (cursor !== undefined);
  if (query.format === 'jsonl') return { body: entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), count: entries.length };
  const rows = entries.map((entry) => [
    entry.created_at,
    entry.tenant_id,
    entry.tenant?.slug ?? null,
    entry.tenant?.name ?? null,
    entry.action,
    entry.entity_type,
    entry.entity_id,
    entry.actor.type,
    entry.actor.id,
    entry.actor.user_id,
    entry.actor.email,
    entry.actor.impersonated_by,
    entry.ip,
    entry.user_agent,
    entry.request_id,
    jsonText(entry.old_values),
    jsonText(entry.new_values),
    jsonText(entry.metadata),
  ]);
  return { body: csvDocument(EXPORT_COLUMNS, rows), count: entries.length };
}
