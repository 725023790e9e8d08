import type { Logger } from 'pino';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineJob, type JobDefinition, type JobOutcome } from '../../platform/jobs/job-definition.ts';
import { buildBookingsIcs } from '../calendar/index.ts';
import { getCustomerForBooking, hasMarketingConsent } from '../customers/index.ts';
import { ChannelError } from './channels/channel-error.ts';
import type { EmailSender } from './channels/smtp-sender.ts';
import type { TextSender } from './channels/twilio-sender.ts';
import type { PushSender } from './channels/webpush-sender.ts';
import { contentContext } from './message-composer.ts';
import { maskRecipient } from './message-content.ts';
import { notificationDeliveryJob } from './notification-jobs.ts';
import * as repo from './notifications.repository.ts';
import { deletePushSubscription, markPushUsed, pushTargetsOf, type StoredPushTarget } from './push-subscriptions.ts';
import type { NotificationTransport } from './notifications.tables.ts';
import { unsubscribeUrl } from './unsubscribe-token.ts';

export interface DeliveryDeps {
  keyRing: KeyRing;
  publicUrl: string;
  /** From header, e.g. "Salon <no-reply@example.com>"; its address organizes invitations. */
  emailFrom: string;
  /** Null in embedded mode without SMTP_URL: messages are captured instead. */
  email: EmailSender | null;
  /** Null without Twilio settings: SMS and WhatsApp are captured. */
  text: TextSender | null;
  /** Null without VAPID keys: push messages are captured. */
  push: PushSender | null;
  logger: Logger;
}

interface PreparedMessage {
  row: repo.NotificationRow;
  address: string;
  subject: string | null;
  text: string;
  html: string | null;
  businessName: string;
  /** Push: the customer's subscribed browsers. */
  pushTargets: StoredPushTarget[];
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/**
 * Sends one stored message on its channel — or captures it (embedded mode
 * without a provider) — and records the outcome on the row. Transient
 * failures retry with the worker's backoff; permanent ones (rejected
 * recipient, invalid number) end as `bounced`/`failed`, resendable by
 * support. The recipient's address is looked up now, not stored in advance.
 */
export function createNotificationDeliveryJob(deps: DeliveryDeps): JobDefinition<typeof notificationDeliveryJob.payload> {
  return defineJob({
    ...notificationDeliveryJob,
    timeoutMs: 60_000,
    async handle(payload, context): Promise<JobOutcome> {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'notification without tenant' };

      const prepared = await withTenant(context.db, tenantId, async (trx): Promise<PreparedMessage | null> => {
        const row = await repo.findNotification(trx, tenantId, payload.notification_id);
        if (!row || row.status !== 'pending') return null;
        const skip = async (reason: string) => {
          await repo.recordAttempt(trx, tenantId, row.id, {
            status: 'skipped',
            transport: null,
            providerMessageId: null,
            error: reason,
            recipientHint: null,
            recipientEnc: null,
          });
          return null;
        };
        const business = await repo.findBusinessProfile(trx, tenantId);
        let address: string | null = null;
        let pushTargets: StoredPushTarget[] = [];
        if (row.recipient_kind === 'business') {
          address = business?.email ?? null;
        } else if (row.customer_id !== null) {
          try {
            const customer = await getCustomerForBooking(trx, deps.keyRing, tenantId, row.customer_id);
            if (row.channel === 'push') {
              pushTargets = await pushTargetsOf(trx, deps.keyRing, tenantId, row.customer_id);
              address = pushTargets.length === 0 ? null : `${pushTargets.length} push subscription${pushTargets.length === 1 ? '' : 's'}`;
            } else {
              address = row.channel === 'email' ? customer.email : customer.phone;
            }
          } catch (error) {
            if (error instanceof AppError && error.code === 'NOT_FOUND') return skip('the customer no longer exists');
            throw error;
          }
          if (row.marketing && !(await hasMarketingConsent(trx, tenantId, row.customer_id))) {
            return skip('no marketing consent');
          }
        }
        if (address === null) {
          return skip(`no ${row.channel === 'email' ? 'email address' : row.channel === 'push' ? 'push subscription' : 'phone number'} on file`);
        }
        const context_ = contentContext(tenantId, row.id);
        return {
          row,
          address,
          subject: deps.keyRing.decryptNullable(row.subject_enc, context_),
          text: deps.keyRing.decrypt(row.body_enc, context_),
          html: deps.keyRing.decryptNullable(row.body_html_enc, context_),
          businessName: business?.name ?? 'ReserveHub',
          pushTargets,
        };
      });
      if (prepared === null) return { outcome: 'done', note: 'nothing to send' };
      const { row } = prepared;

      let transport: NotificationTransport = 'captured';
      let providerMessageId: string | null = null;
      let status: 'sent' | 'captured' = 'captured';
      try {
        if (row.channel === 'email' && deps.email) {
          transport = 'smtp';
          const invitation = row.invitation
            ? {
                method: row.invitation.method,
                content: buildBookingsIcs(
                  [
                    {
                      bookingId: row.invitation.booking_id,
                      sequence: row.invitation.sequence,
                      status: row.invitation.method === 'CANCEL' ? 'cancelled' : 'confirmed',
                      startTime: new Date(row.invitation.start_time),
                      endTime: new Date(row.invitation.end_time),
                      timezone: row.invitation.timezone,
                      summary: row.invitation.summary,
                      location: row.invitation.location ?? undefined,
                      stamp: row.created_at,
                    },
                  ],
                  {
                    name: prepared.businessName,
                    method: row.invitation.method,
                    organizer: { name: prepared.businessName, email: addressOf(deps.emailFrom) },
                  },
                ),
              }
            : undefined;
          const sent = await deps.email.send({
            messageId: `<${row.id}@reservehub>`,
            to: prepared.address,
            subject: prepared.subject ?? '',
            text: prepared.text,
            html: prepared.html ?? prepared.text,
            invitation,
            unsubscribeUrl:
              row.marketing && row.customer_id !== null ? unsubscribeUrl(deps.keyRing, deps.publicUrl, tenantId, row.customer_id) : undefined,
          });
          providerMessageId = sent.providerMessageId;
          status = 'sent';
        } else if ((row.channel === 'sms' || row.channel === 'whatsapp') && deps.text) {
          transport = 'twilio';
          const sent = await deps.text.send({ channel: row.channel, to: prepared.address, body: prepared.text });
          providerMessageId = sent.providerMessageId;
          status = 'sent';
        } else if (row.channel === 'push' && deps.push) {
          transport = 'webpush';
          providerMessageId = await sendPush(deps.push, context.db, tenantId, prepared);
          status = 'sent';
        }
      } catch (error) {
        const failure = error instanceof ChannelError ? error : new ChannelError(error instanceof Error ? error.message : 'send failed', { permanent: false });
        const lastTry = context.attempt >= (notificationDeliveryJob.maxAttempts ?? 8);
        await withTenant(context.db, tenantId, async (trx) => {
          if (failure.permanent || lastTry) {
            await repo.recordAttempt(trx, tenantId, row.id, {
              status: failure.status,
              transport,
              providerMessageId: null,
              error: failure.message,
              recipientHint: maskRecipient(prepared.address),
              recipientEnc: null,
            });
          } else {
            await repo.recordRetry(trx, tenantId, row.id, failure.message);
          }
        });
        deps.logger.warn({ notification_id: row.id, channel: row.channel, transport, permanent: failure.permanent }, 'notification send failed');
        return failure.permanent || lastTry ? { outcome: 'done', note: failure.message } : { outcome: 'retry', reason: failure.message };
      }

      await withTenant(context.db, tenantId, (trx) =>
        repo.recordAttempt(trx, tenantId, row.id, {
          status,
          transport,
          providerMessageId,
          error: null,
          recipientHint: maskRecipient(prepared.address),
          recipientEnc: deps.keyRing.encrypt(prepared.address, contentContext(tenantId, row.id)),
        }),
      );
      return { outcome: 'done' };
    },
  });
}

