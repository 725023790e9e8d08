/**
 * Changing a booking: the actions of `PATCH /bookings/{id}` and of the
 * customer's manage link, the payment confirmation and the unpaid-hold expiry.
 * Each runs in one transaction with the booking row locked: the state machine
 * decides, the policy (window, refund tiers, reschedule limits, no-show terms)
 * applies, occupancy is released or moved through scheduling, money goes back
 * through payments, and the history and events are written alongside.
 */
import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { publishEvent } from '../../platform/events/outbox.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { cancelPendingJobs } from '../../platform/jobs/queue.ts';
import { findResourcesWithZones, findServiceSnapshot, type CancellationPolicy } from '../catalog/index.ts';
import { bookingPaymentAfterExpiry, type RefundResult } from '../payments/index.ts';
import { isSlotBookable } from '../scheduling/index.ts';
import { returnBookingQuota } from '../tenancy/index.ts';
import { canCancel, canReschedule, cancellationRefund, mayClose, noShowSettlement } from './booking-policy.ts';
import { holdsSlot, transitionsForApiAction, type BookingApiAction } from './booking-state.ts';
import { nowOf, SYSTEM_ACTOR, type Actor, type BookingDeps } from './booking-deps.ts';
import { bookingExpiryJob } from './booking-expiry.job.ts';
import { recordChange, stepsForApiAction, stepsForSystemAction } from './booking-lifecycle.ts';
import { BookingRepository, type BookingChanges, type BookingRow } from './booking.repository.ts';
import type { BookingPatch } from './booking.schemas.ts';

/** A slot a change freed, for the waitlist. */
export interface FreedSlot {
  serviceId: string;
  resourceId: string;
  start: Date;
  end: Date;
}

/** Called inside the transaction that freed a slot (the waitlist offers it). */
export type SlotFreedHandler = (trx: Trx, tenantId: string, slot: FreedSlot) => Promise<void>;

export interface ActionOutcome {
  row: BookingRow;
  refund: RefundResult | null;
}

/** Who may see and change a booking: staff only their resources' bookings (checked with the booking as object). */
export function actorMaySee(actor: Actor, row: BookingRow, action: 'read' | 'update'): boolean {
  if (!actor.auth) return true;
  return actor.auth.can(action, 'Booking', { resource_id: row.resource_id, customer_id: row.customer_id });
}

/** Payment statuses that mean the money arrived (refunds are counted by the refund itself). */
const PAID_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'partially_refunded', 'refunded']);

function policyViolation(message: string, reason: string): AppError {
  return new AppError('POLICY_VIOLATION', message, { reason });
}

export class BookingActionsService {
  readonly #deps: BookingDeps;
  readonly #repository = new BookingRepository();
  readonly #onSlotFreed: SlotFreedHandler;

  /** `onSlotFreed`: the reaction to a slot freed by a cancellation, a move or an expiry (the waitlist's offer), in the same transaction. */
  constructor(deps: BookingDeps, reactions: { onSlotFreed: SlotFreedHandler }) {
    this.#deps = deps;
    this.#onSlotFreed = reactions.onSlotFreed;
  }

