/**
 * Booking's consistency check (RF6.2, the platform console's support tools): bookings whose
 * occupancy or recorded payment disagrees with what their status and their payments say, and
 * the repair of what can be repaired without a decision. Booking owns the bookings; it changes
 * occupancy only through scheduling's `Occupancy` and reads payments only through payments' read
 * contract, as everywhere else.
 *
 * What "agrees" means here, from what the tables hold:
 * - a booking holds time (an active allocation) exactly while its status is pending_payment,
 *   confirmed or rescheduled (`holdsSlot`);
 * - `deposit_paid` is what the booking received: the deposits and prepayments that went through,
 *   refunded ones included (a refund does not lower it: a cancellation refunds *from* it), which
 *   is how confirmation and late payments set it. Bookings still waiting for their payment and
 *   bookings that ended unpaid (expired, or cancelled before any money arrived) are left out:
 *   money reaching those is refunded by the product, never recorded;
 * - a booking that ended unpaid keeps no money: a payment that went through for it is refunded
 *   automatically (`booking.payment_after_expiry`), so one that is still kept needs a person.
 */
import { sql } from 'kysely';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { keptPaymentsSource, paymentTotalsByBooking } from '../payments/index.ts';
import { activeAllocationsSource, type Occupancy } from '../scheduling/index.ts';
import { SYSTEM_ACTOR } from './booking-deps.ts';
import { recordChange } from './booking-lifecycle.ts';
import { ACTIVE_STATUSES, holdsSlot, type BookingStatus } from './booking-state.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';

export const BOOKING_INCONSISTENCY_KINDS = [
  'ended_booking_holds_time',
  'live_booking_without_time',
  'paid_amount_differs',
  'money_kept_for_unpaid_booking',
] as const;
export type BookingInconsistencyKind = (typeof BOOKING_INCONSISTENCY_KINDS)[number];

/** One disagreement, with the ids and figures support needs to explain it. */
export interface BookingInconsistency {
  kind: BookingInconsistencyKind;
  booking_id: string;
  booking_number: string;
  status: BookingStatus;
  /** Whether `repairBookingConsistency` fixes it; the others need a person's decision. */
  repairable: boolean;
  /** Resources whose time the booking holds (or should hold). */
  resource_ids: string[];
  /** Payments involved (money kept for an unpaid booking). */
  payment_ids: string[];
  /** What the booking records as received, and what its payments say (paid amount differs). */
  recorded_paid: number | null;
  payments_paid: number | null;
  /** Money kept for an unpaid booking. */
  amount: number | null;
  currency: string;
}

/** What one repair did, by kind. */
export interface BookingRepair {
  kind: BookingInconsistencyKind;
  booking_id: string;
  booking_number: string;
  resource_ids: string[];
  recorded_paid: number | null;
  payments_paid: number | null;
}

/** At most this many findings of each kind (the oldest bookings first); a repair run lists again afterwards. */
const LIMIT_PER_KIND = 200;
/** Statuses whose `deposit_paid` must equal what their payments collected. */
const PAID_CHECKED: readonly BookingStatus[] = ['confirmed', 'rescheduled', 'completed', 'no_show', 'cancelled'];
const ACTIVE: readonly BookingStatus[] = ACTIVE_STATUSES;

const repository = new BookingRepository();

const only = (bookingId: string | undefined) => (bookingId === undefined ? sql`true` : sql`b.id = ${bookingId}`);

const base = (row: { id: string; booking_number: string; status: BookingStatus; currency: string }) => ({
  booking_id: row.id,
  booking_number: row.booking_number,
  status: row.status,
  currency: row.currency.trim(),
  resource_ids: [] as string[],
  payment_ids: [] as string[],
  recorded_paid: null,
  payments_paid: null,
  amount: null,
});

interface BookingKey {
  id: string;
  booking_number: string;
  status: BookingStatus;
  currency: string;
}

async function endedHoldingTime(executor: Executor, tenantId: string, bookingId?: string): Promise<BookingInconsistency[]> {
  const result = await sql<BookingKey & { resource_ids: string[] }>`
    select b.id, b.booking_number, b.status, b.currency, array_agg(distinct a.resource_id order by a.resource_id) as resource_ids
    from bookings b
    join (${activeAllocationsSource(sql`a.tenant_id = ${tenantId}`)}) a on a.tenant_id = b.tenant_id and a.booking_id = b.id
    where b.tenant_id = ${tenantId} and b.status not in (${sql.join(ACTIVE)}) and ${only(bookingId)}
    group by b.id, b.booking_number, b.status, b.currency, b.created_at
    order by b.created_at, b.id
    limit ${LIMIT_PER_KIND}`.execute(executor);
  return result.rows.map((row) => ({ ...base(row), kind: 'ended_booking_holds_time', repairable: true, resource_ids: row.resource_ids }));
}

async function liveWithoutTime(executor: Executor, tenantId: string): Promise<BookingInconsistency[]> {
  const result = await sql<BookingKey & { resource_id: string }>`
    select b.id, b.booking_number, b.status, b.currency, b.resource_id
    from bookings b
    where b.tenant_id = ${tenantId} and b.status in (${sql.join(ACTIVE)})
      and not exists (
        select 1 from (${activeAllocationsSource(sql`a.tenant_id = ${tenantId}`)}) a
        where a.tenant_id = b.tenant_id and a.booking_id = b.id)
    order by b.created_at, b.id
    limit ${LIMIT_PER_KIND}`.execute(executor);
  return result.rows.map((row) => ({ ...base(row), kind: 'live_booking_without_time', repairable: false, resource_ids: [row.resource_id] }));
}

