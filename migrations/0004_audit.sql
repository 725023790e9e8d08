-- Audit log: append-only, partitioned by month on created_at.
-- Conventions: see the header of 0002_tenancy.sql. Platform-level events (a failed login
-- for an unknown account, platform administration) use the platform tenant id, all zeros,
-- so tenant_id stays NOT NULL and part of the key.

create table audit_logs (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  -- Millisecond precision, so the API's keyset cursor (an ISO instant) is exact.
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  actor_type text not null check (actor_type in ('user', 'api_key', 'customer', 'system', 'anonymous')),
  actor_id text,
  user_id uuid,
  impersonated_by uuid,
  action text not null,
  entity_type text,
  entity_id text,
  old_values jsonb,
  new_values jsonb,
  metadata jsonb not null default '{}',
  ip text,
  user_agent text,
  request_id text,
  primary key (tenant_id, created_at, id)
) partition by range (created_at);

create index audit_logs_entity on audit_logs (tenant_id, entity_type, entity_id, created_at);
create index audit_logs_actor on audit_logs (tenant_id, actor_id, created_at);
create index audit_logs_action on audit_logs (tenant_id, action, created_at);

-- Creates the monthly partition holding `month` (idempotent). Called by this migration and
-- by the monthly job `audit.ensure_partitions` (platform work). The app role gets no
-- privilege on partitions: it reaches rows only through the parent, where RLS applies.
create or replace function audit_ensure_partition(month date) returns text
  language plpgsql
  as $$
declare
  start_date date := date_trunc('month', month)::date;
  end_date date := (date_trunc('month', month) + interval '1 month')::date;
  partition_name text := 'audit_logs_' || to_char(start_date, 'YYYY_MM');
begin
  if to_regclass('public.' || partition_name) is null then
    execute format('create table %I partition of audit_logs for values from (%L) to (%L)',
                   partition_name, start_date, end_date);
    execute format('revoke all on %I from reservehub_app', partition_name);
  end if;
  return partition_name;
end
$$;
revoke execute on function audit_ensure_partition(date) from reservehub_app, public;

select audit_ensure_partition((now() - interval '1 month')::date);
select audit_ensure_partition(now()::date);
select audit_ensure_partition((now() + interval '1 month')::date);
select audit_ensure_partition((now() + interval '2 months')::date);
-- Safety net: a row whose month has no partition yet is kept rather than failing the
-- audited write. The monthly job creates partitions ahead, so this stays empty.
create table audit_logs_default partition of audit_logs default;
revoke all on audit_logs_default from reservehub_app;

alter table audit_logs enable row level security;
alter table audit_logs force row level security;
create policy audit_logs_insert on audit_logs for insert
  with check (tenant_id = current_tenant_id());
create policy audit_logs_select on audit_logs for select
  using (tenant_id = current_tenant_id());
-- Append-only for the application: no UPDATE, DELETE or TRUNCATE, on the parent or any partition.
revoke update, delete, truncate on audit_logs from reservehub_app;

-- Start the self-rescheduling job that keeps partitions ahead of time.
insert into jobs (name, version, payload, dedupe_key)
values ('audit.ensure_partitions', 1, '{}', 'audit-partitions-' || to_char(now(), 'YYYY-MM'));
