/**
 * Whole-business exports (issue 18, migration 0091): an owner asks, the `portability.business_export` job builds
 * the archive in the background, the owner downloads it for seven days. One export waits or runs per business at
 * a time; asking again meanwhile answers CONFLICT naming the running one. The archive's bytes are kept in the
 * export's row (the platform has no blob store) and cleared when the link expires, by a job queued for then.
 * They hold every customer in clear, so they are stored encrypted under the key ring (`encryptBytes`, migration
 * 0095), bound to the business and the export: decrypted only for the owner's download, and a row moved to another
 * business does not decrypt there. Key rotation re-encrypts them (export-key-rotation.ts).
 */
import { sql, type ColumnType, type Generated, type Selectable } from 'kysely';
import { z } from 'zod';
import { DecryptionError, type KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/job-definition.ts';
import { enqueue, enqueueDeferred } from '../../platform/jobs/queue.ts';
import { actorOf, recordAudit } from '../audit/index.ts';
import { collectBusinessData } from './business-data.ts';
import { buildArchive, type ExportLanguage } from './export-archive.ts';

export const EXPORT_LINK_DAYS = 7;
/** A waiting or running export older than this is taken as stuck (its worker died past its retries) and no longer blocks a new one. */
const STUCK_AFTER_MINUTES = 60;
const MAX_ATTEMPTS = 3;

export type ExportStatus = 'pending' | 'running' | 'ready' | 'failed' | 'expired';
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface BusinessExportsTable {
  tenant_id: string;
  id: Generated<string>;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  language: ExportLanguage;
  requested_by: string | null;
  row_counts: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  archive: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  size_bytes: number | null;
  failure_reason: string | null;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
  expires_at: NullableTimestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    business_exports: BusinessExportsTable;
  }
}

type ExportRow = Omit<Selectable<BusinessExportsTable>, 'archive'>;

export const businessExportSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'running', 'ready', 'failed', 'expired']).describe('`ready`: the archive can be downloaded until `expires_at`'),
  language: z.enum(['es', 'en']).describe('Language of the README in the archive'),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  size_bytes: z.number().int().nullable(),
  row_counts: z.record(z.string(), z.number().int()).nullable().describe('Rows per data class, once ready'),
  download_path: z.string().nullable().describe('Where the ZIP archive is downloaded (owner credentials), while ready'),
});
export type BusinessExportView = z.infer<typeof businessExportSchema>;

export const newExportSchema = z.strictObject({
  language: z.enum(['es', 'en']).optional().describe('README language; the business’s billing language by default'),
});

const VIEW_COLUMNS = ['tenant_id', 'id', 'status', 'language', 'requested_by', 'row_counts', 'size_bytes', 'failure_reason', 'created_at', 'completed_at', 'expires_at'] as const;
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function toView(row: ExportRow, now = Date.now()): BusinessExportView {
  const expired = row.status === 'expired' || (row.status === 'ready' && row.expires_at !== null && new Date(row.expires_at).getTime() <= now);
  const status = expired ? 'expired' : row.status;
  return {
    id: row.id,
    status,
    language: row.language,
    created_at: new Date(row.created_at).toISOString(),
    completed_at: iso(row.completed_at),
    expires_at: iso(row.expires_at),
    size_bytes: row.size_bytes,
    row_counts: row.row_counts,
    download_path: status === 'ready' ? `/api/v1/business/exports/${row.id}/download` : null,
  };
}

const exportJob = { name: 'portability.business_export', version: 1, payload: z.object({ export_id: z.uuid() }), maxAttempts: MAX_ATTEMPTS } as const;
const expiryJob = { name: 'portability.export_expiry', version: 1, payload: z.object({ export_id: z.uuid() }) } as const;

/** What an archive's ciphertext is bound to: a copy in another business's row, or another export's, does not decrypt. */
export const archiveContext = (tenantId: string, exportId: string): string => `business_exports.archive:${tenantId}:${exportId}`;

/** The README's language when the owner names none: the one the business chose for its invoices. */
async function businessLanguage(executor: Executor, tenantId: string): Promise<ExportLanguage> {
  const account = await executor.selectFrom('billing_accounts').select('language').where('tenant_id', '=', tenantId).executeTakeFirst();
  return account?.language ?? 'es';
}

