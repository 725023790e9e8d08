-- Availability read path (DESIGN.md §7: a week × 10 resources in ≤ 10 ms p95).
--
-- 1. Busy time by an index that works under Row-Level Security. With RLS forced, the
--    planner may use a condition as an index condition only if its operators are
--    LEAKPROOF; the range operator `&&` and `lower()`/`upper()` are not, so neither the
--    gist index `allocations_busy` nor an expression index on `lower(occupied)` could
--    narrow a resource's allocations by time: every request read the resource's whole
--    history. Plain bigint columns compared with `<`/`>` (leakproof) can. They hold the
--    range bounds in epoch milliseconds, which is also what availability computes in, so
--    the database no longer converts every allocation with date_part.
-- 2. `availability_calendars`: the one statement that loads what availability needs
--    (resources with their zone, schedules, exceptions, closures and busy time) as a
--    PL/pgSQL function, so each connection plans it once and reuses the plan (a prepared
--    statement in effect; the driver behind Kysely cannot name one). SECURITY INVOKER:
--    it runs as the caller (reservehub_app in a tenant unit of work), RLS applies inside.

-- Epoch milliseconds of an instant. `extract(epoch from timestamptz)` is only STABLE
-- because other fields depend on the session's TimeZone; the epoch does not.
create or replace function epoch_ms(value timestamptz) returns bigint
  language sql immutable strict parallel safe
  as $$ select (extract(epoch from value) * 1000)::bigint $$;

alter table allocations
  add column occupied_start_ms bigint generated always as (epoch_ms(lower(occupied))) stored,
  add column occupied_end_ms bigint generated always as (epoch_ms(upper(occupied))) stored;

-- Allocations of a resource that end after a point in time, with what availability and
-- the shared-capacity count read (index-only scans). Future allocations are bounded by
-- services' maximum advance; the past, which grows for ever, is skipped.
create index allocations_busy_ms on allocations (tenant_id, resource_id, occupied_end_ms)
  include (occupied_start_ms, places, capacity_mode) where active;
-- Replaced by the index above for every read (availability and the shared-capacity count);
-- left in place, the planner's generic plan picked it with the time test as a mere filter.
-- The exclusion constraint keeps its own gist index.
drop index if exists allocations_busy;

-- One row per active resource asked for (p_ids), or with p_same_locations every active
-- resource at their locations (candidates for two-resource services), ordered by name.
-- busy: the allocations overlapping [p_busy_from_ms, p_busy_to_ms) as flat text
-- "start,end,places,exclusive(0/1),start,end,..." (epoch ms), null when there are none.
create or replace function availability_calendars(
  p_tenant uuid, p_ids uuid[], p_same_locations boolean, p_from date, p_to date, p_busy_from_ms bigint, p_busy_to_ms bigint
) returns table (
  id uuid, location_id uuid, name text, type text, capacity integer, skills text[], timezone text,
  schedules json, exceptions json, closures json, busy text
)
  language plpgsql stable
  as $$
#variable_conflict use_column
declare
  v_ids uuid[] := p_ids;
begin
  if p_same_locations then
    select array_agg(x.id) into v_ids
    from resources x
    where x.tenant_id = p_tenant and x.location_id in (
      select y.location_id from resources y where y.tenant_id = p_tenant and y.id = any (p_ids));
  end if;
  return query
  select r.id, r.location_id, r.name, r.type, r.capacity, r.skills, l.timezone,
    coalesce((
      select json_agg(json_build_object('start_date', s.start_date, 'end_date', s.end_date,
             'recurrence_rule', s.recurrence_rule, 'time_slots', s.time_slots, 'is_active', s.is_active))
      from schedules s
      where s.tenant_id = r.tenant_id and s.resource_id = r.id and s.is_active
        and s.start_date <= p_to and (s.end_date is null or s.end_date >= p_from)
    ), '[]'::json),
    coalesce((
      select json_agg(json_build_object('exception_date', e.exception_date, 'type', e.type, 'custom_hours', e.custom_hours))
      from schedule_exceptions e
      where e.tenant_id = r.tenant_id and e.resource_id = r.id and e.exception_date between p_from and p_to
    ), '[]'::json),
    coalesce((
      select json_agg(c.closure_date)
      from location_closures c
      where c.tenant_id = r.tenant_id and c.location_id = r.location_id and c.closure_date between p_from and p_to
    ), '[]'::json),
    (
      select string_agg(a.occupied_start_ms || ',' || a.occupied_end_ms || ',' || a.places || ','
               || case when a.capacity_mode = 'exclusive' then '1' else '0' end, ',')
      from allocations a
      where a.tenant_id = r.tenant_id and a.resource_id = r.id and a.active
        and a.occupied_end_ms > p_busy_from_ms and a.occupied_start_ms < p_busy_to_ms
    )
  from resources r
  join locations l on l.tenant_id = r.tenant_id and l.id = r.location_id
  where r.tenant_id = p_tenant and r.id = any (v_ids) and r.status = 'active' and l.status <> 'archived'
  order by r.name, r.id;
end
$$;