/**
 * Sends one message to every browser the customer subscribed. A 404/410 from
 * the push service means the subscription is gone: it is removed. Sent when
 * any browser accepted it; bounced when none is left; a transient failure
 * with nothing accepted retries the message.
 */
async function sendPush(sender: PushSender, db: Db, tenantId: string, prepared: PreparedMessage): Promise<string | null> {
  const payload = JSON.stringify({
    title: prepared.subject ?? prepared.businessName,
    body: prepared.text,
    tag: prepared.row.id,
    ...(prepared.row.booking_id ? { booking_id: prepared.row.booking_id } : {}),
  });
  const accepted: string[] = [];
  const gone: string[] = [];
  let providerMessageId: string | null = null;
  let transient: ChannelError | null = null;
  for (const target of prepared.pushTargets) {
    try {
      const result = await sender.send(target, { payload });
      if (result.outcome === 'gone') {
        gone.push(target.id);
      } else {
        accepted.push(target.id);
        providerMessageId ??= result.providerMessageId;
      }
    } catch (error) {
      const failure = error instanceof ChannelError ? error : new ChannelError(error instanceof Error ? error.message : 'push failed', { permanent: false });
      if (failure.permanent) gone.push(target.id);
      else transient ??= failure;
    }
  }
  await withTenant(db, tenantId, async (trx) => {
    for (const id of gone) await deletePushSubscription(trx, tenantId, id);
    await markPushUsed(trx, tenantId, accepted);
  });
  if (accepted.length > 0) return providerMessageId;
  if (transient) throw transient;
  throw new ChannelError('every push subscription is gone', { permanent: true, status: 'bounced' });
}
