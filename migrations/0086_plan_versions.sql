-- Plan prices by version, so that a price change does not change what existing subscribers pay
-- (grandfathering):
--  * plan_versions: every price a plan has had (monthly, yearly, currency), numbered per plan. The
--    plans editor adds a version when a price changes; plans.price_version names the current one,
--    the one new sign-ups and plan changes get.
--  * subscriptions.plan_version: the prices the subscription signed up at (sign-up, plan change);
--    its renewals and the proration of an upgrade are charged at that version, not at the list.
--  * subscriptions.renewal_plan_version: set when the platform applies a new price to existing
--    subscribers; the next renewal moves to it (never in the middle of a paid period).
-- Limits and fees are not versioned: they stay on plans and apply to everyone at once.

create table plan_versions (
  plan_id text not null references plans (id),
  version int not null check (version >= 1),
  price_amount integer check (price_amount >= 0),
  annual_price_amount integer check (annual_price_amount >= 0),
  price_currency char(3) not null check (price_currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now(),
  primary key (plan_id, version),
  -- A yearly price needs a monthly one (a plan priced by contract has neither).
  check (annual_price_amount is null or price_amount is not null)
);
revoke insert, update, delete on plan_versions from reservehub_app;

alter table plans add column price_version int not null default 1 check (price_version >= 1);
insert into plan_versions (plan_id, version, price_amount, annual_price_amount, price_currency)
  select id, 1, price_amount, annual_price_amount::integer, price_currency from plans;

alter table subscriptions
  add column plan_version int,
  add column renewal_plan_version int;
update subscriptions s set plan_version = p.price_version from plans p where p.id = s.plan_id;
-- No default: every writer names the version it signs up at.
alter table subscriptions alter column plan_version set not null;
alter table subscriptions
  add constraint subscriptions_plan_version_fkey foreign key (plan_id, plan_version) references plan_versions (plan_id, version),
  add constraint subscriptions_renewal_plan_version_fkey foreign key (plan_id, renewal_plan_version) references plan_versions (plan_id, version);
create index subscriptions_by_plan on subscriptions (plan_id) where status <> 'cancelled';
