import type { Trx } from '../../platform/db/database.ts';
import type { BillingMessagesPort } from '../billing/index.ts';
import { composeMessages, type ComposerDeps, type Recipient } from './message-composer.ts';
import { formatAmount, formatDate } from './message-content.ts';

/**
 * Billing's e-mails to a business (its messages port): a renewal that could not be charged (with
 * the next attempt), the suspension after the last one, and a payment that settled an invoice
 * (saying when it restored the business). One per invoice, kind and attempt (the dedupe key), to
 * the billing e-mail the business gave or else its own address.
 */
export function createBillingMessages(composer: ComposerDeps): BillingMessagesPort {
  return {
    async queueBillingNotice(trx: Trx, tenantId, notice) {
      const recipient: Recipient = notice.to ? { kind: 'address', channel: 'email', address: notice.to.trim().toLowerCase() } : { kind: 'business' };
      await composeMessages(trx, composer, tenantId, {
        key: `billing.${notice.kind}`,
        dedupeBase: `billing:${notice.invoice.id}:${notice.kind}:${notice.invoice.attempts}`,
        eventId: null,
        recipient,
        channels: ['email'],
        language: notice.invoice.buyer.language,
        extra: (language) => ({
          invoice: {
            number: notice.invoice.number,
            amount: formatAmount(notice.invoice.total, notice.invoice.currency, language),
            next_attempt: notice.kind === 'payment_failed' && notice.nextAttemptAt ? formatDate(notice.nextAttemptAt, 'UTC', language) : '',
            restored: notice.kind === 'payment_succeeded' && notice.restored,
          },
          billing_url: notice.billingUrl,
        }),
      });
    },
  };
}
