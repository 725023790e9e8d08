import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiRouter } from '../../platform/http/server.ts';
import { formatMoney } from '../../platform/money.ts';
import type { PaymentsContext } from './payments-context.ts';
import { escapeHtml, htmlDocument, sendHtml } from './html-page.ts';
import { loadPaymentPage, payWithTestCard, type PaymentPageView } from './payment-page.service.ts';
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
        const view = await loadPaymentPage(context, request.params.token);
        if (!view) return sendHtml(reply, notFoundPage(reply), 'NOT_FOUND');
        const returning = request.query.redirect_status !== undefined;
        return sendHtml(reply, paymentPage(reply, { mode, view, returning, publishableKey: context.publishableKey, error: null }));
      },
    );

    if (!sandbox) return;

    scope.post(
      '/pay/:token',
      { schema: { params: tokenParams, hide: true }, helmet },
      async (request, reply) => {
        const outcome = await payWithTestCard(context, sandbox, request.params.token, request.body);
        if (!outcome) return sendHtml(reply, notFoundPage(reply), 'NOT_FOUND');
        const view = await loadPaymentPage(context, request.params.token);
        if (!view) return sendHtml(reply, notFoundPage(reply), 'NOT_FOUND');
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
              paymentPage(reply, { mode, view, returning: false, publishableKey: null, error: outcome.message }),
              outcome.kind === 'declined' ? 'PAYMENT_FAILED' : 'CARD_NOT_ACCEPTED',
            );
        }
      },
    );
  });
}

interface PageInput {
  mode: Mode;
  view: PaymentPageView;
  /** The customer just came back from the provider (3-D Secure): the outcome may still be on its way. */
  returning: boolean;
  publishableKey: string | null;
  error: string | null;
}

const TITLE = 'Pay your booking';

function notFoundPage(reply: FastifyReply): string {
  return htmlDocument(TITLE, '<h1>Payment not found</h1><p>This payment link is not valid. Check the link you were sent.</p>', {
    styleNonce: reply.cspNonce.style,
  });
}

function paymentPage(reply: FastifyReply, input: PageInput): string {
  const { view } = input;
  const heading = `<h1>${TITLE}</h1>
<p>${escapeHtml(view.description ?? 'Booking payment')}: <strong id="amount">${escapeHtml(formatMoney(view.amount, 'en'))}</strong></p>`;
  const state = stateSection(input);
  const waiting = state.refresh ? '<meta http-equiv="refresh" content="2">' : '';
  const script = state.script ? scriptBlock(reply, input) : '';
  // Sandbox or a Stripe test key: no real money moves, and the customer must be able to see that.
  const testMode = input.mode === 'sandbox' || (input.publishableKey ?? '').startsWith('pk_test_');
  const banner = testMode ? '<p id="test-mode" class="test-mode" role="note">Test mode: no real payment is taken.</p>' : '';
  return htmlDocument(TITLE, `${banner}${heading}${state.html}${script}`, { styleNonce: reply.cspNonce.style, head: waiting });
}

function stateSection(input: PageInput): { html: string; refresh: boolean; script: boolean } {
  const { view } = input;
  const status = (text: string) => `<p id="payment-status" role="status">${text}</p>`;
  switch (view.status) {
    case 'succeeded':
      return { html: status('Payment received. Thank you: your booking is confirmed.'), refresh: false, script: false };
    case 'refunded':
    case 'partially_refunded':
      return { html: status('This payment was received and has been refunded.'), refresh: false, script: false };
    case 'cancelled':
      return { html: status('This payment is no longer open: the booking was not paid in time.'), refresh: false, script: false };
    case 'processing':
      return { html: status('Your payment is being processed…'), refresh: true, script: false };
    default:
      break;
  }
  if (!view.payable) return { html: status('This payment cannot be completed here.'), refresh: false, script: false };
  if (view.status === 'requires_action' && input.returning) {
    return { html: status('Confirming your payment with your bank…'), refresh: true, script: false };
  }
  const error = input.error ?? (view.failureReason ? declineMessage(view.failureReason) : null);
  const errorHtml = `<p id="payment-error" class="error" role="alert">${error ? escapeHtml(error) : ''}</p>`;
  const authenticate =
    view.status === 'requires_action' && view.nextActionUrl
      ? `<p id="payment-status" role="status">Your bank asks you to confirm this payment.
<a class="button" href="${escapeHtml(view.nextActionUrl)}">Confirm with your bank</a></p><p class="muted">Or pay with another card:</p>`
      : '';
  if (input.mode === 'stripe') {
    return {
      html: `${authenticate}<form id="pay-form"><div id="payment-element"></div>${errorHtml}<button id="pay" type="submit">Pay</button></form>`,
      refresh: false,
      script: true,
    };
  }
  return { html: `${authenticate}${sandboxForm(view)}${errorHtml}`, refresh: false, script: false };
}

function declineMessage(reason: string): string {
  return reason === 'card_declined' ? 'The card was declined. Try another card.' : 'The last payment attempt failed. Try another card.';
}

function sandboxForm(view: PaymentPageView): string {
  // Values are never echoed back: a refused number is not put into the page again.
  return `<form id="pay-form" method="post" action="${escapeHtml(view.pageUrl)}" autocomplete="off">
<label for="card-number">Card number</label>
<input id="card-number" data-testid="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>
<div class="row"><div><label for="card-exp">Expiry (MM/YY)</label>
<input id="card-exp" data-testid="card-expiry" name="card_exp" autocomplete="cc-exp" placeholder="MM/YY" maxlength="7" required></div>
<div><label for="card-cvc">Security code</label>
<input id="card-cvc" data-testid="card-cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></div></div>
<p><button id="pay" data-testid="pay-button" type="submit">Pay</button></p></form>
<p class="muted">Sandbox: no real card is charged. Test cards: 4242 4242 4242 4242 (pays), 4000 0000 0000 0002 (declined),
4000 0027 6000 3184 (3-D Secure). Any future expiry date and any 3 digits.</p>`;
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
  };
  // JSON inside a script element: `<` escaped so no value can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const nonce = escapeHtml(reply.cspNonce.script);
  return `<script id="pay-config" type="application/json">${json}</script>
<script nonce="${nonce}" src="${STRIPE_JS}"></script>
<script nonce="${nonce}">
(() => {
  const config = JSON.parse(document.getElementById('pay-config').textContent);
  const stripe = Stripe(config.publishableKey);
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
    error.textContent = result.error ? result.error.message : 'The payment could not be completed. Try again.';
    button.disabled = false;
  });
})();
</script>`;
}
