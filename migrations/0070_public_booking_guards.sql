-- Public booking guards: what an anonymous caller can learn and how much of a business they can take.
-- Conventions: see the header of 0002_tenancy.sql.
--
-- 1. A guest whose email or phone is already a customer's, and who has not proved it (a
--    verification code), is not matched to that customer: anyone can type anyone's email. The
--    booking gets a guest record of its own holding exactly what the form sent, marked
--    `contact_unproven`. Such rows keep their blind indexes (the business finds them by email,
--    export and erasure reach them) but do not take part in the uniqueness of an email or
--    phone: the unique indexes now skip them. Staff can merge them into the customer later.
alter table customers add column contact_unproven boolean not null default false;

drop index customers_tenant_email;
drop index customers_tenant_phone;
create unique index customers_tenant_email on customers (tenant_id, email_bidx)
  where email_bidx is not null and not contact_unproven;
create unique index customers_tenant_phone on customers (tenant_id, phone_bidx)
  where phone_bidx is not null and not contact_unproven;
create index customers_unproven_email on customers (tenant_id, email_bidx)
  where email_bidx is not null and contact_unproven;
create index customers_unproven_phone on customers (tenant_id, phone_bidx)
  where phone_bidx is not null and contact_unproven;

-- 2. Where each public (non-staff) booking came from: one row per key, a keyed hash of the
--    client IP address ('ip') or of the guest's email or phone ('contact'), never the value.
--    The booking flow counts a key's active upcoming bookings before taking another.
create table public_booking_origins (
  tenant_id uuid not null,
  booking_id uuid not null,
  kind text not null check (kind in ('ip', 'contact')),
  key_hash text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, booking_id, kind, key_hash),
  foreign key (tenant_id, booking_id) references bookings (tenant_id, id) on delete cascade
);
-- Equality on text is leakproof, so the planner uses this index under Row-Level Security.
create index public_booking_origins_key on public_booking_origins (tenant_id, key_hash);

alter table public_booking_origins enable row level security;
alter table public_booking_origins force row level security;
create policy public_booking_origins_tenant_isolation on public_booking_origins
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
