-- Front desk (issue 15).
--
-- Payments taken at the desk: `method` says how the money arrived (`online` through the provider,
-- or at the desk in cash, on the business's own card terminal, or otherwise), `recorded_by` which
-- member of staff recorded it, `reference` the terminal's receipt number or similar, `note` free
-- text. A desk payment has no provider id: it never reaches the provider, and neither do its refunds.
alter table payments
  add column method text not null default 'online' check (method in ('online', 'cash', 'card_terminal', 'other')),
  add column recorded_by uuid,
  add column reference text check (reference is null or length(reference) between 1 and 200),
  add column note text check (note is null or length(note) between 1 and 1000);

-- Time a resource is blocked for part of a day (a break, a meeting, training), set from the
-- calendar. The block takes the time through an allocation of its own (`allocations.booking_id`
-- = the block's id), so availability stops offering it and the no-overlap constraint refuses a
-- booking on it, as it refuses two bookings on one time.
create table resource_time_blocks (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null check (reason in ('break', 'meeting', 'training', 'other')),
  note text check (note is null or length(note) between 1 and 500),
  created_by uuid,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id),
  check (ends_at > starts_at)
);
create index resource_time_blocks_range on resource_time_blocks (tenant_id, resource_id, ends_at);

alter table resource_time_blocks enable row level security;
alter table resource_time_blocks force row level security;
create policy resource_time_blocks_tenant_isolation on resource_time_blocks
  using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id());
