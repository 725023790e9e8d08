import type { Logger } from 'pino';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { backoffDelayMs, defineJob, type JobDefinition, type JobOutcome } from '../../platform/jobs/job-definition.ts';
import { buildBookingsIcs } from '../calendar/index.ts';
import { getCustomerForBooking, hasMarketingConsent } from '../customers/index.ts';
import { ChannelError } from './channels/channel-error.ts';
import type { EmailSender } from './channels/smtp-sender.ts';
import type { TextSender } from './channels/twilio-sender.ts';
import type { PushSender } from './channels/webpush-sender.ts';
import { contentContext } from './message-composer.ts';
import { maskRecipient } from './message-content.ts';
import { notificationDeliveryJob } from './notification-jobs.ts';
import { revealSecret } from './one-time-secret.ts';
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
  /** Subject and bodies as sent: a one-time code is in them (never logged, never stored like this). */
  subject: string | null;
  text: string;
  html: string | null;
  businessName: string;
  /** Push: the customer's subscribed browsers that have not accepted this message yet. */
  pushTargets: StoredPushTarget[];
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/** The wait before the next attempt: the worker's backoff, or longer when the provider asked for it. */
function retryDelay(failure: ChannelError, attempt: number): number | undefined {
  return failure.retryAfterMs === undefined ? undefined : Math.max(failure.retryAfterMs, backoffDelayMs(attempt));
}

/**
 * Sends one stored message on its channel — or captures it (embedded mode
 * without a provider) — and records the outcome on the row. Transient
 * failures retry with the worker's backoff; permanent ones (rejected
 * recipient, invalid number) end as `bounced`/`failed`, resendable by
 * support. A customer's address is looked up now, not stored in advance; a
 * one-time code is put into the text now and dropped from the row once sent.
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
            clearSecret: true,
          });
          return null;
        };
        const context_ = contentContext(tenantId, row.id);
        if (row.body_enc === null) return skip('the content was erased');
        const business = await repo.findBusinessProfile(trx, tenantId);
        let address: string | null = null;
        let pushTargets: StoredPushTarget[] = [];
        if (row.recipient_kind === 'business') {
          address = business?.email ?? null;
        } else if (row.recipient_kind === 'address') {
          address = deps.keyRing.decryptNullable(row.recipient_enc, context_);
        } else if (row.customer_id !== null) {
          try {
            const customer = await getCustomerForBooking(trx, deps.keyRing, tenantId, row.customer_id);
            if (row.channel === 'push') {
              const done = new Set(row.push_accepted_ids);
              pushTargets = (await pushTargetsOf(trx, deps.keyRing, tenantId, row.customer_id)).filter((target) => !done.has(target.id));
              const reached = pushTargets.length + done.size;
              address = reached === 0 ? null : `${reached} push subscription${reached === 1 ? '' : 's'}`;
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
        const secret = deps.keyRing.decryptNullable(row.secret_enc, context_);
        const subject = deps.keyRing.decryptNullable(row.subject_enc, context_);
        const text = deps.keyRing.decrypt(row.body_enc, context_);
        const html = deps.keyRing.decryptNullable(row.body_html_enc, context_);
        return {
          row,
          address,
          subject: secret === null ? subject : revealSecret(subject, secret),
          text: secret === null ? text : revealSecret(text, secret),
          html: secret === null ? html : revealSecret(html, secret),
          businessName: business?.name ?? 'ReserveHub',
          pushTargets,
        };
      });
      if (prepared === null) return { outcome: 'done', note: 'nothing to send' };
      const { row } = prepared;
      const lastTry = context.attempt >= (notificationDeliveryJob.maxAttempts ?? 8);
      const recipientHint = maskRecipient(prepared.address);

      if (row.channel === 'push' && deps.push) return deliverPush(deps.push, deps.logger, context.db, tenantId, prepared, context.attempt, lastTry);

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
        }
      } catch (error) {
        const failure = error instanceof ChannelError ? error : new ChannelError(error instanceof Error ? error.message : 'send failed', { permanent: false });
        await withTenant(context.db, tenantId, async (trx) => {
          if (failure.permanent || lastTry) {
            await repo.recordAttempt(trx, tenantId, row.id, {
              status: failure.status,
              transport,
              providerMessageId: null,
              error: failure.message,
              recipientHint,
              recipientEnc: null,
              clearSecret: true,
            });
          } else {
            await repo.recordRetry(trx, tenantId, row.id, failure.message);
          }
        });
        // Ids and outcome only: never the address or the content (a code may be in it).
        deps.logger.warn({ notification_id: row.id, channel: row.channel, transport, permanent: failure.permanent }, 'notification send failed');
        if (failure.permanent || lastTry) return { outcome: 'done', note: failure.message };
        const delayMs = retryDelay(failure, context.attempt);
        return { outcome: 'retry', reason: failure.message, ...(delayMs !== undefined ? { delayMs } : {}) };
      }

      await withTenant(context.db, tenantId, (trx) =>
        repo.recordAttempt(trx, tenantId, row.id, {
          status,
          transport,
          providerMessageId,
          error: null,
          recipientHint,
          recipientEnc: deps.keyRing.encrypt(prepared.address, contentContext(tenantId, row.id)),
          // Captured messages are read in the outbox instead of being delivered: the code stays for that.
          clearSecret: status === 'sent',
        }),
      );
      return { outcome: 'done' };
    },
  });
}

/** What one round of push sends did, browser by browser. */
interface PushRound {
  accepted: string[];
  gone: string[];
  providerMessageId: string | null;
  /** The first transient failure (5xx, 429, network), if any browser had one. */
  transient: ChannelError | null;
}

