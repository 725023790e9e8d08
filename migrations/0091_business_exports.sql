-- The whole-business data export (issue 18, "no lock-in"): an owner asks for one, a background job writes a ZIP
-- archive of every data class (CSV and JSON Lines per class, a README in the business's language) and the
-- owner downloads it until it expires. The platform keeps no blob store, so the archive's bytes live in this
-- row; they are cleared once the link expires (the row stays as the record that an export was made). At most
-- one export per business is waiting or running at a time (the partial unique index).
create table business_exports (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  status text not null default 'pending' check (status in ('pending', 'running', 'ready', 'failed', 'expired')),
  language text not null check (language in ('es', 'en')),
  requested_by uuid,
  -- Rows per data class ({"customers": 12, ...}), written with the archive.
  row_counts jsonb,
  archive bytea,
  size_bytes integer,
  failure_reason text,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  expires_at timestamptz,
  primary key (tenant_id, id),
  check ((status = 'ready') = (archive is not null))
);
create unique index business_exports_one_at_a_time on business_exports (tenant_id) where status in ('pending', 'running');
create index business_exports_tenant_created on business_exports (tenant_id, created_at desc, id desc);
alter table business_exports enable row level security;
alter table business_exports force row level security;
create policy business_exports_tenant_isolation on business_exports
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- GDPR Art. 12(3): the answer to a data-subject request may be extended once by up to two further months, with
-- the reasons told to the person. `due_at` moves to the new date (so every overdue figure follows it);
-- `original_due_at` keeps the first one.
alter table privacy_requests
  add column extended_at timestamptz,
  add column extension_reason text check (char_length(extension_reason) <= 1000),
  add column original_due_at timestamptz,
  add constraint privacy_requests_extension_complete
    check ((extended_at is null) = (extension_reason is null) and (extended_at is null) = (original_due_at is null));
