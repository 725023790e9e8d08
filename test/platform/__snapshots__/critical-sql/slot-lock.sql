-- booking/slot-lock.ts: tryLockSlotUnlessFull (one round trip), lockSlotThenIsStartFull (shared, then exclusive), lockSlot (batches)

select count(*) as "count", min("slot_capacity") as "capacity", (select pg_try_advisory_xact_lock(hashtext($1))) as "locked" from "bookings" where "tenant_id" = $2 and "resource_id" = $3 and "start_time" = $4 and "status" in ($5, $6, $7);
-- parameters: ["booking-slot:00000000-0000-4000-8000-00000000a001:00000000-0000-4000-8000-00000000b001:1772442000000","00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001","2026-03-02T09:00:00.000Z","pending_payment","confirmed","rescheduled"]

select booking_start_full_after_lock($1, $2, $3::uuid,
                                           $4::uuid, $5::timestamptz, $6::text[]) as full;
-- parameters: ["booking-slot:00000000-0000-4000-8000-00000000a001:00000000-0000-4000-8000-00000000b001:1772442000000",true,"00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001","2026-03-02T09:00:00.000Z",["pending_payment","confirmed","rescheduled"]]

select booking_start_full_after_lock($1, $2, $3::uuid,
                                           $4::uuid, $5::timestamptz, $6::text[]) as full;
-- parameters: ["booking-slot:00000000-0000-4000-8000-00000000a001:00000000-0000-4000-8000-00000000b001:1772442000000",false,"00000000-0000-4000-8000-00000000a001","00000000-0000-4000-8000-00000000b001","2026-03-02T09:00:00.000Z",["pending_payment","confirmed","rescheduled"]]

select pg_advisory_xact_lock(hashtext($1));
-- parameters: ["booking-slot:00000000-0000-4000-8000-00000000a001:00000000-0000-4000-8000-00000000b001:1772442000000"]
