import { sql, type RawBuilder } from 'kysely';

/**
 * Booking's read contract for analytics: the columns of a booking that reports aggregate,
 * as one SQL source (`select … from bookings`), so the analytics module composes its rollup
 * statements over it without knowing booking's table. Drafts are left out: they are not
 * bookings yet. `where` narrows it (a tenant and a resource, a customer) so PostgreSQL uses
 * booking's indexes; columns are named as in the contract below, whatever the table holds.
 *
 * Columns: tenant_id, id, business_id, location_id, service_id, resource_id, customer_id,
 * status, source, start_time, end_time, created_at, time_zone (the location's IANA zone),
 * total_price, deposit_required, deposit_paid, currency, actual_start_time, actual_end_time.
 */
export function bookingFactsSource(where: RawBuilder<unknown> = sql`true`): RawBuilder<unknown> {
  return sql`
    select b.tenant_id, b.id, b.business_id, b.location_id, b.service_id, b.resource_id, b.customer_id,
           b.status, b.source, b.start_time, b.end_time, b.created_at, b.time_zone,
           b.total_price, b.deposit_required, b.deposit_paid, b.currency, b.actual_start_time, b.actual_end_time
    from bookings b
    where b.status <> 'draft' and ${where}`;
}

/** Where a booking is, for analytics to find what a payment event touched: its resource, start, zone and customer. */
export function bookingPlacesSource(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select b.id, b.resource_id, b.start_time, b.time_zone, b.customer_id from bookings b where ${where}`;
}
