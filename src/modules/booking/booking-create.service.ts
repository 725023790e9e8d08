/**
 * Creating bookings: one (`POST /bookings`) or several at once, all or nothing
 * (RF5.8). One transaction per request holds the customer, the booking rows,
 * their history, the occupancy (through scheduling), the deposit (through
 * payments), the plan quota, the events and the expiry job: a 201 means all of
 * it committed, and a crash before commit leaves none of it.
 */
import { randomUUID } from 'node:crypto';
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { enqueueDeferred } from '../../platform/jobs/queue.ts';
import { findServiceSnapshot, memoizeServiceSnapshots, resourceExists, type ServiceSnapshot } from '../catalog/index.ts';
import { assertCustomerCanBook, getCustomerForBooking, type CustomerForBooking } from '../customers/index.ts';
import type { DepositResult } from '../payments/index.ts';
import { isSlotBookable, type SlotCheck } from '../scheduling/index.ts';
import { bookingTerms, businessSettingsOf, consumeBookingQuota, type BookingQuotaUse, type BookingTerms } from '../tenancy/index.ts';
import { generateBookingNumber } from './booking-number.ts';
import { nowOf, type Actor, type BookingDeps } from './booking-deps.ts';
import { bookingExpiryJob } from './booking-expiry.job.ts';
import { recordChange, stepsForSystemAction } from './booking-lifecycle.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';
import type { BookingBatchCreate, BookingCreate, BookingGroupView, BookingView } from './booking.schemas.ts';
import type { BookingSource } from './booking.tables.ts';
import { customerSummary, toBookingView } from './booking-view.ts';
import { manageUrl, signManageToken } from './manage-link.ts';
import { PublicBookingGuard } from './public-booking-guard.ts';
import { resolveBookingCustomer } from './booking-customer-resolution.ts';
import { claimSlot, lockSlots } from './slot-lock.ts';
import type { VerificationService } from './verification.service.ts';

/** Unpaid hold before a pending_payment booking expires, unless the business sets `payment_hold_minutes`. */
export const DEFAULT_PAYMENT_HOLD_MINUTES = 15;
const MAX_NUMBER_ATTEMPTS = 5;

interface BookItem {
  service_id: string;
  resource_id: string;
  start_time: string;
}

interface BookOptions {
  notes?: string | undefined;
  internalNotes?: string | undefined;
  requireDeposit?: boolean | undefined;
  paymentMethodId?: string | undefined;
  source: BookingSource;
  groupId: string | null;
  idempotencyKey: string;
}

interface Prepared {
  now: Date;
  service: ServiceSnapshot;
  slot: Extract<SlotCheck, { bookable: true }>;
}

interface Booked {
  row: BookingRow;
  customer: CustomerForBooking;
  deposit: DepositResult | null;
}

/** The slot's holder ended without filling it: the waiting request starts over (`claimSlot`'s `retry`). */
class SlotReleased extends Error {}

function slotUnavailable(reason: string): AppError {
  return new AppError('SLOT_UNAVAILABLE', 'This time is not available for booking', { reason });
}

export class BookingCreateService {
  readonly #deps: BookingDeps;
  readonly #verification: VerificationService;
  readonly #repository = new BookingRepository();
  readonly #guard: PublicBookingGuard;

  constructor(deps: BookingDeps, verification: VerificationService) {
    this.#deps = deps;
    this.#verification = verification;
    this.#guard = new PublicBookingGuard(deps.linkKey);
  }

  async create(tenantId: string, body: BookingCreate, actor: Actor, idempotencyKey: string | null): Promise<BookingView> {
    try {
      return await this.#createOnce(tenantId, body, actor, idempotencyKey, 'shared');
    } catch (error) {
      if (!(error instanceof SlotReleased)) throw error;
    }
    // The request that held the slot gave it up (a declined card, a rollback): queue for it
    // exclusively this time, so exactly one of the waiters books it.
    return this.#createOnce(tenantId, body, actor, idempotencyKey, 'exclusive');
  }

