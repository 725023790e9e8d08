/** Reading bookings: one with its history and payments, or a filtered, searchable page. */
import type { Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { resourceIdsForUser } from '../catalog/index.ts';
import { searchCustomerIds } from '../customers/index.ts';
import { resourceFilterOf } from '../../platform/http/location-scope.ts';
import { normalizeBookingNumber } from './booking-number.ts';
import type { Actor, BookingDeps } from './booking-deps.ts';
import { actorMaySee } from './booking-actions.service.ts';
import { BookingRepository, type BookingRow } from './booking.repository.ts';
import type { BookingListQuery, BookingView } from './booking.schemas.ts';
import { loadCustomerSummaries, loadCustomerSummary, toBookingView, toHistoryView } from './booking-view.ts';
import { manageUrl, signManageToken } from './manage-link.ts';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export class BookingQueryService {
  readonly #deps: BookingDeps;
  readonly #repository = new BookingRepository();

  constructor(deps: BookingDeps) {
    this.#deps = deps;
  }

  async get(tenantId: string, bookingId: string, actor: Actor): Promise<BookingView> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const row = await this.#repository.findById(trx, tenantId, bookingId);
      if (!row || !actorMaySee(actor, row, 'read')) throw notFound('Booking');
      return this.detailed(trx, tenantId, row, actor.staff);
    });
  }

  /** A booking with its history and payments, as `GET /bookings/{id}` and the manage link show it. */
  async detailed(trx: Trx, tenantId: string, row: BookingRow, staff: boolean, extras: Pick<BookingView, 'refund'> = {}): Promise<BookingView> {
    const [history, payments, customer] = [
      await this.#repository.history(trx, tenantId, row.id),
      await this.#deps.payments.paymentsOfBooking(trx, tenantId, row.id),
      await loadCustomerSummary(trx, this.#deps.keyRing, tenantId, row.customer_id),
    ];
    return toBookingView(row, customer, {
      staff,
      manageUrl: staff ? manageUrl(this.#deps.publicUrl, signManageToken(this.#deps.linkKey, tenantId, row.id)) : undefined,
      extras: {
        ...extras,
        history: history.map((entry) => toHistoryView(entry, row.time_zone)),
        payments: payments.map((payment) => ({ ...payment })),
      },
    });
  }

  async list(tenantId: string, query: BookingListQuery, actor: Actor): Promise<{ items: BookingView[]; pagination: PaginationMeta }> {
    return withTenant(this.#deps.db, tenantId, async (trx) => {
      const resourceIds = await this.#visibleResources(trx, tenantId, actor, query.resource_id);
      let bookingNumber: string | undefined;
      let customerIds: string[] | undefined = query.customer_id === undefined ? undefined : [query.customer_id];
      if (query.search !== undefined) {
        const number = normalizeBookingNumber(query.search);
        if (number !== null) bookingNumber = number;
        else {
          const found = await this.#searchCustomers(trx, tenantId, query.search);
          customerIds = customerIds === undefined ? found : customerIds.filter((id) => found.includes(id));
        }
      }
      const rows = await this.#repository.list(trx, tenantId, {
        statuses: query.status,
        fromLocalDate: query.from_date,
        toLocalDate: query.to_date,
        resourceIds,
        customerIds,
        serviceId: query.service_id,
        bookingNumber,
        after: decodeCursor(query.cursor),
        limit: query.limit,
      });
      const page = toPage(rows, query.limit, (row) => ({ value: row.start_time.toISOString(), id: row.id }));
      // The page's customers in one read, not one per booking.
      const customerOf = await loadCustomerSummaries(trx, this.#deps.keyRing, tenantId, page.items.map((row) => row.customer_id));
      const items: BookingView[] = page.items.map((row) => toBookingView(row, customerOf(row.customer_id), { staff: actor.staff }));
      return { items, pagination: page.pagination };
    });
  }

  /**
   * Resources whose bookings the actor may see: undefined means all. A role whose
   * booking permission carries conditions is limited: staff to the resources assigned
   * to its user, a location-scoped member to the resources at their locations.
   */
  async #visibleResources(trx: Trx, tenantId: string, actor: Actor, requested: string | undefined): Promise<string[] | undefined> {
    const auth = actor.auth;
    const unrestricted = !auth || auth.can('read', 'Booking', { resource_id: NIL_UUID, customer_id: NIL_UUID });
    if (unrestricted) return requested === undefined ? undefined : [requested];
    // A location-scoped member sees the bookings of every resource at their locations; staff their own resources'.
    const scoped = resourceFilterOf(auth);
    const own = scoped !== undefined ? [...scoped] : auth.userId === null ? [] : await resourceIdsForUser(trx, tenantId, auth.userId);
    return requested === undefined ? own : own.filter((id) => id === requested);
  }

  async #searchCustomers(trx: Trx, tenantId: string, text: string): Promise<string[]> {
    try {
      return await searchCustomerIds(trx, this.#deps.keyRing, tenantId, text);
    } catch (error) {
      // A search the customers module cannot run (too short a word) matches no one.
      if (error instanceof AppError && error.code === 'VALIDATION_ERROR') return [];
      throw error;
    }
  }
}
