-- Stored Idempotency-Key answers become reachable from a tenant's unit of work, so a
-- customer's export and erasure can include the answers that concern them (a guest's
-- booking answer holds their name and email until the key expires).
-- Conventions: see the header of 0002_tenancy.sql.
--
-- The scope already starts with the tenant id (`<tenant id>:<actor id>`; `platform:...`
-- outside a tenant); the column derives it, so the HTTP hook that writes keys is unchanged.
-- The application role may read and delete its own tenant's keys, never write them: only
-- the platform hook (table owner, outside Row-Level Security) stores answers.
alter table idempotency_keys
  add column tenant_id uuid generated always as (
    case
      when scope ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:' then left(scope, 36)::uuid
    end
  ) stored;
create index idempotency_keys_tenant on idempotency_keys (tenant_id, created_at) where tenant_id is not null;

alter table idempotency_keys enable row level security;
create policy idempotency_keys_tenant_isolation on idempotency_keys
  using (tenant_id = current_tenant_id());
grant select, delete on idempotency_keys to reservehub_app;
