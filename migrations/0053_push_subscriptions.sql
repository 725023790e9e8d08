-- Web Push subscriptions (RFC 8030 / VAPID) of customers, one row per browser.
-- The endpoint URL and the encryption keys identify a device and are personal data:
-- stored encrypted with the field KeyRing; endpoint_bidx (blind index) keeps one row per endpoint.
create table push_subscriptions (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  customer_id uuid not null,
  endpoint_enc text not null,
  endpoint_bidx text not null,
  p256dh_enc text not null,
  auth_enc text not null,
  user_agent text check (length(user_agent) <= 500),
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  last_used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, endpoint_bidx),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade
);
create index push_subscriptions_customer on push_subscriptions (tenant_id, customer_id);
alter table push_subscriptions enable row level security;
alter table push_subscriptions force row level security;
create policy push_subscriptions_tenant_isolation on push_subscriptions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
