/**
 * Waitlist (RF2.16). Customers wait for a service (optionally one resource)
 * within preferred time ranges, ranked vip → premium → standard, then by
 * arrival. When a slot frees (cancel, expiry, reschedule, a shortened booking's
 * end) the first matching entry is offered it, and staff may offer one entry a
 * slot directly: the slot is held for the offer through scheduling's
 * occupancy (under the offer's hold id) until the offer expires, and an
 * unclaimed offer passes to the next matching entry.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound, validationError } from '../../platform/http/errors.ts';
import { defineJob, type JobDefinition, type JobKind } from '../../platform/jobs/job-definition.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { findServiceSnapshot } from '../catalog/index.ts';
import { assertCustomerCanBook, findOrCreateGuestCustomer, getCustomerForBooking, STAFF_ENTERED, UNPROVEN } from '../customers/index.ts';
import { isSlotBookable, type SlotCheck } from '../scheduling/index.ts';
import { businessSettingsOf, getBusiness, getTenant } from '../tenancy/index.ts';
import { nowOf, SYSTEM_ACTOR, type Actor, type BookingDeps } from './booking-deps.ts';
import type { FreedSlot } from './booking-actions.service.ts';
import type { BookingCreateService } from './booking-create.service.ts';
import type { BookingView } from './booking.schemas.ts';
import { WaitlistRepository, type WaitlistEntryRow, type WaitlistOfferRow } from './waitlist.repository.ts';
import type { WaitlistEntryView, WaitlistJoin, WaitlistOfferNow } from './waitlist.schemas.ts';

export const DEFAULT_OFFER_MINUTES = 30;

const offerExpiryPayload = z.object({ offer_id: z.uuid() });
export const waitlistOfferExpiryJob: JobKind<typeof offerExpiryPayload> = { name: 'booking.waitlist_offer_expire', version: 1, payload: offerExpiryPayload };

type BookableSlot = Extract<SlotCheck, { bookable: true }>;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class WaitlistService {
  readonly #deps: BookingDeps;
  readonly #create: BookingCreateService;
  readonly #repository = new WaitlistRepository();

  constructor(deps: BookingDeps, create: BookingCreateService) {
    this.#deps = deps;
    this.#create = create;
  }

  async join(tenantId: string, input: WaitlistJoin, actor: Actor): Promise<WaitlistEntryView> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const service = await findServiceSnapshot(trx, tenantId, input.service_id);
      if (!service || service.status !== 'active') throw notFound('Service');
      if (input.resource_id !== undefined && !service.resource_ids.includes(input.resource_id)) throw notFound('Resource');
      let customerId: string;
      if ('customer_id' in input.customer) {
        if (!actor.auth) throw new AppError('UNAUTHENTICATED', 'Sign in to join as a registered customer');
        const customer = await getCustomerForBooking(trx, this.#deps.keyRing, tenantId, input.customer.customer_id);
        assertCustomerCanBook(customer);
        customerId = customer.id;
      } else {
        // A public join proves no contact: it never attaches to an existing customer (nor shows their id).
        const proof = actor.staff ? STAFF_ENTERED : UNPROVEN;
        customerId = (await findOrCreateGuestCustomer(trx, this.#deps.keyRing, tenantId, input.customer, proof)).id;
      }
      const row = await this.#repository.insertEntry(trx, tenantId, {
        serviceId: service.id,
        resourceId: input.resource_id ?? null,
        customerId,
        preferredTimes: input.preferred_times.map((range) => ({ start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString() })),
        // Priority is the business's decision: public entries wait as standard.
        priority: actor.staff ? (input.priority ?? 'standard') : 'standard',
        notes: input.notes ?? null,
      });
      return this.#view(row, []);
    });
  }

  async list(tenantId: string, query: { service_id?: string | undefined; status?: WaitlistEntryRow['status'] | undefined; limit: number }): Promise<WaitlistEntryView[]> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const rows = await this.#repository.listEntries(trx, tenantId, {
        serviceId: query.service_id,
        statuses: query.status ? [query.status] : undefined,
        limit: query.limit,
      });
      const views: WaitlistEntryView[] = [];
      for (const row of rows) views.push(this.#view(row, await this.#repository.offersOfEntry(trx, tenantId, row.id)));
      return views;
    });
  }

  /** Removes an entry; an open offer of it is withdrawn and passes on. */
  /** `visible`: whether the caller reaches an entry waiting for this resource (null: any resource); others are absent. */
  async remove(tenantId: string, entryId: string, visible: (resourceId: string | null) => boolean = () => true): Promise<void> {
    await withTenant(this.#deps.db, tenantId, async (trx) => {
      const entry = await this.#repository.findEntry(trx, tenantId, entryId);
      if (!entry || entry.status === 'removed' || !visible(entry.resource_id)) throw notFound('Waitlist entry');
      await this.#repository.setEntryStatus(trx, tenantId, entry.id, 'removed');
      for (const offer of await this.#repository.offersOfEntry(trx, tenantId, entry.id)) {
        if (offer.status === 'open') await this.#closeOffer(trx, tenantId, offer, 'declined', entry);
      }
    });
  }

  /** A customer's entries with their offers, for their data export. */
  async entriesOfCustomer(trx: Trx, tenantId: string, customerId: string): Promise<WaitlistEntryView[]> {
    const views: WaitlistEntryView[] = [];
    for (const row of await this.#repository.entriesOfCustomer(trx, tenantId, customerId)) {
      views.push(this.#view(row, await this.#repository.offersOfEntry(trx, tenantId, row.id)));
    }
    return views;
  }

  /**
   * Erasure: the customer's entries stop waiting (an open offer is withdrawn and
   * its slot passes to the next person waiting), then the entries, their notes
   * and preferred times, and their offers are deleted. Nothing of a waitlist
   * entry is an accounting record, so nothing is kept.
   */
  async eraseCustomerEntries(trx: Trx, tenantId: string, customerId: string): Promise<{ entries: number; offers: number }> {
    const entries = await this.#repository.entriesOfCustomer(trx, tenantId, customerId);
    for (const entry of entries) await this.#repository.setEntryStatus(trx, tenantId, entry.id, 'removed');
    for (const entry of entries) {
      for (const offer of await this.#repository.offersOfEntry(trx, tenantId, entry.id)) {
        // Passed on to the next entry waiting (this customer's are all `removed` by now).
        if (offer.status === 'open') await this.#closeOffer(trx, tenantId, offer, 'declined', { ...entry, status: 'removed' });
      }
    }
    return this.#repository.deleteEntries(trx, tenantId, entries.map((entry) => entry.id));
  }

  /** Merge: the duplicate's entries become the survivor's. */
  async reassignCustomer(trx: Trx, tenantId: string, fromId: string, toId: string): Promise<number> {
    return this.#repository.reassignCustomer(trx, tenantId, fromId, toId);
  }

  /**
   * A slot was freed in `trx`: offer it to the first matching entry, holding it
   * until the offer expires. Nothing happens when nobody waits for it or the
   * slot is not bookable any more (in the past, outside hours).
   */
  async offerFreedSlot(trx: Trx, tenantId: string, slot: FreedSlot): Promise<void> {
    const entry = await this.#repository.firstMatch(trx, tenantId, slot);
    if (!entry) return;
    const check = await isSlotBookable(trx, { tenantId, serviceId: slot.serviceId, resourceId: slot.resourceId, start: slot.start, now: nowOf(this.#deps) });
    if (!check.bookable) return;
    await this.#offer(trx, tenantId, entry, slot.resourceId, check);
  }

  /**
   * Staff offer a slot to one entry now, whatever its preferred times: the same
   * hold, message and expiry as an offer of a freed slot. 404 for unknown and
   * other tenants' entries, 409 CONFLICT unless the entry is waiting, 409
   * SLOT_UNAVAILABLE (with the slot check's reason) when the slot is not bookable.
   */
  async offerNow(tenantId: string, entryId: string, input: WaitlistOfferNow): Promise<WaitlistEntryView> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const entry = await this.#repository.lockEntry(trx, tenantId, entryId);
      if (!entry || entry.status === 'removed') throw notFound('Waitlist entry');
      if (entry.status !== 'waiting') {
        throw new AppError('CONFLICT', `This entry is ${entry.status}, not waiting: it cannot be offered a slot`, { reason: `entry_${entry.status}` });
      }
      if (entry.resource_id !== null && entry.resource_id !== input.resource_id) {
        throw validationError([{ field: 'resource_id', message: 'This entry waits for another resource' }]);
      }
      const check = await isSlotBookable(trx, { tenantId, serviceId: entry.service_id, resourceId: input.resource_id, start: new Date(input.start_time), now: nowOf(this.#deps) });
      if (!check.bookable) throw new AppError('SLOT_UNAVAILABLE', 'This time cannot be offered: it is not bookable', { reason: check.reason });
      await this.#offer(trx, tenantId, entry, input.resource_id, check);
      const updated = (await this.#repository.findEntry(trx, tenantId, entry.id)) ?? entry;
      return this.#view(updated, await this.#repository.offersOfEntry(trx, tenantId, entry.id));
    });
  }

  /** Holds the checked slot for the entry, records the offer, tells the customer and schedules its expiry. */
  async #offer(trx: Trx, tenantId: string, entry: WaitlistEntryRow, resourceId: string, check: BookableSlot): Promise<void> {
    const holdId = randomUUID();
    await this.#deps.occupancy.reserveOccupancies(
      trx,
      check.reservations.map((reservation) => ({
        tenantId,
        bookingId: holdId,
        resourceId: reservation.resourceId,
        start: check.start,
        end: check.end,
        bufferBefore: check.bufferBefore,
        bufferAfter: check.bufferAfter,
        places: 1,
        capacity: reservation.capacity,
      })),
    );
    const service = await findServiceSnapshot(trx, tenantId, entry.service_id);
    const business = service ? await getBusiness(trx, tenantId, service.business_id) : null;
    const minutes = offerMinutes(business?.settings);
    // The claim page needs the business (X-Tenant) besides the token.
    const tenant = await getTenant(trx, tenantId);
    const token = randomBytes(24).toString('base64url');
    const offer = await this.#repository.insertOffer(trx, tenantId, {
      entryId: entry.id,
      bookingId: holdId,
      resourceId,
      start: check.start,
      end: check.end,
      tokenHash: hashToken(token),
      expiresAt: new Date(nowOf(this.#deps).getTime() + minutes * 60_000),
    });
    await this.#repository.setEntryStatus(trx, tenantId, entry.id, 'offered');
    // The notifications module picks the channels (and is told nothing if the customer has gone).
    await this.#deps.messages.queueWaitlistOffer(trx, tenantId, {
      offerId: offer.id,
      customerId: entry.customer_id,
      serviceName: service?.name ?? null,
      start: check.start,
      timeZone: check.timeZone,
      claimUrl: `${this.#deps.publicUrl}/waitlist/claim/${token}${tenant ? `?business=${encodeURIComponent(tenant.slug)}` : ''}`,
      expiresAt: offer.expires_at,
    });
    await enqueue(trx, waitlistOfferExpiryJob, { offer_id: offer.id }, { tenantId, runAt: offer.expires_at, dedupeKey: `waitlist-offer:${offer.id}` });
  }

  /** The customer claims an open offer: the held slot becomes their booking. */
  async claim(tenantId: string, token: string): Promise<BookingView> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const offer = await this.#repository.lockOffer(trx, tenantId, { tokenHash: hashToken(token) });
      if (!offer || offer.status !== 'open' || offer.expires_at.getTime() <= nowOf(this.#deps).getTime()) throw notFound('Waitlist offer');
      const entry = await this.#repository.findEntry(trx, tenantId, offer.entry_id);
      if (!entry) throw notFound('Waitlist offer');
      // The hold is released and the booking reserves the same slot in this transaction:
      // no other transaction can see the slot free in between.
      await this.#deps.occupancy.releaseOccupancy(trx, { tenantId, bookingId: offer.booking_id });
      const booked = await this.#create.bookInTransaction(
        trx,
        tenantId,
        { service_id: entry.service_id, resource_id: offer.resource_id, start_time: offer.start_time.toISOString() },
        entry.customer_id,
        { ...SYSTEM_ACTOR, type: 'customer', id: entry.customer_id, staff: false },
        'waitlist',
        `waitlist-offer:${offer.id}`,
      );
      await this.#repository.setOfferStatus(trx, tenantId, offer.id, 'claimed');
      await this.#repository.setEntryStatus(trx, tenantId, entry.id, 'booked');
      return booked;
    });
  }

  /** Offer expiry job: an unclaimed offer frees its hold and passes to the next entry. Idempotent. */
  async expireOffer(tenantId: string, offerId: string): Promise<'expired' | 'skipped'> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const offer = await this.#repository.lockOffer(trx, tenantId, { id: offerId });
      if (!offer || offer.status !== 'open') return 'skipped';
      if (offer.expires_at.getTime() > nowOf(this.#deps).getTime()) return 'skipped';
      const entry = await this.#repository.findEntry(trx, tenantId, offer.entry_id);
      await this.#closeOffer(trx, tenantId, offer, 'expired', entry);
      return 'expired';
    });
  }

  async #closeOffer(trx: Trx, tenantId: string, offer: WaitlistOfferRow, status: 'expired' | 'declined', entry: WaitlistEntryRow | undefined): Promise<void> {
    await this.#deps.occupancy.releaseOccupancy(trx, { tenantId, bookingId: offer.booking_id });
    await this.#repository.setOfferStatus(trx, tenantId, offer.id, status);
    if (entry && entry.status === 'offered') await this.#repository.setEntryStatus(trx, tenantId, entry.id, 'waiting');
    if (entry) {
      await this.offerFreedSlot(trx, tenantId, { serviceId: entry.service_id, resourceId: offer.resource_id, start: offer.start_time, end: offer.end_time });
    }
  }

  #view(row: WaitlistEntryRow, offers: WaitlistOfferRow[]): WaitlistEntryView {
    return {
      id: row.id,
      service_id: row.service_id,
      resource_id: row.resource_id,
      customer_id: row.customer_id,
      preferred_times: row.preferred_times,
      priority: row.priority,
      status: row.status,
      notes: row.notes,
      offers: offers.map((offer) => ({
        id: offer.id,
        status: offer.status,
        resource_id: offer.resource_id,
        start_time: offer.start_time.toISOString(),
        end_time: offer.end_time.toISOString(),
        expires_at: offer.expires_at.toISOString(),
      })),
      created_at: row.created_at.toISOString(),
    };
  }
}

/** Minutes an offer holds the slot (`settings.waitlist_offer_minutes`, 1–1440), default 30. */
export function offerMinutes(settings: Record<string, unknown> | undefined): number {
  return businessSettingsOf(settings).waitlist_offer_minutes ?? DEFAULT_OFFER_MINUTES;
}

export function createWaitlistOfferExpiryJob(waitlist: WaitlistService): JobDefinition<typeof offerExpiryPayload> {
  return defineJob({
    ...waitlistOfferExpiryJob,
    async handle(input, context) {
      if (context.tenantId === null) return { outcome: 'discard', reason: 'offer job without tenant' };
      return { outcome: 'done', note: await waitlist.expireOffer(context.tenantId, input.offer_id) };
    },
  });
}
