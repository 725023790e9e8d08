/**
 * The public web app in a real browser (playwright-core driving Debian's Chromium)
 * against the real product process: the landing page leads to the demo business's
 * booking page, which lists its services through the API client, in Spanish and in
 * English, within the pages' Content-Security-Policy (any violation would show up
 * as a console error). Screenshots at 360 px and 1280 px go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('public-pages.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const WIDTHS = [360, 1280] as const;
/** The first page load on a busy machine (two test workers, a database, the browser) can take seconds. */
const POLL = { timeout: 15_000, interval: 100 };

const LANGUAGES = {
  es: { locale: 'es-ES', choose: 'Elige un servicio', book: 'Reservar una cita', price: /^20\s€$/, testMode: 'Modo de prueba: no se cobra dinero real.' },
  en: { locale: 'en-US', choose: 'Choose a service', book: 'Book an appointment', price: /^€20$/, testMode: 'Test mode: no real money is taken.' },
} as const;

describe.skipIf(SKIP_REASON !== null)(`public pages in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);


  for (const [language, words] of Object.entries(LANGUAGES)) {
    it(`${language}: from the landing page to the demo business's services`, async () => {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ locale: words.locale, viewport: { width, height: 800 } });
        const { page, problems } = await openWatchedPage(context);
        await page.goto(`${product.baseUrl}/`);
        await expect.poll(() => page.textContent('[data-testid="demo-business"] h2'), POLL).toBe('Salón Demo');
        expect(await page.getAttribute('html', 'lang')).toBe(language);
        expect(await page.textContent('[data-testid="demo-booking-link"]')).toBe(words.book);
        expect(await page.getAttribute('[data-testid="admin-login-link"]', 'href')).toBe('/admin/login');
        await page.screenshot({ path: join(ARTIFACTS, `landing-${language}-${width}.png`), fullPage: true });
        await expectAccessible(page, `landing ${language} ${width}`);

        await page.click('[data-testid="demo-booking-link"]');
        await page.waitForURL(`${product.baseUrl}/book/demo`);
        await page.waitForSelector('[data-testid="service-card"]');
        const cards = await page.$$eval('[data-testid="service-card"]', (nodes) => nodes.map((node) => node.textContent ?? ''));
        expect(cards).toHaveLength(3);
        expect(cards.some((card) => card.includes('Corte'))).toBe(true);
        expect(await page.textContent('#choose-service')).toBe(words.choose);
        expect(await page.textContent('[data-testid="business-name"]')).toBe('Salón Demo');
        const prices = await page.$$eval('[data-testid="service-price"]', (nodes) => nodes.map((node) => node.textContent ?? ''));
        expect(prices[0]).toMatch(words.price);
        // The product runs on the sandbox payment provider: the page says no real money moves.
        await expect.poll(() => page.textContent('[data-testid="test-mode"]'), POLL).toBe(words.testMode);
        await page.screenshot({ path: join(ARTIFACTS, `booking-${language}-${width}.png`), fullPage: true });
        await expectAccessible(page, `services ${language} ${width}`);

        // Nothing overflows the narrowest screen sideways.
        // (A string: the test is type-checked without the DOM library.)
        expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        expect(problems).toEqual([]);
        await context.close();
      }
    }, 120_000);
  }

  it('switching the language changes the page at once and is remembered on the next visit', async () => {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/book/demo`);
    await expect.poll(() => page.textContent('#choose-service'), POLL).toBe(LANGUAGES.es.choose);
    await page.click('[data-testid="language-en"]');
    await expect.poll(() => page.textContent('#choose-service'), POLL).toBe(LANGUAGES.en.choose);
    expect(await page.getAttribute('[data-testid="language-en"]', 'aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => page.textContent('#choose-service'), POLL).toBe(LANGUAGES.en.choose);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('an unknown business gets a clear message instead of an empty page', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/book/no-such-business`);
    await page.waitForSelector('[data-testid="load-error"]');
    expect(await page.getAttribute('[data-testid="load-error"]', 'data-code')).toBe('TENANT_NOT_FOUND');
    expect(await page.textContent('[data-testid="load-error"]')).toContain("We couldn't find a business at this address.");
    await page.screenshot({ path: join(ARTIFACTS, 'unknown-business-en-360.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('the widget page lists the services too', async () => {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 640 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/embed/demo`);
    await page.waitForSelector('[data-testid="service-card"]');
    expect(await page.$$('[data-testid="service-card"]')).toHaveLength(3);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-es-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
