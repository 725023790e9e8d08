import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { formatMoney } from '../../platform/money.ts';
import type { PaymentsContext } from './payments-context.ts';
import { escapeHtml, htmlDocument, sendHtml } from './html-page.ts';
import { loadPaymentPage, payWithTestCard, type PaymentPageView } from './payment-page.service.ts';
import { PAGE_TEXT, pageLanguage, type PageLanguage, type PageText } from './payment-page.text.ts';
import type { SandboxProvider } from './sandbox-provider.ts';

const STRIPE_JS = 'https://js.stripe.com/v3/';

const tokenParams = z.object({ token: z.string().max(100) });
const returnQuery = z.object({ redirect_status: z.string().max(40).optional(), payment_intent: z.string().max(300).optional() });

type Mode = 'stripe' | 'sandbox';

/**
 * A strict Content-Security-Policy per page (helmet, per route): nothing loads
 * but the page's own nonce-tagged style and script, and in Stripe mode Stripe.js
 * and its card frames. Forms may only post back to us. The global policy stays
 * off for the API reference, which brings its own scripts.
 */
function contentSecurityPolicy(mode: Mode, publicUrl: string) {
  const self = ["'self'", new URL(publicUrl).origin];
  const stripe = mode === 'stripe';
  return {
    enableCSPNonces: true,
    referrerPolicy: { policy: 'no-referrer' as const },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: stripe ? ['https://js.stripe.com', 'https://*.js.stripe.com'] : [],
        styleSrc: [],
        imgSrc: stripe ? ["'self'", 'data:', 'https://*.stripe.com'] : ["'self'", 'data:'],
        connectSrc: stripe ? ['https://api.stripe.com'] : ["'none'"],
        frameSrc: stripe ? ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'] : ["'none'"],
        formAction: self,
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  };
}

/**
 * The hosted payment page, `GET /pay/{token}` (outside `/api/v1`: it is a page
 * for the customer's browser, not an API). In Stripe mode the card fields are
 * Stripe's Payment Element, mounted with the intent's client secret and the
 * publishable key, so card numbers go from the browser to Stripe and never
 * reach this server (PCI SAQ A). In sandbox mode a plain form posts to
 * `POST /pay/{token}`, which accepts only the sandbox's test card numbers.
 */
export function registerPaymentPageRoutes(server: ApiRouter, context: PaymentsContext, sandbox: SandboxProvider | null): void {
  const mode: Mode = sandbox ? 'sandbox' : 'stripe';
  const helmet = contentSecurityPolicy(mode, context.publicUrl);

  void server.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<ZodTypeProvider>();
    // The sandbox form posts urlencoded fields; kept small (three short fields).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    scope.get(
      '/pay/:token',
      { schema: { params: tokenParams, querystring: returnQuery, hide: true }, helmet },
      async (request, reply) => {
        const language = pageLanguage(request.headers['accept-language']);
        const view = await loadPaymentPage(context, request.params.token);
        if (!view) return sendHtml(reply, notFoundPage(reply, language), 'NOT_FOUND');
        const returning = request.query.redirect_status !== undefined;
        return sendHtml(reply, paymentPage(reply, { mode, language, view, returning, publishableKey: context.publishableKey, error: null }));
      },
    );

    if (!sandbox) return;

    scope.post(
      '/pay/:token',
      { schema: { params: tokenParams, hide: true }, helmet },
      async (request, reply) => {
        const language = pageLanguage(request.headers['accept-language']);
        const outcome = await payWithTestCard(context, sandbox, request.params.token, request.body);
        if (!outcome) return sendHtml(reply, notFoundPage(reply, language), 'NOT_FOUND');
        const view = await loadPaymentPage(context, request.params.token);
        if (!view) return sendHtml(reply, notFoundPage(reply, language), 'NOT_FOUND');
        switch (outcome.kind) {
          case 'authenticate':
            return reply.redirect(outcome.url, 303);
          case 'done':
          case 'closed':
            return reply.redirect(view.pageUrl, 303);
          case 'invalid':
          case 'declined':
            return sendHtml(
              reply,
              paymentPage(reply, { mode, language, view, returning: false, publishableKey: null, error: PAGE_TEXT[language].problems[outcome.problem] }),
              outcome.kind === 'declined' ? 'PAYMENT_FAILED' : 'CARD_NOT_ACCEPTED',
            );
        }
      },
    );
  });
}

interface PageInput {
  mode: Mode;
  language: PageLanguage;
  view: PaymentPageView;
  /** The customer just came back from the provider (3-D Secure): the outcome may still be on its way. */
  returning: boolean;
  publishableKey: string | null;
  error: string | null;
}

function notFoundPage(reply: FastifyReply, language: PageLanguage): string {
  const text = PAGE_TEXT[language];
  return htmlDocument(text.title, `<h1>${escapeHtml(text.notFoundTitle)}</h1><p>${escapeHtml(text.notFoundText)}</p>`, {
    styleNonce: reply.cspNonce.style,
    language,
  });
}

