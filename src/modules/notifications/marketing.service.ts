import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { marketingAudience } from '../customers/index.ts';
import { composeMessages, type ComposerDeps } from './message-composer.ts';

/** How many customers are read and queued per step; the whole send is still one transaction. */
const AUDIENCE_PAGE = 500;

export interface MarketingMessage {
  subject: string;
  body: string;
}

export interface MarketingSendResult {
  campaign_id: string;
  /** Messages queued: one per customer with standing marketing consent and a channel that reaches them. */
  queued: number;
}

export interface MarketingService {
  send(tenantId: string, message: MarketingMessage): Promise<MarketingSendResult>;
}

/**
 * A business's marketing message (RF2.15) to every customer who consented to marketing: each copy
 * carries the visible unsubscribe link and the one-click List-Unsubscribe header, and consent is
 * checked again when each copy is delivered. All copies are queued in one transaction, so a failure
 * queues none; the campaign id keys each copy, so a retried delivery job never sends one twice.
 */
export function createMarketingService(deps: { db: Db; composer: ComposerDeps }): MarketingService {
  return {
    async send(tenantId, message) {
      const campaignId = randomUUID();
      const queued = await withTenant(deps.db, tenantId, async (trx) => {
        let count = 0;
        let afterId: string | null = null;
        for (;;) {
          const audience = await marketingAudience(trx, tenantId, afterId, AUDIENCE_PAGE);
          for (const customerId of audience) {
            count += await composeMessages(trx, deps.composer, tenantId, {
              key: 'marketing.message',
              dedupeBase: `campaign:${campaignId}`,
              eventId: null,
              recipient: { kind: 'customer', customerId },
              extra: () => ({ message: { subject: message.subject, body: message.body } }),
            });
          }
          if (audience.length < AUDIENCE_PAGE) return count;
          afterId = audience.at(-1) ?? null;
        }
      });
      return { campaign_id: campaignId, queued };
    },
  };
}
