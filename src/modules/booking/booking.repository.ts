import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { flushDeferredWrites } from '../../platform/db/transaction-context.ts';
import type { CursorPosition } from '../../platform/http/pagination.ts';
import type { BookingStatus } from './booking-state.ts';
import type { BookingHistoryTable, BookingsTable } from './booking.tables.ts';

export type BookingRow = Selectable<BookingsTable>;
export type NewBookingRow = Omit<Insertable<BookingsTable>, 'tenant_id'>;
export type BookingChanges = Omit<Updateable<BookingsTable>, 'tenant_id' | 'id' | 'created_at'>;
export type HistoryRow = Selectable<BookingHistoryTable>;
export type NewHistoryRow = Omit<Insertable<BookingHistoryTable>, 'tenant_id'>;

export interface BookingListFilter {
  statuses?: readonly BookingStatus[] | undefined;
  /** Start instant bounds, [from, to). */
  startFrom?: Date | undefined;
  startBefore?: Date | undefined;
  resourceIds?: readonly string[] | undefined;
  customerIds?: readonly string[] | undefined;
  serviceId?: string | undefined;
  /** Local dates (YYYY-MM-DD) of each booking's own location, inclusive. */
  fromLocalDate?: string | undefined;
  toLocalDate?: string | undefined;
  bookingNumber?: string | undefined;
  after?: CursorPosition | undefined;
  limit: number;
}

/**
 * SQL of bookings and their history. Every method takes the tenant and scopes by
 * it (RLS checks it again).
 */
export class BookingRepository {
  /** Whether the tenant has ever taken a booking that went through (an unpaid hold that expired does not count). */
  async anyTaken(executor: Executor, tenantId: string): Promise<boolean> {
    const result = await sql<{ found: boolean }>`
      select exists (select 1 from bookings where tenant_id = ${tenantId} and status <> 'expired') as found`.execute(executor);
    return result.rows[0]?.found === true;
  }

  /** Inserts unless the booking number is taken (then returns undefined, so the caller draws another). */
  async insert(executor: Executor, tenantId: string, row: NewBookingRow): Promise<BookingRow | undefined> {
    return executor
      .insertInto('bookings')
      .values({ ...row, tenant_id: tenantId })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'booking_number']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async findById(executor: Executor, tenantId: string, id: string): Promise<BookingRow | undefined> {
    return executor.selectFrom('bookings').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /** The booking, row-locked until the transaction ends: every state change goes through this. */
  async lockById(executor: Executor, tenantId: string, id: string): Promise<BookingRow | undefined> {
    return executor
      .selectFrom('bookings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async update(executor: Executor, tenantId: string, id: string, changes: BookingChanges): Promise<BookingRow> {
    return executor
      .updateTable('bookings')
      .set({ ...changes, updated_at: sql<Date>`date_trunc('milliseconds', now())` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Ordered by start time then id, keyset-paginated; fetches limit + 1 rows. */
  async list(executor: Executor, tenantId: string, filter: BookingListFilter): Promise<BookingRow[]> {
    return executor
      .selectFrom('bookings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(filter.statuses !== undefined && filter.statuses.length > 0, (query) =>
        query.where('status', 'in', [...(filter.statuses ?? [])]),
      )
      .$if(filter.startFrom !== undefined, (query) => query.where('start_time', '>=', filter.startFrom ?? new Date(0)))
      .$if(filter.startBefore !== undefined, (query) => query.where('start_time', '<', filter.startBefore ?? new Date(0)))
      .$if(filter.resourceIds !== undefined, (query) =>
        filter.resourceIds?.length ? query.where('resource_id', 'in', [...filter.resourceIds]) : query.where(sql<boolean>`false`),
      )
      .$if(filter.customerIds !== undefined, (query) =>
        filter.customerIds?.length ? query.where('customer_id', 'in', [...filter.customerIds]) : query.where(sql<boolean>`false`),
      )
      .$if(filter.fromLocalDate !== undefined, (query) =>
        query
          // The UTC bound (a day of slack covers every offset) lets the index narrow; the local date decides.
          .where('start_time', '>=', sql<Date>`(${filter.fromLocalDate ?? ''}::date - 1)::timestamptz`)
          .where(sql<boolean>`(start_time at time zone time_zone)::date >= ${filter.fromLocalDate ?? ''}::date`),
      )
      .$if(filter.toLocalDate !== undefined, (query) =>
        query
          .where('start_time', '<', sql<Date>`(${filter.toLocalDate ?? ''}::date + 2)::timestamptz`)
          .where(sql<boolean>`(start_time at time zone time_zone)::date <= ${filter.toLocalDate ?? ''}::date`),
      )
      .$if(filter.serviceId !== undefined, (query) => query.where('service_id', '=', filter.serviceId ?? ''))
      .$if(filter.bookingNumber !== undefined, (query) => query.where('booking_number', '=', filter.bookingNumber ?? ''))
      .$if(filter.after !== undefined, (query) =>
        query.where((eb) =>
          eb(
            eb.refTuple('start_time', 'id'),
            '>',
            eb.tuple(sql<Date>`${filter.after?.value ?? ''}::timestamptz`, filter.after?.id ?? ''),
          ),
        ),
      )
      .orderBy('start_time')
      .orderBy('id')
      .limit(filter.limit + 1)
      .execute();
  }

  async insertHistory(executor: Executor, tenantId: string, rows: readonly NewHistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.historyInsert(executor, tenantId, rows).execute();
  }

  /** The history insert as a query, for the caller to run with its events in one statement. */
  historyInsert(executor: Executor, tenantId: string, rows: readonly NewHistoryRow[]) {
    return executor.insertInto('booking_history').values(rows.map((row) => ({ ...row, tenant_id: tenantId })));
  }

  async history(executor: Executor, tenantId: string, bookingId: string): Promise<HistoryRow[]> {
    // A change made earlier in this transaction may still have its history rows queued.
    await flushDeferredWrites(executor);
    return executor
      .selectFrom('booking_history')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('booking_id', '=', bookingId)
      .orderBy('seq')
      .execute();
  }

  async insertGroup(executor: Executor, tenantId: string, kind: 'sequence' | 'party'): Promise<string> {
    const row = await executor.insertInto('booking_groups').values({ tenant_id: tenantId, kind }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async listByCustomer(executor: Executor, tenantId: string, customerId: string): Promise<BookingRow[]> {
    return executor
      .selectFrom('bookings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .orderBy('start_time')
      .execute();
  }

  /** Moves every booking (and waitlist entry) of a merged-away customer to the survivor. */
  async reassignCustomer(executor: Executor, tenantId: string, fromId: string, toId: string): Promise<number> {
    const result = await executor
      .updateTable('bookings')
      .set({ customer_id: toId, updated_at: sql<Date>`date_trunc('milliseconds', now())` })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', fromId)
      .executeTakeFirst();
    await executor
      .updateTable('waitlist_entries')
      .set({ customer_id: toId })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', fromId)
      .execute();
    return Number(result.numUpdatedRows);
  }

  /** Erasure: free-text notes may hold personal data; they go. Returns how many rows changed. */
  async stripNotes(executor: Executor, tenantId: string, customerId: string): Promise<number> {
    const result = await executor
      .updateTable('bookings')
      .set({ notes: null, internal_notes: null, cancellation_reason: null, metadata: '{}' })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    await executor
      .updateTable('booking_history')
      .set({ reason: null })
      .where('tenant_id', '=', tenantId)
      .where('booking_id', 'in', (query) =>
        query.selectFrom('bookings').select('id').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId),
      )
      .execute();
    return Number(result.numUpdatedRows);
  }
}