  async #createOnce(
    tenantId: string,
    body: BookingCreate,
    actor: Actor,
    idempotencyKey: string | null,
    whenBusy: 'shared' | 'exclusive',
  ): Promise<BookingView> {
    const booked = await withTenant(this.#deps.db, tenantId, async (trx) => {
      memoizeServiceSnapshots(trx);
      const prepared = await this.#prepare(trx, tenantId, body, whenBusy);
      const terms = await this.#terms(trx, tenantId, prepared.service, actor);
      // After the slot check, so a storm for one taken slot is refused without this read.
      const origin = actor.staff ? null : this.#guard.originOf(tenantId, actor.ip, [body.customer]);
      if (origin) await this.#guard.admit(trx, tenantId, prepared.now, origin);
      const customer = await resolveBookingCustomer(this.#deps.keyRing, this.#verification, trx, tenantId, body.customer, actor, body.verification_token, terms);
      const booked = await this.#bookOne(trx, tenantId, prepared, customer, actor, terms, {
        notes: body.notes,
        internalNotes: actor.staff ? body.internal_notes : undefined,
        requireDeposit: body.require_deposit,
        paymentMethodId: body.payment_method_id,
        source: body.source ?? (actor.staff ? 'admin' : 'web'),
        groupId: null,
        idempotencyKey: idempotencyKey ?? randomUUID(),
      });
      if (origin) await this.#guard.record(trx, tenantId, origin, [booked.row.id]);
      // Last: with a limit, the checked upsert locks the tenant's usage row until commit.
      await this.#warnOfUsage(trx, tenantId, await consumeBookingQuota(trx, tenantId, terms, 1, { publicBooking: !actor.staff }));
      return booked;
    });
    return this.#view(tenantId, booked, actor);
  }

  /**
   * Several bookings in one transaction: back to back for one person
   * (`sequence`) or one service for several people (`party`). If any slot is
   * taken, nothing is booked.
   */
  async createBatch(tenantId: string, body: BookingBatchCreate, actor: Actor, idempotencyKey: string | null): Promise<BookingGroupView> {
    const key = idempotencyKey ?? randomUUID();
    const result = await withTenant(this.#deps.db, tenantId, async (trx) => {
      memoizeServiceSnapshots(trx);
      const itemCustomers = body.items.map((item) => item.customer ?? body.customer).filter((customer) => customer !== undefined);
      const origin = actor.staff ? null : this.#guard.originOf(tenantId, actor.ip, itemCustomers);
      if (origin) await this.#guard.admit(trx, tenantId, nowOf(this.#deps), origin);
      const kind = batchKind(body);
      await lockSlots(trx, tenantId, body.items.map((item) => ({ resourceId: item.resource_id, start: new Date(item.start_time) })));
      const groupId = await this.#repository.insertGroup(trx, tenantId, kind);
      const customers = new Map<string, CustomerForBooking>();
      const booked: Booked[] = [];
      let quotaTerms: BookingTerms | undefined;
      for (const [index, item] of body.items.entries()) {
        const input = item.customer ?? body.customer;
        if (input === undefined) throw new AppError('VALIDATION_ERROR', 'Each item needs a customer', [{ field: `items.${index}.customer`, message: 'required' }]);
        const prepared = await this.#prepare(trx, tenantId, item);
        const terms = await this.#terms(trx, tenantId, prepared.service, actor);
        quotaTerms = terms;
        const cacheKey = JSON.stringify(input);
        let customer = customers.get(cacheKey);
        if (!customer) {
          // Each guest proves their own contact: an item's token, else the request's (which
          // can prove one destination only, so a party of several guests needs one per item).
          customer = await resolveBookingCustomer(this.#deps.keyRing, this.#verification, trx, tenantId, input, actor, item.verification_token ?? body.verification_token, terms);
          customers.set(cacheKey, customer);
        }
        booked.push(
          await this.#bookOne(trx, tenantId, prepared, customer, actor, terms, {
            notes: body.notes,
            paymentMethodId: body.payment_method_id,
            source: actor.staff ? 'admin' : 'web',
            groupId,
            idempotencyKey: `${key}:${index}`,
          }),
        );
      }
      // Counted once for the whole request (see consumeBookingQuota); the terms' plan limit is the tenant's.
      if (origin) await this.#guard.record(trx, tenantId, origin, booked.map((item) => item.row.id));
      if (quotaTerms) {
        await this.#warnOfUsage(trx, tenantId, await consumeBookingQuota(trx, tenantId, quotaTerms, booked.length, { publicBooking: !actor.staff }));
      }
      return { groupId, kind, booked };
    });
    return { group_id: result.groupId, kind: result.kind, bookings: result.booked.map((item) => this.#view(tenantId, item, actor)) };
  }

  /**
   * Books for a known customer inside the caller's transaction (claiming a
   * waitlist offer).
   */
  async bookInTransaction(
    trx: Trx,
    tenantId: string,
    item: BookItem,
    customerId: string,
    actor: Actor,
    source: BookingSource,
    idempotencyKey: string,
  ): Promise<BookingView> {
    const customer = await getCustomerForBooking(trx, this.#deps.keyRing, tenantId, customerId);
    assertCustomerCanBook(customer);
    const prepared = await this.#prepare(trx, tenantId, item);
    const terms = await bookingTerms(trx, tenantId, prepared.service.business_id, { publicBooking: false });
    const booked = await this.#bookOne(trx, tenantId, prepared, customer, actor, terms, { source, groupId: null, idempotencyKey });
    await this.#warnOfUsage(trx, tenantId, await consumeBookingQuota(trx, tenantId, terms));
    return this.#view(tenantId, booked, actor);
  }

  /** Tells the business of each usage level (80 %, 100 %) this booking crossed; once per month each. */
  async #warnOfUsage(trx: Trx, tenantId: string, use: BookingQuotaUse | null): Promise<void> {
    if (!use) return;
    for (const percent of use.crossed) {
      await this.#deps.messages.queueUsageWarning(trx, tenantId, { period: use.period, percent, used: use.total, limit: use.limit });
    }
  }

  #view(tenantId: string, booked: Booked, actor: Actor): BookingView {
    const { row, deposit } = booked;
    const payment =
      deposit && row.status === 'pending_payment'
        ? {
            payment: {
              intent_id: deposit.intentId,
              client_secret: deposit.clientSecret,
              amount: deposit.amount.amount,
              currency: deposit.amount.currency,
              status: deposit.status,
              next_action: deposit.nextAction,
              payment_page_url: deposit.paymentPageUrl,
            },
          }
        : {};
    return toBookingView(row, customerSummary(booked.customer), {
      staff: actor.staff,
      manageUrl: manageUrl(this.#deps.publicUrl, signManageToken(this.#deps.linkKey, tenantId, row.id)),
      extras: payment,
    });
  }

  /**
   * The business's settings and the plan's booking limit; a public request is refused here
   * when the tenant is suspended or in maintenance (one read for all of it).
   */
  async #terms(trx: Trx, tenantId: string, service: ServiceSnapshot, actor: Actor): Promise<BookingTerms> {
    return bookingTerms(trx, tenantId, service.business_id, { publicBooking: !actor.staff });
  }

  /**
   * Checks the slot before anything is written: in a storm for one slot, the
   * requests that arrive after the winner committed answer 409 after a few
   * reads instead of creating customers first.
   */
  async #prepare(trx: Trx, tenantId: string, item: BookItem, whenBusy: 'shared' | 'exclusive' = 'exclusive'): Promise<Prepared> {
    const now = nowOf(this.#deps);
    const start = new Date(item.start_time);
    // Fast refusal when the very same start is already full (a storm for one slot); the
    // availability engine and the occupancy lock below remain the real checks.
    const claim = await claimSlot(trx, tenantId, item.resource_id, start, whenBusy);
    if (claim === 'full') throw slotUnavailable('taken');
    if (claim === 'retry') throw new SlotReleased();
    const service = await findServiceSnapshot(trx, tenantId, item.service_id);
    if (!service) throw notFound('Service');
    // The slot check reads the resource with its calendar; only a refusal looks whether it exists at all.
    const slot = await isSlotBookable(trx, { tenantId, serviceId: service.id, resourceId: item.resource_id, start, now });
    if (!slot.bookable) {
      if (slot.reason === 'resource_not_offered' && !(await resourceExists(trx, tenantId, item.resource_id))) throw notFound('Resource');
      throw slotUnavailable(slot.reason);
    }
    return { now, service, slot };
  }

  async #bookOne(
    trx: Trx,
    tenantId: string,
    prepared: Prepared,
    customer: CustomerForBooking,
    actor: Actor,
    terms: BookingTerms,
    options: BookOptions,
  ): Promise<Booked> {
    const { now, service, slot } = prepared;
    const { resource } = slot;

    const depositDue = slot.deposit > 0 ? slot.deposit : options.requireDeposit ? slot.price.amount : 0;
    const holdMinutes = depositDue > 0 ? paymentHoldMinutes(terms.settings ?? undefined) : 0;
    const id = randomUUID();
    const initial = stepsForSystemAction('draft', depositDue > 0 ? 'require_payment' : 'confirm');
    const values = {
      id,
      group_id: options.groupId,
      business_id: service.business_id,
      location_id: slot.locationId,
      service_id: service.id,
      resource_id: resource.id,
      customer_id: customer.id,
      status: initial.to,
      start_time: slot.start,
      end_time: slot.end,
      service_name: service.name,
      resource_name: resource.name,
      resource_type: resource.type,
      time_zone: slot.timeZone,
      base_price: service.price.currency === slot.price.currency ? service.price.amount : slot.price.amount,
      total_price: slot.price.amount,
      deposit_required: depositDue,
      slot_capacity: slot.reservations[0]?.capacity ?? 1,
      currency: slot.price.currency,
      pricing_tier_id: slot.tier?.id ?? null,
      customer_type: customer.type,
      source: options.source,
      notes: options.notes ?? null,
      internal_notes: options.internalNotes ?? null,
      metadata: JSON.stringify({}),
      payment_expires_at: depositDue > 0 ? new Date(now.getTime() + holdMinutes * 60_000) : null,
      created_by: actor.auth?.userId ?? null,
    };
    let inserted: BookingRow | undefined;
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS && !inserted; attempt += 1) {
      inserted = await this.#repository.insert(trx, tenantId, { ...values, booking_number: generateBookingNumber() });
    }
    if (!inserted) throw new AppError('CONFLICT', 'Could not allocate a booking number; retry');
    let row = inserted;

    // The resource locks are taken as late as possible: only occupancy, payment and commit run under them.
    await this.#deps.occupancy.reserveOccupancies(
      trx,
      slot.reservations.map((reservation) => ({
        tenantId,
        bookingId: id,
        resourceId: reservation.resourceId,
        start: slot.start,
        end: slot.end,
        bufferBefore: slot.bufferBefore,
        bufferAfter: slot.bufferAfter,
        places: 1,
        capacity: reservation.capacity,
      })),
    );

    const steps = [...initial.steps];
    let deposit: DepositResult | null = null;
    if (depositDue > 0) {
      deposit = await this.#deps.payments.startDeposit(trx, {
        tenantId,
        bookingId: id,
        customerId: customer.id,
        amount: { amount: depositDue, currency: row.currency },
        type: depositDue >= row.total_price ? 'full_payment' : 'deposit',
        ...(options.paymentMethodId ? { paymentMethodId: options.paymentMethodId } : {}),
        idempotencyKey: `${options.idempotencyKey}:deposit`,
        description: `${service.name} ${row.booking_number}`,
      });
      if (deposit.status === 'failed') {
        throw new AppError('PAYMENT_FAILED', deposit.failureReason ?? 'The payment was declined', { intent_id: deposit.intentId });
      }
      if (deposit.status === 'succeeded') {
        const paid = stepsForSystemAction(row.status, 'confirm');
        steps.push(...paid.steps);
        row = await this.#repository.update(trx, tenantId, id, {
          status: paid.to,
          deposit_paid: deposit.amount.amount,
          payment_expires_at: null,
        });
      }
    }
    await recordChange(trx, this.#repository, {
      tenantId,
      booking: row,
      previous: null,
      action: 'create',
      steps,
      actor,
      details: { source: options.source },
    });
    if (row.status === 'pending_payment' && row.payment_expires_at) {
      await enqueueDeferred(trx, bookingExpiryJob, { booking_id: id }, { tenantId, runAt: row.payment_expires_at, dedupeKey: `booking-expiry:${id}` });
    }
    return { row, customer, deposit };
  }
}

/**
 * A party when the items are for several people: several customers, or one guest booking the same
 * start more than once (a parent booking for the family under their own name: nobody attends two
 * appointments at once). Otherwise a sequence: one person's services one after another.
 */
export function batchKind(body: Pick<BookingBatchCreate, 'items' | 'customer'>): 'sequence' | 'party' {
  const customers = new Set(body.items.map((item) => JSON.stringify(item.customer ?? body.customer)));
  const starts = new Set(body.items.map((item) => Date.parse(item.start_time)));
  return customers.size > 1 || starts.size < body.items.length ? 'party' : 'sequence';
}

/** The business's unpaid hold in minutes (`settings.payment_hold_minutes`, 1–1440), default 15. */
export function paymentHoldMinutes(settings: Record<string, unknown> | undefined): number {
  return businessSettingsOf(settings).payment_hold_minutes ?? DEFAULT_PAYMENT_HOLD_MINUTES;
}
