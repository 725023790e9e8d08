-- Platform foundation: extensions, the application role, jobs/outbox and idempotency.

create extension if not exists btree_gist;

-- The role every tenant unit of work switches to (SET LOCAL ROLE). It owns nothing, so
-- Row-Level Security applies to it, and it cannot log in by itself.
do $$
begin
  if not exists (select from pg_roles where rolname = 'reservehub_app') then
    create role reservehub_app nologin;
  end if;
exception when duplicate_object then null;
end
$$;

grant usage on schema public to reservehub_app;
alter default privileges in schema public grant select, insert, update, delete on tables to reservehub_app;
alter default privileges in schema public grant usage, select on sequences to reservehub_app;
alter default privileges in schema public grant execute on functions to reservehub_app;

-- The tenant of the current unit of work, or null outside one. Policies call this.
create or replace function current_tenant_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Background jobs and the transactional outbox: a job row is inserted in the same
-- transaction as the state change that causes it, so it exists exactly when the change does.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid,
  name text not null,
  version integer not null default 1,
  payload jsonb not null default '{}',
  status text not null default 'pending'
    check (status in ('pending', 'running', 'succeeded', 'dead', 'cancelled')),
  priority integer not null default 0,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 10,
  locked_by text,
  locked_until timestamptz,
  last_error text,
  dedupe_key text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);
create unique index jobs_dedupe_key on jobs (name, dedupe_key) where dedupe_key is not null;
create index jobs_ready on jobs (priority desc, run_at) where status = 'pending';
create index jobs_leased on jobs (locked_until) where status = 'running';
create index jobs_tenant on jobs (tenant_id, created_at);

-- Tenant work may enqueue jobs for its own tenant only; workers read them as the owner.
alter table jobs enable row level security;
create policy jobs_tenant_isolation on jobs
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Stored responses for Idempotency-Key, per tenant and credential (the scope).
create table idempotency_keys (
  scope text not null,
  key text not null,
  fingerprint text not null,
  method text not null,
  path text not null,
  status text not null default 'in_progress' check (status in ('in_progress', 'done')),
  response_status integer,
  response_body text,
  response_content_type text,
  locked_until timestamptz not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (scope, key)
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);
revoke all on idempotency_keys from reservehub_app;

-- Domain events (the outbox's content): written in the transaction of the change they
-- describe, then fanned out to subscribers (notifications, webhooks, ...) by a job.
create table events (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  type text not null,
  aggregate_type text not null,
  aggregate_id uuid not null,
  data jsonb not null,
  previous_attributes jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index events_aggregate on events (tenant_id, aggregate_type, aggregate_id, created_at);
create index events_type_time on events (tenant_id, type, created_at);
alter table events enable row level security;
alter table events force row level security;
create policy events_tenant_isolation on events
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
