-- The weekly summary e-mail: who asked for it (owners and managers opt in for themselves), and which
-- weeks each of them has been sent, so a rerun or a second worker never sends a week twice.
create table analytics_weekly_summary_subscriptions (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
alter table analytics_weekly_summary_subscriptions enable row level security;
alter table analytics_weekly_summary_subscriptions force row level security;
create policy analytics_weekly_summary_subscriptions_tenant_isolation on analytics_weekly_summary_subscriptions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table analytics_weekly_summary_sends (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  -- The Monday (local) the summarised week starts.
  week_start date not null,
  sent_at timestamptz not null default now(),
  primary key (tenant_id, user_id, week_start)
);
alter table analytics_weekly_summary_sends enable row level security;
alter table analytics_weekly_summary_sends force row level security;
create policy analytics_weekly_summary_sends_tenant_isolation on analytics_weekly_summary_sends
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
