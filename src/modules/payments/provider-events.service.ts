import { withPlatform, withTenant } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { PaymentsContext } from './payments-context.ts';
import { WebhookSignatureError, type ProviderEvent, type WebhookHeaders } from './payment-provider.ts';
import type { IntentOutcome } from './payment-status.ts';
import { applyIntentOutcome } from './payment-updates.ts';
import * as repo from './payments.repository.ts';
import { settleRefund } from './refunds.service.ts';
import { applyAccountEvent } from './connected-accounts.service.ts';
import { tenantOfAccount } from './connected-accounts.repository.ts';

/**
 * - `applied`: the event changed (or confirmed) our state;
 * - `duplicate`: this event id was applied before: nothing happens again;
 * - `ignored`: a type we do not act on, or an object that is not ours;
 * - `unknown`: ours by its metadata but not (yet) recorded here, e.g. it
 *   raced the transaction that records it: answered non-2xx so the provider retries.
 */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown';

const INTENT_OUTCOMES: Record<string, IntentOutcome> = {
  'intent.succeeded': 'succeeded',
  'intent.failed': 'failed',
  'intent.processing': 'processing',
  'intent.requires_action': 'requires_action',
  'intent.canceled': 'cancelled',
};

/**
 * The one path every provider event takes, from the HTTP endpoint and from the
 * sandbox's delivery job alike: verify the signature on the raw body, find the
 * tenant by the provider's object id (intent, refund or connected account),
 * then in one tenant transaction record the event id (a repeat stops here) and
 * apply it under the payment's (or account's) row lock.
 */
export async function receiveProviderWebhook(
  context: PaymentsContext,
  providerName: string,
  rawBody: string,
  headers: WebhookHeaders,
): Promise<WebhookOutcome> {
  const provider = context.providers.get(providerName);
  if (!provider) throw notFound('Payment provider');
  let event: ProviderEvent;
  try {
    event = await provider.parseWebhook(rawBody, headers);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw new AppError('INVALID_SIGNATURE', error.message);
    throw error;
  }
  if (event.kind === 'ignored') return 'ignored';

  const tenantId = await withPlatform(context.db, async (trx) => {
    if (event.kind === 'account.updated') return tenantOfAccount(trx, provider.name, event.account.id);
    if ('intent' in event) return repo.tenantOfProviderPayment(trx, provider.name, event.intent.id);
    return (
      (await repo.tenantOfProviderRefund(trx, event.refund.id)) ??
      (event.intentId ? await repo.tenantOfProviderPayment(trx, provider.name, event.intentId) : undefined)
    );
  });
  if (tenantId === undefined) return event.ours ? 'unknown' : 'ignored';

  return withTenant(context.db, tenantId, async (trx) => {
    const objectId = event.kind === 'account.updated' ? event.account.id : 'intent' in event ? event.intent.id : event.refund.id;
    const fresh = await repo.recordProviderEvent(trx, {
      tenantId,
      provider: provider.name,
      eventId: event.id,
      type: event.providerType,
      objectId,
      outcome: 'applied',
    });
    if (!fresh) return 'duplicate';

    if (event.kind === 'account.updated') {
      const applied = await applyAccountEvent(trx, tenantId, provider.name, event);
      if (applied !== 'stale') return applied;
      // An older state than the one held: kept on file, changes nothing.
      await repo.setProviderEventOutcome(trx, tenantId, provider.name, event.id, 'stale');
      return 'ignored';
    }

    if ('intent' in event) {
      const payment = await repo.lockPaymentByProviderId(trx, tenantId, provider.name, event.intent.id);
      if (!payment) return 'unknown';
      if (payment.amount !== event.intent.amount.amount || payment.currency !== event.intent.amount.currency) {
        // Never settle an amount other than the one recorded; the event stays on file for investigation.
        await repo.setProviderEventOutcome(trx, tenantId, provider.name, event.id, 'amount_mismatch');
        return 'ignored';
      }
      const outcome = INTENT_OUTCOMES[event.kind];
      if (outcome === undefined) return 'ignored';
      await applyIntentOutcome(context, trx, payment, outcome, event.intent.failure);
      return 'applied';
    }

    const refund = await repo.lockRefundByProviderId(trx, tenantId, event.refund.id);
    if (!refund) return 'unknown';
    if (refund.status !== 'pending' || event.kind === 'refund.pending') return 'applied';
    const updated = await repo.updateRefund(trx, tenantId, refund.id, {
      status: event.kind === 'refund.succeeded' ? 'succeeded' : 'failed',
      failure_reason: event.refund.failureReason,
      processed_at: new Date(),
    });
    const payment = await repo.lockPayment(trx, tenantId, refund.payment_id);
    if (payment && updated.status === 'succeeded') await settleRefund(trx, payment, updated);
    return 'applied';
  });
}
