/**
 * Stripe's webhooks about billing's own charges, on their own endpoint and secret (customers' booking
 * payments keep `/payments/webhooks/stripe`). Verified on the raw body; an invoice's payment settling
 * or failing goes to the lifecycle, which records each event once and ignores one for an invoice no
 * longer open, so repeats and out-of-order deliveries change nothing. A customer changed on Stripe's
 * portal refreshes the saved card from Stripe's current state, never from the event's copy of it.
 */
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db, Trx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { getTenant } from '../tenancy/index.ts';
import type { BillingProvider, BillingProviderEvent } from './billing-provider.ts';
import type { SubscriptionLifecycle } from './subscription-lifecycle.ts';

const webhookAckSchema = z.object({ received: z.literal(true), outcome: z.enum(['applied', 'duplicate', 'ignored']) });

type Outcome = z.infer<typeof webhookAckSchema>['outcome'];

export function registerBillingWebhookRoutes(api: ApiRouter, deps: { db: Db; lifecycle: SubscriptionLifecycle; provider: BillingProvider }): void {
  // Its own scope: the JSON parser keeps the exact bytes the signature covers.
  void api.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<ZodTypeProvider>();
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));

    scope.post(
      '/webhooks/stripe/billing',
      {
        schema: {
          tags: ['Billing'],
          summary: "Stripe webhooks of the platform's billing (payment_intent.succeeded, payment_intent.payment_failed, customer.updated)",
          description:
            'Signed with STRIPE_BILLING_WEBHOOK_SECRET (`Stripe-Signature`, 300 s tolerance); a bad, missing or old signature answers ' +
            '400 `INVALID_SIGNATURE` and changes nothing. A PaymentIntent carrying `reservehub_tenant_id` and `reservehub_invoice_id` ' +
            'settles or fails that invoice; events are applied once by id, and one about an invoice no longer open is ignored. ' +
            '`customer.updated` of a business re-reads its default card from Stripe. Other events are acknowledged and ignored. ' +
            'With the sandbox provider (no Stripe) this endpoint answers 404.',
          response: { 200: envelopeSchema(webhookAckSchema) },
        },
        // Not under the public per-IP limit: only failed signatures count, per IP (platform/http/signed-callbacks.ts).
        config: { access: { public: true, tenant: 'none' }, signedCallback: true },
      },
      async (request) => {
        if (!deps.provider.parseWebhook) throw notFound('Billing webhook endpoint');
        if (typeof request.body !== 'string') throw new AppError('INVALID_SIGNATURE', 'Send the event as application/json');
        const header = request.headers['stripe-signature'];
        const event = deps.provider.parseWebhook(request.body, Array.isArray(header) ? header[0] : header);
        return ok({ received: true as const, outcome: await apply(deps, event) });
      },
    );
  });
}

async function apply(deps: { db: Db; lifecycle: SubscriptionLifecycle; provider: BillingProvider }, event: BillingProviderEvent): Promise<Outcome> {
  if (event.kind === 'ignored') return 'ignored';
  // The metadata is ours (the signature holds), but an id that is not a UUID would only fail in the database.
  if (!z.uuid().safeParse(event.tenantId).success) return 'ignored';
  if (event.kind !== 'customer.updated' && !z.uuid().safeParse(event.invoiceId).success) return 'ignored';
  return withTenant(deps.db, event.tenantId, async (trx) => {
    // A business erased since: acknowledged (Stripe would retry a refusal for days), nothing kept.
    if (!(await getTenant(trx, event.tenantId))) return 'ignored';
    if (event.kind === 'customer.updated') return refreshPaymentMethod(trx, deps.provider, event);
    return deps.lifecycle.applyProviderEvent(trx, event.tenantId, {
      id: event.id,
      type: event.kind,
      invoiceId: event.invoiceId,
      paymentId: event.paymentId,
      ...(event.failure ? { failure: event.failure } : {}),
    });
  });
}

async function refreshPaymentMethod(trx: Trx, provider: BillingProvider, event: Extract<BillingProviderEvent, { kind: 'customer.updated' }>): Promise<Outcome> {
  if (!provider.portal) return 'ignored';
  const recorded = await trx
    .insertInto('billing_provider_events')
    .values({ tenant_id: event.tenantId, provider: provider.name, event_id: event.id, type: event.kind })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!recorded) return 'duplicate';
  const account = await trx.selectFrom('billing_accounts').select('provider_customer_id').where('tenant_id', '=', event.tenantId).forUpdate().executeTakeFirst();
  if (account?.provider_customer_id !== event.customerId) return 'ignored';
  const method = await provider.portal.defaultMethod(event.customerId);
  // No default card any more: the saved one stays (it is still attached, or the next charge says it is not).
  if (!method) return 'ignored';
  await trx
    .updateTable('billing_accounts')
    .set({ payment_method: method.paymentMethod, payment_method_brand: method.brand, payment_method_last4: method.last4, updated_at: new Date() })
    .where('tenant_id', '=', event.tenantId)
    .where('provider_customer_id', '=', event.customerId)
    .execute();
  return 'applied';
}
