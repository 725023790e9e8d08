import type { ColumnType, Generated } from 'kysely';
import type { Language, NotificationChannel } from './notification-catalogue.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** `notification_templates` (migration 0050): a tenant's own version of a built-in template. */
export interface NotificationTemplatesTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  event_type: string;
  channel: NotificationChannel;
  language: Language;
  subject: string | null;
  body: string;
  body_html: string | null;
  variables: ColumnType<string[], string, string>;
  is_active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Per-tenant notification settings (stored JSON). */
export interface NotificationSettingsData {
  reminder_offsets_minutes?: number[];
  service_reminder_offsets?: Record<string, number[]>;
  channels?: Partial<Record<NotificationChannel, boolean>>;
  default_language?: Language;
}

export interface NotificationSettingsTable {
  tenant_id: string;
  settings: ColumnType<NotificationSettingsData, string, string>;
  updated_at: Generated<Date>;
}

export type NotificationStatus = 'pending' | 'sent' | 'delivered' | 'failed' | 'bounced' | 'captured' | 'skipped';
export type NotificationTransport = 'smtp' | 'twilio' | 'captured' | 'webpush';
/** Who a message goes to: a customer (address looked up when sending), the business, or an address given by the request (a guest's verification code). */
export type RecipientKind = 'customer' | 'business' | 'address';

/** What an emailed invitation needs (no personal data). */
export interface InvitationData {
  booking_id: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start_time: string;
  end_time: string;
  timezone: string;
  summary: string;
  location: string | null;
}

/** `notifications` (migration 0050): one message to one recipient on one channel. */
export interface NotificationsTable {
  tenant_id: string;
  id: Generated<string>;
  dedupe_key: string;
  event_id: string | null;
  event_type: string;
  booking_id: string | null;
  customer_id: string | null;
  business_id: string | null;
  template_id: string | null;
  channel: NotificationChannel;
  recipient_kind: RecipientKind;
  recipient_hint: string | null;
  recipient_enc: string | null;
  /** Keyed hash of an `address` recipient (migration 0062), for export and erasure. */
  recipient_bidx: string | null;
  language: string;
  subject_enc: string | null;
  /** Null once erased with its customer (migration 0062). */
  body_enc: string | null;
  body_html_enc: string | null;
  invitation: ColumnType<InvitationData | null, string | null, string | null>;
  marketing: Generated<boolean>;
  transport: NotificationTransport | null;
  status: Generated<NotificationStatus>;
  provider_message_id: string | null;
  error_message: string | null;
  /** The provider's error code (a Twilio status callback's ErrorCode). */
  error_code: string | null;
  /** A one-time secret (verification code) put into the text only when sending; cleared once sent. */
  secret_enc: string | null;
  /** Web Push subscriptions that already accepted this message (a retry skips them). */
  push_accepted_ids: ColumnType<string[], string[] | undefined, string[]>;
  attempts: Generated<number>;
  resend_count: Generated<number>;
  scheduled_for: NullableTimestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotificationEventReceiptsTable {
  tenant_id: string;
  event_id: string;
  processed_at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    notification_templates: NotificationTemplatesTable;
    notification_settings: NotificationSettingsTable;
    notifications: NotificationsTable;
    notification_event_receipts: NotificationEventReceiptsTable;
  }
}
