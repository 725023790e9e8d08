import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { formatMoney, type Money } from '../../platform/money.ts';
import type { PaymentsContext } from './payments-context.ts';
import { receiveProviderWebhook } from './provider-events.service.ts';
import * as repo from './payments.repository.ts';
import type { SandboxProvider } from './sandbox-provider.ts';
import { escapeHtml, htmlDocument, sendHtml } from './html-page.ts';
import {
  sandboxAccountParamsSchema,
  sandboxDecisionSchema,
  sandboxIntentParamsSchema,
  sandboxOnboardingDecisionSchema,
  sandboxOnboardingQuerySchema,
  webhookAckSchema,
  webhookParamsSchema,
} from './payments.schemas.ts';

const tags = ['Payments'];

/**
 * Routes that need the raw request body: provider webhooks (signatures are over
 * the exact bytes) and the sandbox's confirmation form. Registered in their own
 * encapsulated scope whose JSON parser keeps the body as a string, so the
 * platform's parser stays as it is everywhere else.
 */
export function registerProviderWebhookRoutes(api: ApiRouter, context: PaymentsContext, sandbox: SandboxProvider | null): void {
  void api.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<ZodTypeProvider>();
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    scope.post(
      '/payments/webhooks/:provider',
      {
        schema: {
          tags,
          summary: 'Provider webhooks (Stripe, sandbox)',
          description:
            'Verified on the raw body (`Stripe-Signature` / `Sandbox-Signature`: t=, v1=, 300 s tolerance); a bad or old ' +
            'signature answers 400 `INVALID_SIGNATURE` and changes nothing. Events are de-duplicated by id; repeats and ' +
            'out-of-order events are harmless. An event for an intent not recorded yet answers 409 so the provider retries.',
          params: webhookParamsSchema,
          response: { 200: envelopeSchema(webhookAckSchema) },
        },
        // Not under the public per-IP limit: only failed signatures count, per IP (platform/http/signed-callbacks.ts).
        config: { access: { public: true, tenant: 'none' }, signedCallback: true },
      },
      async (request) => {
        if (typeof request.body !== 'string') throw new AppError('INVALID_SIGNATURE', 'Send the event as application/json');
        const outcome = await receiveProviderWebhook(context, request.params.provider, request.body, request.headers);
        if (outcome === 'unknown') throw new AppError('CONFLICT', 'The payment of this event is not recorded yet; retry later');
        return ok({ received: true as const, outcome });
      },
    );

    if (!sandbox) return;

    scope.get(
      '/payments/sandbox/authorize/:intent_id',
      {
        schema: { tags, summary: 'Sandbox 3-D Secure page (HTML)', params: sandboxIntentParamsSchema, hide: true },
        config: { access: { public: true, tenant: 'none' } },
      },
      async (request, reply) => {
        const amount = sandbox.readIntent(request.params.intent_id);
        if (!amount) throw notFound('Payment intent');
        return sendHtml(reply, authorizePage(request.params.intent_id, amount));
      },
    );

    scope.post(
      '/payments/sandbox/authorize/:intent_id',
      {
        schema: { tags, summary: 'Sandbox 3-D Secure decision', params: sandboxIntentParamsSchema, body: sandboxDecisionSchema, hide: true },
        config: { access: { public: true, tenant: 'none' } },
      },
      async (request, reply) => {
        const intentId = request.params.intent_id;
        if (!sandbox.readIntent(intentId)) throw notFound('Payment intent');
        const approved = request.body.decision === 'approve';
        // The outcome travels as a signed event through the webhook path, like a real provider's.
        sandbox.completeAuthentication(intentId, approved);
        const returnUrl = await withPlatform(context.db, (trx) => repo.returnUrlOfProviderPayment(trx, 'sandbox', intentId));
        if (returnUrl) {
          const target = new URL(returnUrl);
          target.searchParams.set('payment_intent', intentId);
          target.searchParams.set('redirect_status', approved ? 'succeeded' : 'failed');
          return reply.redirect(target.toString(), 303);
        }
        return sendHtml(reply, donePage(approved));
      },
    );

    // The sandbox's hosted onboarding (Stripe's Connect onboarding stands here in sandbox mode).
    scope.get(
      '/payments/sandbox/onboarding/:account_id',
      {
        schema: { tags, summary: 'Sandbox onboarding page (HTML)', params: sandboxAccountParamsSchema, querystring: sandboxOnboardingQuerySchema, hide: true },
        config: { access: { public: true, tenant: 'none' } },
      },
      async (request, reply) => {
        const link = onboardingLinkOf(request.params.account_id, request.query);
        const check = sandbox.checkOnboardingLink(link);
        if (check === 'forged') throw notFound('Onboarding link');
        if (check === 'expired') return sendHtml(reply, expiredOnboardingPage(link.refreshUrl), 'LINK_EXPIRED');
        const query = new URLSearchParams({
          return_url: link.returnUrl,
          refresh_url: link.refreshUrl,
          expires: String(link.expires),
          signature: link.signature,
        });
        return sendHtml(reply, onboardingPage(link.accountId, `/api/v1/payments/sandbox/onboarding/${encodeURIComponent(link.accountId)}?${query}`));
      },
    );

    scope.post(
      '/payments/sandbox/onboarding/:account_id',
      {
        schema: {
          tags,
          summary: 'Sandbox onboarding decision',
          params: sandboxAccountParamsSchema,
          querystring: sandboxOnboardingQuerySchema,
          body: sandboxOnboardingDecisionSchema,
          hide: true,
        },
        config: { access: { public: true, tenant: 'none' } },
      },
      async (request, reply) => {
        const link = onboardingLinkOf(request.params.account_id, request.query);
        const check = sandbox.checkOnboardingLink(link);
        if (check === 'forged') throw notFound('Onboarding link');
        if (check === 'expired') return sendHtml(reply, expiredOnboardingPage(link.refreshUrl), 'LINK_EXPIRED');
        // Completing sends a signed account.updated through the webhook path, like Stripe's Connect events.
        if (request.body.decision === 'complete') sandbox.completeOnboarding(link.accountId);
        return reply.redirect(link.returnUrl, 303);
      },
    );
  });
}

