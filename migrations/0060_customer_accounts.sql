-- Customer accounts (issue #5, point 2): a customer signs in on a business's booking page with
-- a one-time code sent to their email (or a password they chose) and holds a session of the
-- same kind staff hold — a refresh-token family in `sessions` — scoped to that one business.
-- Conventions: see the header of 0002_tenancy.sql.

-- A session belongs either to a person (user_id, staff and platform admins) or to a customer
-- of the session's own tenant (customer_id). Access tokens say which (claim user_type), and the
-- authenticator only accepts a token whose kind matches its session's.
alter table sessions alter column user_id drop not null;
alter table sessions add column customer_id uuid;
alter table sessions add constraint sessions_one_principal check ((user_id is null) <> (customer_id is null));
alter table sessions add constraint sessions_customer_fk
  foreign key (tenant_id, customer_id) references customers (tenant_id, id);
create index sessions_customer on sessions (tenant_id, customer_id) where customer_id is not null and revoked_at is null;

-- A customer's password, optional (the emailed code alone signs in): an argon2id hash only.
-- Readable inside the tenant's own transactions, because erasure removes it together with the
-- customer's other data in one transaction.
create table customer_credentials (
  tenant_id uuid not null references tenants (id),
  customer_id uuid not null,
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  primary key (tenant_id, customer_id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
alter table customer_credentials enable row level security;
alter table customer_credentials force row level security;
create policy customer_credentials_tenant_isolation on customer_credentials
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- One-time codes of customer accounts: signing in by email, proving a phone from the account.
-- No contact data in clear: the destination is the customers module's blind index of the email
-- or phone, the code and the requesting IP are keyed hashes. Six digits, ten minutes, five tries.
create table customer_account_codes (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  purpose text not null check (purpose in ('sign_in', 'phone_verification')),
  destination_bidx text not null,
  -- Phone verification: the signed-in customer who asked (a code proves the phone to them only).
  customer_id uuid,
  code_hash text not null,
  ip_hash text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((purpose = 'phone_verification') = (customer_id is not null))
);
create index customer_account_codes_destination on customer_account_codes (tenant_id, purpose, destination_bidx, created_at desc);
create index customer_account_codes_ip on customer_account_codes (tenant_id, ip_hash, created_at) where ip_hash is not null;
create index customer_account_codes_created on customer_account_codes (tenant_id, created_at);
alter table customer_account_codes enable row level security;
alter table customer_account_codes force row level security;
create policy customer_account_codes_tenant_isolation on customer_account_codes
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
