/**
 * Reading the sandbox's signed webhook events (the body `POST /api/v1/payments/webhooks/sandbox`
 * receives, once its signature is verified) into the provider events payments handles.
 */
import { z } from 'zod';
import type { Money } from '../../platform/money.ts';
import { WebhookSignatureError, type ProviderAccount, type ProviderEvent, type ProviderIntent } from './payment-provider.ts';

/** Builds the intent an event reports (the sandbox's own shape of a ProviderIntent). */
type IntentOf = (id: string, amount: Money, status: ProviderIntent['status'], extra: Partial<ProviderIntent>) => ProviderIntent;

const moneyObjectSchema = z.object({
  id: z.string().min(1),
  object: z.enum(['payment_intent', 'refund']),
  amount: z.number().int().min(0),
  currency: z.string(),
  failure_code: z.string().optional(),
  failure_message: z.string().optional(),
  payment_intent: z.string().optional(),
});

const accountObjectSchema = z.object({
  id: z.string().min(1),
  object: z.literal('account'),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  requirements: z.object({ currently_due: z.array(z.string()), disabled_reason: z.string().nullable() }),
});

const sandboxEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int().min(0),
  data: z.object({ object: z.discriminatedUnion('object', [moneyObjectSchema, accountObjectSchema]) }),
});

export function sandboxProviderEvent(event: unknown, intentOf: IntentOf): ProviderEvent {
  const parsed = sandboxEventSchema.safeParse(event);
  if (!parsed.success) throw new WebhookSignatureError('The webhook body is not a sandbox event');
  const { id, type, created, data } = parsed.data;
  const object = data.object;
  if (object.object === 'account') {
    if (type !== 'account.updated') return { id, kind: 'ignored', providerType: type, ours: false };
    const account: ProviderAccount = {
      id: object.id,
      chargesEnabled: object.charges_enabled,
      payoutsEnabled: object.payouts_enabled,
      detailsSubmitted: object.details_submitted,
      requirementsDue: object.requirements.currently_due,
      disabledReason: object.requirements.disabled_reason,
    };
    return { id, kind: 'account.updated', providerType: type, account, occurredAt: new Date(created * 1000), ours: true };
  }
  const kinds: Record<string, Exclude<ProviderEvent['kind'], 'ignored' | 'account.updated' | `refund.${string}`>> = {
    'payment_intent.succeeded': 'intent.succeeded',
    'payment_intent.payment_failed': 'intent.failed',
    'payment_intent.canceled': 'intent.canceled',
  };
  const kind = kinds[type];
  const amount = { amount: object.amount, currency: object.currency };
  if (kind) {
    const status = type === 'payment_intent.succeeded' ? 'succeeded' : type === 'payment_intent.canceled' ? 'canceled' : 'requires_payment_method';
    const failure = object.failure_code ? { code: object.failure_code, message: object.failure_message ?? 'The payment failed' } : null;
    return { id, kind, providerType: type, intent: intentOf(object.id, amount, status, { failure }), ours: true };
  }
  if (type === 'refund.updated') {
    return {
      id,
      kind: 'refund.succeeded',
      providerType: type,
      refund: { id: object.id, status: 'succeeded', amount, failureReason: null },
      intentId: object.payment_intent ?? null,
      ours: true,
    };
  }
  return { id, kind: 'ignored', providerType: type, ours: false };
}
