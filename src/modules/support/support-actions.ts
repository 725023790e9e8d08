import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { latestUndeliveredMessages, type NotificationsModule } from '../notifications/index.ts';
import type { WebhooksModule } from '../webhooks/index.ts';
import { requireBusiness } from './business-of.ts';
import { auditSupportAction, type SupportCaller } from './support-audit.ts';

export const resentMessageSchema = z.object({
  id: z.uuid(),
  channel: z.string(),
  status: z.string().describe('pending: queued again; the delivery job sends it'),
  resend_count: z.int().describe('How many times the message was resent, this one included'),
});

export const replayedDeliverySchema = z.object({
  id: z.uuid(),
  status: z.string().describe('pending: queued again; the delivery job sends it'),
  replays: z.int().describe('How many times the delivery was replayed, this one included'),
});

/** At most this many messages in one "resend every failed one" (the rest wait for the next click). */
export const BULK_RESEND_LIMIT = 100;

export const bulkResendBodySchema = z.strictObject({
  days: z.int().min(1).max(30).default(7).describe('Messages that failed or bounced in the last N days'),
});
export const bulkResendSchema = z.object({
  resent: z.int(),
  skipped: z.array(z.object({ id: z.uuid(), reason: z.string().describe('Why this one was not sent again, in words') })),
  more: z.boolean().describe(`More than ${BULK_RESEND_LIMIT} waited: click again for the rest`),
});

export interface SupportActionsDeps {
  db: Db;
  notifications: Pick<NotificationsModule, 'resendMessage'>;
  webhooks: Pick<WebhooksModule, 'replayDelivery'>;
}

/**
 * The console's one-click repairs of deliveries (RF6.2). Each goes through the owning module's own
 * code path (the outbox's resend, the Developers screen's replay), in one transaction with its two
 * audit records. Platform work (`withPlatform`): the platform's audit log is not the business's
 * tenant; the owning modules scope every query by the business's id themselves.
 */
export function createSupportActions(deps: SupportActionsDeps) {
  return {
    resendMessage(caller: SupportCaller, tenantId: string, notificationId: string) {
      return withPlatform(deps.db, async (trx) => {
        await requireBusiness(trx, tenantId);
        const resent = await deps.notifications.resendMessage(trx, tenantId, notificationId);
        await auditSupportAction(trx, caller, tenantId, 'platform.notification_resent', { type: 'notification', id: notificationId }, { newValues: resent });
        return resent;
      });
    },

    /**
     * Every message of the business that failed or bounced in the last `days` sent again, each through the outbox's
     * own resend; those it refuses (erased with their customer, a one-time code) are listed, not sent. One
     * transaction, one audit record pair with the counts.
     */
    resendFailedMessages(caller: SupportCaller, tenantId: string, days: number) {
      return withPlatform(deps.db, async (trx) => {
        await requireBusiness(trx, tenantId);
        const since = new Date(Date.now() - days * 86_400_000);
        const failed = await latestUndeliveredMessages(trx, tenantId, since, BULK_RESEND_LIMIT + 1);
        const skipped: Array<{ id: string; reason: string }> = [];
        let resent = 0;
        for (const message of failed.slice(0, BULK_RESEND_LIMIT)) {
          try {
            await deps.notifications.resendMessage(trx, tenantId, message.id);
            resent += 1;
          } catch (error) {
            // The resend's refusals come before it writes anything, so the transaction carries on.
            if (!(error instanceof AppError)) throw error;
            skipped.push({ id: message.id, reason: error.message });
          }
        }
        const more = failed.length > BULK_RESEND_LIMIT;
        await auditSupportAction(trx, caller, tenantId, 'platform.notifications_resent', { type: 'tenant', id: tenantId }, { newValues: { days, resent, skipped: skipped.length, more } });
        return { resent, skipped, more };
      });
    },

    replayDelivery(caller: SupportCaller, tenantId: string, deliveryId: string) {
      return withPlatform(deps.db, async (trx) => {
        await requireBusiness(trx, tenantId);
        const replayed = await deps.webhooks.replayDelivery(trx, tenantId, deliveryId);
        await auditSupportAction(trx, caller, tenantId, 'platform.webhook_delivery_replayed', { type: 'webhook_delivery', id: deliveryId }, { newValues: replayed });
        return replayed;
      });
    },
  };
}

export type SupportActions = ReturnType<typeof createSupportActions>;
