import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { BookingStatus } from './booking-state.ts';

type CreatedAt = ColumnType<Date, never, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export type BookingSource = 'web' | 'widget' | 'admin' | 'api' | 'manage_link' | 'waitlist' | 'seed';
export type BookingCustomerType = 'registered' | 'guest';
export type ActorType = 'user' | 'api_key' | 'customer' | 'guest' | 'system';

export interface BookingGroupsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: 'sequence' | 'party';
  created_at: CreatedAt;
}

export interface BookingsTable {
  tenant_id: string;
  id: string;
  group_id: string | null;
  business_id: string;
  location_id: string;
  service_id: string;
  resource_id: string;
  customer_id: string;
  booking_number: string;
  status: BookingStatus;
  start_time: Timestamp;
  end_time: Timestamp;
  service_name: string;
  resource_name: string;
  resource_type: string;
  time_zone: string;
  actual_start_time: NullableTimestamp;
  actual_end_time: NullableTimestamp;
  base_price: number;
  total_price: number;
  deposit_required: number;
  deposit_paid: Generated<number>;
  currency: string;
  pricing_tier_id: string | null;
  customer_type: BookingCustomerType;
  source: BookingSource;
  notes: string | null;
  internal_notes: string | null;
  metadata: Json<Record<string, unknown>>;
  reschedule_count: Generated<number>;
  slot_capacity: number;
  payment_expires_at: NullableTimestamp;
  created_by: string | null;
  cancelled_at: NullableTimestamp;
  cancelled_by: string | null;
  cancellation_reason: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BookingHistoryTable {
  tenant_id: string;
  id: Generated<string>;
  booking_id: string;
  action: string;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  actor_type: ActorType;
  actor_id: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  seq: ColumnType<number, never, never>;
}

export type WaitlistPriority = 'vip' | 'premium' | 'standard';
export type WaitlistEntryStatus = 'waiting' | 'offered' | 'booked' | 'removed';

export interface PreferredTime {
  start: string;
  end: string;
}

export interface WaitlistEntriesTable {
  tenant_id: string;
  id: Generated<string>;
  service_id: string;
  resource_id: string | null;
  customer_id: string;
  preferred_times: Json<PreferredTime[]>;
  priority: WaitlistPriority;
  priority_rank: ColumnType<number, never, never>;
  status: Generated<WaitlistEntryStatus>;
  notes: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WaitlistOffersTable {
  tenant_id: string;
  id: Generated<string>;
  entry_id: string;
  booking_id: string;
  resource_id: string;
  start_time: Timestamp;
  end_time: Timestamp;
  status: Generated<'open' | 'claimed' | 'expired' | 'declined'>;
  token_hash: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface BookingVerificationsTable {
  tenant_id: string;
  id: Generated<string>;
  channel: 'email' | 'sms';
  destination_hash: string;
  code_hash: string;
  attempts: Generated<number>;
  requested_ip: string | null;
  expires_at: Timestamp;
  verified_at: NullableTimestamp;
  token_hash: string | null;
  token_expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
  created_at: CreatedAt;
}

/** `public_booking_origins` (migration 0070): keyed hashes of where a public booking came from. */
export interface PublicBookingOriginsTable {
  tenant_id: string;
  booking_id: string;
  kind: 'ip' | 'contact';
  key_hash: string;
  created_at: CreatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    booking_groups: BookingGroupsTable;
    bookings: BookingsTable;
    booking_history: BookingHistoryTable;
    waitlist_entries: WaitlistEntriesTable;
    waitlist_offers: WaitlistOffersTable;
    booking_verifications: BookingVerificationsTable;
    public_booking_origins: PublicBookingOriginsTable;
  }
}
