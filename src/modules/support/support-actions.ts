import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { NotificationsModule } from '../notifications/index.ts';
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
