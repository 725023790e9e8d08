-- The utilisation heat map's rollup: the time bookings hold their resource, per local weekday
-- and hour of the location's zone, kept per (resource, local day of the booking's start) so the
-- refresh job recomputes it with `analytics_daily`'s unit and a report reads no bookings.
--
-- A booking from 09:30 to 10:30 puts 1,800 seconds in 09:00 and 1,800 in 10:00; a booking that
-- runs past midnight keeps its start's `day` and puts its later seconds in the next weekday's
-- cells. On a spring-forward day the skipped hour holds nothing and on a fall-back day the
-- repeated hour holds both. `bookings` counts the bookings that start in the cell.
create table analytics_hourly (
  tenant_id uuid not null references tenants (id),
  resource_id uuid not null,
  day date not null,
  service_id uuid not null,
  location_id uuid not null,
  weekday smallint not null check (weekday between 1 and 7),
  hour smallint not null check (hour between 0 and 23),
  business_id uuid not null,
  bookings integer not null default 0 check (bookings >= 0),
  booked_seconds bigint not null default 0 check (booked_seconds >= 0),
  primary key (tenant_id, resource_id, day, service_id, location_id, weekday, hour)
);
create index analytics_hourly_business_day on analytics_hourly (tenant_id, business_id, day);
alter table analytics_hourly enable row level security;
alter table analytics_hourly force row level security;
create policy analytics_hourly_tenant_isolation on analytics_hourly
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