function paymentPage(reply: FastifyReply, input: PageInput): string {
  const { view } = input;
  const text = PAGE_TEXT[input.language];
  const heading = `<h1>${escapeHtml(text.title)}</h1>
<p>${escapeHtml(view.description ?? text.defaultDescription)}: <strong id="amount">${escapeHtml(formatMoney(view.amount, text.locale))}</strong></p>`;
  const state = stateSection(input, text);
  const waiting = state.refresh ? '<meta http-equiv="refresh" content="2">' : '';
  const script = state.script ? scriptBlock(reply, input) : '';
  // Sandbox or a Stripe test key: no real money moves, and the customer must be able to see that.
  const testMode = input.mode === 'sandbox' || (input.publishableKey ?? '').startsWith('pk_test_');
  const banner = testMode ? `<p id="test-mode" class="test-mode" role="note">${escapeHtml(text.testMode)}</p>` : '';
  return htmlDocument(text.title, `${banner}${heading}${state.html}${script}`, {
    styleNonce: reply.cspNonce.style,
    head: waiting,
    language: input.language,
  });
}

function stateSection(input: PageInput, text: PageText): { html: string; refresh: boolean; script: boolean } {
  const { view } = input;
  const status = (message: string) => `<p id="payment-status" role="status">${escapeHtml(message)}</p>`;
  // Settled: the customer goes on to the page the payment was opened from (or the product's return page).
  const onward = `<p><a class="button" data-testid="payment-continue" href="${escapeHtml(view.continueUrl)}">${escapeHtml(text.continue)}</a></p>`;
  switch (view.status) {
    case 'succeeded':
      return { html: status(text.paid) + onward, refresh: false, script: false };
    case 'refunded':
    case 'partially_refunded':
      return { html: status(text.refunded), refresh: false, script: false };
    case 'cancelled':
      return { html: status(text.cancelled) + onward, refresh: false, script: false };
    case 'processing':
      return { html: status(text.processing), refresh: true, script: false };
    default:
      break;
  }
  if (!view.payable) return { html: status(text.notPayable), refresh: false, script: false };
  if (view.status === 'requires_action' && input.returning) {
    return { html: status(text.confirmingWithBank), refresh: true, script: false };
  }
  const error = input.error ?? (view.failureReason ? (view.failureReason === 'card_declined' ? text.lastDeclined : text.lastFailed) : null);
  const errorHtml = `<p id="payment-error" class="error" role="alert">${error ? escapeHtml(error) : ''}</p>`;
  const authenticate =
    view.status === 'requires_action' && view.nextActionUrl
      ? `<p id="payment-status" role="status">${escapeHtml(text.bankAsks)}
<a class="button" href="${escapeHtml(view.nextActionUrl)}">${escapeHtml(text.confirmWithBank)}</a></p><p class="muted">${escapeHtml(text.orAnotherCard)}</p>`
      : '';
  if (input.mode === 'stripe') {
    return {
      html: `${authenticate}<form id="pay-form"><div id="payment-element"></div>${errorHtml}<button id="pay" type="submit">${escapeHtml(text.pay)}</button></form>`,
      refresh: false,
      script: true,
    };
  }
  return { html: `${authenticate}${sandboxForm(view, text)}${errorHtml}`, refresh: false, script: false };
}

function sandboxForm(view: PaymentPageView, text: PageText): string {
  // Values are never echoed back: a refused number is not put into the page again.
  return `<form id="pay-form" method="post" action="${escapeHtml(view.pageUrl)}" autocomplete="off">
<label for="card-number">${escapeHtml(text.cardNumber)}</label>
<input id="card-number" data-testid="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>
<div class="row"><div><label for="card-exp">${escapeHtml(text.expiry)}</label>
<input id="card-exp" data-testid="card-expiry" name="card_exp" autocomplete="cc-exp" placeholder="MM/YY" maxlength="7" required></div>
<div><label for="card-cvc">${escapeHtml(text.securityCode)}</label>
<input id="card-cvc" data-testid="card-cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></div></div>
<p><button id="pay" data-testid="pay-button" type="submit">${escapeHtml(text.pay)}</button></p></form>
<p class="muted">${escapeHtml(text.sandboxNote)}</p>`;
}

/**
 * Stripe mode: mounts the Payment Element with the intent's client secret and
 * confirms in the browser; Stripe sends the customer back to this page (with
 * `redirect_status`), and the webhook settles the payment and the booking.
 */
function scriptBlock(reply: FastifyReply, input: PageInput): string {
  const config = {
    publishableKey: input.publishableKey,
    clientSecret: input.view.clientSecret,
    returnUrl: input.view.pageUrl,
    failed: PAGE_TEXT[input.language].stripeFailed,
    locale: input.language,
  };
  // JSON inside a script element: `<` escaped so no value can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const nonce = escapeHtml(reply.cspNonce.script);
  return `<script id="pay-config" type="application/json">${json}</script>
<script nonce="${nonce}" src="${STRIPE_JS}"></script>
<script nonce="${nonce}">
(() => {
  const config = JSON.parse(document.getElementById('pay-config').textContent);
  const stripe = Stripe(config.publishableKey, { locale: config.locale });
  const elements = stripe.elements({ clientSecret: config.clientSecret });
  elements.create('payment').mount('#payment-element');
  const form = document.getElementById('pay-form');
  const button = document.getElementById('pay');
  const error = document.getElementById('payment-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    const result = await stripe.confirmPayment({ elements, confirmParams: { return_url: config.returnUrl } });
    // Reached only when Stripe does not redirect: the card was refused or the details are incomplete.
    error.textContent = result.error ? result.error.message : config.failed;
    button.disabled = false;
  });
})();
</script>`;
}
