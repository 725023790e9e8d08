-- Booking: wait for a slot's lock and read whether the start is full, in one round trip.
-- Conventions: see the header of 0002_tenancy.sql.
--
-- In a storm for one slot, every request but the first finds the slot's advisory lock held
-- and waits for it, then reads whether the holder booked the start. The read must see what
-- the holder committed while the waiter waited, so it cannot share a statement with the wait
-- (a statement reads from the snapshot taken when it began). A VOLATILE SQL function takes a
-- fresh snapshot for each of its statements: the wait and the read travel as one call.
-- `p_shared` waits on the lock shared (all waiters released together) instead of exclusive.
-- Row-Level Security applies to the read (the function runs as its caller).
create function booking_start_full_after_lock(
  p_lock_key text, p_shared boolean, p_tenant_id uuid, p_resource_id uuid, p_start timestamptz, p_active text[]
) returns boolean
language sql volatile
as $$
  select pg_advisory_xact_lock_shared(hashtext(p_lock_key)) where p_shared;
  select pg_advisory_xact_lock(hashtext(p_lock_key)) where not p_shared;
  select count(*) > 0 and count(*) >= min(slot_capacity)
  from bookings
  where tenant_id = p_tenant_id and resource_id = p_resource_id and start_time = p_start and status = any (p_active);
$$;
