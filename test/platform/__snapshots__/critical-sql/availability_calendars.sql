-- availability_calendars(p_tenant uuid, p_ids uuid[], p_same_locations boolean, p_from date, p_to date, p_busy_from_ms bigint, p_busy_to_ms bigint) returns TABLE(id uuid, location_id uuid, name text, type text, capacity integer, skills text[], timezone text, schedules json, exceptions json, closures json, busy text) language plpgsql stable
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
