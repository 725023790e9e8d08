/**
 * Limits on public (non-staff) bookings, so anonymous callers cannot fill a business's
 * calendar or burn its plan quota: per tenant, at most `PER_IP` active upcoming public
 * bookings from one client address and `PER_CONTACT` for one guest email, phone or
 * customer account. Keys are stored as keyed hashes (`public_booking_origins`, migration
 * 0070), never the address or contact itself. A booking stops counting when it ends, is
 * cancelled or expires unpaid.
 */
import { createHmac } from 'node:crypto';
import { normalizeEmail, normalizePhone } from '../../platform/crypto/pii-normalization.ts';
import type { Trx } from '../../platform/db/database.ts';
import { deferWrites } from '../../platform/db/transaction-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { BookingCustomerInput } from './booking.schemas.ts';

/** Active upcoming public bookings one client address may hold per tenant. */
export const PUBLIC_BOOKINGS_PER_IP = 20;
/** Active upcoming public bookings one guest email, phone or customer account may hold per tenant. */
export const PUBLIC_BOOKINGS_PER_CONTACT = 5;

/** Statuses that hold a slot (and, pending payment, the quota). */
const COUNTED_STATUSES = ['pending_payment', 'confirmed'] as const;

interface OriginKey {
  kind: 'ip' | 'contact';
  hash: string;
}

export interface PublicBookingOrigin {
  /** One key list per new booking: the request's address and that booking's guest. */
  perBooking: OriginKey[][];
}

export class PublicBookingGuard {
  readonly #key: Buffer;

  constructor(linkKey: Buffer) {
    this.#key = linkKey;
  }

  #hash(tenantId: string, kind: string, value: string): string {
    return createHmac('sha256', this.#key).update(`public-origin:${tenantId}:${kind}:${value}`).digest('base64url');
  }

  /** The keys of each new booking: the client address and the guest's contacts (or account). */
  originOf(tenantId: string, ip: string | null | undefined, customers: readonly BookingCustomerInput[]): PublicBookingOrigin {
    const ipKey: OriginKey[] = ip ? [{ kind: 'ip', hash: this.#hash(tenantId, 'ip', ip) }] : [];
    return {
      perBooking: customers.map((customer) => {
        const contacts: string[] = [];
        if ('customer_id' in customer) contacts.push(`customer:${customer.customer_id}`);
        else {
          if (customer.email) contacts.push(`email:${normalizeEmail(customer.email)}`);
          const phone = customer.phone ? normalizePhone(customer.phone) : null;
          if (phone) contacts.push(`phone:${phone}`);
        }
        return [...ipKey, ...contacts.map((contact) => ({ kind: 'contact' as const, hash: this.#hash(tenantId, 'contact', contact) }))];
      }),
    };
  }

  /**
   * Refuses with 429 PUBLIC_BOOKING_LIMIT when the new bookings would take a key past its
   * limit. No lock: requests of one key in flight at the same moment are counted together
   * only after they commit, so a key may pass its limit by the requests it has in flight
   * (the per-address request rate limit bounds those); a lock per address would queue a
   * whole storm for one slot behind it.
   */
  async admit(trx: Trx, tenantId: string, now: Date, origin: PublicBookingOrigin): Promise<void> {
    const wanted = new Map<string, OriginKey & { count: number }>();
    for (const keys of origin.perBooking) {
      for (const key of keys) {
        const known = wanted.get(key.hash);
        if (known) known.count += 1;
        else wanted.set(key.hash, { ...key, count: 1 });
      }
    }
    if (wanted.size === 0) return;
    const hashes = [...wanted.keys()];
    const held = await trx
      .selectFrom('public_booking_origins as o')
      .innerJoin('bookings as b', (join) => join.onRef('b.tenant_id', '=', 'o.tenant_id').onRef('b.id', '=', 'o.booking_id'))
      .select((eb) => ['o.key_hash', eb.fn.countAll<string | number>().as('count')])
      .where('o.tenant_id', '=', tenantId)
      .where('o.key_hash', 'in', hashes)
      .where('b.status', 'in', [...COUNTED_STATUSES])
      .where('b.end_time', '>', now)
      .groupBy('o.key_hash')
      .execute();
    for (const row of held) {
      const key = wanted.get(row.key_hash);
      if (!key) continue;
      const limit = key.kind === 'ip' ? PUBLIC_BOOKINGS_PER_IP : PUBLIC_BOOKINGS_PER_CONTACT;
      if (Number(row.count) + key.count > limit) {
        throw new AppError(
          'PUBLIC_BOOKING_LIMIT',
          key.kind === 'ip'
            ? `At most ${limit} upcoming online bookings from one connection; contact the business for more`
            : `At most ${limit} upcoming online bookings per person; contact the business for more`,
          { limit, per: key.kind },
        );
      }
    }
    // A key never seen before may still be asked for more than its limit at once (a batch).
    for (const key of wanted.values()) {
      const limit = key.kind === 'ip' ? PUBLIC_BOOKINGS_PER_IP : PUBLIC_BOOKINGS_PER_CONTACT;
      if (key.count > limit) {
        throw new AppError('PUBLIC_BOOKING_LIMIT', `At most ${limit} upcoming online bookings at once`, { limit, per: key.kind });
      }
    }
  }

  /** Records where the new bookings came from (same order as `origin.perBooking`). */
  async record(trx: Trx, tenantId: string, origin: PublicBookingOrigin, bookingIds: readonly string[]): Promise<void> {
    const rows = bookingIds.flatMap((bookingId, index) =>
      (origin.perBooking[index] ?? []).map((key) => ({ tenant_id: tenantId, booking_id: bookingId, kind: key.kind, key_hash: key.hash })),
    );
    if (rows.length === 0) return;
    // Nothing reads them back in this transaction: they go with its deferred writes.
    await deferWrites(trx, [trx.insertInto('public_booking_origins').values(rows).onConflict((conflict) => conflict.doNothing())]);
  }
}
