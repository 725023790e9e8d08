import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type {
  NotificationSettingsData,
  NotificationsTable,
  NotificationStatus,
  NotificationTransport,
} from './notifications.tables.ts';

export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotification = Omit<Insertable<NotificationsTable>, 'tenant_id'>;

/** Inserts a message unless one with the same dedupe key exists (nothing is sent twice). */
export async function insertNotificationOnce(
  executor: Executor,
  tenantId: string,
  notification: NewNotification,
): Promise<NotificationRow | undefined> {
  return executor
    .insertInto('notifications')
    .values({ ...notification, tenant_id: tenantId })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'dedupe_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findNotification(executor: Executor, tenantId: string, id: string): Promise<NotificationRow | undefined> {
  return executor
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface NotificationFilter {
  status?: NotificationStatus | undefined;
  channel?: string | undefined;
  bookingId?: string | undefined;
  customerId?: string | undefined;
  before?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export async function listNotifications(executor: Executor, tenantId: string, filter: NotificationFilter): Promise<NotificationRow[]> {
  const before = filter.before;
  return executor
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status ?? 'pending'))
    .$if(filter.channel !== undefined, (qb) => qb.where('channel', '=', filter.channel === 'sms' ? 'sms' : filter.channel === 'whatsapp' ? 'whatsapp' : filter.channel === 'push' ? 'push' : 'email'))
    .$if(filter.bookingId !== undefined, (qb) => qb.where('booking_id', '=', filter.bookingId ?? ''))
    .$if(filter.customerId !== undefined, (qb) => qb.where('customer_id', '=', filter.customerId ?? ''))
    .$if(before !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '<', before?.createdAt ?? new Date(0)),
          eb.and([eb('created_at', '=', before?.createdAt ?? new Date(0)), eb('id', '<', before?.id ?? '')]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}

export interface DeliveryOutcome {
  status: NotificationStatus;
  transport: NotificationTransport | null;
  providerMessageId: string | null;
  error: string | null;
  recipientHint: string | null;
  recipientEnc: string | null;
}

/** Records one send attempt; only a pending message changes (a late duplicate run changes nothing). */
export async function recordAttempt(executor: Executor, tenantId: string, id: string, outcome: DeliveryOutcome): Promise<void> {
  const now = new Date();
  await executor
    .updateTable('notifications')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: outcome.status,
      transport: outcome.transport,
      provider_message_id: outcome.providerMessageId,
      error_message: outcome.error,
      recipient_hint: outcome.recipientHint,
      recipient_enc: outcome.recipientEnc,
      ...(outcome.status === 'sent' || outcome.status === 'captured' ? { sent_at: now } : {}),
      ...(outcome.status === 'failed' || outcome.status === 'bounced' ? { failed_at: now } : {}),
      updated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Counts a failed attempt that will be retried. */
export async function recordRetry(executor: Executor, tenantId: string, id: string, error: string): Promise<number> {
  const row = await executor
    .updateTable('notifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), error_message: error, updated_at: new Date() }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

/** Puts a finished message back to pending for a resend; undefined when it is still pending. */
export async function reopenForResend(executor: Executor, tenantId: string, id: string): Promise<NotificationRow | undefined> {
  return executor
    .updateTable('notifications')
    .set((eb) => ({ status: 'pending', resend_count: eb('resend_count', '+', 1), error_message: null, updated_at: new Date() }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '!=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Marks an event as handled; false when it already was. */
export async function claimEventReceipt(executor: Executor, tenantId: string, eventId: string): Promise<boolean> {
  const row = await executor
    .insertInto('notification_event_receipts')
    .values({ tenant_id: tenantId, event_id: eventId })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findSettings(executor: Executor, tenantId: string): Promise<NotificationSettingsData> {
  const row = await executor
    .selectFrom('notification_settings')
    .select('settings')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.settings ?? {};
}

export async function saveSettings(executor: Executor, tenantId: string, settings: NotificationSettingsData): Promise<void> {
  await executor
    .insertInto('notification_settings')
    .values({ tenant_id: tenantId, settings: JSON.stringify(settings) })
    .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: new Date() }))
    .execute();
}

/** A stored domain event (the outbox), for planning its messages. */
export interface StoredEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  previous_attributes: Record<string, unknown> | null;
  created_at: Date;
}

export async function findEvent(executor: Executor, tenantId: string, eventId: string): Promise<StoredEvent | undefined> {
  const result = await sql<StoredEvent>`
    select id, type, data, previous_attributes, created_at from events
    where tenant_id = ${tenantId} and id = ${eventId}`.execute(executor);
  return result.rows[0];
}

/**
 * The tenant's (first) business as messages need it: name, contact, zone,
 * language. Tenancy owns the table and exports no reader yet; this is a
 * read-only, tenant-scoped query under RLS.
 */
export interface BusinessProfile {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  timezone: string;
  currency: string;
  language: string | null;
}

export async function findBusinessProfile(executor: Executor, tenantId: string): Promise<BusinessProfile | undefined> {
  const result = await sql<BusinessProfile>`
    select id, name, email, phone, timezone, currency, settings->>'language' as language
    from businesses where tenant_id = ${tenantId} order by created_at, id limit 1`.execute(executor);
  return result.rows[0];
}
