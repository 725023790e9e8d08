-- Guest verification codes and waitlist offers go through the notifications pipeline
-- (templates, channels, delivery tracking) instead of the booking module's capture table.

drop table booking_captured_messages;

-- A message may go to an address given by the request (a guest verifying an email or phone
-- before any customer exists): kind 'address', the address encrypted in recipient_enc from
-- the start and a keyed hash of it (recipient_bidx) so export and erasure find it without
-- decrypting every row.
alter table notifications drop constraint notifications_recipient_kind_check;
alter table notifications add constraint notifications_recipient_kind_check
  check (recipient_kind in ('customer', 'business', 'address'));
alter table notifications add column recipient_bidx text;
create index notifications_recipient_bidx on notifications (tenant_id, recipient_bidx) where recipient_bidx is not null;

-- A one-time secret (a verification code), encrypted apart from the body: the stored body only
-- holds a placeholder, the code is put in when sending and this column is cleared once sent.
alter table notifications add column secret_enc text;

-- The provider's error code of a failed delivery (Twilio status callbacks: 30003, ...).
alter table notifications add column error_code text check (length(error_code) <= 40);

-- Web Push: the subscriptions that already accepted this message, so a retry after a transient
-- failure (5xx, 429, network) goes only to the browsers that did not get it yet.
alter table notifications add column push_accepted_ids text[] not null default '{}';

-- Erasure strips a customer's messages of their content: the body may then be absent.
alter table notifications alter column body_enc drop not null;
