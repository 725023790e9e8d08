-- Web Push subscriptions of a business's staff (one row per browser), for notices about bookings.
-- Like customers' (0053) the endpoint and the keys identify a device: encrypted with the field
-- KeyRing, endpoint_bidx (blind index) keeps one row per endpoint in the tenant.
-- The row goes with the membership: a member removed from the business stops getting notices.
create table staff_push_subscriptions (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  endpoint_enc text not null,
  endpoint_bidx text not null,
  p256dh_enc text not null,
  auth_enc text not null,
  user_agent text check (length(user_agent) <= 500),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  last_success_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, endpoint_bidx),
  foreign key (tenant_id, user_id) references memberships (tenant_id, user_id) on delete cascade
);
create index staff_push_subscriptions_user on staff_push_subscriptions (tenant_id, user_id);
alter table staff_push_subscriptions enable row level security;
alter table staff_push_subscriptions force row level security;
create policy staff_push_subscriptions_tenant_isolation on staff_push_subscriptions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
