-- booking_start_full_after_lock(p_lock_key text, p_shared boolean, p_tenant_id uuid, p_resource_id uuid, p_start timestamp with time zone, p_active text[]) returns boolean language sql volatile
select pg_advisory_xact_lock_shared(hashtext(p_lock_key)) where p_shared;
  select pg_advisory_xact_lock(hashtext(p_lock_key)) where not p_shared;
  select count(*) > 0 and count(*) >= min(slot_capacity)
  from bookings
  where tenant_id = p_tenant_id and resource_id = p_resource_id and start_time = p_start and status = any (p_active);