export function createBusinessExports(deps: { db: Db; keyRing: KeyRing; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  const find = (executor: Executor, tenantId: string, id: string) =>
    executor.selectFrom('business_exports').select(VIEW_COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();

  /** Builds the archive of one export; a second run of a finished export does nothing. */
  async function build(tenantId: string, exportId: string, attempt: number): Promise<void> {
    const claimed = await withTenant(db, tenantId, (trx) =>
      trx
        .updateTable('business_exports')
        .set({ status: 'running' })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', exportId)
        .where('status', 'in', ['pending', 'running'])
        .returning(['language'])
        .executeTakeFirst(),
    );
    if (!claimed) return;
    try {
      const data = await collectBusinessData(db, deps.keyRing, tenantId);
      const generatedAt = now();
      const businessName = String(data.get('business')?.[0]?.name ?? data.get('account')?.[0]?.name ?? '');
      const { archive, counts } = buildArchive(data, { language: claimed.language, businessName, generatedAt });
      const expiresAt = new Date(generatedAt.getTime() + EXPORT_LINK_DAYS * 86_400_000);
      await withTenant(db, tenantId, async (trx) => {
        await trx
          .updateTable('business_exports')
          .set({ status: 'ready', archive: deps.keyRing.encryptBytes(archive, archiveContext(tenantId, exportId)), size_bytes: archive.byteLength, row_counts: JSON.stringify(counts), completed_at: generatedAt, expires_at: expiresAt })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', exportId)
          .execute();
        await enqueueDeferred(trx, expiryJob, { export_id: exportId }, { tenantId, runAt: expiresAt, dedupeKey: `business-export-expiry:${exportId}` });
      });
    } catch (error) {
      // The last attempt records the failure, so the owner sees it and may ask again; earlier ones retry.
      if (attempt < MAX_ATTEMPTS) throw error;
      await withTenant(db, tenantId, (trx) =>
        trx
          .updateTable('business_exports')
          .set({ status: 'failed', failure_reason: error instanceof Error ? error.message.slice(0, 500) : 'failed', completed_at: now() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', exportId)
          .execute(),
      );
    }
  }

  const jobs: JobDefinition[] = [
    defineJob({
      ...exportJob,
      timeoutMs: 10 * 60_000,
      async handle(payload, context) {
        if (!context.tenantId) return { outcome: 'discard', reason: 'an export job without a tenant' };
        await build(context.tenantId, payload.export_id, context.attempt);
        return { outcome: 'done' };
      },
    }),
    defineJob({
      ...expiryJob,
      async handle(payload, context) {
        if (!context.tenantId) return { outcome: 'discard', reason: 'an expiry job without a tenant' };
        const tenantId = context.tenantId;
        await withTenant(db, tenantId, (trx) =>
          trx
            .updateTable('business_exports')
            .set({ status: 'expired', archive: null })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', payload.export_id)
            .where('status', '=', 'ready')
            .where('expires_at', '<=', sql<Date>`now()`)
            .execute(),
        );
        return { outcome: 'done' };
      },
    }),
  ];

  return {
    jobs,

    /** Starts an export (audited as `business.data_exported`); CONFLICT while another one waits or runs. */
    async start(auth: AuthContext, input: z.infer<typeof newExportSchema>, request: { ip: string; userAgent: string | null; requestId: string }): Promise<BusinessExportView> {
      const tenantId = auth.tenantId;
      return withTenant(db, tenantId, async (trx) => {
        await trx
          .updateTable('business_exports')
          .set({ status: 'failed', failure_reason: 'stopped before it finished', completed_at: now() })
          .where('tenant_id', '=', tenantId)
          .where('status', 'in', ['pending', 'running'])
          .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${STUCK_AFTER_MINUTES})`)
          .execute();
        const language = input.language ?? (await businessLanguage(trx, tenantId));
        const row = await trx
          .insertInto('business_exports')
          .values({ tenant_id: tenantId, language, requested_by: auth.userId })
          .onConflict((conflict) => conflict.column('tenant_id').where('status', 'in', ['pending', 'running']).doNothing())
          .returning(VIEW_COLUMNS)
          .executeTakeFirst();
        if (!row) {
          const running = await trx.selectFrom('business_exports').select('id').where('tenant_id', '=', tenantId).where('status', 'in', ['pending', 'running']).executeTakeFirst();
          throw new AppError('CONFLICT', 'An export of this business is already being prepared', { export_id: running?.id ?? null });
        }
        await enqueue(trx, exportJob, { export_id: row.id }, { tenantId, dedupeKey: `business-export:${row.id}` });
        await recordAudit(trx, {
          tenantId,
          ...actorOf(auth),
          action: 'business.data_exported',
          entityType: 'business_export',
          entityId: row.id,
          metadata: { language },
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
        });
        return toView(row);
      });
    },

    /** The business's latest exports, newest first. */
    list: (tenantId: string) =>
      withTenant(db, tenantId, async (trx) => {
        const rows = await trx.selectFrom('business_exports').select(VIEW_COLUMNS).where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(10).execute();
        return rows.map((row) => toView(row, now().getTime()));
      }),

    async get(tenantId: string, id: string): Promise<BusinessExportView> {
      const row = await withTenant(db, tenantId, (trx) => find(trx, tenantId, id));
      if (!row) throw notFound('Export');
      return toView(row, now().getTime());
    },

    /**
     * The ZIP archive of a ready export, decrypted; LINK_EXPIRED once its week is over, and for an archive that
     * does not decrypt here (moved from another business, damaged, or under a retired key): the owner asks again.
     */
    async archive(tenantId: string, id: string): Promise<{ bytes: Buffer; createdAt: Date }> {
      const row = await withTenant(db, tenantId, (trx) =>
        trx.selectFrom('business_exports').select(['status', 'archive', 'expires_at', 'created_at']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
      );
      if (!row) throw notFound('Export');
      const expired = row.status === 'expired' || (row.expires_at !== null && new Date(row.expires_at).getTime() <= now().getTime());
      if (expired) throw new AppError('LINK_EXPIRED', 'This export has expired: ask for a new one');
      if (row.status !== 'ready' || row.archive === null) throw new AppError('INVALID_TRANSITION', `This export is ${row.status}, not ready to download`);
      try {
        return { bytes: deps.keyRing.decryptBytes(row.archive, archiveContext(tenantId, id)), createdAt: new Date(row.created_at) };
      } catch (error) {
        if (error instanceof DecryptionError) throw new AppError('LINK_EXPIRED', 'This export can no longer be read: ask for a new one');
        throw error;
      }
    },
  };
}

export type BusinessExports = ReturnType<typeof createBusinessExports>;
