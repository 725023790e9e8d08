import { sql, type ExpressionBuilder, type Insertable, type Selectable } from 'kysely';
import type { Database, Executor } from '../../platform/db/database.ts';
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
  /** Drops the one-time secret (a verification code that reached its recipient, or never will). */
  clearSecret?: boolean | undefined;
  /** Web Push: every subscription that accepted the message, over all attempts. */
  pushAcceptedIds?: readonly string[] | undefined;
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
      error_code: null,
      recipient_hint: outcome.recipientHint,
      recipient_enc: outcome.recipientEnc,
      ...(outcome.clearSecret ? { secret_enc: null } : {}),
      ...(outcome.pushAcceptedIds ? { push_accepted_ids: [...outcome.pushAcceptedIds] } : {}),
      ...(outcome.status === 'sent' || outcome.status === 'captured' ? { sent_at: now } : {}),
      ...(outcome.status === 'failed' || outcome.status === 'bounced' ? { failed_at: now } : {}),
      updated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Counts a failed attempt that will be retried (with the push subscriptions that did accept it so far). */
export async function recordRetry(
  executor: Executor,
  tenantId: string,
  id: string,
  error: string,
  pushAcceptedIds?: readonly string[],
): Promise<number> {
  const row = await executor
    .updateTable('notifications')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      error_message: error,
      ...(pushAcceptedIds ? { push_accepted_ids: [...pushAcceptedIds] } : {}),
      updated_at: new Date(),
    }))
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
    .set((eb) => ({
      status: 'pending',
      resend_count: eb('resend_count', '+', 1),
      error_message: null,
      error_code: null,
      // A resend goes to every browser again.
      push_accepted_ids: [],
      updated_at: new Date(),
    }))
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

/** The tenant of a message sent through a provider, found by the provider's id (status callbacks name no tenant). */
export async function tenantOfProviderMessage(
  executor: Executor,
  transport: NotificationTransport,
  providerMessageId: string,
): Promise<string | undefined> {
  const row = await executor
    .selectFrom('notifications')
    .select('tenant_id')
    .where('provider_message_id', '=', providerMessageId)
    .where('transport', '=', transport)
    .limit(1)
    .executeTakeFirst();
  return row?.tenant_id;
}

/** A delivery report from the provider: the message reached the handset, or finally did not. */
export type ProviderReport = { status: 'delivered'; at: Date } | { status: 'failed'; at: Date; errorCode: string | null; error: string };

/**
 * Applies a provider's delivery report to the message it sent. Only a `sent`
 * message moves (to `delivered` or `failed`, both final), so a repeated or
 * late report — `sent` after `delivered`, anything for a message reopened
 * for a resend — changes nothing. Returns whether the row changed.
 */
export async function applyProviderReport(
  executor: Executor,
  tenantId: string,
  transport: NotificationTransport,
  providerMessageId: string,
  report: ProviderReport,
): Promise<boolean> {
  const result = await executor
    .updateTable('notifications')
    .set(
      report.status === 'delivered'
        ? { status: 'delivered', delivered_at: report.at, updated_at: new Date() }
        : { status: 'failed', failed_at: report.at, error_code: report.errorCode, error_message: report.error, updated_at: new Date() },
    )
    .where('tenant_id', '=', tenantId)
    .where('transport', '=', transport)
    .where('provider_message_id', '=', providerMessageId)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Whose messages: the customer's own, and those sent to their addresses before they were a customer. */
export interface CustomerMessagesFilter {
  customerId: string;
  recipientBidxs: readonly string[];
}

function customerMessages(filter: CustomerMessagesFilter) {
  return (eb: ExpressionBuilder<Database, 'notifications'>) =>
    filter.recipientBidxs.length === 0
      ? eb('customer_id', '=', filter.customerId)
      : eb.or([eb('customer_id', '=', filter.customerId), eb('recipient_bidx', 'in', [...filter.recipientBidxs])]);
}

export async function listCustomerMessages(executor: Executor, tenantId: string, filter: CustomerMessagesFilter): Promise<NotificationRow[]> {
  return executor
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(customerMessages(filter))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Erasure: strips the customer's messages of everything personal (content,
 * address, its hint and hash, the one-time secret, the invitation, provider
 * error texts that may quote the number); a message not sent yet never goes.
 * The rows stay as delivery statistics. Returns how many were stripped.
 */
export async function eraseCustomerMessages(executor: Executor, tenantId: string, filter: CustomerMessagesFilter): Promise<number> {
  const now = new Date();
  const result = await executor
    .updateTable('notifications')
    .set((eb) => ({
      status: eb.case().when('status', '=', 'pending').then(sql<NotificationStatus>`'skipped'`).else(eb.ref('status')).end(),
      subject_enc: null,
      body_enc: null,
      body_html_enc: null,
      secret_enc: null,
      recipient_enc: null,
      recipient_hint: null,
      recipient_bidx: null,
      invitation: null,
      error_message: null,
      updated_at: now,
    }))
    .where('tenant_id', '=', tenantId)
    .where(customerMessages(filter))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Merge: the duplicate's messages now belong to the surviving customer. */
export async function reassignCustomerMessages(executor: Executor, tenantId: string, fromId: string, toId: string): Promise<number> {
  const result = await executor
    .updateTable('notifications')
    .set({ customer_id: toId, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
