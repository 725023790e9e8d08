-- Billing of tenants: what the platform charges each business for its plan.
--  * subscriptions gain the billing interval, the trial's end, a downgrade waiting for the period's end
--    and the dunning state of a failed renewal;
--  * plans gain their annual price (two months free unless the plans editor says otherwise);
--  * billing_accounts: the business's billing details (legal name, tax id, address, country) and its
--    payment method at the provider;
--  * platform_invoices: invoices and credit notes, numbered per platform without gaps
--    (billing_invoice_series hands out the numbers inside the invoice's own transaction, so a rolled
--    back invoice gives its number back);
--  * billing_provider_events: provider events already applied, so a retried or late delivery changes
--    nothing.

alter table plans add column annual_price_amount bigint check (annual_price_amount >= 0);
update plans set annual_price_amount = price_amount * 10 where price_amount is not null;

alter table subscriptions drop constraint subscriptions_status_check;
alter table subscriptions add constraint subscriptions_status_check
  check (status in ('trialing', 'active', 'past_due', 'unpaid', 'cancelled'));
alter table subscriptions
  add column billing_interval text not null default 'month' check (billing_interval in ('month', 'year')),
  add column trial_end timestamptz,
  add column pending_plan_id text references plans (id),
  add column pending_interval text check (pending_interval in ('month', 'year')),
  add column past_due_since timestamptz,
  add column dunning_attempts int not null default 0 check (dunning_attempts >= 0),
  add column next_attempt_at timestamptz,
  add column cancelled_at timestamptz;
update subscriptions set trial_end = current_period_end where status = 'trialing';
create index subscriptions_due on subscriptions (current_period_end) where status in ('trialing', 'active');
create index subscriptions_dunning on subscriptions (next_attempt_at) where status = 'past_due';

create table billing_accounts (
  tenant_id uuid not null references tenants (id),
  legal_name text,
  tax_id text,
  address_lines jsonb not null default '[]',
  country text check (country ~ '^[A-Z]{2}$'),
  email text,
  language text not null default 'es' check (language in ('es', 'en')),
  payment_method text,
  payment_method_brand text,
  payment_method_last4 text,
  provider_customer_id text,
  -- Credit the platform granted (support credit, a downgrade's refund), used by the next invoices.
  credit_balance bigint not null default 0 check (credit_balance >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);
alter table billing_accounts enable row level security;
alter table billing_accounts force row level security;
create policy billing_accounts_tenant_isolation on billing_accounts
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table billing_invoice_series (
  series text not null,
  year int not null,
  last_number int not null check (last_number > 0),
  primary key (series, year)
);

create table platform_invoices (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('invoice', 'credit_note')),
  number text not null,
  status text not null check (status in ('open', 'paid', 'void')),
  reason text not null check (reason in ('subscription_create', 'subscription_cycle', 'subscription_update', 'credit', 'refund')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  lines jsonb not null,
  subtotal bigint not null,
  credit_applied bigint not null default 0 check (credit_applied >= 0),
  tax_label text not null,
  tax_rate_bps int not null check (tax_rate_bps >= 0),
  tax_amount bigint not null,
  reverse_charge boolean not null default false,
  total bigint not null,
  amount_paid bigint not null default 0,
  buyer jsonb not null,
  period_start timestamptz,
  period_end timestamptz,
  credits_invoice_id uuid,
  plan_id text references plans (id),
  billing_interval text check (billing_interval in ('month', 'year')),
  attempts int not null default 0,
  last_failure text,
  provider_payment_id text,
  issued_at timestamptz not null default now(),
  due_at timestamptz,
  paid_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  foreign key (tenant_id, credits_invoice_id) references platform_invoices (tenant_id, id)
);
create index platform_invoices_by_tenant on platform_invoices (tenant_id, issued_at desc);
alter table platform_invoices enable row level security;
alter table platform_invoices force row level security;
create policy platform_invoices_tenant_isolation on platform_invoices
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table billing_provider_events (
  tenant_id uuid not null references tenants (id),
  provider text not null,
  event_id text not null,
  type text not null,
  received_at timestamptz not null default now(),
  primary key (tenant_id, provider, event_id)
);
alter table billing_provider_events enable row level security;
alter table billing_provider_events force row level security;
create policy billing_provider_events_tenant_isolation on billing_provider_events
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