  /** `PATCH /bookings/{id}`: an action and/or notes. 404 for unknown ids, other tenants' and other staff's bookings. */
  async patch(tenantId: string, bookingId: string, patch: BookingPatch, actor: Actor): Promise<ActionOutcome> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = await this.#repository.lockById(trx, tenantId, bookingId);
      if (!row || !actorMaySee(actor, row, 'update')) throw notFound('Booking');
      return this.applyLocked(trx, tenantId, row, patch, actor);
    });
  }

  /**
   * Applies a patch to a booking the caller has locked (manage links and the
   * customer's erasure reuse this). Freed or moved occupancy refreshes cached
   * availability after the caller's transaction commits (scheduling's occupancy).
   */
  async applyLocked(trx: Trx, tenantId: string, row: BookingRow, patch: BookingPatch, actor: Actor): Promise<ActionOutcome> {
    let current = row;
    if (patch.notes !== undefined || (patch.internal_notes !== undefined && actor.staff)) {
      const previous = current;
      current = await this.#repository.update(trx, tenantId, current.id, {
        ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
        ...(patch.internal_notes !== undefined && actor.staff ? { internal_notes: patch.internal_notes } : {}),
      });
      if (patch.action === undefined) {
        await recordChange(trx, this.#repository, { tenantId, booking: current, previous, action: 'update_notes', steps: [], actor });
      }
    }
    if (patch.action === undefined) return { row: current, refund: null };
    return this.#act(trx, tenantId, current, patch.action, patch, actor);
  }

  async #act(
    trx: Trx,
    tenantId: string,
    row: BookingRow,
    action: BookingApiAction,
    patch: BookingPatch,
    actor: Actor,
  ): Promise<ActionOutcome> {
    const plan = stepsForApiAction(row.status, action);
    const now = nowOf(this.#deps);
    const policy = await this.#policyOf(trx, tenantId, row);
    // The system (erasure, seeding) acts for the business: no customer window applies.
    const anytime = actor.type === 'system' || (actor.auth?.can('cancel_anytime', 'Booking') ?? false);
    const clock = { startTime: row.start_time.getTime(), now: now.getTime(), customerType: row.customer_type };
    let refund: RefundResult | null = null;
    let changes: BookingChanges = { status: plan.to };
    let details: Record<string, unknown> = {};
    if ((action === 'complete' || action === 'check_out' || action === 'mark_no_show') && !mayClose(clock)) {
      throw policyViolation('This booking has not started yet; it can be completed or marked as a no-show from its start time', 'not_started');
    }

    switch (action) {
      case 'cancel': {
        if (policy) {
          const decision = canCancel({ ...clock, policy, actorCanCancelAnytime: anytime });
          if (!decision.allowed) throw policyViolation('The cancellation window has passed for this booking', decision.reason);
        }
        refund = await this.#refund(trx, tenantId, row, policy, now, actor.staff);
        changes = { ...changes, cancelled_at: now, cancelled_by: actor.auth?.userId ?? actor.id, cancellation_reason: patch.cancellation_reason ?? null };
        details = { refund_amount: refund?.amount ?? 0 };
        // Booked and cancelled the same day: the plan quota it took is given back.
        if (sameLocalDay(row.created_at, now, row.time_zone)) await returnBookingQuota(trx, tenantId, row.created_at);
        break;
      }
      case 'reschedule': {
        if (policy) {
          const decision = canReschedule({ ...clock, policy, rescheduleCount: row.reschedule_count, actorCanRescheduleAnytime: anytime });
          if (!decision.allowed) throw policyViolation('This booking can no longer be rescheduled', decision.reason);
        }
        const moved = await this.#move(trx, tenantId, row, new Date(patch.new_start_time ?? ''), patch.new_resource_id ?? row.resource_id, now);
        // Priced for the new time (tiers depend on it): a customer cannot move into a deposit they did not pay;
        // the business can, and the balance stays due.
        if (!actor.staff && moved.changes.deposit_required !== undefined && moved.changes.deposit_required > row.deposit_paid) {
          throw policyViolation('The new time needs a larger deposit; cancel and book it instead', 'deposit_increase');
        }
        changes = { ...changes, ...moved.changes, reschedule_count: row.reschedule_count + 1 };
        details = {
          from: { start_time: row.start_time.toISOString(), resource_id: row.resource_id },
          to: { start_time: moved.start.toISOString(), resource_id: moved.resourceId },
          pricing: { from: row.total_price, to: moved.changes.total_price, deposit_required: moved.changes.deposit_required },
        };
        break;
      }
      case 'confirm': {
        changes = { ...changes, payment_expires_at: null };
        await cancelPendingJobs(trx, bookingExpiryJob.name, `booking-expiry:${row.id}`);
        break;
      }
      case 'mark_no_show': {
        if (policy) {
          const settlement = noShowSettlement({ paidAmount: row.deposit_paid, policy });
          const result = await this.#deps.payments.settleNoShow(trx, {
            tenantId,
            bookingId: row.id,
            customerId: row.customer_id,
            keepDeposit: settlement.refund === 0,
            fee: settlement.penalty,
            idempotencyKey: `booking:${row.id}:no_show`,
          });
          details = { deposit_kept: result.depositKept, fee: result.fee?.amount ?? null };
          if (settlement.refund > 0) refund = await this.#refundAmount(trx, tenantId, row, settlement.refund, 'no_show');
        } else {
          details = { deposit_kept: row.deposit_paid };
        }
        break;
      }
      case 'check_in':
      case 'check_out':
      case 'complete':
        break;
    }
    for (const recorded of plan.records) changes = { ...changes, [recorded]: now };

    if (!holdsSlot(plan.to)) await this.#deps.occupancy.releaseOccupancy(trx, { tenantId, bookingId: row.id });
    const updated = await this.#repository.update(trx, tenantId, row.id, changes);
    await recordChange(trx, this.#repository, {
      tenantId,
      booking: updated,
      previous: row,
      action,
      steps: plan.steps,
      actor,
      reason: action === 'cancel' ? (patch.cancellation_reason ?? null) : null,
      details,
    });
    if (action === 'cancel' || action === 'reschedule') {
      await this.#slotFreed(trx, tenantId, { serviceId: row.service_id, resourceId: row.resource_id, start: row.start_time, end: row.end_time });
    }
    return { row: updated, refund };
  }

  /** What cancelling now would give back (manage link preview): no change made. */
  async previewRefund(trx: Trx, tenantId: string, row: BookingRow, actor: Actor): Promise<{ allowed: boolean; reason: string; amount: number }> {
    const policy = await this.#policyOf(trx, tenantId, row);
    const now = nowOf(this.#deps);
    if (!transitionsForApiAction(row.status, 'cancel').ok) return { allowed: false, reason: `booking_${row.status}`, amount: 0 };
    const clock = { startTime: row.start_time.getTime(), now: now.getTime(), customerType: row.customer_type };
    const anytime = actor.auth?.can('cancel_anytime', 'Booking') ?? false;
    const decision = policy ? canCancel({ ...clock, policy, actorCanCancelAnytime: anytime }) : { allowed: true, reason: 'within_window' };
    const amount = cancellationRefund({ ...clock, policy, paidAmount: row.deposit_paid, byBusiness: actor.staff });
    return { allowed: decision.allowed, reason: decision.reason, amount: decision.allowed ? amount : 0 };
  }

  /** Payment for a pending booking succeeded (event from payments). Idempotent. */
  async confirmPaid(
    tenantId: string,
    bookingId: string,
    paidAmount: number | null,
    paymentId: string | null,
  ): Promise<'confirmed' | 'recorded' | 'already' | 'after_expiry' | 'missing'> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = await this.#repository.lockById(trx, tenantId, bookingId);
      if (!row) return 'missing';
      if (row.status === 'pending_payment') {
        const plan = stepsForSystemAction(row.status, 'confirm');
        const updated = await this.#repository.update(trx, tenantId, row.id, {
          status: plan.to,
          payment_expires_at: null,
          deposit_paid: paidAmount ?? row.deposit_required,
        });
        await cancelPendingJobs(trx, bookingExpiryJob.name, `booking-expiry:${row.id}`);
        await recordChange(trx, this.#repository, {
          tenantId,
          booking: updated,
          previous: row,
          action: 'confirm',
          steps: plan.steps,
          actor: SYSTEM_ACTOR,
          reason: 'payment_succeeded',
          details: { payment_id: paymentId },
        });
        return 'confirmed';
      }
      // A cancellation refunds what the booking had received (`deposit_paid`); money that arrived
      // after it, while the booking had received nothing, was never part of that settlement.
      const unpaidCancellation = row.status === 'cancelled' && row.deposit_paid === 0;
      if (row.status === 'expired' || unpaidCancellation) {
        // Terminal states never change (the specification's diagram), so a payment
        // that lands after the hold expired, or after the booking was cancelled while
        // its intent was still open, is not turned into a booking: payments refunds it
        // in full when it sees this event.
        await publishEvent(trx, bookingPaymentAfterExpiry, {
          tenantId,
          aggregateId: row.id,
          data: { booking_id: row.id, payment_id: paymentId, amount: paidAmount, currency: row.currency, action: 'refund' },
        });
        return 'after_expiry';
      }
      if (row.status === 'cancelled') return 'already';
      return this.#recordLatePayment(trx, tenantId, row, paymentId);
    });
  }

  /**
   * A payment that succeeds after staff confirmed the pending booking by hand
   * (or after check-in, completion, a no-show) still pays for it: the booking's
   * paid amount becomes what its payments hold (deposits and prepayments that
   * succeeded; penalties are not part of the price), so a later cancellation
   * refunds it by policy. Idempotent: recounted from the payments, recorded once.
   */
  async #recordLatePayment(trx: Trx, tenantId: string, row: BookingRow, paymentId: string | null): Promise<'recorded' | 'already'> {
    const payments = await this.#deps.payments.paymentsOfBooking(trx, tenantId, row.id);
    const paid = payments
      .filter((payment) => payment.type !== 'penalty' && PAID_STATUSES.has(payment.status))
      .reduce((sum, payment) => sum + payment.amount, 0);
    if (paid <= row.deposit_paid) return 'already';
    const updated = await this.#repository.update(trx, tenantId, row.id, { deposit_paid: paid });
    await recordChange(trx, this.#repository, {
      tenantId,
      booking: updated,
      previous: row,
      action: 'payment_recorded',
      steps: [],
      actor: SYSTEM_ACTOR,
      reason: 'payment_succeeded',
      details: { payment_id: paymentId, deposit_paid: paid },
    });
    return 'recorded';
  }

  /** The unpaid hold ran out: pending_payment → expired, slot freed. Idempotent; a paid booking is left alone. */
  async expireUnpaid(tenantId: string, bookingId: string): Promise<'expired' | 'skipped'> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = await this.#repository.lockById(trx, tenantId, bookingId);
      if (!row || row.status !== 'pending_payment') return 'skipped';
      if (row.payment_expires_at && row.payment_expires_at.getTime() > nowOf(this.#deps).getTime()) return 'skipped';
      const plan = stepsForSystemAction(row.status, 'payment_timeout');
      await this.#deps.occupancy.releaseOccupancy(trx, { tenantId, bookingId: row.id });
      await this.#deps.payments.cancelPendingForBooking(trx, tenantId, row.id);
      const updated = await this.#repository.update(trx, tenantId, row.id, { status: plan.to, payment_expires_at: null });
      // Never paid: the plan quota it took is given back.
      await returnBookingQuota(trx, tenantId, row.created_at);
      await recordChange(trx, this.#repository, {
        tenantId,
        booking: updated,
        previous: row,
        action: 'payment_timeout',
        steps: plan.steps,
        actor: SYSTEM_ACTOR,
        reason: 'payment_timeout',
      });
      await this.#slotFreed(trx, tenantId, { serviceId: row.service_id, resourceId: row.resource_id, start: row.start_time, end: row.end_time });
      return 'expired';
    });
  }

  async #slotFreed(trx: Trx, tenantId: string, slot: FreedSlot): Promise<void> {
    await this.#onSlotFreed(trx, tenantId, slot);
  }

  async #policyOf(trx: Trx, tenantId: string, row: BookingRow): Promise<CancellationPolicy | null> {
    const service = await findServiceSnapshot(trx, tenantId, row.service_id);
    return service?.cancellation_policy ?? null;
  }

  /** The cancellation's refund: all of it when the business cancels, else by the policy's tiers. */
  async #refund(trx: Trx, tenantId: string, row: BookingRow, policy: CancellationPolicy | null, now: Date, byBusiness: boolean): Promise<RefundResult | null> {
    if (row.deposit_paid === 0) return null;
    const amount = cancellationRefund({ startTime: row.start_time.getTime(), now: now.getTime(), policy, customerType: row.customer_type, paidAmount: row.deposit_paid, byBusiness });
    return this.#refundAmount(trx, tenantId, row, amount, 'cancellation');
  }

  async #refundAmount(trx: Trx, tenantId: string, row: BookingRow, amount: number, reason: string): Promise<RefundResult | null> {
    if (amount <= 0) return null;
    return this.#deps.payments.refundBooking(trx, { tenantId, bookingId: row.id, amount, reason, idempotencyKey: `booking:${row.id}:${reason}` });
  }

  /**
   * Checks the new time with the availability engine as if the booking's own
   * slot were free (a move by 15 minutes overlaps itself), then moves the
   * occupancy atomically with scheduling's `moveOccupancy`.
   */
  async #move(trx: Trx, tenantId: string, row: BookingRow, start: Date, resourceId: string, now: Date) {
    const [resource] = await findResourcesWithZones(trx, tenantId, [resourceId]);
    if (!resource) throw notFound('Resource');
    await sql`savepoint booking_reschedule_check`.execute(trx);
    await this.#deps.occupancy.releaseOccupancy(trx, { tenantId, bookingId: row.id });
    const slot = await isSlotBookable(trx, { tenantId, serviceId: row.service_id, resourceId, start, now });
    await sql`rollback to savepoint booking_reschedule_check`.execute(trx);
    if (!slot.bookable) throw new AppError('SLOT_UNAVAILABLE', 'The new time is not available', { reason: slot.reason });
    // The deposit is decided again for the new price: the service's (or tier's) own rule, else a
    // booking prepaid in full stays prepaid in full.
    const prepaidInFull = row.deposit_required > 0 && row.deposit_required >= row.total_price;
    const deposit = slot.deposit > 0 ? slot.deposit : prepaidInFull ? slot.price.amount : 0;
    if (row.status === 'pending_payment' && deposit !== row.deposit_required) {
      // Its payment is open for the old amount: it is settled or expires before the booking moves.
      throw new AppError('CONFLICT', 'Pay or cancel this booking before moving it to a time with another deposit', { reason: 'deposit_pending' });
    }
    await this.#deps.occupancy.moveOccupancy(
      trx,
      slot.reservations.map((reservation) => ({
        tenantId,
        bookingId: row.id,
        resourceId: reservation.resourceId,
        start: slot.start,
        end: slot.end,
        bufferBefore: slot.bufferBefore,
        bufferAfter: slot.bufferAfter,
        places: 1,
        capacity: reservation.capacity,
      })),
    );
    const changes: BookingChanges = {
      start_time: slot.start,
      end_time: slot.end,
      resource_id: resource.id,
      resource_name: resource.name,
      resource_type: resource.type,
      location_id: slot.locationId,
      time_zone: slot.timeZone,
      total_price: slot.price.amount,
      currency: slot.price.currency,
      pricing_tier_id: slot.tier?.id ?? null,
      deposit_required: deposit,
    };
    return { changes, start: slot.start, resourceId: resource.id };
  }
}

/** Whether two instants fall on the same local date in `timeZone`. */
function sameLocalDay(a: Date, b: Date, timeZone: string): boolean {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return day.format(a) === day.format(b);
}
