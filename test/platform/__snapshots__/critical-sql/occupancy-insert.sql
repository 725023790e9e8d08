-- OccupancyRepository: lockResource, insertIfFits with capacity 1 (exclusive), insertIfFits with capacity 3 (shared, 2 places)

select pg_advisory_xact_lock(hashtext($1 || ':' || $2));
-- parameters: ["00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001"]

with taken as (
        select coalesce(sum(places), 0)::int as places, coalesce(bool_or(capacity_mode = 'exclusive'), false) as exclusive
        from allocations
        where tenant_id = $1 and resource_id = $2 and active
          -- The millisecond bounds (a superset, leakproof) let the index skip the past under
          -- RLS (migration 0012); the range test keeps the exact answer.
          and occupied_end_ms >= $3::bigint and occupied_start_ms <= $4::bigint
          and occupied && tstzrange($5, $6, '[)')
      )
      insert into allocations (tenant_id, resource_id, booking_id, occupied, places, capacity_mode)
      select $7, $8, $9, tstzrange($10, $11, '[)'), $12, $13
      from taken
      where taken.places = 0
      returning id;
-- parameters: ["00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001",1772442000000,1772444700000,"2026-03-02T09:00:00.000Z","2026-03-02T09:45:00.000Z","00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001","00000000-0000-4000-8000-00000000c001","2026-03-02T09:00:00.000Z","2026-03-02T09:45:00.000Z",1,"exclusive"]

with taken as (
        select coalesce(sum(places), 0)::int as places, coalesce(bool_or(capacity_mode = 'exclusive'), false) as exclusive
        from allocations
        where tenant_id = $1 and resource_id = $2 and active
          -- The millisecond bounds (a superset, leakproof) let the index skip the past under
          -- RLS (migration 0012); the range test keeps the exact answer.
          and occupied_end_ms >= $3::bigint and occupied_start_ms <= $4::bigint
          and occupied && tstzrange($5, $6, '[)')
      )
      insert into allocations (tenant_id, resource_id, booking_id, occupied, places, capacity_mode)
      select $7, $8, $9, tstzrange($10, $11, '[)'), $12, $13
      from taken
      where not taken.exclusive and taken.places + $14 <= $15
      returning id;
-- parameters: ["00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001",1772442000000,1772444700000,"2026-03-02T09:00:00.000Z","2026-03-02T09:45:00.000Z","00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001","00000000-0000-4000-8000-00000000c001","2026-03-02T09:00:00.000Z","2026-03-02T09:45:00.000Z",2,"shared",2,3]
