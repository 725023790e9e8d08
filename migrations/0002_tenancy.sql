-- Tenancy: plans, tenants, subscriptions, usage counters and businesses.
--
-- Conventions every later migration follows (DESIGN.md §3, Citus-ready):
--  * A tenant table has `tenant_id uuid not null` and `primary key (tenant_id, id)`.
--    Unique constraints start with tenant_id; foreign keys between tenant tables are
--    composite: `foreign key (tenant_id, x_id) references x (tenant_id, id)`. So the schema
--    can be distributed by tenant_id without a rewrite, and a row can never point at
--    another tenant's row even if the application forgot a filter.
--  * Row-Level Security is enabled AND forced on every tenant table, with one policy
--    `tenant_id = current_tenant_id()` for both USING and WITH CHECK. The application
--    role (reservehub_app, switched to by withTenant) owns nothing and has no BYPASSRLS.
--    Platform work (withPlatform: sign-up, token lookups, jobs, platform admin) runs as the
--    connecting role, which must be a superuser or have BYPASSRLS: that is the one
--    privileged path, kept small and named.
--  * Global tables (plans, platform_settings, users, ...) have no tenant_id and are few;
--    the app role gets only the privileges it needs on them (often none).
--  * Default privileges from 0001 already grant DML on new tables to the app role;
--    migrations revoke what a table must not allow.
--  * Times are timestamptz; money is integer minor units + ISO currency; rates in basis points.

-- Plans are data: the limits and fees of §2.2.1 live here, not in code branches.
-- A null limit means unlimited. Prices in minor units of the plan's currency.
create table plans (
  id text primary key,
  name text not null,
  price_amount integer,
  price_currency char(3) not null default 'USD',
  bookings_per_month integer,
  users integer,
  fee_bps integer not null,
  fee_fixed_amount integer not null,
  support text not null,
  sort_order integer not null,
  is_public boolean not null default true
);
revoke insert, update, delete on plans from reservehub_app;

insert into plans (id, name, price_amount, bookings_per_month, users, fee_bps, fee_fixed_amount, support, sort_order) values
  ('starter',      'Starter',      4900,  200,  3,    350, 30, 'email',         1),
  ('professional', 'Professional', 14900, 1000, 10,   290, 30, 'chat_email',    2),
  ('business',     'Business',     39900, 5000, 25,   240, 30, 'phone_chat',    3),
  ('enterprise',   'Enterprise',   null,  null, null, 190, 30, 'dedicated',     4);

-- Platform-wide switches (global maintenance mode, ...). Written only by platform work.
create table platform_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
revoke insert, update, delete on platform_settings from reservehub_app;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 255),
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$'),
  domain text unique,
  plan_id text not null references plans (id),
  status text not null default 'active' check (status in ('active', 'suspended', 'cancelled')),
  -- maintenance (bool), maintenance_message, require_mfa_for_admins (bool), suspension_reason, ...
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The tenant row is the tenant itself: its id is the tenant id.
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenants_tenant_isolation on tenants
  using (id = current_tenant_id())
  with check (id = current_tenant_id());
-- Plan, status and domain change only through platform work (upgrade, suspension, admin).
revoke insert, delete on tenants from reservehub_app;

create table subscriptions (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  plan_id text not null references plans (id),
  status text not null default 'active' check (status in ('trialing', 'active', 'past_due', 'cancelled')),
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  provider_subscription_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (current_period_end > current_period_start)
);
-- At most one live subscription per tenant.
create unique index subscriptions_one_live on subscriptions (tenant_id) where status <> 'cancelled';
alter table subscriptions enable row level security;
alter table subscriptions force row level security;
create policy subscriptions_tenant_isolation on subscriptions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Metered usage per calendar month (UTC). Counted metrics (active users) are computed live.
create table tenant_usage (
  tenant_id uuid not null references tenants (id),
  metric text not null,
  period_start date not null,
  value bigint not null default 0 check (value >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, metric, period_start)
);
alter table tenant_usage enable row level security;
alter table tenant_usage force row level security;
create policy tenant_usage_tenant_isolation on tenant_usage
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table businesses (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 255),
  slug text not null,
  description text,
  logo_url text,
  website text,
  phone text,
  email text,
  address jsonb,
  timezone text not null default 'UTC',
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  -- guest_verification: none | otp, ...
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, slug)
);
alter table businesses enable row level security;
alter table businesses force row level security;
create policy businesses_tenant_isolation on businesses
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
