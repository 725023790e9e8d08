-- Analytics: rollups of bookings and payments, the public booking funnel, monthly recurring
-- revenue snapshots, and the per-service cost businesses enter (catalog) for profitability.
--
-- Rollups are derived data: every row can be recomputed from the raw tables (bookings,
-- payments, refunds) and `node src/main.ts analytics:rebuild` rebuilds them from scratch.
-- The event-driven job recomputes the rows of one (resource, local day) or one customer at a
-- time from the raw tables, so a duplicate or late event changes nothing. They reference only
-- the tenant (not catalog rows): a derived row must never stop catalog from archiving a
-- resource, and its key columns are copies, like the booking's own name snapshots.

-- What a service costs the business to deliver (minor units of the service's currency);
-- null while the business has not entered it. Profitability = price minus this cost.
alter table services add column cost_amount bigint check (cost_amount >= 0);

-- One row per (business, location, resource, service, local day of the booking's start, currency).
-- `day` is the local date in the booking's location zone (bookings.time_zone).
create table analytics_daily (
  tenant_id uuid not null references tenants (id),
  resource_id uuid not null,
  day date not null,
  service_id uuid not null,
  location_id uuid not null,
  currency char(3) not null,
  business_id uuid not null,
  -- Bookings by status (drafts are never counted); `bookings` is their sum.
  bookings integer not null default 0,
  pending_payment integer not null default 0,
  confirmed integer not null default 0,
  rescheduled integer not null default 0,
  completed integer not null default 0,
  cancelled integer not null default 0,
  no_show integer not null default 0,
  expired integer not null default 0,
  -- Bookings by source (bookings.source).
  src_web integer not null default 0,
  src_widget integer not null default 0,
  src_admin integer not null default 0,
  src_api integer not null default 0,
  src_manage_link integer not null default 0,
  src_waitlist integer not null default 0,
  src_seed integer not null default 0,
  -- Minutes held on the resource by bookings that occupy it (pending, confirmed, rescheduled, completed, no-show).
  booked_minutes bigint not null default 0,
  -- Seconds from booking to start, summed over counted bookings (negative leads count as 0).
  lead_seconds bigint not null default 0,
  -- Money in minor units of `currency`.
  service_revenue bigint not null default 0,
  collected bigint not null default 0,
  refunded bigint not null default 0,
  no_show_fees bigint not null default 0,
  platform_fees bigint not null default 0,
  outstanding_deposits bigint not null default 0,
  -- Bookings with both check-in and check-out: actual and planned minutes.
  timed_bookings integer not null default 0,
  actual_minutes bigint not null default 0,
  planned_minutes bigint not null default 0,
  primary key (tenant_id, resource_id, day, service_id, location_id, currency)
);
create index analytics_daily_business_day on analytics_daily (tenant_id, business_id, day);
alter table analytics_daily enable row level security;
alter table analytics_daily force row level security;
create policy analytics_daily_tenant_isolation on analytics_daily
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Visits per customer, resource and local day: bookings that took place or will
-- (confirmed, rescheduled, completed). Retention, cohorts and rebooking read these.
create table analytics_customer_days (
  tenant_id uuid not null references tenants (id),
  customer_id uuid not null,
  day date not null,
  resource_id uuid not null,
  location_id uuid not null,
  business_id uuid not null,
  visits integer not null,
  primary key (tenant_id, customer_id, day, resource_id, location_id)
);
create index analytics_customer_days_business_day on analytics_customer_days (tenant_id, business_id, day);
alter table analytics_customer_days enable row level security;
alter table analytics_customer_days force row level security;
create policy analytics_customer_days_tenant_isolation on analytics_customer_days
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- The public booking funnel, counted per business and local day. No visitor identity is stored.
create table analytics_funnel_daily (
  tenant_id uuid not null references tenants (id),
  business_id uuid not null,
  day date not null,
  step text not null check (step in ('page_view', 'slot_chosen', 'details', 'verified', 'paid', 'confirmed')),
  count bigint not null default 0 check (count >= 0),
  primary key (tenant_id, business_id, day, step)
);
alter table analytics_funnel_daily enable row level security;
alter table analytics_funnel_daily force row level security;
create policy analytics_funnel_daily_tenant_isolation on analytics_funnel_daily
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Each tenant's monthly recurring revenue as it stood in a month (the last snapshot of the
-- month wins): new, expansion, contraction and churned MRR compare consecutive months.
create table analytics_mrr_snapshots (
  tenant_id uuid not null references tenants (id),
  month date not null check (extract(day from month) = 1),
  plan_id text not null,
  currency char(3) not null,
  mrr bigint not null check (mrr >= 0),
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, month)
);
create index analytics_mrr_snapshots_month on analytics_mrr_snapshots (month);
alter table analytics_mrr_snapshots enable row level security;
alter table analytics_mrr_snapshots force row level security;
create policy analytics_mrr_snapshots_tenant_isolation on analytics_mrr_snapshots
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
