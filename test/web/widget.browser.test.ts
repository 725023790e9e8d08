/**
 * The booking widget on another website, in a real browser against the real product: a host page
 * served from another origin pastes the one-line snippet; the inline widget completes a booking and
 * the host hears `booking_confirmed` (through `ReserveHub.on` and the DOM event) with the BK- number;
 * the button mode opens and closes its dialog; a business that names its sites keeps every other
 * site from framing it; a message forged by a foreign frame never reaches the host's listeners.
 * Screenshots go to test-artifacts/web/widget-*.png.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('widget.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };

interface HostSite {
  origin: string;
  server: Server;
}

/** A business's own website on its own origin: the snippet, and a log of what the widget told it. */
async function startHostSite(productUrl: string): Promise<HostSite> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname === '/foreign-frame') {
      // A page of another site, framed by the host, that pretends to be the widget.
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>ad</title><script>
        const widget = new URLSearchParams(location.search).get('widget');
        parent.postMessage({ source: 'reservehub', widget, type: 'booking_confirmed',
          detail: { booking_number: 'BK-FORGED', status: 'confirmed', start_time: '', service_id: '', service_name: '' } }, '*');
      </script>`);
      return;
    }
    const mode = url.searchParams.get('mode') === 'button' ? 'button' : 'inline';
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'es';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peluquería Ejemplo</title></head>
<body style="font-family: system-ui; margin: 0; padding: 16px; background: #fbf7f2">
<header><h1>Peluquería Ejemplo</h1><p>${lang === 'en' ? 'Our salon in Madrid.' : 'Nuestro salón en Madrid.'}</p></header>
<main>
<script>
  window.heard = [];
  for (const name of ['ready', 'resize', 'booking_confirmed', 'close']) {
    document.addEventListener('reservehub:' + name, (event) => heard.push({ via: 'dom', type: name, detail: event.detail }));
  }
  window.addEventListener('load', () => {
    if (!window.ReserveHub) return;
    window.ReserveHub.on('booking_confirmed', (detail) => heard.push({ via: 'api', type: 'booking_confirmed', detail }));
  });
</script>
<script src="${productUrl}/widget.js" data-business="demo" data-mode="${mode}" data-locale="${lang}" async></script>
</main></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Heard {
  via: 'dom' | 'api';
  type: string;
  detail: Record<string, unknown>;
}
const heard = (page: Page) => page.evaluate('window.heard') as Promise<Heard[]>;

async function widgetFrame(page: Page): Promise<Frame> {
  const element = await page.waitForSelector('.reservehub-widget iframe');
  await expect.poll(async () => (await element.contentFrame())?.url() ?? '', POLL).toContain('/embed/demo');
  const frame = await element.contentFrame();
  if (!frame) throw new Error('the widget has no frame');
  return frame;
}

describe.skipIf(SKIP_REASON !== null)(`booking widget on another site, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let site: HostSite;
  let otherSite: HostSite;

  /** The demo owner sets the sites allowed to embed the widget, through the business-settings API. */
  const setEmbedOrigins = (origins: string[]) => product.setDemoBusinessSettings({ embed_origins: origins });

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start();
    site = await startHostSite(product.baseUrl);
    otherSite = await startHostSite(product.baseUrl);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
    otherSite?.server.close();
    await product.stop();
  }, 60_000);

  it('inline on a 360 px phone: a whole booking inside the site, and the site hears booking_confirmed', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${site.origin}/`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('[data-testid="service-card"]');
    await expect.poll(async () => (await heard(page)).map((event) => event.type), POLL).toContain('ready');
    // The frame grows to its content: no inner scroll bar, no fixed guess.
    await expect.poll(async () => (await heard(page)).some((event) => event.type === 'resize'), POLL).toBe(true);
    const frameHeight = await page.$eval('.reservehub-widget iframe', (node) => node.getBoundingClientRect().height);
    const contentHeight = await frame.$eval('main', (node) => node.getBoundingClientRect().height);
    expect(Math.abs(frameHeight - Math.ceil(contentHeight))).toBeLessThanOrEqual(2);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-inline-services-es-360.png'), fullPage: true });
    await expectAccessible(page, 'widget inline: services');

    await frame.click('[data-testid="service-card"] >> nth=0');
    await frame.waitForSelector('[data-testid="date-picker"]');
    for (let month = 0; month < 3; month += 1) {
      await expect.poll(async () => (await frame.$('[data-testid="slots-loading"]')) === null, POLL).toBe(true);
      if ((await frame.$$('[data-testid="date-day"]')).length > 0) break;
      await frame.click('.next-month');
    }
    await frame.click('[data-testid="date-day"] >> nth=0');
    await frame.waitForSelector('[data-testid="available-slot"]');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-inline-times-es-360.png'), fullPage: true });
    await expectAccessible(page, 'widget inline: times');
    await frame.click('[data-testid="available-slot"] >> nth=0');
    await frame.fill('[data-testid="first-name"]', 'Marta');
    await frame.fill('[data-testid="last-name"]', 'Widget');
    await frame.fill('[data-testid="email"]', 'marta.widget@example.com');
    await frame.click('[data-testid="confirm-booking"]');
    await frame.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 20_000 });
    const number = (await frame.textContent('[data-testid="booking-number"]')) ?? '';
    expect(number).toMatch(/^BK-/);
    // The manage link leaves the frame (the manage page may not be framed).
    expect(await frame.getAttribute('[data-testid="manage-link"]', 'target')).toBe('_blank');

    await expect.poll(async () => (await heard(page)).filter((event) => event.type === 'booking_confirmed').length, POLL).toBe(2);
    const confirmed = (await heard(page)).filter((event) => event.type === 'booking_confirmed');
    for (const event of confirmed) {
      expect(event.detail.booking_number).toBe(number);
      expect(event.detail.business).toBe('demo');
      expect(event.detail.status).toBe('confirmed');
      // Nothing about the customer crosses to the host page.
      expect(JSON.stringify(event.detail)).not.toMatch(/marta|widget@|Marta/i);
    }
    expect(confirmed.map((event) => event.via).sort()).toEqual(['api', 'dom']);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-inline-confirmed-es-360.png'), fullPage: true });
    await expectAccessible(page, 'widget inline: confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('button mode at 1280 px: a floating button opens the booking in a dialog; Esc closes it and gives focus back', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${site.origin}/?mode=button&lang=en`);
    const button = await page.waitForSelector('.reservehub-widget button[aria-haspopup="dialog"]');
    expect(await button.textContent()).toBe('Book now');
    // Nothing is loaded until the customer asks.
    expect(await page.$eval('.reservehub-widget iframe', (node) => node.getAttribute('src'))).toBeNull();
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-button-closed-en-1280.png') });

    await button.click();
    expect(await page.evaluate('document.querySelector(".reservehub-widget dialog").open')).toBe(true);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('[data-testid="service-card"]');
    expect(await frame.textContent('html')).toContain('Choose');
    expect(await page.evaluate('document.documentElement.style.overflow')).toBe('hidden');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-button-open-en-1280.png') });
    await expectAccessible(page, 'widget dialog open');

    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate('document.querySelector(".reservehub-widget dialog").open'), POLL).toBe(false);
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-haspopup")')).toBe('dialog');
    expect(await page.evaluate('document.documentElement.style.overflow')).toBe('');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a forged message from a foreign frame or from the host page itself never reaches the listeners', async () => {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${site.origin}/`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('[data-testid="service-card"]');
    const widgetId = new URL(frame.url()).searchParams.get('widget');
    expect(widgetId).toMatch(/^[0-9a-f-]{36}$/);
    // Another site's frame, knowing the widget's id, posts a booking; and the page posts one to itself.
    await page.evaluate(`(() => {
      const foreign = document.createElement('iframe');
      foreign.src = '${otherSite.origin}/foreign-frame?widget=${widgetId}';
      document.body.append(foreign);
      window.postMessage({ source: 'reservehub', widget: '${widgetId}', type: 'booking_confirmed',
        detail: { booking_number: 'BK-SELF', status: 'confirmed', start_time: '', service_id: '', service_name: '' } }, '*');
    })()`);
    await page.waitForFunction(`document.querySelector('iframe[src*="foreign-frame"]')?.contentDocument === null`, undefined, { timeout: 10_000 });
    await page.waitForTimeout(1_000);
    expect((await heard(page)).filter((event) => event.type === 'booking_confirmed')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a business that names its sites: the named one shows the widget, any other gets none', async () => {
    await setEmbedOrigins([site.origin]);
    try {
      const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
      const { page } = await openWatchedPage(context, { watchRequests: false });
      await page.goto(`${otherSite.origin}/`);
      const element = await page.waitForSelector('.reservehub-widget iframe');
      await page.waitForTimeout(3_000);
      const frame = await element.contentFrame();
      // The browser refuses to render the frame (frame-ancestors): no booking page, no word to the host.
      expect(await frame?.$('[data-testid="service-card"]').catch(() => null)).toBeFalsy();
      expect(await heard(page)).toEqual([]);
      await page.screenshot({ path: join(WEB_ARTIFACTS, 'widget-refused-site-es-360.png'), fullPage: true });

      const allowed = await openWatchedPage(context);
      await allowed.page.goto(`${site.origin}/`);
      const allowedFrame = await widgetFrame(allowed.page);
      await allowedFrame.waitForSelector('[data-testid="service-card"]');
      await expect.poll(async () => (await heard(allowed.page)).map((event) => event.type), POLL).toContain('ready');
      expect(allowed.problems).toEqual([]);
      await context.close();
    } finally {
      await setEmbedOrigins([]);
    }
  }, 120_000);
});
