-- Coupons on the platform's plans (Stripe-like semantics, kept in our own tables):
--  * coupons: what the platform offers: a code, a percentage or an amount off in one currency, how
--    long it lasts (once: the next invoice; repeating: the invoices of N months from redemption;
--    forever), an optional cap on redemptions, an expiry and the plans it is for (empty: any);
--    archived coupons are kept (invoices name them) but no longer redeemed;
--  * coupon_redemptions: a coupon applied to a business's subscription; at most one running per
--    business (ended_at null). ends_at is when a repeating coupon stops discounting;
--  * platform_invoices.discount_amount / coupon_code: the discount an invoice got (also one of its
--    lines, before tax), so the API and reports need not read it back from the lines.

create table coupons (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'),
  name text not null check (length(name) between 1 and 120),
  percent_off int check (percent_off between 1 and 100),
  amount_off bigint check (amount_off > 0),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  duration text not null check (duration in ('once', 'repeating', 'forever')),
  duration_months int check (duration_months between 1 and 36),
  max_redemptions int check (max_redemptions > 0),
  times_redeemed int not null default 0 check (times_redeemed >= 0),
  redeem_by timestamptz,
  plan_ids jsonb not null default '[]',
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  check ((percent_off is null) <> (amount_off is null)),
  check ((amount_off is null) = (currency is null)),
  check ((duration = 'repeating') = (duration_months is not null)),
  check (max_redemptions is null or times_redeemed <= max_redemptions)
);
-- Businesses read coupons and count their redemptions; only the platform creates and archives them.
revoke insert, delete on coupons from reservehub_app;

create table coupon_redemptions (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  coupon_id uuid not null references coupons (id),
  redeemed_at timestamptz not null default now(),
  ends_at timestamptz,
  ended_at timestamptz,
  primary key (tenant_id, id)
);
create unique index coupon_redemptions_running on coupon_redemptions (tenant_id) where ended_at is null;
alter table coupon_redemptions enable row level security;
alter table coupon_redemptions force row level security;
create policy coupon_redemptions_tenant_isolation on coupon_redemptions
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

alter table platform_invoices
  add column discount_amount bigint not null default 0 check (discount_amount >= 0),
  add column coupon_code text;
