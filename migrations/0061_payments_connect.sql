-- Marketplace accounts: each business's own account at the payment provider (a Stripe
-- Connect connected account, or the sandbox's simulated one). Charges for a tenant with an
-- account that can take charges are destination charges to it, minus the plan's fee.
--
-- One account per tenant and provider. Only the provider's id and the status flags the
-- platform acts on are kept; identity and bank details stay with the provider, which
-- collects them on its own hosted onboarding pages.

create table payment_accounts (
  tenant_id uuid not null references tenants (id),
  provider text not null,
  account_id text not null,
  charges_enabled boolean not null default false,
  payouts_enabled boolean not null default false,
  details_submitted boolean not null default false,
  -- Requirement keys still due at the provider (its vocabulary), for the dashboard.
  requirements_due jsonb not null default '[]' check (jsonb_typeof(requirements_due) = 'array'),
  disabled_reason text,
  -- As of when the provider reported the state held here (its event's time, or our last
  -- fetch): an older account.updated event that arrives late is not applied over it.
  synced_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, provider)
);
-- Account webhooks arrive without a tenant: they find it by the provider's account id. Not
-- unique across tenants on purpose (a distributed table's unique keys include tenant_id);
-- accounts are only ever created by us, under a tenant-scoped idempotency key.
create index payment_accounts_account_id on payment_accounts (provider, account_id);
alter table payment_accounts enable row level security;
alter table payment_accounts force row level security;
create policy payment_accounts_tenant_isolation on payment_accounts
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