/**
 * Sends one message to each subscribed browser that has not accepted it yet.
 * A 404/410 (or an endpoint that is refused or malformed) means the
 * subscription is gone for good: it is removed at once and never retried.
 */
async function sendPushRound(sender: PushSender, db: Db, tenantId: string, prepared: PreparedMessage): Promise<PushRound> {
  const payload = JSON.stringify({
    title: prepared.subject ?? prepared.businessName,
    body: prepared.text,
    tag: prepared.row.id,
    ...(prepared.row.booking_id ? { booking_id: prepared.row.booking_id } : {}),
  });
  const round: PushRound = { accepted: [], gone: [], providerMessageId: null, transient: null };
  for (const target of prepared.pushTargets) {
    try {
      const result = await sender.send(target, { payload });
      if (result.outcome === 'gone') {
        round.gone.push(target.id);
      } else {
        round.accepted.push(target.id);
        round.providerMessageId ??= result.providerMessageId;
      }
    } catch (error) {
      const failure = error instanceof ChannelError ? error : new ChannelError(error instanceof Error ? error.message : 'push failed', { permanent: false });
      if (failure.permanent) round.gone.push(target.id);
      else round.transient ??= failure;
    }
  }
  await withTenant(db, tenantId, async (trx) => {
    for (const id of round.gone) await deletePushSubscription(trx, tenantId, id);
    await markPushUsed(trx, tenantId, round.accepted);
  });
  return round;
}

/**
 * Push delivery with per-browser progress: browsers that accepted are
 * remembered on the row, so a transient failure of another one retries —
 * with backoff, or after the service's Retry-After — only that one. The
 * message is `sent` once every remaining browser accepted it (or when the
 * attempts run out and at least one did), `bounced` when no subscription is
 * left, `failed` when the attempts ran out with none accepting.
 */
async function deliverPush(
  sender: PushSender,
  logger: Logger,
  db: Db,
  tenantId: string,
  prepared: PreparedMessage,
  attempt: number,
  lastTry: boolean,
): Promise<JobOutcome> {
  const { row } = prepared;
  const round = await sendPushRound(sender, db, tenantId, prepared);
  const accepted = [...row.push_accepted_ids, ...round.accepted];
  const recipientHint = maskRecipient(prepared.address);
  const failure = round.transient;
  if (failure && !lastTry) {
    await withTenant(db, tenantId, (trx) => repo.recordRetry(trx, tenantId, row.id, failure.message, accepted));
    logger.warn({ notification_id: row.id, channel: row.channel, transport: 'webpush', permanent: false }, 'notification send failed');
    const delayMs = retryDelay(failure, attempt);
    return { outcome: 'retry', reason: failure.message, ...(delayMs !== undefined ? { delayMs } : {}) };
  }
  const outcome: repo.DeliveryOutcome =
    accepted.length > 0
      ? {
          status: 'sent',
          transport: 'webpush',
          providerMessageId: round.providerMessageId ?? row.provider_message_id,
          error: failure ? `not every browser accepted it: ${failure.message}` : null,
          recipientHint,
          recipientEnc: null,
          clearSecret: true,
          pushAcceptedIds: accepted,
        }
      : {
          status: failure ? 'failed' : 'bounced',
          transport: 'webpush',
          providerMessageId: null,
          error: failure ? failure.message : 'every push subscription is gone',
          recipientHint,
          recipientEnc: null,
          clearSecret: true,
          pushAcceptedIds: accepted,
        };
  await withTenant(db, tenantId, (trx) => repo.recordAttempt(trx, tenantId, row.id, outcome));
  return { outcome: 'done', ...(outcome.error ? { note: outcome.error } : {}) };
}