const page = (title: string, body: string): string => htmlDocument(title, body);

function onboardingLinkOf(accountId: string, query: { return_url: string; refresh_url: string; expires: number; signature: string }) {
  return { accountId, returnUrl: query.return_url, refreshUrl: query.refresh_url, expires: query.expires, signature: query.signature };
}

function onboardingPage(accountId: string, action: string): string {
  return page(
    'Sandbox payments onboarding',
    `<h1>Sandbox payments onboarding</h1><p>Account <code>${escapeHtml(accountId)}</code>. In live mode the payment provider
collects the business's identity and bank details here. No real data is asked for.</p>
<form method="post" action="${escapeHtml(action)}"><button name="decision" value="complete">Complete onboarding</button>
<button name="decision" value="leave">Leave for now</button></form>`,
  );
}

function expiredOnboardingPage(refreshUrl: string): string {
  return page(
    'Onboarding link expired',
    `<h1>This onboarding link has expired</h1><p><a href="${escapeHtml(refreshUrl)}">Get a new link</a> from your dashboard.</p>`,
  );
}

function authorizePage(intentId: string, amount: Money): string {
  const action = `/api/v1/payments/sandbox/authorize/${encodeURIComponent(intentId)}`;
  return page(
    'Sandbox 3-D Secure',
    `<h1>Sandbox 3-D Secure</h1><p>Test payment of <strong>${escapeHtml(formatMoney(amount, 'en'))}</strong>.
No real card is charged.</p>
<form method="post" action="${escapeHtml(action)}"><button name="decision" value="approve">Complete authentication</button>
<button name="decision" value="fail">Fail authentication</button></form>`,
  );
}

function donePage(approved: boolean): string {
  return page(
    'Sandbox 3-D Secure',
    `<h1>${approved ? 'Authentication complete' : 'Authentication failed'}</h1><p>You can close this window.</p>`,
  );
}
