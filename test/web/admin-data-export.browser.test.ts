/**
 * "Download all your data" on the billing screen, in a real browser against the real product process (its
 * worker builds the archive): the demo owner schedules the cancellation, the card appears, prepares the export,
 * shows its progress, then the download, which the browser saves as a ZIP. Read at 1280 px in Spanish and at
 * 360 px in English, axe-clean; screenshots go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-data-export.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 30_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

describe.skipIf(SKIP_REASON !== null)(`the data export offered at cancellation, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('is not offered while the subscription renews; once cancellation is scheduled it prepares and downloads the archive', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES', acceptDownloads: true });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', POLL);
    await page.goto(`${product.baseUrl}/admin/settings/billing?lang=es`);
    await page.waitForSelector('[data-testid="billing-subscription"]', POLL);
    expect(await page.$('[data-testid="billing-data-export"]')).toBeNull();

    await page.click('[data-testid="billing-cancel"]');
    await page.click('[data-testid="billing-cancel-confirm"]');
    await page.waitForSelector('[data-testid="billing-data-export"]', POLL);
    await page.waitForSelector('[data-testid="export-empty"]:has-text("Todavía no has exportado tus datos.")', POLL);
    await expectAccessible(page, 'data export offered, es 1280');

    await page.click('[data-testid="export-start"]');
    await page.waitForSelector('[data-testid="export-ready"]', POLL);
    await expect(page.locator('[data-testid="export-ready"]').textContent()).resolves.toMatch(/Tus datos están listos \(.+\)\. Puedes descargarlos hasta el /);
    await expectAccessible(page, 'data export ready, es 1280');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-data-export-es-1280.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-download"]')]);
    expect(download.suggestedFilename()).toMatch(/^reservehub-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = Object.keys(unzipSync(new Uint8Array(readFileSync(await download.path()))));
    expect(files).toEqual(expect.arrayContaining(['README.txt', 'customers.csv', 'bookings.jsonl', 'services.csv']));

    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads well on a phone in English', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', POLL);
    await page.goto(`${product.baseUrl}/admin/settings/billing?lang=en`);
    await page.waitForSelector('[data-testid="export-ready"]:has-text("Your data is ready")', POLL);
    await page.waitForSelector('text=Download all your data', POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'data export, en 360');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-data-export-en-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
