/**
 * The register of data-subject requests (GDPR Art. 12–22, migration 0085): what a customer asked for, how it
 * came in, when the answer is due (one month after receipt, Art. 12(3)) and how it ended. Exports and erasures
 * made in the product record themselves here (`recordFulfilledRequest`); requests that arrive by e-mail, phone or
 * post are logged by the business and closed when answered. An open request may be extended once by up to two
 * further months, with reasons (Art. 12(3), migration 0091): its due date moves, so every overdue figure follows.
 * The platform's auditors read every business's register through `listPrivacyRequestsAcrossTenants`.
 */
import { sql, type ColumnType, type Generated, type Selectable } from 'kysely';
import { z } from 'zod';
import type { Db, Executor, Trx } from '../../platform/db/database.ts';
import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, pageQuerySchema, toPage } from '../../platform/http/pagination.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { actorOf, recordAudit } from '../audit/index.ts';
import type { CustomerRequestContext } from './customer-context.ts';
import type { CustomerMergeParticipant } from './customer-data-registry.ts';
import * as repo from './customers.repository.ts';

export const PRIVACY_REQUEST_KINDS = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'portability'] as const;
export const PRIVACY_REQUEST_CHANNELS = ['self_service', 'staff', 'email', 'phone', 'post', 'other'] as const;
export const PRIVACY_REQUEST_STATUSES = ['open', 'completed', 'refused'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface PrivacyRequestsTable {
  tenant_id: string;
  id: Generated<string>;
  customer_id: string | null;
  kind: PrivacyRequestKind;
  channel: (typeof PRIVACY_REQUEST_CHANNELS)[number];
  status: ColumnType<(typeof PRIVACY_REQUEST_STATUSES)[number], (typeof PRIVACY_REQUEST_STATUSES)[number] | undefined>;
  received_at: Timestamp;
  due_at: Timestamp;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  outcome: string | null;
  extended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  extension_reason: string | null;
  original_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    privacy_requests: PrivacyRequestsTable;
  }
}

type PrivacyRequestRow = Selectable<PrivacyRequestsTable>;

export const privacyRequestSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  customer_id: z.string().nullable(),
  kind: z.enum(PRIVACY_REQUEST_KINDS),
  channel: z.enum(PRIVACY_REQUEST_CHANNELS),
  status: z.enum(PRIVACY_REQUEST_STATUSES),
  received_at: z.string(),
  due_at: z.string().describe('One month after receipt (GDPR Art. 12(3)), or later once extended'),
  completed_at: z.string().nullable(),
  overdue: z.boolean().describe('Still open past its due date'),
  outcome: z.string().nullable(),
  extension: z
    .object({ extended_at: z.string(), reason: z.string(), original_due_at: z.string() })
    .nullable()
    .describe('The one extension of the deadline (Art. 12(3)): when, why, and the due date before it'),
});
export type PrivacyRequestView = z.infer<typeof privacyRequestSchema>;

export const privacyRequestsQuerySchema = pageQuerySchema.extend({
  status: z.enum(['open', 'overdue', 'completed', 'refused']).optional().describe('`overdue`: open past its due date'),
  kind: z.enum(PRIVACY_REQUEST_KINDS).optional(),
});
export type PrivacyRequestsQuery = z.infer<typeof privacyRequestsQuerySchema>;

export const newPrivacyRequestSchema = z.strictObject({
  kind: z.enum(PRIVACY_REQUEST_KINDS),
  channel: z.enum(['email', 'phone', 'post', 'other']).describe('How it came in (requests made in the product record themselves)'),
  customer_id: z.uuid().optional(),
  received_at: z.iso.datetime({ offset: true }).optional().describe('Defaults to now; not in the future'),
});
export const extendPrivacyRequestSchema = z.strictObject({
  months: z.number().int().min(1).max(2).describe('How many further months (at most two, Art. 12(3))'),
  reason: z.string().trim().min(1).max(1000).describe('Why: the complexity or number of requests, as told to the person'),
});
export const closePrivacyRequestSchema = z.strictObject({
  outcome: z.string().trim().min(1).max(1000).optional().describe('What was done, in the business’s words (required to refuse)'),
});

const toView = (row: PrivacyRequestRow, now = Date.now()): PrivacyRequestView => ({
  id: row.id,
  tenant_id: row.tenant_id,
  customer_id: row.customer_id,
  kind: row.kind,
  channel: row.channel,
  status: row.status,
  received_at: new Date(row.received_at).toISOString(),
  due_at: new Date(row.due_at).toISOString(),
  completed_at: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  overdue: row.status === 'open' && new Date(row.due_at).getTime() < now,
  outcome: row.outcome,
  extension:
    row.extended_at && row.extension_reason !== null && row.original_due_at
      ? { extended_at: new Date(row.extended_at).toISOString(), reason: row.extension_reason, original_due_at: new Date(row.original_due_at).toISOString() }
      : null,
});

