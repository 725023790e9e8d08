/**
 * The dashboard as an installed app, in a real browser against the real product process: the owner
 * signs in at /admin, the service worker (/admin/sw.js) installs and controls the page after a reload;
 * offline, a reload still opens the dashboard's shell from the worker's cache and the page says in
 * words that it cannot reach the server (no browser error page, no bookings from a copy); back online
 * it resumes the same session by itself. Throughout, Cache Storage holds the build's shell only: no
 * /api/ answer is ever stored, and no API request is answered by the worker.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-installable.browser.test.ts');
const POLL = { timeout: 30_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const SIGNED_IN = '[data-testid="nav-calendar"]';

/** Every cache of the page's origin, by name, with the paths of what it stores (page code as text: this project's types have no DOM). */
async function storedPaths(page: Page): Promise<Record<string, string[]>> {
  return (await page.evaluate(`(async () => {
    const stored = {};
    for (const name of await caches.keys()) {
      const requests = await (await caches.open(name)).keys();
      stored[name] = requests.map((request) => new URL(request.url).pathname);
    }
    return stored;
  })()`)) as Record<string, string[]>;
}

describe.skipIf(SKIP_REASON !== null)(`dashboard as an installable app, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('installs its worker, opens offline from the cached shell saying it is offline, never stores an API answer, and recovers online', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-ES', serviceWorkers: 'allow' });
    const { page, problems } = await openWatchedPage(context);
    const apiAnswers: Array<{ url: string; fromWorker: boolean }> = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) apiAnswers.push({ url: response.url(), fromWorker: response.fromServiceWorker() });
    });

    await signInToAdmin(page, product.baseUrl, OWNER, SIGNED_IN, POLL);
    // Registered after load, installed once the shell is cached, then active.
    const activated = await page.waitForFunction(`(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/admin/');
      return registration?.active?.state === 'activated' ? { scope: registration.scope, script: registration.active.scriptURL } : null;
    })()`, null, POLL);
    expect(await activated.jsonValue()).toEqual({ scope: `${product.baseUrl}/admin/`, script: `${product.baseUrl}/admin/sw.js` });

    // A reload: the worker controls the page, and the session resumes as before.
    await page.reload();
    await page.waitForSelector(SIGNED_IN, { ...POLL, state: 'attached' });
    expect(await page.evaluate('navigator.serviceWorker.controller?.scriptURL ?? null')).toBe(`${product.baseUrl}/admin/sw.js`);
    await page.waitForSelector('[data-testid="booking-row"], [data-testid="desk-empty"]', POLL);
    expect(problems).toEqual([]);

    const online = await storedPaths(page);
    const names = Object.keys(online);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^reservehub-admin-[0-9a-f]{16}$/);
    const shell = online[names[0] ?? ''] ?? [];
    expect(shell).toEqual(expect.arrayContaining(['/admin/', '/admin/manifest.webmanifest', '/admin-icon-192.png']));
    expect(shell.some((path) => /^\/assets\/admin-.+\.js$/.test(path))).toBe(true);

    // Offline: the reload is answered by the worker with the cached shell, which says so in words.
    await context.setOffline(true);
    const offlineNavigation = await page.reload();
    expect(offlineNavigation?.fromServiceWorker()).toBe(true);
    expect(offlineNavigation?.status()).toBe(200);
    // The very answer stored at install (the server gives each answer its own request id), not a fresh one.
    const cachedShellId = await page.evaluate(`caches.match('/admin/').then((shell) => shell?.headers.get('x-request-id') ?? null)`);
    expect(cachedShellId).not.toBeNull();
    expect(await offlineNavigation?.headerValue('x-request-id')).toBe(cachedShellId);
    const notice = page.locator('[data-testid="offline-notice"]');
    await notice.waitFor(POLL);
    await expect(notice.textContent()).resolves.toContain('No podemos contactar con el servidor');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sin conexión');
    expect(await page.title()).toBe('ReserveHub · Panel');
    // No booking is shown from a copy.
    expect(await page.locator('[data-testid="booking-row"]').count()).toBe(0);
    await expectAccessible(page, 'offline notice, es 390');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-offline-es-390.png'), fullPage: true });

    // Back online: the page notices and resumes the same session, with no new sign-in.
    await context.setOffline(false);
    await page.waitForSelector(SIGNED_IN, { ...POLL, state: 'attached' });
    await page.waitForSelector('[data-testid="booking-row"], [data-testid="desk-empty"]', POLL);
    expect(new URL(page.url()).pathname).not.toBe('/admin/login');

    // The API was called throughout, never answered by the worker, and nothing of it is in Cache Storage.
    expect(apiAnswers.length).toBeGreaterThan(0);
    expect(apiAnswers.filter((answer) => answer.fromWorker)).toEqual([]);
    const after = await storedPaths(page);
    expect(after).toEqual(online);
    expect(Object.values(after).flat().filter((path) => path.startsWith('/api/'))).toEqual([]);
    await context.close();
  }, 180_000);
});
