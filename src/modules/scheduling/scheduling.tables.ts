import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { TimeSlot, WallTimeRange, ScheduleExceptionType } from './working-hours.ts';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export interface SchedulesTable {
  tenant_id: string;
  id: Generated<string>;
  resource_id: string;
  name: string;
  recurrence_rule: string | null;
  start_date: string;
  end_date: string | null;
  time_slots: JSONColumnType<TimeSlot[], string, string>;
  is_active: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ScheduleExceptionsTable {
  tenant_id: string;
  id: Generated<string>;
  resource_id: string;
  exception_date: string;
  type: ScheduleExceptionType;
  custom_hours: JSONColumnType<WallTimeRange[] | null, string | null, string | null>;
  reason: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface LocationClosuresTable {
  tenant_id: string;
  id: Generated<string>;
  location_id: string;
  closure_date: string;
  reason: string | null;
  created_at: CreatedAt;
}

/** `occupied` is written and read as PostgreSQL range text; repositories build it with SQL. */
export interface AllocationsTable {
  tenant_id: string;
  id: Generated<string>;
  resource_id: string;
  booking_id: string;
  occupied: string;
  places: number;
  capacity_mode: 'exclusive' | 'shared';
  /** Generated from `occupied` (epoch ms, migration 0012); never written. */
  occupied_start_ms: ColumnType<number, never, never>;
  occupied_end_ms: ColumnType<number, never, never>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  released_at: Date | null;
}

/** Part of a day a resource is kept free of bookings (migration 0092); its time is held by an allocation of its own. */
export interface ResourceTimeBlocksTable {
  tenant_id: string;
  id: Generated<string>;
  resource_id: string;
  starts_at: ColumnType<Date, Date, never>;
  ends_at: ColumnType<Date, Date, never>;
  reason: 'break' | 'meeting' | 'training' | 'other';
  note: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    resource_time_blocks: ResourceTimeBlocksTable;
    schedules: SchedulesTable;
    schedule_exceptions: ScheduleExceptionsTable;
    location_closures: LocationClosuresTable;
    allocations: AllocationsTable;
  }
}
