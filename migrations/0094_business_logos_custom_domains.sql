-- Configuration screens (issue 15): a business's logo, kept here and served by the product, and a
-- tenant's custom domain for its booking page.
--  * business_logos: the uploaded image itself (PNG, JPEG or WebP only: never SVG, which can carry
--    script), one per business; `version` (sha-256 of the bytes) names it in the public URL, so the
--    URL changes with the image and can be cached for a year.
--  * custom_domains: the host name a tenant asked for and the TXT token that proves it is theirs.
--    Only a verified domain is copied to tenants.domain, which is what host-name resolution reads and
--    what keeps a domain to one tenant (its unique constraint); a pending or failed one resolves to nothing.
create table business_logos (
  tenant_id uuid not null references tenants (id),
  business_id uuid not null,
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'image/webp')),
  bytes bytea not null check (octet_length(bytes) between 1 and 524288),
  version text not null check (version ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  primary key (tenant_id, business_id),
  foreign key (tenant_id, business_id) references businesses (tenant_id, id) on delete cascade
);
alter table business_logos enable row level security;
alter table business_logos force row level security;
create policy business_logos_tenant_isolation on business_logos
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table custom_domains (
  tenant_id uuid not null references tenants (id),
  host text not null check (host = lower(host) and char_length(host) between 4 and 253),
  token text not null check (token ~ '^[A-Za-z0-9_-]{20,64}$'),
  status text not null default 'pending' check (status in ('pending', 'verified', 'failed')),
  -- Why the last check failed (no TXT record, wrong CNAME target...), in the product's words.
  failure text check (char_length(failure) <= 200),
  checked_at timestamptz,
  verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id),
  check ((status = 'verified') = (verified_at is not null))
);
alter table custom_domains enable row level security;
alter table custom_domains force row level security;
create policy custom_domains_tenant_isolation on custom_domains
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
