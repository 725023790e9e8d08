-- Identity: users (global), memberships and custom roles (per tenant), sessions and refresh
-- tokens, API keys, one-time tokens, MFA, login throttling, signing keys, captured messages.
-- Conventions: see the header of 0002_tenancy.sql.
--
-- Credential lookups (token -> session -> tenant, key hash -> key, email -> user) happen
-- before a tenant is known, so they run as platform work (withPlatform). Everything read
-- after that runs under withTenant and RLS.

-- People, global: one person may work for several tenants. Profile only; secrets live in
-- user_credentials, which the app role cannot read at all.
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  first_name text,
  last_name text,
  email_verified_at timestamptz,
  status text not null default 'active' check (status in ('active', 'disabled')),
  is_platform_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_unique on users (lower(email));
-- Under a tenant, the app role sees only the people who are members of that tenant.
alter table users enable row level security;
alter table users force row level security;
revoke insert, update, delete on users from reservehub_app;

create table user_credentials (
  user_id uuid primary key references users (id) on delete cascade,
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  -- TOTP secret (base32). Never readable by the app role; encryption at rest with
  -- ENCRYPTION_KEYS comes with the platform crypto helper.
  mfa_secret text,
  mfa_pending_secret text,
  mfa_enabled_at timestamptz
);
revoke all on user_credentials from reservehub_app;

create table mfa_recovery_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);
revoke all on mfa_recovery_codes from reservehub_app;

-- Custom roles: a named set of permissions ("action:Subject") from the catalogue.
create table roles (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  description text,
  permissions jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
alter table roles enable row level security;
alter table roles force row level security;
create policy roles_tenant_isolation on roles
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table memberships (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('business_admin', 'manager', 'receptionist', 'staff', 'customer', 'custom')),
  custom_role_id uuid,
  status text not null default 'active' check (status in ('active', 'deactivated')),
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, custom_role_id) references roles (tenant_id, id),
  check ((role = 'custom') = (custom_role_id is not null))
);
create index memberships_user on memberships (user_id);
alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_tenant_isolation on memberships
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create policy users_members_of_tenant on users for select
  using (exists (select 1 from memberships m where m.user_id = users.id and m.tenant_id = current_tenant_id()));

-- A session is a refresh-token family: every rotation adds a refresh_tokens row; reusing a
-- rotated token revokes the whole session. Platform admins' own sessions use the platform
-- tenant id (all zeros), which is why tenant_id has no foreign key here.
create table sessions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null references users (id),
  mfa_verified boolean not null default false,
  impersonated_by uuid references users (id),
  impersonation_reason text,
  read_only boolean not null default false,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  primary key (tenant_id, id)
);
create unique index sessions_id on sessions (id);
create index sessions_user on sessions (user_id, tenant_id) where revoked_at is null;
alter table sessions enable row level security;
alter table sessions force row level security;
create policy sessions_tenant_isolation on sessions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table refresh_tokens (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  session_id uuid not null,
  token_hash text not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  expires_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, session_id) references sessions (tenant_id, id) on delete cascade
);
create unique index refresh_tokens_hash on refresh_tokens (token_hash);
alter table refresh_tokens enable row level security;
alter table refresh_tokens force row level security;
create policy refresh_tokens_tenant_isolation on refresh_tokens
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- API keys: only a SHA-256 of the (high-entropy) key is stored; the prefix identifies it in lists.
create table api_keys (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  prefix text not null,
  key_hash text not null,
  permissions jsonb not null default '[]',
  created_by uuid references users (id),
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index api_keys_hash on api_keys (key_hash);
alter table api_keys enable row level security;
alter table api_keys force row level security;
create policy api_keys_tenant_isolation on api_keys
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- One-time tokens (email verification, password reset, invitations, MFA login step),
-- hashed and expiring. Looked up by hash before any tenant is known: platform work only.
create table one_time_tokens (
  id uuid primary key default gen_random_uuid(),
  purpose text not null check (purpose in ('email_verification', 'password_reset', 'invitation', 'mfa_login')),
  token_hash text not null unique,
  user_id uuid references users (id) on delete cascade,
  tenant_id uuid references tenants (id),
  email text,
  payload jsonb not null default '{}',
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index one_time_tokens_expiry on one_time_tokens (expires_at);
revoke all on one_time_tokens from reservehub_app;

-- Failed logins, shared by every process (throttling per account and per IP).
create table login_failures (
  id bigint generated always as identity primary key,
  account text not null,
  ip text not null,
  created_at timestamptz not null default now()
);
create index login_failures_account on login_failures (account, created_at);
create index login_failures_ip on login_failures (ip, created_at);
revoke all on login_failures from reservehub_app;

-- Signing keys for access tokens. Embedded mode (no JWT_PRIVATE_KEYS) generates one and
-- keeps the private JWK here so tokens survive restarts: acceptable for a single-machine
-- embedded install, not for production, where JWT_PRIVATE_KEYS is mandatory.
create table signing_keys (
  kid text primary key,
  algorithm text not null,
  public_jwk jsonb not null,
  private_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
revoke all on signing_keys from reservehub_app;

-- Messages "sent" by identity until the notifications module delivers them (and the
-- embedded mode's outbox): verification links, password resets, invitations.
create table captured_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid,
  channel text not null default 'email',
  recipient text not null,
  kind text not null,
  subject text not null,
  body text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index captured_messages_recipient on captured_messages (lower(recipient), created_at);
revoke all on captured_messages from reservehub_app;

-- Start the self-rescheduling daily clean-up of expired one-time tokens and old login failures.
insert into jobs (name, version, payload, dedupe_key)
values ('identity.purge_expired', 1, '{}', 'identity-purge-' || to_char(now(), 'YYYY-MM-DD'));
