-- Worker claim (drain: one claim that finds nothing due)

update jobs set
        status = 'running',
        attempts = jobs.attempts + 1,
        locked_by = $1,
        locked_until = now() + make_interval(secs => $2),
        updated_at = now()
      where id in (
        select id from jobs
        where name = any($3::text[])
          and ((status = 'pending' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by priority desc, run_at
        limit $4
        for update skip locked
      )
      returning id, tenant_id, name, version, payload, attempts, max_attempts, trace_context;
-- parameters: ["worker-1",30,["events.fanout","notifications.deliver"],4]
