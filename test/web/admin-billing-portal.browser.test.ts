/**
 * The billing screen with Stripe as billing's provider, in a real browser against the real product
 * process (its Stripe calls go to a local fake of Stripe's API): the owner has no test cards to pick,
 * but a button to Stripe's customer portal; there (a stand-in page) a Mastercard becomes the default,
 * Stripe's signed `customer.updated` reaches the product, and back on the screen the card shows.
 * Spanish at 1280 px, English at 360 px; axe-core checks both; screenshots go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';
import { FakeStripeBilling } from '../billing/fake-stripe-billing.ts';

const SKIP_REASON = browserSkipReason('admin-billing-portal.browser.test.ts');
const POLL = { timeout: 30_000, interval: 100 };
const BILLING_SECRET = 'whsec_billing_browser';

describe.skipIf(SKIP_REASON !== null)(`dashboard billing on Stripe, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const fake = new FakeStripeBilling();
  const chromium = setUpProductAndChromium(product, {
    before: () => fake.start(),
    env: () => ({
      STRIPE_SECRET_KEY: 'sk_test_browser',
      STRIPE_WEBHOOK_SECRET: 'whsec_payments_browser',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_browser',
      STRIPE_API_BASE: fake.url,
      STRIPE_BILLING_WEBHOOK_SECRET: BILLING_SECRET,
    }),
    after: () => fake.stop(),
  });

  it("sends the owner to Stripe's customer portal and shows the card chosen there", async () => {
    const screen = await openAdminAt(chromium.browser, product, { width: 1280, locale: 'es-ES', path: '/admin/settings/billing?lang=es', ready: '[data-testid="billing-card-portal"]', wait: POLL });
    const { context, page } = screen;
    // Stripe's portal stands in as a page of its own: the product only has to send the owner there.
    await context.route('https://billing.stripe.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Stripe</title><h1>Customer portal</h1></html>' }));
    expect(await page.locator('[data-testid="billing-card-select"]').count()).toBe(0);
    await page.waitForSelector('text=Tu tarjeta la guarda Stripe', POLL);
    await expectAccessible(page, 'billing on Stripe, es 1280');

    await page.click('[data-testid="billing-card-portal"]');
    await page.waitForURL(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/, POLL);
    const [customer] = [...fake.customers.values()];
    expect(customer?.metadata.reservehub_tenant_id).toMatch(/^[0-9a-f-]{36}$/);
    const portal = fake.requests.find((request) => request.path === '/v1/billing_portal/sessions');
    expect(portal?.form.return_url).toBe(`${product.baseUrl}/admin/settings/billing`);

    // The owner saves a Mastercard on the portal; Stripe tells the product.
    const event = fake.signedEvent('customer.updated', fake.portalChangesCard(customer!.id, 'pm_card_mastercard'), BILLING_SECRET);
    const delivered = await fetch(`${product.baseUrl}/api/v1/webhooks/stripe/billing`, { method: 'POST', headers: event.headers, body: event.body });
    expect(delivered.status).toBe(200);
    expect(((await delivered.json()) as { data: { outcome: string } }).data.outcome).toBe('applied');

    await page.goto(`${product.baseUrl}/admin/settings/billing?lang=es`);
    await page.waitForSelector('[data-testid="billing-card"]:has-text("MASTERCARD terminada en 4444")', POLL);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-billing-stripe-es-1280.png'), fullPage: true });
    await expectCleanClose(screen);
  }, 180_000);

  it('reads well on a phone in English', async () => {
    const screen = await openAdminAt(chromium.browser, product, { width: 360, locale: 'en-GB', path: '/admin/settings/billing?lang=en', ready: 'text=Your card is kept by Stripe', wait: POLL });
    await expect(screen.page.locator('[data-testid="billing-card-portal"]').textContent()).resolves.toBe('Replace card');
    await expectScreenReads(screen.page, { width: 360, label: 'billing on Stripe, en 360', screenshot: 'admin-billing-stripe-en-360.png' });
    await expectCleanClose(screen);
  }, 120_000);
});
