/**
 * Booking's part in customers' privacy rights and merges (the module's
 * `customerData`, handed to the customers module at construction).
 */
import type { CustomerMergeParticipant, ErasureParticipant, PersonalDataContributor } from '../customers/index.ts';
import { SYSTEM_ACTOR } from './booking-deps.ts';
import type { BookingActionsService } from './booking-actions.service.ts';
import { BookingRepository } from './booking.repository.ts';
import { holdsSlot } from './booking-state.ts';
import type { WaitlistService } from './waitlist.service.ts';

const repository = new BookingRepository();
/** Bookings are accounting records (price, deposit); kept 6 years like the payments they explain. */
const RETENTION_YEARS = 6;

export function bookingsContributor(): PersonalDataContributor {
  return {
    name: 'bookings',
    purposes: ['Providing the booked service', 'Managing cancellations, refunds and no-shows'],
    recipients: ['The business and its staff'],
    retention: `${RETENTION_YEARS} years after the appointment (accounting)`,
    async collect(trx, tenantId, customerId) {
      const rows = await repository.listByCustomer(trx, tenantId, customerId);
      return rows.map((row) => ({
        id: row.id,
        booking_number: row.booking_number,
        status: row.status,
        service: row.service_name,
        resource: row.resource_name,
        start_time: row.start_time.toISOString(),
        end_time: row.end_time.toISOString(),
        price: { amount: row.total_price, currency: row.currency },
        deposit_paid: row.deposit_paid,
        notes: row.notes,
        created_at: row.created_at.toISOString(),
      }));
    },
  };
}

/**
 * Erasure: future active bookings are cancelled (as the system, so by policy
 * without a window: the customer asked for it), free-text notes are stripped;
 * the bookings themselves stay as financial records without personal data
 * (the customer row they point at is anonymised by the customers module).
 */
export function bookingsErasureParticipant(actions: BookingActionsService): ErasureParticipant {
  return {
    name: 'bookings',
    async erase(trx, tenantId, customerId, context) {
      const rows = await repository.listByCustomer(trx, tenantId, customerId);
      let cancelled = 0;
      for (const row of rows) {
        if (!holdsSlot(row.status) || row.status !== 'confirmed' || row.start_time.getTime() <= context.erasedAt.getTime()) continue;
        const locked = await repository.lockById(trx, tenantId, row.id);
        if (!locked) continue;
        // Frees the slot: scheduling refreshes cached availability once the erasure commits.
        await actions.applyLocked(trx, tenantId, locked, { action: 'cancel', cancellation_reason: 'customer_erased' }, SYSTEM_ACTOR);
        cancelled += 1;
      }
      const stripped = await repository.stripNotes(trx, tenantId, customerId);
      const deletion = new Date(context.erasedAt);
      deletion.setUTCFullYear(deletion.getUTCFullYear() + RETENTION_YEARS);
      return {
        deleted: [{ table: 'bookings.notes', count: stripped, anonymized: true }],
        retained: [
          {
            table: 'bookings',
            count: rows.length,
            retention_reason: `Accounting records (${cancelled} future bookings cancelled)`,
            deletion_scheduled: deletion,
          },
        ],
      };
    },
  };
}

export function bookingsMergeParticipant(): CustomerMergeParticipant {
  return {
    name: 'bookings',
    reassign: (trx, tenantId, ids) => repository.reassignCustomer(trx, tenantId, ids.duplicateId, ids.survivorId),
  };
}

export function waitlistContributor(waitlist: WaitlistService): PersonalDataContributor {
  return {
    name: 'waitlist',
    purposes: ['Offering the customer a freed slot they asked for'],
    recipients: ['The business and its staff'],
    retention: 'Until the entry is booked or removed; deleted when the customer is erased',
    collect: async (trx, tenantId, customerId) => (await waitlist.entriesOfCustomer(trx, tenantId, customerId)).map((view) => ({ ...view })),
  };
}

/** Erasure: the customer's waitlist entries (notes, preferred times) and their offers are deleted; an open offer passes on. */
export function waitlistErasureParticipant(waitlist: WaitlistService): ErasureParticipant {
  return {
    name: 'waitlist',
    async erase(trx, tenantId, customerId) {
      const removed = await waitlist.eraseCustomerEntries(trx, tenantId, customerId);
      return {
        deleted: [
          { table: 'waitlist_entries', count: removed.entries, anonymized: false },
          { table: 'waitlist_offers', count: removed.offers, anonymized: false },
        ],
        retained: [],
      };
    },
  };
}

export function waitlistMergeParticipant(waitlist: WaitlistService): CustomerMergeParticipant {
  return {
    name: 'waitlist',
    reassign: (trx, tenantId, ids) => waitlist.reassignCustomer(trx, tenantId, ids.duplicateId, ids.survivorId),
  };
}
