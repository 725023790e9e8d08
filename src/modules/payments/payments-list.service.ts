import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { createdAtCursor, decodeCursor, toPage } from '../../platform/http/pagination.ts';
import * as repo from './payments.repository.ts';
import type { PaymentWithRefunds } from './payments.repository.ts';
import type { PaymentListQuery, PaymentView } from './payments.schemas.ts';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export const toPaymentView = (row: PaymentWithRefunds): PaymentView => ({
  id: row.id,
  booking_id: row.booking_id,
  customer_id: row.customer_id,
  type: row.type,
  status: row.status,
  amount: row.amount,
  currency: row.currency,
  refunded_amount: Number(row.refunded_amount),
  platform_fee: row.platform_fee,
  provider: row.provider,
  provider_payment_id: row.provider_payment_id,
  failure_reason: row.failure_reason,
  method: row.method,
  recorded_by: row.recorded_by,
  reference: row.reference,
  note: row.note,
  created_at: iso(row.created_at) ?? '',
  processed_at: iso(row.processed_at),
});

/**
 * `GET /payments?booking_id=`: newest first, keyset-paginated. `bookingVisible` (a location-scoped
 * member's) keeps the payments of bookings they reach: a page may then hold fewer than `limit`, and
 * its cursor still continues after the last payment read.
 */
export async function listPayments(
  db: Db,
  tenantId: string,
  query: PaymentListQuery,
  bookingVisible?: (executor: Executor, bookingId: string) => Promise<boolean>,
): Promise<{ items: PaymentView[]; pagination: PaginationMeta }> {
  const position = decodeCursor(query.cursor);
  return withTenant(db, tenantId, async (trx) => {
    const rows = await repo.listPayments(trx, tenantId, {
      bookingId: query.booking_id,
      after: position ? { createdAt: position.value, id: position.id } : undefined,
      limit: query.limit,
    });
    const page = toPage(rows, query.limit, (row) => ({ value: new Date(row.created_at).toISOString(), id: row.id }));
    if (bookingVisible === undefined) return { items: page.items.map(toPaymentView), pagination: page.pagination };
    const visible = new Map<string, boolean>();
    for (const bookingId of new Set(page.items.map((row) => row.booking_id))) visible.set(bookingId, await bookingVisible(trx, bookingId));
    return { items: page.items.filter((row) => visible.get(row.booking_id) === true).map(toPaymentView), pagination: page.pagination };
  });
}

/**
 * A business's customer payments, newest first, keyset-paginated, for the platform console: the
 * same rows as `GET /payments`, read in the caller's transaction (the business's tenant context).
 */
export async function latestPayments(
  executor: Executor,
  tenantId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: PaymentView[]; pagination: PaginationMeta }> {
  const position = createdAtCursor(query.cursor);
  const rows = await repo.listPayments(executor, tenantId, {
    after: position ? { createdAt: position.createdAt.toISOString(), id: position.id } : undefined,
    limit: query.limit,
  });
  const page = toPage(rows, query.limit, (row) => ({ value: new Date(row.created_at).toISOString(), id: row.id }));
  return { items: page.items.map(toPaymentView), pagination: page.pagination };
}
