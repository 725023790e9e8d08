/**
 * "Download all your data" on the billing screen, in a real browser against the real product process (its
 * worker builds the archive): the demo owner schedules the cancellation, the card appears, prepares the export,
 * shows its progress, then the download, which the browser saves as a ZIP. Read at 1280 px in Spanish and at
 * 360 px in English, axe-clean; screenshots go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-data-export.browser.test.ts');
const POLL = { timeout: 30_000, interval: 100 };

describe.skipIf(SKIP_REASON !== null)(`the data export offered at cancellation, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const chromium = setUpProductAndChromium(product);

  it('is not offered while the subscription renews; once cancellation is scheduled it prepares and downloads the archive', async () => {
    const screen = await openAdminAt(chromium.browser, product, {
      width: 1280,
      locale: 'es-ES',
      acceptDownloads: true,
      path: '/admin/settings/billing?lang=es',
      ready: '[data-testid="billing-subscription"]',
      wait: POLL,
    });
    const { page } = screen;
    expect(await page.$('[data-testid="billing-data-export"]')).toBeNull();

    await page.click('[data-testid="billing-cancel"]');
    await page.click('[data-testid="billing-cancel-confirm"]');
    await page.waitForSelector('[data-testid="billing-data-export"]', POLL);
    await page.waitForSelector('[data-testid="export-empty"]:has-text("Todavía no has exportado tus datos.")', POLL);
    await expectAccessible(page, 'data export offered, es 1280');

    await page.click('[data-testid="export-start"]');
    await page.waitForSelector('[data-testid="export-ready"]', POLL);
    await expect(page.locator('[data-testid="export-ready"]').textContent()).resolves.toMatch(/Tus datos están listos \(.+\)\. Puedes descargarlos hasta el /);
    await expectScreenReads(page, { label: 'data export ready, es 1280', screenshot: 'admin-data-export-es-1280.png' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-download"]')]);
    expect(download.suggestedFilename()).toMatch(/^reservehub-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = Object.keys(unzipSync(new Uint8Array(readFileSync(await download.path()))));
    expect(files).toEqual(expect.arrayContaining(['README.txt', 'customers.csv', 'bookings.jsonl', 'services.csv']));
    await expectCleanClose(screen);
  }, 180_000);

  it('reads well on a phone in English', async () => {
    const screen = await openAdminAt(chromium.browser, product, {
      width: 360,
      locale: 'en-GB',
      path: '/admin/settings/billing?lang=en',
      ready: '[data-testid="export-ready"]:has-text("Your data is ready")',
      wait: POLL,
    });
    await screen.page.waitForSelector('text=Download all your data', POLL);
    await expectScreenReads(screen.page, { width: 360, label: 'data export, en 360', screenshot: 'admin-data-export-en-360.png' });
    await expectCleanClose(screen);
  }, 120_000);
});
