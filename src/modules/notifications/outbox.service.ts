import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { PaginationMeta } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { withdrawMarketingConsent } from '../customers/index.ts';
import { contentContext } from './message-composer.ts';
import { notificationDeliveryJob } from './notification-jobs.ts';
import { hasSecretPlaceholder, maskSecret, revealSecret } from './one-time-secret.ts';
import * as repo from './notifications.repository.ts';
import type { ListNotificationsQuery, NotificationView } from './notifications.schemas.ts';
import { readUnsubscribeToken } from './unsubscribe-token.ts';

/**
 * Puts a finished message (sent, delivered, failed, bounced, captured) back in the queue, in the
 * caller's transaction: the dashboard's outbox and the platform console's support tools both
 * resend through here. Same content, address looked up afresh at delivery.
 * @throws 404 when the tenant has no such message; CONFLICT when it was erased, is a one-time
 * code whose secret is gone, or is still being sent.
 */
export async function resendMessage(trx: Executor, keyRing: KeyRing, tenantId: string, id: string): Promise<repo.NotificationRow> {
  const existing = await repo.findNotification(trx, tenantId, id);
  if (!existing) throw notFound('Notification');
  if (existing.body_enc === null) throw new AppError('CONFLICT', 'This message was erased with its customer');
  const body = keyRing.decrypt(existing.body_enc, contentContext(tenantId, id));
  if (hasSecretPlaceholder(body) && existing.secret_enc === null) {
    throw new AppError('CONFLICT', 'A one-time code is never sent twice; the guest asks for a new one');
  }
  const reopened = await repo.reopenForResend(trx, tenantId, id);
  if (!reopened) throw new AppError('CONFLICT', 'This message is still being sent');
  await enqueue(trx, notificationDeliveryJob, { notification_id: id }, {
    tenantId,
    dedupeKey: `notification:${id}:resend:${reopened.resend_count}`,
  });
  return reopened;
}

/**
 * The dashboard's outbox: every message with its delivery state (captured
 * ones included), the resend support needs (RF6.2) and the unsubscribe link.
 */
export function createOutboxService(deps: { db: Db; keyRing: KeyRing }) {
  /**
   * A one-time code shows masked, except in a captured message: there the
   * outbox is the delivery (embedded mode without a provider), so whoever may
   * read the outbox reads the code, as they would read the email.
   */
  function shown(row: repo.NotificationRow, text: string | null, context: string): string | null {
    const secret = row.status === 'captured' ? deps.keyRing.decryptNullable(row.secret_enc, context) : null;
    return secret === null ? maskSecret(text) : revealSecret(text, secret);
  }

  function toView(row: repo.NotificationRow): NotificationView & { body_html: string | null } {
    const context = contentContext(row.tenant_id, row.id);
    return {
      id: row.id,
      event_type: row.event_type,
      event_id: row.event_id,
      channel: row.channel,
      transport: row.transport,
      status: row.status,
      recipient_kind: row.recipient_kind,
      recipient: row.recipient_hint,
      customer_id: row.customer_id,
      booking_id: row.booking_id,
      language: row.language,
      subject: shown(row, deps.keyRing.decryptNullable(row.subject_enc, context), context),
      // Empty once erased with the customer.
      body: shown(row, deps.keyRing.decryptNullable(row.body_enc, context), context) ?? '',
      body_html: shown(row, deps.keyRing.decryptNullable(row.body_html_enc, context), context),
      has_invitation: row.invitation !== null,
      marketing: row.marketing,
      provider_message_id: row.provider_message_id,
      error: row.error_message,
      error_code: row.error_code,
      attempts: row.attempts,
      resend_count: row.resend_count,
      sent_at: row.sent_at?.toISOString() ?? null,
      delivered_at: row.delivered_at?.toISOString() ?? null,
      failed_at: row.failed_at?.toISOString() ?? null,
      created_at: row.created_at.toISOString(),
    };
  }

  return {
    async list(tenantId: string, query: ListNotificationsQuery): Promise<{ items: NotificationView[]; pagination: PaginationMeta }> {
      const position = decodeCursor(query.cursor);
      const before = position ? { createdAt: new Date(position.value), id: position.id } : undefined;
      if (before && Number.isNaN(before.createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not valid for this list');
      const rows = await withTenant(deps.db, tenantId, (trx) =>
        repo.listNotifications(trx, tenantId, {
          status: query.status,
          channel: query.channel,
          bookingId: query.booking_id,
          customerId: query.customer_id,
          before,
          limit: query.limit + 1,
        }),
      );
      const hasMore = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => {
          const { body_html: _html, ...view } = toView(row);
          return view;
        }),
        pagination: {
          cursor: hasMore && last ? encodeCursor({ value: last.created_at.toISOString(), id: last.id }) : null,
          has_more: hasMore,
        },
      };
    },

    async get(tenantId: string, id: string) {
      const row = await withTenant(deps.db, tenantId, (trx) => repo.findNotification(trx, tenantId, id));
      if (!row) throw notFound('Notification');
      return toView(row);
    },

    /** Sends a finished message again (same content, address looked up afresh). */
    async resend(tenantId: string, id: string) {
      const row = await withTenant(deps.db, tenantId, (trx) => resendMessage(trx, deps.keyRing, tenantId, id));
      return toView(row);
    },

    /** One-click unsubscribe (RFC 8058): withdraws marketing consent. Unknown tokens are 404. */
    async unsubscribe(token: string): Promise<void> {
      const owner = readUnsubscribeToken(deps.keyRing, token);
      if (owner === null) throw notFound('Subscription');
      await withTenant(deps.db, owner.tenantId, (trx) =>
        withdrawMarketingConsent(trx, owner.tenantId, owner.customerId, 'unsubscribe_link'),
      );
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