/** One month after receipt, in calendar terms (PostgreSQL's month arithmetic: 31 January → 28/29 February). */
const dueAfter = (receivedAt: string) => sql<Date>`${receivedAt}::timestamptz + interval '1 month'`;

async function listRows(executor: Executor, tenantId: string | null, query: PrivacyRequestsQuery): Promise<{ items: PrivacyRequestView[]; pagination: PaginationMeta }> {
  const after = decodeCursor(query.cursor);
  const rows = await executor
    .selectFrom('privacy_requests')
    .selectAll()
    .$if(tenantId !== null, (q) => q.where('tenant_id', '=', tenantId ?? ''))
    .$if(query.status === 'overdue', (q) => q.where('status', '=', 'open').where('due_at', '<', sql<Date>`now()`))
    .$if(query.status !== undefined && query.status !== 'overdue', (q) => q.where('status', '=', query.status as 'open'))
    .$if(query.kind !== undefined, (q) => q.where('kind', '=', query.kind ?? 'access'))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(sql<Date>`${after?.value ?? ''}::timestamptz`, sql<string>`${after?.id ?? ''}::uuid`)),
      ),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit, (row) => ({ value: new Date(row.received_at).toISOString(), id: row.id }));
  return { items: page.items.map((row) => toView(row)), pagination: page.pagination };
}

/** Every business's register (the platform's compliance view), newest first. */
export function listPrivacyRequestsAcrossTenants(db: Db, query: PrivacyRequestsQuery & { tenant_id?: string | undefined }) {
  return withPlatform(db, (trx) => listRows(trx, query.tenant_id ?? null, query));
}

/** Open, overdue, and closed in the last 30 days, over every business or one. */
export async function privacyRequestFigures(db: Db, tenantId?: string): Promise<{ open: number; overdue: number; completed_30d: number; refused_30d: number }> {
  const row = await withPlatform(db, (trx) =>
    trx
      .selectFrom('privacy_requests')
      .select([
        sql<string>`count(*) filter (where status = 'open')`.as('open'),
        sql<string>`count(*) filter (where status = 'open' and due_at < now())`.as('overdue'),
        sql<string>`count(*) filter (where status = 'completed' and completed_at >= now() - interval '30 days')`.as('completed_30d'),
        sql<string>`count(*) filter (where status = 'refused' and completed_at >= now() - interval '30 days')`.as('refused_30d'),
      ])
      .$if(tenantId !== undefined, (q) => q.where('tenant_id', '=', tenantId ?? ''))
      .executeTakeFirstOrThrow(),
  );
  return { open: Number(row.open), overdue: Number(row.overdue), completed_30d: Number(row.completed_30d), refused_30d: Number(row.refused_30d) };
}

/**
 * An export or erasure just made in the product, in the caller's transaction: it completes the oldest open request
 * of that kind for the customer when there is one (an e-mailed request answered from the dashboard), otherwise it
 * is recorded as received and completed now.
 */
export async function recordFulfilledRequest(trx: Trx, context: CustomerRequestContext, customerId: string, kind: 'access' | 'erasure'): Promise<void> {
  const now = new Date();
  const kinds = kind === 'access' ? (['access', 'portability'] as const) : (['erasure'] as const);
  const open = await trx
    .selectFrom('privacy_requests')
    .select('id')
    .where('tenant_id', '=', context.tenantId)
    .where('customer_id', '=', customerId)
    .where('status', '=', 'open')
    .where('kind', 'in', kinds)
    .orderBy('received_at')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (open) {
    await trx
      .updateTable('privacy_requests')
      .set({ status: 'completed', completed_at: now, updated_at: now })
      .where('tenant_id', '=', context.tenantId)
      .where('id', '=', open.id)
      .execute();
    return;
  }
  const selfService = context.auth?.actor.type === 'customer' || context.auth?.role === 'customer';
  await trx
    .insertInto('privacy_requests')
    .values({
      tenant_id: context.tenantId,
      customer_id: customerId,
      kind,
      channel: selfService ? 'self_service' : 'staff',
      status: 'completed',
      received_at: now,
      due_at: dueAfter(now.toISOString()),
      completed_at: now,
      created_by: context.auth?.userId ?? null,
    })
    .execute();
}

