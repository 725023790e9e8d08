-- AvailabilityRepository.calendars: the calendar of the requested resources and, for two-resource services, of every resource at their locations

select * from availability_calendars($1::uuid, $2::uuid[],
        $3, $4::date, $5::date, $6::bigint, $7::bigint);
-- parameters: ["00000000-0000-4000-8000-00000000a001","{00000000-0000-4000-8000-00000000b001,00000000-0000-4000-8000-00000000b002}",true,"2026-03-02","2026-03-08",1772323200000,1773100800000]
