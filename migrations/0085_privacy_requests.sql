-- The register of data-subject requests (GDPR Art. 12–22) a business has received: what was asked, how it
-- came in, when it is due (one month after receipt, Art. 12(3)) and how it ended. Exports and erasures made
-- in the product are recorded here as they happen (completing an open request of the same kind for the same
-- customer when there is one); requests that arrive by e-mail, phone or post are logged by the business and
-- closed when answered. The platform's auditors see every business's register, overdue ones first.
create table privacy_requests (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  customer_id uuid,
  kind text not null check (kind in ('access', 'erasure', 'rectification', 'restriction', 'objection', 'portability')),
  channel text not null check (channel in ('self_service', 'staff', 'email', 'phone', 'post', 'other')),
  status text not null default 'open' check (status in ('open', 'completed', 'refused')),
  received_at timestamptz not null,
  due_at timestamptz not null,
  completed_at timestamptz,
  -- What was done or why it was refused, in the business's words; never the person's data.
  outcome text check (char_length(outcome) <= 1000),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((status = 'open') = (completed_at is null))
);
create index privacy_requests_open_due on privacy_requests (due_at) where status = 'open';
create index privacy_requests_tenant_received on privacy_requests (tenant_id, received_at desc, id desc);
alter table privacy_requests enable row level security;
alter table privacy_requests force row level security;
create policy privacy_requests_tenant_isolation on privacy_requests
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
