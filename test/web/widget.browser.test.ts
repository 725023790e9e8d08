/**
 * The embeddable widget in a real browser against the real product process, on pages served
 * from OTHER origins (a tiny node:http server on 127.0.0.2 and another on 127.0.0.3), with the
 * one-line snippet and a strict Content-Security-Policy of their own:
 * - inline: the whole booking flow inside the iframe — service, day, time, details, the e-mailed
 *   code (the demo business is set to verify guests; the code is read from a real SMTP sink) —
 *   and the host page hears `booking_confirmed` with the BK- number and nothing personal, through
 *   `ReserveHub.on` and the DOM event; the iframe follows its content's height;
 * - button: a floating button opens a modal dialog (focus inside, Escape closes from the host
 *   page and from inside the iframe, the page behind does not scroll, full screen at 360 px);
 * - a site the business did not list gets no widget: frame-ancestors blocks the frame, no event
 *   arrives, and the snippet says so with a link to the booking page;
 * - forged messages (from a foreign frame, or the page itself, even naming the widget's id) are
 *   ignored by the loader.
 * axe-core runs on the host page with the widget (iframe included). Screenshots at 360 and 1280
 * go to test-artifacts/web/widget-*.png.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';

const SKIP_REASON = browserSkipReason('widget.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const NONCE = 'host-page-nonce';

interface HostEvent {
  via: 'dom' | 'api';
  name: string;
  detail: Record<string, unknown>;
}

/** A business's own site: `pages` by path, each with the snippet `snippet(path)` in it. */
class HostSite {
  server: Server | null = null;
  origin = '';
  readonly address: string;
  readonly pages: Record<string, () => { html: string; csp?: string }>;
  constructor(address: string, pages: Record<string, () => { html: string; csp?: string }>) {
    this.address = address;
    this.pages = pages;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const page = this.pages[new URL(request.url ?? '/', 'http://host').pathname];
      if (!page) {
        response.writeHead(404).end();
        return;
      }
      const { html, csp } = page();
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) }).end(html);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, this.address, () => resolve()));
    this.origin = `http://${this.address}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(SKIP_REASON !== null)(`the embeddable widget in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const smtp = new SmtpSink();
  let browser: Browser;

  /** The host page: its own look, its own strict CSP (the widget must need no inline script or style), events recorded. */
  const hostPage = (lang: string, snippet: string, extra = '', frameSrc = '') => ({
    csp: `default-src 'none'; script-src 'nonce-${NONCE}' ${product.baseUrl}; style-src 'nonce-${NONCE}'; frame-src ${product.baseUrl} ${frameSrc}; img-src data:`,
    html: `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peluquería de barrio</title>
<style nonce="${NONCE}">
  body { margin: 0; font-family: Georgia, serif; background: #fbf7f0; color: #2b2118; }
  header { padding: 16px 24px; background: #2b2118; color: #fbf7f0; }
  main { max-width: 880px; margin: 0 auto; padding: 16px; }
  .tall { height: 1400px; }
</style>
<script nonce="${NONCE}">
  window.hostEvents = [];
  window.reservehubMessagesSeen = 0;
  const names = ['ready', 'resize', 'booking_confirmed', 'open', 'close'];
  for (const name of names) {
    document.addEventListener('reservehub:' + name, (event) => window.hostEvents.push({ via: 'dom', name, detail: event.detail }));
  }
  addEventListener('load', () => {
    for (const name of names) window.ReserveHub.on(name, (detail) => window.hostEvents.push({ via: 'api', name, detail }));
  });
  addEventListener('message', (event) => { if (event.data && event.data.source === 'reservehub') window.reservehubMessagesSeen += 1; });
</script>
</head>
<body>
<header><p>Peluquería de barrio · Calle Mayor 1</p></header>
<main>
<h1>${lang === 'en' ? 'Book your appointment' : 'Reserva tu cita'}</h1>
<p>${lang === 'en' ? 'Choose a service and a time below.' : 'Elige un servicio y una hora aquí debajo.'}</p>
${snippet}
${extra}
</main>
</body>
</html>`,
  });
  const snippet = (attributes: string) => `<script src="${product.baseUrl}/widget.js" data-business="demo" ${attributes} async></script>`;

  const siteA = new HostSite('127.0.0.2', {
    '/inline-es': () => hostPage('es', snippet('data-locale="es"')),
    '/inline-en': () => hostPage('en', snippet('')),
    '/button': () => hostPage('es', snippet('data-mode="button" data-color="#7b2d26"'), '<div class="tall"></div>'),
    '/forged': () => hostPage('es', snippet(''), '', siteB.origin),
  });
  const siteB = new HostSite('127.0.0.3', {
    '/refused': () => hostPage('es', snippet('data-locale="es"')),
    // A frame of another site that pretends to be the widget (it even knows the widget's id): forged events to its parent.
    '/forger': () => ({
      html: `<!doctype html><html lang="es"><title>Anuncio</title><body><p>Publicidad</p><script>
        const widget = new URLSearchParams(location.search).get('widget');
        const post = (type, detail) => parent.postMessage({ source: 'reservehub', widget, type, detail }, '*');
        setInterval(() => {
          post('booking_confirmed', { booking_number: 'BK-FORGED', status: 'confirmed', start_time: '2030-01-01T10:00:00Z', service_id: 'x', service_name: 'x' });
          post('resize', { height: 7 });
          post('ready', { business: 'demo', name: 'Falso' });
          post('close', {});
        }, 100);
      </script></body></html>`,
    }),
  });

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await smtp.start();
    await product.start({ SMTP_URL: smtp.url });
    await siteA.start();
    await siteB.start();
    // Through the business-settings API: site A is the only site allowed to embed, and guests are verified.
    await product.setDemoBusinessSettings({ embed_origins: [siteA.origin], guest_verification: 'otp' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await siteA.stop();
    await siteB.stop();
    await smtp.close();
  }, 60_000);

  const hostEvents = (page: Page) => page.evaluate('window.hostEvents') as Promise<HostEvent[]>;
  const messagesSeen = (page: Page) => page.evaluate('window.reservehubMessagesSeen') as Promise<number>;
  const pageOverflow = (page: Page) => page.evaluate('document.documentElement.style.overflow') as Promise<string>;
  const isOpen = (dialog: Locator) => dialog.evaluate((node) => node.hasAttribute('open'));
  /** The names of the DOM events heard (each event also arrives once through ReserveHub.on). */
  const eventNames = async (page: Page) => (await hostEvents(page)).filter((event) => event.via === 'dom').map((event) => event.name);
  const widgetFrame = async (page: Page): Promise<Frame> => {
    await expect.poll(() => page.frames().some((frame) => frame.url().includes('/embed/demo')), POLL).toBe(true);
    return page.frames().find((frame) => frame.url().includes('/embed/demo')) as Frame;
  };
  /** The iframe's height on the host page against its document's height inside. */
  const heights = async (page: Page, frame: Frame) => ({
    iframe: await page.locator('.reservehub-widget iframe').evaluate((node) => node.getBoundingClientRect().height),
    content: (await frame.evaluate('document.documentElement.getBoundingClientRect().height')) as number,
  });

  /**
   * The whole page. Not `fullPage`: Chromium draws a cross-origin frame only where it was inside the
   * viewport, so the viewport grows to the page's height for the shot instead.
   */
  async function shoot(page: Page, name: string): Promise<void> {
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
    // Two frames drawn in each document (a hidden frame draws none: at most half a second each).
    for (const frame of page.frames()) {
      const drawn = frame.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))').catch(() => undefined);
      await Promise.race([drawn, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    await page.screenshot({ path: join(WEB_ARTIFACTS, name) });
    await page.setViewportSize(viewport);
  }

  /** The code e-mailed to `address`, once it arrives at the sink. */
  async function codeFor(address: string): Promise<string> {
    let code = '';
    await expect
      .poll(() => {
        const message = smtp.messages.findLast((entry) => entry.envelopeTo.includes(address));
        code = /\b(\d{6})\b/.exec(message?.parsed.text ?? '')?.[1] ?? '';
        return code;
      }, { timeout: 30_000, interval: 200 })
      .not.toBe('');
    return code;
  }

  for (const run of [
    { width: 360, path: '/inline-es', locale: 'es-ES', confirmed: '¡Reserva confirmada!', service: 'Elige un servicio' },
    { width: 1280, path: '/inline-en', locale: 'en-US', confirmed: 'Booking confirmed!', service: 'Choose a service' },
  ]) {
    it(`inline at ${run.width} px (${run.locale}): a whole booking with the e-mailed code; the host hears booking_confirmed with the BK- number`, async () => {
      const context = await browser.newContext({ locale: run.locale, timezoneId: 'Europe/Madrid', viewport: { width: run.width, height: 800 } });
      const { page, problems } = await openWatchedPage(context, { expectedStatus: 403 });
      const scripts: { url: string; gzip: number }[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() !== 'script') return;
        void response.body().then((body) => scripts.push({ url: response.url(), gzip: gzipSync(body, { level: 9 }).length }), () => undefined);
      });
      await page.goto(`${siteA.origin}${run.path}`);
      const frame = await widgetFrame(page);
      await frame.waitForSelector('[data-testid="service-card"]');
      await expect.poll(() => eventNames(page), POLL).toContain('ready');
      expect(await frame.textContent('main')).toContain(run.service);
      // The iframe is as tall as its content: no inner scrollbar, no gap.
      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      await shoot(page, `widget-inline-services-${run.width}.png`);
      await expectAccessible(page, `host page with the inline widget at ${run.width} px`);

      await frame.click('[data-testid="service-card"] >> nth=0');
      await frame.waitForSelector('[data-testid="date-picker"]');
      // A day after today: today's first time can pass its minimum notice while the code is typed.
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
      let day: string | undefined;
      for (let month = 0; month < 3 && day === undefined; month += 1) {
        await expect.poll(async () => (await frame.$('[data-testid="slots-loading"]')) === null, POLL).toBe(true);
        const dates = await frame.$$eval('[data-testid="date-day"]', (nodes) => nodes.map((node) => node.getAttribute('data-date') ?? ''));
        day = dates.find((date) => date > today);
        if (day === undefined) await frame.click('.next-month');
      }
      await frame.click(`[data-testid="date-day"][data-date="${day ?? ''}"]`);
      await frame.waitForSelector('[data-testid="available-slot"]');
      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      expect((await hostEvents(page)).some((event) => event.name === 'resize')).toBe(true);
      await shoot(page, `widget-inline-times-${run.width}.png`);
      await expectAccessible(page, `inline widget, calendar and times at ${run.width} px`);

      const email = `widget.${run.width}@example.com`;
      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      await frame.click('[data-testid="available-slot"] >> nth=0');
      await frame.fill('[data-testid="first-name"]', 'Marta');
      await frame.fill('[data-testid="last-name"]', 'Ribas');
      await frame.fill('[data-testid="email"]', email);
      await frame.click('[data-testid="confirm-booking"]');
      // The demo business verifies guests here: the code goes to the real SMTP sink.
      await frame.waitForSelector('[data-testid="send-otp"]');
      // The shorter step shrinks the frame a moment later (the host fits it to its content): a click before that
      // lands where the button was, as a finger would not.
      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      await frame.click('[data-testid="send-otp"]');
      // The code field appears once the server took the request; a refusal shows its words instead.
      await frame.waitForSelector('[data-testid="otp-code"], [data-testid="otp-step"] [role="alert"]', { timeout: 15_000 });
      expect(await frame.locator('[data-testid="otp-step"] [role="alert"]').allTextContents()).toEqual([]);
      await frame.fill('[data-testid="otp-code"]', await codeFor(email));
      await shoot(page, `widget-inline-code-${run.width}.png`);
      // Sent from the code field with Enter (as a phone's keyboard does): no click that a frame still settling after
      // the screenshot's resize could send elsewhere.
      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      await frame.press('[data-testid="otp-code"]', 'Enter');

      await frame.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 30_000 });
      const number = (await frame.textContent('[data-testid="booking-number"]')) ?? '';
      expect(number).toMatch(/^BK-/);
      expect(await frame.textContent('[data-testid="booking-confirmed"]')).toContain(run.confirmed);
      // Heard once through the DOM event and once through ReserveHub.on.
      await expect.poll(async () => (await hostEvents(page)).filter((event) => event.name === 'booking_confirmed').map((event) => event.via).sort(), POLL).toEqual(['api', 'dom']);
      for (const confirmed of (await hostEvents(page)).filter((event) => event.name === 'booking_confirmed')) {
        expect(confirmed.detail).toMatchObject({ business: 'demo', booking_number: number, status: 'confirmed' });
        expect(Number.isNaN(Date.parse(String(confirmed.detail.start_time)))).toBe(false);
        expect(String(confirmed.detail.service_name).length).toBeGreaterThan(0);
      }
      // Nothing personal reaches the host page: no name, e-mail or manage link.
      const said = JSON.stringify(await hostEvents(page));
      for (const secret of ['Marta', 'Ribas', email, '/manage/', 'token']) expect(said).not.toContain(secret);

      await expect.poll(async () => { const h = await heights(page, frame); return Math.abs(h.iframe - h.content); }, POLL).toBeLessThanOrEqual(1);
      await shoot(page, `widget-inline-confirmed-${run.width}.png`);
      await expectAccessible(page, `inline widget, confirmation at ${run.width} px`);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      // The manage link leaves the frame (that page refuses to be framed) for a new tab.
      const [manage] = await Promise.all([context.waitForEvent('page'), frame.click('[data-testid="manage-link"]')]);
      expect(manage.url()).toContain('/manage/');
      await manage.close();

      const loader = scripts.find((script) => script.url.endsWith('/widget.js'));
      const total = scripts.reduce((sum, script) => sum + script.gzip, 0);
      process.stdout.write(`widget at ${run.width} px: loader ${((loader?.gzip ?? 0) / 1024).toFixed(1)} kB gzip, all JavaScript of a whole booking ${(total / 1024).toFixed(1)} kB gzip (${scripts.length} files)\n`);
      expect(loader?.gzip ?? Number.POSITIVE_INFINITY).toBeLessThan(6 * 1024);
      expect(problems.filter((problem) => !problem.includes('403'))).toEqual([]);
      await context.close();
    }, 180_000);
  }

  for (const width of [360, 1280]) {
    it(`button at ${width} px: the dialog opens, keeps focus, locks the page and closes by Escape (host and frame) and by its button`, async () => {
      const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width, height: 740 } });
      const { page, problems } = await openWatchedPage(context);
      await page.goto(`${siteA.origin}/button`);
      const launcher = page.locator('.reservehub-widget .launcher');
      await launcher.waitFor();
      expect(await launcher.textContent()).toBe('Reservar');
      expect(await launcher.getAttribute('aria-haspopup')).toBe('dialog');
      await page.screenshot({ path: join(WEB_ARTIFACTS, `widget-button-closed-${width}.png`) });
      await expectAccessible(page, `host page with the widget's button at ${width} px`);

      await launcher.click();
      const dialog = page.locator('.reservehub-widget dialog');
      expect(await isOpen(dialog)).toBe(true);
      const frame = await widgetFrame(page);
      await frame.waitForSelector('[data-testid="service-card"]');
      await expect.poll(async () => (await eventNames(page)).includes('ready'), POLL).toBe(true);
      expect(await dialog.getAttribute('aria-labelledby')).toBe('rh-title');
      expect(await page.locator('.reservehub-widget .title').textContent()).toBe('Reservar en Salón Demo');
      expect(await page.locator('.reservehub-widget iframe').getAttribute('title')).toBe('Reservas de Salón Demo');
      expect(await pageOverflow(page)).toBe('hidden');
      const box = await dialog.boundingBox();
      if (width === 360) expect(box).toMatchObject({ x: 0, y: 0, width: 360, height: 740 });
      else expect(box?.width).toBeLessThanOrEqual(640);
      await page.screenshot({ path: join(WEB_ARTIFACTS, `widget-button-open-${width}.png`) });
      await expectAccessible(page, `widget dialog open at ${width} px`);

      // Focus starts on the close button and Tab never leaves the dialog (close button, then into the frame, then back).
      const focusedInWidget = () =>
        page.evaluate(`(() => {
          const host = document.querySelector('.reservehub-widget');
          const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
          if (document.activeElement !== host) return 'outside:' + (document.activeElement ? document.activeElement.tagName : '');
          return inner ? inner.className || inner.tagName.toLowerCase() : 'none';
        })()`) as Promise<string>;
      expect(await focusedInWidget()).toBe('close');
      const visited = new Set<string>();
      for (let press = 0; press < 40; press += 1) {
        await page.keyboard.press('Tab');
        // The trap moves focus back on the focus event: let it settle, then it must be inside.
        await expect.poll(focusedInWidget, POLL).not.toMatch(/^outside/);
        visited.add(await focusedInWidget());
      }
      expect([...visited].sort()).toEqual(['close', 'iframe']);

      // Escape inside the frame: the widget's page asks the loader to close.
      await frame.focus('[data-testid="service-card"] >> nth=0');
      await page.keyboard.press('Escape');
      await expect.poll(() => isOpen(dialog), POLL).toBe(false);
      expect(await pageOverflow(page)).toBe('');
      expect(await focusedInWidget()).toContain('launcher');

      // Escape on the host page (focus on the close button).
      await page.keyboard.press('Enter');
      await expect.poll(() => isOpen(dialog), POLL).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => isOpen(dialog), POLL).toBe(false);

      // The API and the close button.
      await page.evaluate('window.ReserveHub.open()');
      await expect.poll(() => isOpen(dialog), POLL).toBe(true);
      await page.click('.reservehub-widget .close');
      await expect.poll(() => isOpen(dialog), POLL).toBe(false);
      const names = await eventNames(page);
      expect(names.filter((name) => name === 'open')).toHaveLength(3);
      expect(names.filter((name) => name === 'close')).toHaveLength(3);
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('a site the business did not list gets no widget: the frame is refused, no event arrives, the snippet links to the booking page', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context, { watchRequests: false });
    await page.goto(`${siteB.origin}/refused`);
    const status = page.locator('.reservehub-widget .status');
    await expect.poll(() => status.textContent(), { timeout: 20_000, interval: 200 }).toContain('No se ha podido mostrar la reserva en esta página.');
    expect(await page.locator('.reservehub-widget .status a').getAttribute('href')).toBe(`${product.baseUrl}/book/demo`);
    // The browser refused the frame because of frame-ancestors: no booking flow rendered in any frame.
    expect(problems.some((problem) => problem.includes('frame-ancestors'))).toBe(true);
    for (const frame of page.frames()) expect(await frame.$('[data-testid="service-card"]').catch(() => null)).toBeNull();
    expect(await page.locator('.reservehub-widget iframe').evaluate((node) => node.ownerDocument.defaultView?.getComputedStyle(node).visibility)).toBe('hidden');
    expect(await hostEvents(page)).toEqual([]);
    expect(await messagesSeen(page)).toBe(0);
    await shoot(page, 'widget-refused-360.png');
    await expectAccessible(page, 'host page of a site the business did not list');
    await context.close();
  }, 60_000);

  it("forged messages — from a foreign frame, or from the page itself, naming the widget's id — are ignored by the loader", async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${siteA.origin}/forged`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('[data-testid="service-card"]');
    await expect.poll(() => eventNames(page), POLL).toContain('ready');
    const widget = new URL(frame.url()).searchParams.get('widget') ?? '';
    expect(widget).toMatch(/^[0-9a-f-]{36}$/);
    await page.evaluate(`(() => {
      const foreign = document.createElement('iframe');
      foreign.title = 'Anuncio';
      foreign.src = '${siteB.origin}/forger?widget=${widget}';
      document.querySelector('main').append(foreign);
      window.postMessage({ source: 'reservehub', widget: '${widget}', type: 'booking_confirmed',
        detail: { booking_number: 'BK-SELF', status: 'confirmed', start_time: '', service_id: '', service_name: '' } }, '*');
    })()`);
    // The forger keeps posting every 100 ms; the page's own listener sees them arrive.
    await expect.poll(() => messagesSeen(page), POLL).toBeGreaterThan(20);
    const events = await hostEvents(page);
    expect(events.filter((event) => event.name === 'ready').map((event) => event.via).sort()).toEqual(['api', 'dom']);
    expect((events.find((event) => event.name === 'ready') as HostEvent).detail).toMatchObject({ name: 'Salón Demo' });
    expect(events.some((event) => event.name === 'booking_confirmed')).toBe(false);
    expect(events.some((event) => event.name === 'resize' && event.detail.height === 7)).toBe(false);
    const { iframe } = await heights(page, frame);
    expect(iframe).toBeGreaterThan(100);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
