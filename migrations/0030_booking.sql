-- Booking: bookings and their status history, multi-booking groups (RF5.8), the waitlist
-- (RF2.16), guest verification codes (OTP) and the messages captured until the
-- notifications module delivers them.
--
-- Occupancy (the no-overlap guarantee) lives in scheduling's `allocations`; a booking
-- holds its slot exactly while it has active allocation rows, which the booking service
-- writes in the same transaction as the booking (see booking-create.service.ts).
-- Every table is a tenant table: tenant_id first in every key, composite foreign keys,
-- RLS enabled and forced.

create table booking_groups (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  -- sequence: several services back to back for one person; party: one service for several people.
  kind text not null check (kind in ('sequence', 'party')),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id)
);

create table bookings (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  group_id uuid,
  business_id uuid not null,
  location_id uuid not null,
  service_id uuid not null,
  resource_id uuid not null,
  customer_id uuid not null,
  booking_number text not null check (booking_number ~ '^BK-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{7}$'),
  status text not null default 'draft'
    check (status in ('draft', 'pending_payment', 'confirmed', 'rescheduled', 'cancelled', 'no_show', 'completed', 'expired')),
  start_time timestamptz not null,
  end_time timestamptz not null,
  -- What was booked, as it was at booking time (names shown on the booking even if the
  -- catalog changes later) and the location's IANA zone, which every instant is shown in.
  service_name text not null,
  resource_name text not null,
  resource_type text not null,
  time_zone text not null,
  actual_start_time timestamptz,
  actual_end_time timestamptz,
  -- Price snapshot at booking time, integer minor units of `currency`.
  base_price bigint not null check (base_price >= 0),
  total_price bigint not null check (total_price >= 0),
  deposit_required bigint not null default 0 check (deposit_required >= 0),
  deposit_paid bigint not null default 0 check (deposit_paid >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  pricing_tier_id uuid,
  customer_type text not null check (customer_type in ('registered', 'guest')),
  source text not null default 'web' check (source in ('web', 'widget', 'admin', 'api', 'manage_link', 'waitlist', 'seed')),
  notes text check (length(notes) <= 1000),
  internal_notes text check (length(internal_notes) <= 5000),
  metadata jsonb not null default '{}',
  reschedule_count integer not null default 0 check (reschedule_count >= 0),
  -- Places the slot offered when booked (min of service and resource capacity): lets a
  -- request for a start that is already full be refused with one indexed read.
  slot_capacity integer not null default 1 check (slot_capacity >= 1),
  -- pending_payment only: when the unpaid hold ends and the booking expires.
  payment_expires_at timestamptz,
  created_by uuid,
  cancelled_at timestamptz,
  cancelled_by uuid,
  cancellation_reason text check (length(cancellation_reason) <= 1000),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id),
  unique (tenant_id, booking_number),
  foreign key (tenant_id, group_id) references booking_groups (tenant_id, id),
  foreign key (tenant_id, business_id) references businesses (tenant_id, id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (end_time > start_time),
  check (deposit_required <= total_price),
  check (status <> 'pending_payment' or payment_expires_at is not null)
);
-- Lists: by start time (the default order), per resource, per customer; expiry pick-up.
create index bookings_start on bookings (tenant_id, start_time, id);
create index bookings_resource_start on bookings (tenant_id, resource_id, start_time);
create index bookings_customer_start on bookings (tenant_id, customer_id, start_time);
create index bookings_group on bookings (tenant_id, group_id) where group_id is not null;
create index bookings_pending_expiry on bookings (payment_expires_at) where status = 'pending_payment';

-- Every status change (and check-in/out, reschedules) with who, when and why.
create table booking_history (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  booking_id uuid not null,
  action text not null,
  from_status text,
  to_status text not null,
  actor_type text not null check (actor_type in ('user', 'api_key', 'customer', 'guest', 'system')),
  actor_id uuid,
  reason text,
  details jsonb not null default '{}',
  created_at timestamptz not null default clock_timestamp(),
  -- Order of writing: steps of one change share a timestamp closely enough to tie.
  seq bigint generated always as identity,
  primary key (tenant_id, id),
  foreign key (tenant_id, booking_id) references bookings (tenant_id, id) on delete cascade
);
create index booking_history_booking on booking_history (tenant_id, booking_id, seq);

-- Waitlist (RF2.16): wanted service (optionally resource) and time ranges, with priority.
create table waitlist_entries (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  resource_id uuid,
  customer_id uuid not null,
  -- [{"start": "...Z", "end": "...Z"}]: a freed slot matches when it lies inside one range.
  preferred_times jsonb not null,
  priority text not null default 'standard' check (priority in ('vip', 'premium', 'standard')),
  -- vip 0, premium 1, standard 2: sortable priority, then arrival.
  priority_rank smallint not null generated always as (
    case priority when 'vip' then 0 when 'premium' then 1 else 2 end
  ) stored,
  status text not null default 'waiting' check (status in ('waiting', 'offered', 'booked', 'removed')),
  notes text check (length(notes) <= 1000),
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index waitlist_entries_queue on waitlist_entries (tenant_id, service_id, priority_rank, created_at) where status = 'waiting';
create index waitlist_entries_customer on waitlist_entries (tenant_id, customer_id);

-- A freed slot offered to one entry. The slot is held for the offer through scheduling's
-- allocations under `booking_id`, the id the booking will have when the offer is claimed,
-- so nobody else can take it while the offer is open.
create table waitlist_offers (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  entry_id uuid not null,
  booking_id uuid not null,
  resource_id uuid not null,
  start_time timestamptz not null,
  end_time timestamptz not null,
  status text not null default 'open' check (status in ('open', 'claimed', 'expired', 'declined')),
  -- Secret the customer presents to claim (SHA-256 of the token sent to them).
  token_hash text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, booking_id),
  foreign key (tenant_id, entry_id) references waitlist_entries (tenant_id, id),
  foreign key (tenant_id, resource_id) references resources (tenant_id, id)
);
create index waitlist_offers_open on waitlist_offers (expires_at) where status = 'open';
create unique index waitlist_offers_token on waitlist_offers (tenant_id, token_hash);

-- One-time codes for guest verification: only hashes are stored. destination_hash is an
-- HMAC of the normalised email or phone, so the table holds no contact data in clear.
create table booking_verifications (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  channel text not null check (channel in ('email', 'sms')),
  destination_hash text not null,
  code_hash text not null,
  attempts integer not null default 0,
  requested_ip text,
  expires_at timestamptz not null,
  verified_at timestamptz,
  -- SHA-256 of the verification_token handed out on success; consumed by one booking.
  token_hash text,
  token_expires_at timestamptz,
  consumed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index booking_verifications_destination on booking_verifications (tenant_id, destination_hash, created_at desc);
create index booking_verifications_ip on booking_verifications (tenant_id, requested_ip, created_at desc);
create unique index booking_verifications_token on booking_verifications (tenant_id, token_hash) where token_hash is not null;

-- Messages the booking module would send (verification codes, waitlist offers), captured
-- until the notifications module delivers them; tests and the embedded outbox read them.
create table booking_captured_messages (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  channel text not null check (channel in ('email', 'sms')),
  recipient text not null,
  kind text not null,
  body text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default clock_timestamp(),
  primary key (tenant_id, id)
);
create index booking_captured_messages_recipient on booking_captured_messages (tenant_id, recipient, created_at);

do $$
declare
  name text;
begin
  foreach name in array array['booking_groups', 'bookings', 'booking_history', 'waitlist_entries', 'waitlist_offers',
                              'booking_verifications', 'booking_captured_messages'] loop
    execute format('alter table %I enable row level security', name);
    execute format('alter table %I force row level security', name);
    execute format(
      'create policy %I on %I using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())',
      name || '_tenant_isolation', name);
  end loop;
end
$$;
