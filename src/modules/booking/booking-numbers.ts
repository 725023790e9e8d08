import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** The booking numbers of the given bookings of one business (ids it does not own drop out). */
export async function bookingNumbersOf(executor: Executor, tenantId: string, bookingIds: readonly string[]): Promise<Map<string, string>> {
  if (bookingIds.length === 0) return new Map();
  const result = await sql<{ id: string; booking_number: string }>`
    select id, booking_number from bookings where tenant_id = ${tenantId} and id = any(${[...new Set(bookingIds)]}::uuid[])`.execute(executor);
  return new Map(result.rows.map((row) => [row.id, row.booking_number]));
}
