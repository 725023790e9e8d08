/**
 * The dashboard's billing screen in a real browser against the real product process: the demo
 * owner, in the free trial, adds a sandbox test card, fills the billing details that decide the
 * invoice tax, moves to a dearer plan (free and at once during the trial), schedules the
 * cancellation and takes it back — each step read back through the API. Screenshots at 1280 px
 * in Spanish and 360 px in English go to test-artifacts/web/; axe-core checks each screen.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-billing.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 30_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Billing {
  subscription: { plan_id: string; status: string; cancel_at_period_end: boolean };
  account: { legal_name: string | null; tax_id: string | null; country: string | null; payment_method: { brand: string; last4: string } | null };
}

describe.skipIf(SKIP_REASON !== null)(`dashboard billing, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';

  const billing = async (): Promise<Billing> => {
    const response = await fetch(`${product.baseUrl}/api/v1/billing`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { data: Billing }).data;
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('adds a card, fills the billing details, changes plan in the trial, and schedules then takes back a cancellation', async () => {
    const before = await billing();
    expect(before.subscription.status).toBe('trialing');
    expect(before.account.payment_method).toBeNull();

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', POLL);
    await page.goto(`${product.baseUrl}/admin/settings/billing?lang=es`);
    await page.waitForSelector('[data-testid="billing-subscription"]', POLL);
    await expect(page.locator('[data-testid="billing-status"]').textContent()).resolves.toBe('Prueba gratuita');
    await page.waitForSelector('[data-testid="billing-invoices-empty"]', POLL);
    await expectAccessible(page, 'billing, trial, es 1280');

    // A sandbox test card (the first one offered works).
    await page.click('[data-testid="billing-card-save"]');
    await page.waitForSelector('[data-testid="billing-card"]:has-text("4242")', POLL);
    expect((await billing()).account.payment_method).toEqual({ brand: 'visa', last4: '4242' });

    // Billing details; a country that is not a two-letter code is refused before sending.
    await page.fill('[data-testid="billing-legal-name"]', 'Salón Demo S.L.');
    await page.fill('[data-testid="billing-tax-id"]', 'ESB12345678');
    await page.fill('[data-testid="billing-country"]', 'E');
    await page.click('[data-testid="billing-account-save"]');
    await page.waitForSelector('text=Usa el código de país de dos letras', POLL);
    await page.fill('[data-testid="billing-country"]', 'es');
    await page.click('[data-testid="billing-account-save"]');
    await page.waitForSelector('text=Datos de facturación guardados.', POLL);
    expect((await billing()).account).toMatchObject({ legal_name: 'Salón Demo S.L.', tax_id: 'ESB12345678', country: 'ES' });

    // A dearer plan during the trial: the dialog says nothing is charged, and it changes at once.
    const target = before.subscription.plan_id === 'business' ? 'professional' : 'business';
    await page.click(`[data-testid="billing-choose-${target}"]`);
    await page.waitForSelector('text=no se cobra nada hasta que termine', POLL);
    await expectAccessible(page, 'billing, plan change dialog, es 1280');
    await page.click('[data-testid="billing-change-confirm"]');
    await page.waitForSelector('[role="dialog"]', { ...POLL, state: 'detached' });
    expect((await billing()).subscription.plan_id).toBe(target);
    await page.waitForSelector(`[data-testid="billing-plan-${target}"][data-current="true"]`, POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-billing-es-1280.png'), fullPage: true });

    // Cancel at the period end, then keep it.
    await page.click('[data-testid="billing-cancel"]');
    await page.click('[data-testid="billing-cancel-confirm"]');
    await page.waitForSelector('[data-testid="billing-resume"]', POLL);
    expect((await billing()).subscription.cancel_at_period_end).toBe(true);
    await page.click('[data-testid="billing-resume"]');
    await page.waitForSelector('[data-testid="billing-cancel"]', POLL);
    expect((await billing()).subscription.cancel_at_period_end).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads well on a phone in English', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', POLL);
    await page.goto(`${product.baseUrl}/admin/settings/billing?lang=en`);
    await page.waitForSelector('[data-testid="billing-subscription"]', POLL);
    await page.waitForSelector('text=Billing details', POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'billing, en 360');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-billing-en-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
