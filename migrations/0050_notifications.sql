-- Notifications: tenant-edited templates, per-tenant settings (reminder offsets, channels),
-- one row per message with its delivery tracking, and receipts of the events already handled.

create table notification_templates (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 255),
  -- A template key of the catalogue: booking.confirmed, booking.reminder, payment.succeeded, ...
  event_type text not null check (length(event_type) between 1 and 100),
  channel text not null check (channel in ('email', 'sms', 'whatsapp', 'push')),
  language text not null check (language ~ '^[a-z]{2,3}$'),
  subject text check (length(subject) <= 500),
  body text not null,
  body_html text,
  -- The variables the template uses, as found when it was saved (for display).
  variables jsonb not null default '[]',
  is_active boolean not null default true,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, event_type, channel, language)
);
create index notification_templates_list on notification_templates (tenant_id, created_at, id);
alter table notification_templates enable row level security;
alter table notification_templates force row level security;
create policy notification_templates_tenant_isolation on notification_templates
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

create table notification_settings (
  tenant_id uuid not null references tenants (id),
  -- {reminder_offsets_minutes: [1440, 120], service_reminder_offsets: {<service id>: [..]},
  --  channels: {email: true, sms: false, whatsapp: false, push: false}, language: 'es'}
  settings jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);
alter table notification_settings enable row level security;
alter table notification_settings force row level security;
create policy notification_settings_tenant_isolation on notification_settings
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- One message to one recipient on one channel. Personal data (the rendered subject and
-- bodies, the address it went to) is stored encrypted; the recipient is identified by
-- customer id (or business id) and its address resolved when sending.
create table notifications (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- What makes the message unique: the event (or reminder slot) + template key + channel + recipient.
  -- A second attempt to create the same message is a no-op: nothing is sent twice.
  dedupe_key text not null,
  event_id uuid,
  event_type text not null,
  booking_id uuid,
  customer_id uuid,
  business_id uuid,
  template_id uuid,
  channel text not null check (channel in ('email', 'sms', 'whatsapp', 'push')),
  recipient_kind text not null check (recipient_kind in ('customer', 'business')),
  recipient_hint text,
  recipient_enc text,
  language text not null,
  subject_enc text,
  body_enc text not null,
  body_html_enc text,
  -- The calendar invitation attached to an email (booking uid, sequence, times, zone, summary).
  invitation jsonb,
  marketing boolean not null default false,
  transport text check (transport in ('smtp', 'twilio', 'captured', 'webpush')),
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'delivered', 'failed', 'bounced', 'captured', 'skipped')),
  provider_message_id text,
  error_message text,
  attempts integer not null default 0,
  resend_count integer not null default 0,
  scheduled_for timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, dedupe_key)
);
create index notifications_list on notifications (tenant_id, created_at desc, id desc);
create index notifications_booking on notifications (tenant_id, booking_id) where booking_id is not null;
create index notifications_customer on notifications (tenant_id, customer_id) where customer_id is not null;
create index notifications_provider on notifications (provider_message_id) where provider_message_id is not null;
alter table notifications enable row level security;
alter table notifications force row level security;
create policy notifications_tenant_isolation on notifications
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());

-- Events whose messages and reminders were planned: the planning commits with its receipt,
-- so a re-run of the planning job (worker died after commit) does nothing.
create table notification_event_receipts (
  tenant_id uuid not null references tenants (id),
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (tenant_id, event_id)
);
alter table notification_event_receipts enable row level security;
alter table notification_event_receipts force row level security;
create policy notification_event_receipts_tenant_isolation on notification_event_receipts
  using (tenant_id = current_tenant_id())
  with check (tenant_id = current_tenant_id());
