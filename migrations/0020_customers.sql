-- Customers, their consent records, and what privacy needs (encryption at rest, erasure).
--
-- Personal data is never stored in plaintext: names, email, phone, date of birth and
-- notes are AES-256-GCM ciphertexts ('v1.<kid>.<iv>.<tag>.<data>') written by the
-- application. Equality lookups and uniqueness use HMAC blind indexes (*_bidx); name
-- search uses HMACs of each lower-cased word prefix of 3+ characters (name_tokens).
-- key_id is the key every ciphertext of the row is under, so rotation finds stale rows.

create table customers (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  type text not null check (type in ('registered', 'guest')),
  status text not null default 'active' check (status in ('active', 'inactive', 'banned')),
  first_name_enc text,
  last_name_enc text,
  email_enc text,
  phone_enc text,
  date_of_birth_enc text,
  notes_enc text,
  email_bidx text,
  phone_bidx text,
  name_tokens text[] not null default '{}',
  key_id text,
  preferences jsonb not null default '{}',
  marketing_consent boolean not null default false,
  email_verified_at timestamptz,
  phone_verified_at timestamptz,
  -- Last time the customer booked or was edited: guest data expires from it.
  last_activity_at timestamptz not null default now(),
  merged_into_id uuid,
  merged_at timestamptz,
  erased_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, merged_into_id) references customers (tenant_id, id),
  -- An index exists exactly when its ciphertext does.
  constraint customers_email_pair check ((email_bidx is null) = (email_enc is null)),
  constraint customers_phone_pair check ((phone_bidx is null) = (phone_enc is null)),
  -- The specification's rule: registered customers need an email, guests an email or a
  -- phone. Erased and merged-away rows keep no personal data at all.
  constraint customers_contact_rule check (
    erased_at is not null
    or merged_into_id is not null
    or (
      first_name_enc is not null
      and (
        (type = 'registered' and email_bidx is not null)
        or (type = 'guest' and (email_bidx is not null or phone_bidx is not null))
      )
    )
  ),
  constraint customers_tombstone_empty check (
    (erased_at is null and merged_into_id is null)
    or (first_name_enc is null and last_name_enc is null and email_enc is null and phone_enc is null
        and date_of_birth_enc is null and notes_enc is null and name_tokens = '{}')
  )
);

create unique index customers_tenant_email on customers (tenant_id, email_bidx) where email_bidx is not null;
create unique index customers_tenant_phone on customers (tenant_id, phone_bidx) where phone_bidx is not null;
create index customers_name_tokens on customers using gin (name_tokens);
create index customers_tenant_created on customers (tenant_id, created_at desc, id desc);
create index customers_tenant_key on customers (tenant_id, key_id) where key_id is not null;
create index customers_guest_activity on customers (tenant_id, last_activity_at)
  where type = 'guest' and erased_at is null and merged_into_id is null;
create index customers_erased on customers (tenant_id, erased_at) where erased_at is not null;

alter table customers enable row level security;
alter table customers force row level security;
create policy customers_tenant_isolation on customers
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Consent records (specification 7.4.2): one row per grant; withdrawing stamps withdrawn_at.
-- The IP address and user agent that prove the grant are personal data: encrypted too.
create table consent_records (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  customer_id uuid not null,
  consent_type text not null check (consent_type in ('marketing', 'analytics', 'functional', 'terms', 'privacy_policy')),
  purpose text not null,
  legal_basis text not null check (legal_basis in (
    'consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interest')),
  source text not null,
  text_version text,
  ip_address_enc text,
  user_agent_enc text,
  key_id text,
  granted_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  withdrawal_source text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (withdrawn_at is null or withdrawn_at >= granted_at)
);

-- At most one standing grant per customer and kind of consent.
create unique index consent_records_active on consent_records (tenant_id, customer_id, consent_type)
  where withdrawn_at is null;
create index consent_records_customer on consent_records (tenant_id, customer_id, granted_at desc);
create index consent_records_tenant_key on consent_records (tenant_id, key_id) where key_id is not null;

alter table consent_records enable row level security;
alter table consent_records force row level security;
create policy consent_records_tenant_isolation on consent_records
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
