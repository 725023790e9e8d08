import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { BookingRepository } from './booking.repository.ts';
import { SETUP_STEPS, type SetupStatus, type SetupStep } from './setup-status.schemas.ts';

/**
 * What the first-run checklist reads from the modules that own each step (catalog, scheduling,
 * tenancy), each an `exists` in the caller's tenant transaction. Booking declares it; the
 * composition root wires the owners' functions, so booking never reads their tables.
 */
export interface SetupFactsPort {
  catalog(executor: Executor, tenantId: string): Promise<{ location: boolean; service: boolean; deliveringResource: boolean }>;
  weeklyHours(executor: Executor, tenantId: string): Promise<boolean>;
  bookingPageShared(executor: Executor, tenantId: string): Promise<boolean>;
  markBookingPageShared(executor: Executor, tenantId: string, at: Date): Promise<void>;
  /** The tenant's public booking page address. */
  bookingPageUrl(executor: Executor, tenantId: string): Promise<string>;
}

/** The first-run walk-through of a new business: location → service → staff → hours → booking page → first booking. */
export class SetupStatusService {
  readonly #bookings = new BookingRepository();
  readonly deps: { db: Db; facts: SetupFactsPort; now?: (() => Date) | undefined };

  constructor(deps: { db: Db; facts: SetupFactsPort; now?: (() => Date) | undefined }) {
    this.deps = deps;
  }

  async status(tenantId: string): Promise<SetupStatus> {
    const { facts } = this.deps;
    return withTenant(this.deps.db, tenantId, async (trx) => {
      // One after the other: a transaction is one connection.
      const catalog = await facts.catalog(trx, tenantId);
      const hours = await facts.weeklyHours(trx, tenantId);
      const shared = await facts.bookingPageShared(trx, tenantId);
      const booked = await this.#bookings.anyTaken(trx, tenantId);
      const url = await facts.bookingPageUrl(trx, tenantId);
      const done: Record<SetupStep, boolean> = {
        location: catalog.location,
        service: catalog.service,
        staff: catalog.deliveringResource,
        hours,
        // A business that already took a booking has evidently shared its page.
        booking_page: shared || booked,
        first_booking: booked,
      };
      return {
        steps: SETUP_STEPS.map((key) => ({ key, done: done[key] })),
        next_step: SETUP_STEPS.find((key) => !done[key]) ?? null,
        complete: booked,
        booking_page_url: url,
      };
    });
  }

  /** Records that the booking page was opened or copied from the dashboard (the first time only), then the new status. */
  async markBookingPageShared(tenantId: string): Promise<SetupStatus> {
    await withTenant(this.deps.db, tenantId, (trx) => this.deps.facts.markBookingPageShared(trx, tenantId, this.deps.now?.() ?? new Date()));
    return this.status(tenantId);
  }
}
