import { sql, type RawBuilder } from 'kysely';

/**
 * Payments' read contract for analytics: money per booking, in minor units of the payment's
 * currency, as one SQL source analytics joins to booking facts (`p.tenant_id`, `p.booking_id`).
 * `bookings` is a source of `(tenant_id, id)` pairs that narrows it, so a recomputation reads
 * only the payments of the bookings it recomputes.
 *
 * - collected: payments of a deposit or the full price that went through (succeeded, later
 *   partly or wholly refunded included: the money arrived);
 * - no_show_fees: penalty payments that went through;
 * - refunded: succeeded refunds of any of those payments;
 * - platform_fees: the platform's fee charged on the payments that went through.
 */
export function paymentTotalsByBooking(bookings: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select p.tenant_id, p.booking_id,
           coalesce(sum(p.amount) filter (where p.type <> 'penalty'), 0)::bigint as collected,
           coalesce(sum(p.amount) filter (where p.type = 'penalty'), 0)::bigint as no_show_fees,
           coalesce(sum(p.platform_fee), 0)::bigint as platform_fees,
           coalesce(sum(r.refunded), 0)::bigint as refunded
    from payments p
    left join (
      select rf.tenant_id, rf.payment_id, sum(rf.amount) as refunded
      from refunds rf
      join payments rp on rp.tenant_id = rf.tenant_id and rp.id = rf.payment_id
      where rf.status = 'succeeded' and (rp.tenant_id, rp.booking_id) in (${bookings})
      group by rf.tenant_id, rf.payment_id
    ) r on r.tenant_id = p.tenant_id and r.payment_id = p.id
    where p.status in ('succeeded', 'partially_refunded', 'refunded')
      and (p.tenant_id, p.booking_id) in (${bookings})
    group by p.tenant_id, p.booking_id`;
}

/**
 * Payments' read contract for booking's consistency check: per payment of a deposit or the full
 * price that went through, what the business still keeps of it (its amount less the refunds that
 * succeeded or are under way), for the bookings `bookings` lists (`(tenant_id, id)` pairs).
 * Columns: tenant_id, booking_id, id, kept, currency. Only payments keeping something are listed.
 */
export function keptPaymentsSource(bookings: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select p.tenant_id, p.booking_id, p.id, (p.amount - coalesce(r.refunded, 0))::bigint as kept, p.currency
    from payments p
    left join (
      select rf.tenant_id, rf.payment_id, sum(rf.amount) as refunded
      from refunds rf
      join payments rp on rp.tenant_id = rf.tenant_id and rp.id = rf.payment_id
      where rf.status in ('succeeded', 'pending') and (rp.tenant_id, rp.booking_id) in (${bookings})
      group by rf.tenant_id, rf.payment_id
    ) r on r.tenant_id = p.tenant_id and r.payment_id = p.id
    where p.type <> 'penalty' and p.status in ('succeeded', 'partially_refunded')
      and (p.tenant_id, p.booking_id) in (${bookings})
      and p.amount - coalesce(r.refunded, 0) > 0`;
}
