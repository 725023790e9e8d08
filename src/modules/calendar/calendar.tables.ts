import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** `calendar_entries` (migration 0052): bookings as calendars see them, built from booking events. */
export interface CalendarEntriesTable {
  tenant_id: string;
  booking_id: string;
  booking_number: string | null;
  status: string;
  start_time: Timestamp;
  end_time: Timestamp;
  timezone: string;
  service_id: string | null;
  service_name: string | null;
  resource_id: string | null;
  resource_name: string | null;
  customer_id: string | null;
  location_name: string | null;
  sequence: Generated<number>;
  last_event_at: Timestamp;
  last_event_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type CalendarFeedKind = 'resource' | 'customer';

/** `calendar_feeds` (migration 0052): secret, revocable ICS subscriptions. */
export interface CalendarFeedsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: CalendarFeedKind;
  resource_id: string | null;
  customer_id: string | null;
  name: string | null;
  token_hash: string;
  created_at: Generated<Date>;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    calendar_entries: CalendarEntriesTable;
    calendar_feeds: CalendarFeedsTable;
  }
}
