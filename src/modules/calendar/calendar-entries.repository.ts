import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CalendarEntriesTable } from './calendar.tables.ts';

export type CalendarEntryRow = Selectable<CalendarEntriesTable>;

export interface CalendarEntryInput {
  bookingId: string;
  bookingNumber: string | null;
  status: string;
  startTime: Date;
  endTime: Date;
  timezone: string;
  serviceId: string | null;
  serviceName: string | null;
  resourceId: string | null;
  resourceName: string | null;
  customerId: string | null;
  locationName: string | null;
  eventAt: Date;
  eventId: string;
}

/**
 * Applies a booking event to the projection unless a newer event was already
 * applied (events may arrive out of order). SEQUENCE rises on each applied
 * change. Returns the row when it changed, undefined otherwise.
 */
export async function applyCalendarEntry(
  executor: Executor,
  tenantId: string,
  input: CalendarEntryInput,
): Promise<CalendarEntryRow | undefined> {
  const values = {
    booking_number: input.bookingNumber,
    status: input.status,
    start_time: input.startTime,
    end_time: input.endTime,
    timezone: input.timezone,
    service_id: input.serviceId,
    service_name: input.serviceName,
    resource_id: input.resourceId,
    resource_name: input.resourceName,
    customer_id: input.customerId,
    location_name: input.locationName,
    last_event_at: input.eventAt,
    last_event_id: input.eventId,
  };
  return executor
    .insertInto('calendar_entries')
    .values({ tenant_id: tenantId, booking_id: input.bookingId, ...values })
    .onConflict((conflict) =>
      conflict
        .columns(['tenant_id', 'booking_id'])
        .doUpdateSet((eb) => ({
          ...values,
          sequence: eb('calendar_entries.sequence', '+', 1),
          updated_at: new Date(),
        }))
        // Older (or the same) event: nothing to do.
        .where((eb) =>
          eb.or([
            eb('calendar_entries.last_event_at', '<', input.eventAt),
            eb.and([
              eb('calendar_entries.last_event_at', '=', input.eventAt),
              eb('calendar_entries.last_event_id', '<', input.eventId),
            ]),
          ]),
        ),
    )
    .returningAll()
    .executeTakeFirst();
}

export async function findCalendarEntry(
  executor: Executor,
  tenantId: string,
  bookingId: string,
): Promise<CalendarEntryRow | undefined> {
  return executor
    .selectFrom('calendar_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('booking_id', '=', bookingId)
    .executeTakeFirst();
}

export interface FeedEntriesFilter {
  resourceId?: string | undefined;
  customerId?: string | undefined;
  /** Entries ending after this instant (feeds show a bounded past). */
  since: Date;
  limit: number;
}

export async function listFeedEntries(
  executor: Executor,
  tenantId: string,
  filter: FeedEntriesFilter,
): Promise<CalendarEntryRow[]> {
  return executor
    .selectFrom('calendar_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .$if(filter.resourceId !== undefined, (qb) => qb.where('resource_id', '=', filter.resourceId ?? ''))
    .$if(filter.customerId !== undefined, (qb) => qb.where('customer_id', '=', filter.customerId ?? ''))
    .where('end_time', '>=', filter.since)
    // Drafts and expired holds never happened; everything else is shown (cancelled as CANCELLED).
    .where('status', 'not in', ['draft', 'expired'])
    .orderBy('start_time')
    .limit(filter.limit)
    .execute();
}