/** A business's own register: list, log a request that came in outside the product, close it. */
export function createPrivacyRequestsService(deps: { db: Db }) {
  const { db } = deps;
  const load = async (trx: Trx, tenantId: string, id: string) => {
    const row = await trx.selectFrom('privacy_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Privacy request');
    return row;
  };
  return {
    list: (tenantId: string, query: PrivacyRequestsQuery) => withTenant(db, tenantId, (trx) => listRows(trx, tenantId, query)),

    async create(context: CustomerRequestContext, input: z.infer<typeof newPrivacyRequestSchema>): Promise<PrivacyRequestView> {
      const receivedAt = input.received_at ?? new Date().toISOString();
      if (new Date(receivedAt).getTime() > Date.now() + 60_000) {
        throw new AppError('VALIDATION_ERROR', 'A request cannot be received in the future', [{ field: 'received_at', message: 'in the future' }]);
      }
      return withTenant(db, context.tenantId, async (trx) => {
        if (input.customer_id !== undefined && !(await repo.findLiveCustomer(trx, context.tenantId, input.customer_id))) throw notFound('Customer');
        const row = await trx
          .insertInto('privacy_requests')
          .values({
            tenant_id: context.tenantId,
            customer_id: input.customer_id ?? null,
            kind: input.kind,
            channel: input.channel,
            received_at: receivedAt,
            due_at: dueAfter(receivedAt),
            created_by: context.auth?.userId ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await auditPrivacy(trx, context, 'privacy_request.logged', row, { kind: row.kind, channel: row.channel });
        return toView(row);
      });
    },

    /** Extends an open request's deadline once, by one or two months from its first due date. */
    async extend(context: CustomerRequestContext, id: string, input: z.infer<typeof extendPrivacyRequestSchema>): Promise<PrivacyRequestView> {
      return withTenant(db, context.tenantId, async (trx) => {
        const row = await load(trx, context.tenantId, id);
        if (row.status !== 'open') throw new AppError('INVALID_TRANSITION', `This request is already ${row.status}`);
        if (row.extended_at !== null) throw new AppError('INVALID_TRANSITION', 'The deadline of this request has already been extended once');
        const dueAt = new Date(row.due_at).toISOString();
        const now = new Date();
        const extended = await trx
          .updateTable('privacy_requests')
          .set({
            due_at: sql<Date>`${dueAt}::timestamptz + make_interval(months => ${input.months})`,
            original_due_at: dueAt,
            extended_at: now,
            extension_reason: input.reason,
            updated_at: now,
          })
          .where('tenant_id', '=', context.tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await auditPrivacy(trx, context, 'privacy_request.extended', extended, { months: input.months, due_at: new Date(extended.due_at).toISOString(), original_due_at: dueAt });
        return toView(extended);
      });
    },

    async close(context: CustomerRequestContext, id: string, status: 'completed' | 'refused', outcome: string | undefined): Promise<PrivacyRequestView> {
      if (status === 'refused' && outcome === undefined) {
        throw new AppError('VALIDATION_ERROR', 'Say why the request is refused (Art. 12(4) asks for the reasons)', [{ field: 'outcome', message: 'required to refuse' }]);
      }
      return withTenant(db, context.tenantId, async (trx) => {
        const row = await load(trx, context.tenantId, id);
        if (row.status !== 'open') throw new AppError('INVALID_TRANSITION', `This request is already ${row.status}`);
        const now = new Date();
        const closed = await trx
          .updateTable('privacy_requests')
          .set({ status, outcome: outcome ?? null, completed_at: now, updated_at: now })
          .where('tenant_id', '=', context.tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await auditPrivacy(trx, context, `privacy_request.${status}`, closed, { kind: closed.kind });
        return toView(closed);
      });
    },
  };
}

async function auditPrivacy(trx: Trx, context: CustomerRequestContext, action: string, row: PrivacyRequestRow, values: Record<string, unknown>) {
  await recordAudit(trx, {
    tenantId: context.tenantId,
    ...actorOf(context.auth),
    action,
    entityType: 'privacy_request',
    entityId: row.id,
    newValues: { customer_id: row.customer_id, ...values },
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
  });
}

export type PrivacyRequestsService = ReturnType<typeof createPrivacyRequestsService>;

/** A merge moves the duplicate's requests to the surviving customer: the register follows the person. */
export const privacyRequestsMergeParticipant: CustomerMergeParticipant = {
  name: 'privacy_requests',
  async reassign(trx, tenantId, { survivorId, duplicateId }) {
    const moved = await trx
      .updateTable('privacy_requests')
      .set({ customer_id: survivorId, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', duplicateId)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows);
  },
};