async function paidAmountDiffers(executor: Executor, tenantId: string, bookingId?: string): Promise<BookingInconsistency[]> {
  const scope = sql`select b2.tenant_id, b2.id from bookings b2 where b2.tenant_id = ${tenantId}${bookingId === undefined ? sql`` : sql` and b2.id = ${bookingId}`}`;
  const result = await sql<BookingKey & { deposit_paid: number | string; collected: number | string }>`
    select b.id, b.booking_number, b.status, b.currency, b.deposit_paid, coalesce(p.collected, 0) as collected
    from bookings b
    left join (${paymentTotalsByBooking(scope)}) p on p.tenant_id = b.tenant_id and p.booking_id = b.id
    where b.tenant_id = ${tenantId} and b.status in (${sql.join(PAID_CHECKED)}) and ${only(bookingId)}
      and not (b.status = 'cancelled' and b.deposit_paid = 0)
      and b.deposit_paid <> coalesce(p.collected, 0)
    order by b.created_at, b.id
    limit ${LIMIT_PER_KIND}`.execute(executor);
  return result.rows.map((row) => ({
    ...base(row),
    kind: 'paid_amount_differs',
    repairable: true,
    recorded_paid: Number(row.deposit_paid),
    payments_paid: Number(row.collected),
  }));
}

async function moneyKeptForUnpaid(executor: Executor, tenantId: string): Promise<BookingInconsistency[]> {
  const scope = sql`select b2.tenant_id, b2.id from bookings b2 where b2.tenant_id = ${tenantId} and (b2.status = 'expired' or (b2.status = 'cancelled' and b2.deposit_paid = 0))`;
  const result = await sql<BookingKey & { payment_ids: string[]; kept: number | string }>`
    select b.id, b.booking_number, b.status, b.currency, array_agg(p.id order by p.id) as payment_ids, sum(p.kept) as kept
    from bookings b
    join (${keptPaymentsSource(scope)}) p on p.tenant_id = b.tenant_id and p.booking_id = b.id
    where b.tenant_id = ${tenantId}
    group by b.id, b.booking_number, b.status, b.currency, b.created_at
    order by b.created_at, b.id
    limit ${LIMIT_PER_KIND}`.execute(executor);
  return result.rows.map((row) => ({
    ...base(row),
    kind: 'money_kept_for_unpaid_booking',
    repairable: false,
    payment_ids: row.payment_ids,
    amount: Number(row.kept),
  }));
}

/** Every disagreement of one tenant's bookings, by kind (at most 200 of each). Reads only. */
export async function findBookingInconsistencies(executor: Executor, tenantId: string): Promise<BookingInconsistency[]> {
  return [
    ...(await endedHoldingTime(executor, tenantId)),
    ...(await liveWithoutTime(executor, tenantId)),
    ...(await paidAmountDiffers(executor, tenantId)),
    ...(await moneyKeptForUnpaid(executor, tenantId)),
  ];
}

/**
 * Repairs what is safe on one booking, in the caller's transaction, under the booking's row lock,
 * checking again what it repairs (so it is idempotent: a second run finds nothing and does
 * nothing):
 * - an ended booking's time is released through scheduling (cached availability refreshed
 *   after commit);
 * - `deposit_paid` becomes what the payments collected, recorded in the booking's history and
 *   published as `booking.updated`, so reports recompute.
 * A live booking without its time is never re-allocated here (the time may have been sold since:
 * re-reserving could double-book), and kept money is never refunded here (a person decides).
 */
export async function repairBookingConsistency(
  trx: Trx,
  occupancy: Pick<Occupancy, 'releaseOccupancy'>,
  tenantId: string,
  bookingId: string,
): Promise<BookingRepair[]> {
  const row = await repository.lockById(trx, tenantId, bookingId);
  if (!row) return [];
  const repairs: BookingRepair[] = [];
  const done = (kind: BookingInconsistencyKind, facts: Partial<BookingRepair>): BookingRepair => ({
    kind,
    booking_id: row.id,
    booking_number: row.booking_number,
    resource_ids: [],
    recorded_paid: null,
    payments_paid: null,
    ...facts,
  });
  if (!holdsSlot(row.status)) {
    const released = await occupancy.releaseOccupancy(trx, { tenantId, bookingId: row.id });
    if (released.length > 0) repairs.push(done('ended_booking_holds_time', { resource_ids: released.sort() }));
  }
  const [differs] = await paidAmountDiffers(trx, tenantId, row.id);
  if (differs?.payments_paid != null) {
    const repaired = await recordPaidAmount(trx, row, differs.payments_paid);
    repairs.push(done('paid_amount_differs', { recorded_paid: row.deposit_paid, payments_paid: repaired.deposit_paid }));
  }
  return repairs;
}

/** Who repaired is in the audit log (both of them); the history and the event say only what changed. */
async function recordPaidAmount(trx: Trx, row: BookingRow, paid: number): Promise<BookingRow> {
  const updated = await repository.update(trx, row.tenant_id, row.id, { deposit_paid: paid });
  await recordChange(trx, repository, {
    tenantId: row.tenant_id,
    booking: updated,
    previous: row,
    action: 'payment_recorded',
    steps: [],
    actor: SYSTEM_ACTOR,
    reason: 'consistency_repair',
    details: { deposit_paid_before: row.deposit_paid, deposit_paid: paid },
  });
  return updated;
}
