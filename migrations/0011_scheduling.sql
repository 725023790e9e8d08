-- Scheduling: working schedules, per-date exceptions, location closures and resource
-- occupancy (allocations). Allocations are the only source of "busy" time for
-- availability; the booking module reserves, moves and releases them through
-- scheduling's functions, so there is no foreign key to bookings here.

create table schedules (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  -- RFC 5545 RRULE body, validated by the application with rrule; DTSTART is start_date.
  recurrence_rule text,
  start_date date not null,
  end_date date,
  -- [{"start": "09:00", "end": "17:00", "days": [1,2,3,4,5]}], ISO weekdays.
  time_slots jsonb not null,
  is_active boolean not null default true,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id) on delete cascade,
  check (end_date is null or end_date >= start_date)
);
create index schedules_resource on schedules (tenant_id, resource_id);

create table schedule_exceptions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  exception_date date not null,
  type text not null check (type in ('unavailable', 'custom_hours', 'holiday')),
  custom_hours jsonb,
  reason text,
  created_by uuid,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id) on delete cascade,
  check ((type = 'custom_hours') = (custom_hours is not null))
);
create index schedule_exceptions_resource_date on schedule_exceptions (tenant_id, resource_id, exception_date);

-- A local date on which a whole location is closed (public holiday): every resource there is off.
create table location_closures (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  closure_date date not null,
  reason text,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id),
  unique (tenant_id, location_id, closure_date),
  foreign key (tenant_id, location_id) references locations (tenant_id, id) on delete cascade
);

-- Occupied time of a resource: the booking's range with its buffers, and the places it takes.
-- capacity_mode 'exclusive' (capacity 1) is guarded by the exclusion constraint in the
-- database itself; 'shared' (capacity > 1) places are counted under a per-resource
-- transaction-scoped advisory lock by reserveOccupancy.
create table allocations (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  booking_id uuid not null,
  occupied tstzrange not null check (not isempty(occupied) and lower_inf(occupied) = false and upper_inf(occupied) = false),
  places integer not null default 1 check (places between 1 and 10000),
  capacity_mode text not null check (capacity_mode in ('exclusive', 'shared')),
  active boolean not null default true,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  released_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id),
  constraint allocations_no_overlap exclude using gist (
    tenant_id with =, resource_id with =, occupied with &&
  ) where (active and capacity_mode = 'exclusive')
);
-- Busy time for availability and the overlap check of shared resources.
create index allocations_busy on allocations using gist (tenant_id, resource_id, occupied) where active;
create index allocations_booking on allocations (tenant_id, booking_id);

do $$
declare
  name text;
begin
  foreach name in array array['schedules', 'schedule_exceptions', 'location_closures', 'allocations'] loop
    execute format('alter table %I enable row level security', name);
    execute format('alter table %I force row level security', name);
    execute format(
      'create policy %I on %I using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())',
      name || '_tenant_isolation', name);
  end loop;
end
$$;
