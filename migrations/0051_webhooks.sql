-- Outgoing webhooks: endpoints chosen by the tenant, one delivery per endpoint and event,
-- and every attempt with its request and response (for the dashboard and replays).

create table webhook_endpoints (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  url text not null check (length(url) between 1 and 2048),
  description text check (length(description) <= 500),
  events text[] not null,
  -- Signing secrets (whsec_...), encrypted; the previous one keeps signing until it expires.
  secret_enc text not null,
  previous_secret_enc text,
  previous_secret_expires_at timestamptz,
  status text not null default 'enabled' check (status in ('enabled', 'disabled')),
  disabled_reason text,
  disabled_at timestamptz,
  -- First failure of the current failure streak; cleared by any success.
  failing_since timestamptz,
  last_success_at timestamptz,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (tenant_id, id)
);
create index webhook_endpoints_list on webhook_endpoints (tenant_id, created_at, id) where deleted_at is null;
alter table webhook_endpoints enable row level security;
alter table webhook_endpoints force row level security;
create policy webhook_endpoints_tenant_isolation on webhook_endpoints
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table webhook_deliveries (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  endpoint_id uuid not null,
  event_id uuid not null,
  event_type text not null,
  -- The exact JSON body sent (signed as is on every attempt).
  payload text not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  replays integer not null default 0,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_response_status integer,
  last_error text,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, endpoint_id, event_id),
  foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id)
);
create index webhook_deliveries_list on webhook_deliveries (tenant_id, endpoint_id, created_at desc, id desc);
alter table webhook_deliveries enable row level security;
alter table webhook_deliveries force row level security;
create policy webhook_deliveries_tenant_isolation on webhook_deliveries
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table webhook_delivery_attempts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  delivery_id uuid not null,
  attempt integer not null,
  started_at timestamptz not null,
  duration_ms integer not null,
  request_url text not null,
  request_headers jsonb not null,
  response_status integer,
  response_headers jsonb,
  response_body text,
  error text,
  primary key (tenant_id, id),
  foreign key (tenant_id, delivery_id) references webhook_deliveries (tenant_id, id)
);
create index webhook_delivery_attempts_by_delivery on webhook_delivery_attempts (tenant_id, delivery_id, attempt);
alter table webhook_delivery_attempts enable row level security;
alter table webhook_delivery_attempts force row level security;
create policy webhook_delivery_attempts_tenant_isolation on webhook_delivery_attempts
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
