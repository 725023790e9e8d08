import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { deferWrites } from '../../platform/db/transaction-context.ts';
import type { CursorPosition } from '../../platform/http/pagination.ts';
import type { AuditLogsTable } from './audit.tables.ts';
import './audit.tables.ts';

export type AuditLogRow = Selectable<AuditLogsTable>;

/** Queued with the transaction's deferred writes (nothing reads a record back in the transaction that wrote it). */
export async function insertAuditLog(executor: Executor, row: Insertable<AuditLogsTable>): Promise<void> {
  await insertAuditLogs(executor, [row]);
}

/** Several records in one statement, queued with the transaction's deferred writes. */
export async function insertAuditLogs(executor: Executor, rows: Insertable<AuditLogsTable>[]): Promise<void> {
  if (rows.length > 0) await deferWrites(executor, [executor.insertInto('audit_logs').values(rows)]);
}

export interface AuditLogFilters {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  after?: CursorPosition | undefined;
  limit: number;
}

/**
 * Newest first; keyset pagination on (created_at, id). `tenantId` null reads every tenant's log (the platform's
 * compliance search, under `withPlatform`); a tenant's own reads name it, and RLS holds them to it as well.
 */
export async function listAuditLogs(executor: Executor, tenantId: string | null, filters: AuditLogFilters): Promise<AuditLogRow[]> {
  return executor
    .selectFrom('audit_logs')
    .selectAll()
    .$if(tenantId !== null, (q) => q.where('tenant_id', '=', tenantId ?? ''))
    .$if(filters.entityType !== undefined, (q) => q.where('entity_type', '=', filters.entityType ?? ''))
    .$if(filters.entityId !== undefined, (q) => q.where('entity_id', '=', filters.entityId ?? ''))
    .$if(filters.actorId !== undefined, (q) =>
      q.where((eb) => eb.or([eb('actor_id', '=', filters.actorId ?? ''), eb(sql<string>`user_id::text`, '=', filters.actorId ?? '')])),
    )
    .$if(filters.action !== undefined, (q) => q.where('action', '=', filters.action ?? ''))
    .$if(filters.from !== undefined, (q) => q.where('created_at', '>=', sql<Date>`${filters.from ?? ''}::timestamptz`))
    .$if(filters.to !== undefined, (q) => q.where('created_at', '<', sql<Date>`${filters.to ?? ''}::timestamptz`))
    .$if(filters.after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('created_at', 'id'),
          '<',
          eb.tuple(sql<Date>`${filters.after?.value ?? ''}::timestamptz`, sql<string>`${filters.after?.id ?? ''}::uuid`),
        ),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filters.limit + 1)
    .execute();
}

/** Creates the monthly partitions holding the given months (idempotent). */
export async function ensurePartitions(executor: Executor, months: string[]): Promise<string[]> {
  const created: string[] = [];
  for (const month of months) {
    const result = await sql<{ name: string }>`select audit_ensure_partition(${month}::date) as name`.execute(executor);
    const name = result.rows[0]?.name;
    if (name) created.push(name);
  }
  return created;
}
