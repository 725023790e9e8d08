-- Catalog: locations, service categories, services, their price tiers, resources and
-- which resources deliver which service. Every table is a tenant table (DESIGN.md §3):
-- tenant_id first in every key so the schema can be distributed by tenant, and RLS
-- enforces the tenant a second time.

create table locations (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  business_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  address jsonb not null default '{}',
  phone text,
  email text,
  -- IANA zone, validated by the application (the database has no list that matches the runtime's).
  timezone text not null,
  settings jsonb not null default '{}',
  status text not null default 'active' check (status in ('active', 'inactive', 'archived')),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, business_id) references businesses (tenant_id, id)
);
create index locations_list on locations (tenant_id, created_at, id);

create table service_categories (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  business_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  description text,
  color text check (color ~ '^#[0-9A-Fa-f]{6}$'),
  sort_order integer not null default 0,
  status text not null default 'active' check (status in ('active', 'inactive', 'archived')),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, business_id) references businesses (tenant_id, id)
);
create index service_categories_list on service_categories (tenant_id, sort_order, id);

create table resources (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  type text not null check (type in ('staff', 'room', 'equipment')),
  description text,
  capacity integer not null default 1 check (capacity between 1 and 10000),
  skills text[] not null default '{}',
  -- The staff user this resource is (identity's users); no foreign key across modules.
  user_id uuid,
  settings jsonb not null default '{}',
  status text not null default 'active' check (status in ('active', 'inactive', 'archived')),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id)
);
create index resources_list on resources (tenant_id, created_at, id);
create index resources_location on resources (tenant_id, location_id);
create index resources_user on resources (tenant_id, user_id) where user_id is not null;

create table services (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  business_id uuid not null,
  category_id uuid,
  name text not null check (length(name) between 1 and 255),
  description text,
  duration_minutes integer not null check (duration_minutes between 1 and 1440),
  buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 1440),
  buffer_after_minutes integer not null default 0 check (buffer_after_minutes between 0 and 1440),
  capacity integer not null default 1 check (capacity between 1 and 10000),
  -- Null means "the duration" (API.md), resolved when slots are computed.
  slot_interval_minutes integer check (slot_interval_minutes between 1 and 1440),
  min_notice_minutes integer not null default 0 check (min_notice_minutes between 0 and 525600),
  max_advance_days integer not null default 365 check (max_advance_days between 0 and 1095),
  price_amount bigint not null check (price_amount >= 0),
  currency char(3) not null,
  deposit_type text not null default 'none' check (deposit_type in ('none', 'percentage', 'fixed', 'full')),
  -- Basis points for percentage, minor units for fixed (see catalog/pricing.ts).
  deposit_value bigint not null default 0 check (deposit_value >= 0),
  cancellation_policy jsonb,
  -- Extra resource groups needed at the same time (two-resource services); see services.schemas.ts.
  required_resources jsonb not null default '[]',
  settings jsonb not null default '{}',
  status text not null default 'active' check (status in ('active', 'inactive', 'archived')),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, business_id) references businesses (tenant_id, id),
  foreign key (tenant_id, category_id) references service_categories (tenant_id, id)
);
create index services_list on services (tenant_id, created_at, id);

-- Which resources can deliver a service.
create table service_resources (
  tenant_id uuid not null,
  service_id uuid not null,
  resource_id uuid not null,
  primary key (tenant_id, service_id, resource_id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade,
  foreign key (tenant_id, resource_id) references resources (tenant_id, id) on delete cascade
);
create index service_resources_resource on service_resources (tenant_id, resource_id);

-- Price tiers (specification §5.1 service_pricing), amounts in minor units.
create table service_pricing (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  base_price bigint not null check (base_price >= 0),
  currency char(3) not null,
  deposit_type text not null default 'none' check (deposit_type in ('none', 'percentage', 'fixed', 'full')),
  deposit_value bigint not null default 0 check (deposit_value >= 0),
  is_default boolean not null default false,
  conditions jsonb,
  valid_from timestamptz,
  valid_until timestamptz,
  priority integer not null default 0,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade,
  check (valid_from is null or valid_until is null or valid_from < valid_until)
);
create index service_pricing_service on service_pricing (tenant_id, service_id);

do $$
declare
  name text;
begin
  foreach name in array array['locations', 'service_categories', 'resources', 'services', 'service_resources', 'service_pricing'] loop
    execute format('alter table %I enable row level security', name);
    execute format('alter table %I force row level security', name);
    execute format(
      'create policy %I on %I using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())',
      name || '_tenant_isolation', name);
  end loop;
end
$$;
