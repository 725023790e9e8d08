/**
 * Self-service through the signed manage link: the customer sees their
 * booking (never internal notes), previews the refund, cancels or reschedules
 * within the service's policy, with the guest terms when they booked as a guest.
 */
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { getTenant } from '../tenancy/index.ts';
import { manageLinkActor, nowOf, type BookingDeps } from './booking-deps.ts';
import type { BookingActionsService } from './booking-actions.service.ts';
import type { BookingQueryService } from './booking-query.service.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';
import { verifyManageToken } from './manage-link.ts';
import type { ManagedBookingView, ManagePatch } from './manage.schemas.ts';

export class BookingManageService {
  readonly #deps: BookingDeps;
  readonly #actions: BookingActionsService;
  readonly #query: BookingQueryService;
  readonly #repository = new BookingRepository();

  constructor(deps: BookingDeps, actions: BookingActionsService, query: BookingQueryService) {
    this.#deps = deps;
    this.#actions = actions;
    this.#query = query;
  }

  /** The ids of a valid, unexpired link; 404 for anything else (no hint whether a booking exists). */
  #open(token: string): { tenantId: string; bookingId: string } {
    const ids = verifyManageToken(this.#deps.linkKey, token);
    if (!ids) throw notFound('Booking');
    return ids;
  }

  #assertLive(row: BookingRow | undefined): BookingRow {
    // The link lives until the booking ends.
    if (!row || row.end_time.getTime() < nowOf(this.#deps).getTime()) throw notFound('Booking');
    return row;
  }

  async get(token: string, preview: 'cancel' | undefined): Promise<ManagedBookingView> {
    const { tenantId, bookingId } = this.#open(token);
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = this.#assertLive(await this.#repository.findById(trx, tenantId, bookingId));
      const view = { ...(await this.#query.detailed(trx, tenantId, row, false)), business_slug: await tenantSlug(trx, tenantId) };
      if (preview !== 'cancel') return view;
      const outcome = await this.#actions.previewRefund(trx, tenantId, row, manageLinkActor(row.customer_id));
      return {
        ...view,
        preview: { action: 'cancel' as const, allowed: outcome.allowed, reason: outcome.reason, refund: { amount: outcome.amount, currency: row.currency } },
      };
    });
  }

  async patch(token: string, patch: ManagePatch): Promise<ManagedBookingView> {
    const { tenantId, bookingId } = this.#open(token);
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = this.#assertLive(await this.#repository.lockById(trx, tenantId, bookingId));
      const outcome = await this.#actions.applyLocked(trx, tenantId, row, patch, manageLinkActor(row.customer_id));
      const refund = outcome.refund ? { refund: { ...outcome.refund } } : {};
      return { ...(await this.#query.detailed(trx, tenantId, outcome.row, false, refund)), business_slug: await tenantSlug(trx, tenantId) };
    });
  }
}

async function tenantSlug(trx: Trx, tenantId: string): Promise<string> {
  return (await getTenant(trx, tenantId))?.slug ?? '';
}
