-- Tenancy: monthly usage counted over several rows (shards) per tenant and metric.
-- Conventions: see the header of 0002_tenancy.sql.
--
-- Every booking adds one to the month's `bookings_per_month`. With one row per tenant and
-- month, each booking's upsert held that row's lock until its commit, so all bookings of a
-- tenant committed one after another (at ~70/s under load, most of a booking's latency was
-- this queue). The value is now the sum of up to 32 rows:
-- * a plan WITH a limit counts on shard 0 only, checking shard 0 plus the others against the
--   limit in the same statement, so the last unit is still never taken twice (these plans are
--   the small ones, where one queue per tenant costs nothing);
-- * a plan WITHOUT a limit counts on a random shard 1-31, so concurrent bookings rarely meet.
-- Existing rows become shard 0.
alter table tenant_usage add column shard smallint not null default 0 check (shard between 0 and 31);
alter table tenant_usage drop constraint tenant_usage_pkey;
alter table tenant_usage add primary key (tenant_id, metric, period_start, shard);
