import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PreferredTime, WaitlistEntriesTable, WaitlistEntryStatus, WaitlistOffersTable, WaitlistPriority } from './booking.tables.ts';

export type WaitlistEntryRow = Selectable<WaitlistEntriesTable>;
export type WaitlistOfferRow = Selectable<WaitlistOffersTable>;

/** SQL of the waitlist: entries in priority then arrival order, and the offers of freed slots. */
export class WaitlistRepository {
  async insertEntry(
    executor: Executor,
    tenantId: string,
    entry: { serviceId: string; resourceId: string | null; customerId: string; preferredTimes: PreferredTime[]; priority: WaitlistPriority; notes: string | null },
  ): Promise<WaitlistEntryRow> {
    return executor
      .insertInto('waitlist_entries')
      .values({
        tenant_id: tenantId,
        service_id: entry.serviceId,
        resource_id: entry.resourceId,
        customer_id: entry.customerId,
        preferred_times: JSON.stringify(entry.preferredTimes),
        priority: entry.priority,
        notes: entry.notes,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findEntry(executor: Executor, tenantId: string, id: string): Promise<WaitlistEntryRow | undefined> {
    return executor.selectFrom('waitlist_entries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  /** The entry, locked for an offer made by staff (so two offers of it serialise). */
  async lockEntry(executor: Executor, tenantId: string, id: string): Promise<WaitlistEntryRow | undefined> {
    return executor.selectFrom('waitlist_entries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async listEntries(
    executor: Executor,
    tenantId: string,
    filter: { serviceId?: string | undefined; statuses?: readonly WaitlistEntryStatus[] | undefined; limit: number },
  ): Promise<WaitlistEntryRow[]> {
    return executor
      .selectFrom('waitlist_entries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(filter.serviceId !== undefined, (query) => query.where('service_id', '=', filter.serviceId ?? ''))
      .$if(filter.statuses !== undefined && filter.statuses.length > 0, (query) => query.where('status', 'in', [...(filter.statuses ?? [])]))
      .orderBy('priority_rank')
      .orderBy('created_at')
      .orderBy('id')
      .limit(filter.limit)
      .execute();
  }

  async setEntryStatus(executor: Executor, tenantId: string, id: string, status: WaitlistEntryStatus): Promise<void> {
    await executor
      .updateTable('waitlist_entries')
      .set({ status, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  /**
   * The first waiting entry (priority, then arrival) that wants this slot: same
   * service, any or the same resource, a preferred range containing the slot, and
   * not already offered this very slot. Locked, skipping entries another
   * transaction is offering.
   */
  async firstMatch(
    executor: Executor,
    tenantId: string,
    slot: { serviceId: string; resourceId: string; start: Date; end: Date },
  ): Promise<WaitlistEntryRow | undefined> {
    return executor
      .selectFrom('waitlist_entries as e')
      .selectAll('e')
      .where('e.tenant_id', '=', tenantId)
      .where('e.service_id', '=', slot.serviceId)
      .where('e.status', '=', 'waiting')
      .where((eb) => eb.or([eb('e.resource_id', 'is', null), eb('e.resource_id', '=', slot.resourceId)]))
      .where(
        sql<boolean>`exists (select 1 from jsonb_array_elements(e.preferred_times) as t(r)
          where (t.r->>'start')::timestamptz <= ${slot.start} and (t.r->>'end')::timestamptz >= ${slot.end})`,
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('waitlist_offers as o')
              .select('o.id')
              .whereRef('o.tenant_id', '=', 'e.tenant_id')
              .whereRef('o.entry_id', '=', 'e.id')
              .where('o.resource_id', '=', slot.resourceId)
              .where('o.start_time', '=', slot.start),
          ),
        ),
      )
      .orderBy('e.priority_rank')
      .orderBy('e.created_at')
      .orderBy('e.id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  }

  async insertOffer(
    executor: Executor,
    tenantId: string,
    offer: { entryId: string; bookingId: string; resourceId: string; start: Date; end: Date; tokenHash: string; expiresAt: Date },
  ): Promise<WaitlistOfferRow> {
    return executor
      .insertInto('waitlist_offers')
      .values({
        tenant_id: tenantId,
        entry_id: offer.entryId,
        booking_id: offer.bookingId,
        resource_id: offer.resourceId,
        start_time: offer.start,
        end_time: offer.end,
        token_hash: offer.tokenHash,
        expires_at: offer.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async lockOffer(executor: Executor, tenantId: string, by: { id?: string; tokenHash?: string }): Promise<WaitlistOfferRow | undefined> {
    return executor
      .selectFrom('waitlist_offers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(by.id !== undefined, (query) => query.where('id', '=', by.id ?? ''))
      .$if(by.tokenHash !== undefined, (query) => query.where('token_hash', '=', by.tokenHash ?? ''))
      .forUpdate()
      .executeTakeFirst();
  }

  async setOfferStatus(executor: Executor, tenantId: string, id: string, status: 'claimed' | 'expired' | 'declined'): Promise<void> {
    await executor.updateTable('waitlist_offers').set({ status }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async offersOfEntry(executor: Executor, tenantId: string, entryId: string): Promise<WaitlistOfferRow[]> {
    return executor
      .selectFrom('waitlist_offers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('entry_id', '=', entryId)
      .orderBy('created_at')
      .execute();
  }

  /** Hold ids of open offers: their allocations are legitimate without a booking row. */
  async openHoldIds(executor: Executor, tenantId: string): Promise<string[]> {
    const rows = await executor
      .selectFrom('waitlist_offers')
      .select('booking_id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'open')
      .execute();
    return rows.map((row) => row.booking_id);
  }

  /** A customer's entries, oldest first (export and erasure). */
  async entriesOfCustomer(executor: Executor, tenantId: string, customerId: string): Promise<WaitlistEntryRow[]> {
    return executor
      .selectFrom('waitlist_entries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** Deletes entries and their offers (erasure); returns how many entries and offers went. */
  async deleteEntries(executor: Executor, tenantId: string, entryIds: readonly string[]): Promise<{ entries: number; offers: number }> {
    if (entryIds.length === 0) return { entries: 0, offers: 0 };
    const offers = await executor.deleteFrom('waitlist_offers').where('tenant_id', '=', tenantId).where('entry_id', 'in', [...entryIds]).executeTakeFirst();
    const entries = await executor.deleteFrom('waitlist_entries').where('tenant_id', '=', tenantId).where('id', 'in', [...entryIds]).executeTakeFirst();
    return { entries: Number(entries.numDeletedRows), offers: Number(offers.numDeletedRows) };
  }

  /** Moves a merged-away customer's entries to the surviving customer. */
  async reassignCustomer(executor: Executor, tenantId: string, fromId: string, toId: string): Promise<number> {
    const result = await executor
      .updateTable('waitlist_entries')
      .set({ customer_id: toId, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', fromId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
