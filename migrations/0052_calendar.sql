-- Calendar: a projection of bookings built from booking events (what ICS feeds and reminders
-- read), and the secret feed tokens staff and customers subscribe to.

create table calendar_entries (
  tenant_id uuid not null references tenants (id),
  booking_id uuid not null,
  booking_number text,
  status text not null,
  start_time timestamptz not null,
  end_time timestamptz not null,
  timezone text not null,
  service_id uuid,
  service_name text,
  resource_id uuid,
  resource_name text,
  customer_id uuid,
  location_name text,
  -- RFC 5545 SEQUENCE: raised on every change a calendar client must see.
  sequence integer not null default 0,
  -- The newest event applied (time, id): older events arriving late change nothing.
  last_event_at timestamptz not null,
  last_event_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, booking_id)
);
create index calendar_entries_resource on calendar_entries (tenant_id, resource_id, start_time);
create index calendar_entries_customer on calendar_entries (tenant_id, customer_id, start_time);
alter table calendar_entries enable row level security;
alter table calendar_entries force row level security;
create policy calendar_entries_tenant_isolation on calendar_entries
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table calendar_feeds (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('resource', 'customer')),
  resource_id uuid,
  customer_id uuid,
  name text,
  -- SHA-256 of the token; the token itself is shown once.
  token_hash text not null unique,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (tenant_id, id),
  check ((kind = 'resource' and resource_id is not null) or (kind = 'customer' and customer_id is not null))
);
create index calendar_feeds_list on calendar_feeds (tenant_id, created_at, id);
alter table calendar_feeds enable row level security;
alter table calendar_feeds force row level security;
create policy calendar_feeds_tenant_isolation on calendar_feeds
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
