-- Worker claim (drain: one claim that finds nothing due)

with leases as (
        select * from unnest($1::text[], $2::float8[]) as lease(name, seconds)
      )
      update jobs set
        status = 'running',
        attempts = jobs.attempts + 1,
        locked_by = $3,
        locked_until = now() + make_interval(secs => (select seconds from leases where leases.name = jobs.name)),
        updated_at = now()
      where id in (
        select id from jobs
        where name = any($4::text[])
          and ((status = 'pending' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by priority desc, run_at
        limit $5
        for update skip locked
      )
      returning id, tenant_id, name, version, payload, attempts, max_attempts, trace_context;
-- parameters: [["events.fanout","notifications.deliver"],[30,30],"worker-1",["events.fanout","notifications.deliver"],4]
