-- Payments: payments (deposits, prepayments, no-show penalties), refunds, saved payment
-- methods (provider tokens only, never card data), provider customers, and the provider
-- events already applied (de-duplication of webhooks by the provider's event id).
--
-- Money is bigint minor units of the row's ISO 4217 currency; the platform fee is in the
-- same currency. booking_id has no foreign key yet: the bookings table belongs to the
-- booking module and payments must not depend on its migration order (add
-- `foreign key (tenant_id, booking_id) references bookings (tenant_id, id)` once it exists).

create table payments (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  booking_id uuid not null,
  customer_id uuid not null,
  type text not null check (type in ('deposit', 'full_payment', 'penalty')),
  status text not null check (status in (
    'requires_payment_method', 'requires_action', 'processing', 'succeeded', 'failed',
    'cancelled', 'refunded', 'partially_refunded')),
  amount bigint not null check (amount > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  platform_fee bigint not null default 0 check (platform_fee >= 0 and platform_fee <= amount),
  provider text not null,
  provider_payment_id text,
  provider_customer_id text,
  -- The provider's token of the payment method (pm_...), never a card number.
  payment_method_id text,
  -- The provider's client secret lets the customer's browser confirm this one intent; it is not card data.
  client_secret text,
  next_action_url text,
  return_url text,
  idempotency_key text not null,
  description text,
  failure_reason text,
  metadata jsonb not null default '{}',
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  unique (tenant_id, idempotency_key),
  unique (tenant_id, provider, provider_payment_id)
);
create index payments_booking on payments (tenant_id, booking_id, created_at);
-- Webhooks arrive without a tenant: they find their payment by the provider's id.
create index payments_provider_id on payments (provider, provider_payment_id);
create index payments_processing on payments (updated_at) where status = 'processing';
alter table payments enable row level security;
alter table payments force row level security;
create policy payments_tenant_isolation on payments
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table refunds (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  payment_id uuid not null,
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  reason text,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  provider_refund_id text,
  idempotency_key text not null,
  failure_reason text,
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  unique (tenant_id, idempotency_key)
);
create index refunds_payment on refunds (tenant_id, payment_id);
create index refunds_provider_id on refunds (provider_refund_id);
alter table refunds enable row level security;
alter table refunds force row level security;
create policy refunds_tenant_isolation on refunds
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- The provider's customer object for one of our customers (saved cards hang off it).
create table payment_customers (
  tenant_id uuid not null references tenants (id),
  customer_id uuid not null,
  provider text not null,
  provider_customer_id text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, customer_id, provider),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
alter table payment_customers enable row level security;
alter table payment_customers force row level security;
create policy payment_customers_tenant_isolation on payment_customers
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Saved or tokenised payment methods: provider tokens and display facts only (PCI: no PAN, no CVC).
create table payment_methods (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  customer_id uuid,
  provider text not null,
  provider_payment_method_id text not null,
  provider_customer_id text,
  brand text,
  last4 char(4),
  exp_month smallint check (exp_month between 1 and 12),
  exp_year smallint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  unique (tenant_id, provider, provider_payment_method_id)
);
create index payment_methods_customer on payment_methods (tenant_id, customer_id) where customer_id is not null;
alter table payment_methods enable row level security;
alter table payment_methods force row level security;
create policy payment_methods_tenant_isolation on payment_methods
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Provider events applied, by the provider's event id: a repeated delivery finds its row
-- and changes nothing. Inserted in the transaction of the effect, so "recorded" and
-- "applied" are the same fact.
create table provider_events (
  tenant_id uuid not null references tenants (id),
  provider text not null,
  event_id text not null,
  type text not null,
  provider_object_id text,
  outcome text not null,
  received_at timestamptz not null default now(),
  primary key (tenant_id, provider, event_id)
);
alter table provider_events enable row level security;
alter table provider_events force row level security;
create policy provider_events_tenant_isolation on provider_events
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
