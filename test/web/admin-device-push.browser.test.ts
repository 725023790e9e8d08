/**
 * "Notifications on this device" in a real browser against the real product process (the demo
 * business, Web Push configured with a VAPID key pair):
 *
 * - the card on /admin/account/security says what it does, in English and in Spanish, with the
 *   button to turn notices on (axe-core on the page; screenshots at 1280 px and 360 px go to
 *   test-artifacts/web/, no sideways overflow on the phone);
 * - a push message delivered to the dashboard's registered service worker through the Chrome
 *   DevTools Protocol (`ServiceWorker.deliverPushMessage`, what DevTools' "Push" button does) is
 *   shown as a notification with the notice's title, text and booking URL
 *   (`registration.getNotifications()`);
 * - with notifications blocked for the site, the card says so instead of offering the button;
 * - turning notices on asks the browser, registers the device with the API (which then lists it
 *   for the member) and shows "On"; turning them off removes it from the API and shows "Off".
 *
 * Headless Chromium has no push service to subscribe with (`PushManager.subscribe` needs Google's
 * push service, which a test cannot reach): a real subscribe fails, and the card says so in words
 * (tested); for on/off the page's PushManager returns a stand-in subscription. That a booking
 * reaches the push service encrypted for the right members is proven in the API test
 * (test/notifications/staff-push.test.ts) with a local stand-in push service.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { BrowserSubscription } from '../notifications/push-service-fake.ts';
import { DEMO_OWNER, setUpProductAndChromium, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-device-push.browser.test.ts');
const POLL = { timeout: 30_000, interval: 100 };
const SIGNED_IN = '[data-testid="nav-calendar"]';
const vapid = webpush.generateVAPIDKeys();

const WORDS = {
  en: { title: 'Notifications on this device', button: 'Turn on notifications', denied: 'Notifications are blocked for this site' },
  es: { title: 'Notificaciones en este dispositivo', button: 'Activar notificaciones', denied: 'Las notificaciones están bloqueadas para este sitio' },
} as const;

describe.skipIf(SKIP_REASON !== null)(`booking notices on the member's device, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  // Private endpoints allowed: the stand-in subscription below points at loopback (no push service exists in a test).
  const run = setUpProductAndChromium(product, {
    env: { PUSH_ALLOW_PRIVATE: 'true', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@reservehub.test' },
  });

  async function securityPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
    const watched = await openWatchedPage(context);
    await signInToAdmin(watched.page, product.baseUrl, DEMO_OWNER, SIGNED_IN, POLL);
    // The worker registers after the page has loaded; the card reads its registration.
    await expect
      .poll(() => watched.page.evaluate(`(async () => (await navigator.serviceWorker.getRegistration('/admin/'))?.active?.state ?? null)()`), POLL)
      .toBe('activated');
    await watched.page.goto(`${product.baseUrl}/admin/account/security`);
    await watched.page.waitForSelector('[data-testid="device-push"]', POLL);
    return watched;
  }

  for (const [language, locale] of [
    ['en', 'en-GB'],
    ['es', 'es-ES'],
  ] as const) {
    it(`explains and offers notices in ${language === 'en' ? 'English' : 'Spanish'}, at 1280 px and 360 px`, { timeout: 90_000 }, async () => {
      const context = await run.browser.newContext({ viewport: { width: 1280, height: 900 }, locale, serviceWorkers: 'allow' });
      try {
        const { page, problems } = await securityPage(context);
        const card = page.locator('[data-testid="device-push"]');
        await expect.poll(() => card.textContent(), POLL).toContain(WORDS[language].title);
        await page.waitForSelector('[data-testid="device-push-on"]', POLL);
        expect(await page.locator('[data-testid="device-push-on"]').textContent()).toBe(WORDS[language].button);
        expect(await page.locator('[data-testid="device-push-status"]').textContent()).toBe(language === 'en' ? 'Off' : 'Desactivadas');
        await expectAccessible(page, `device notifications (${language})`);
        await card.screenshot({ path: join(WEB_ARTIFACTS, `device-push-card-${language}-1280.png`) });
        await page.screenshot({ path: join(WEB_ARTIFACTS, `security-${language}-1280.png`), fullPage: true });

        await page.setViewportSize({ width: 360, height: 780 });
        await card.scrollIntoViewIfNeeded();
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
        await page.screenshot({ path: join(WEB_ARTIFACTS, `security-${language}-360.png`), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('says notifications are blocked when the site may not show them', { timeout: 90_000 }, async () => {
    const context = await run.browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'es-ES', serviceWorkers: 'allow' });
    try {
      const { page } = await securityPage(context);
      // Playwright only grants permissions; the browser's own CDP session blocks one for this context, as a person's "Block" does.
      const { targetInfo } = await (await context.newCDPSession(page)).send('Target.getTargetInfo');
      const cdp = await run.browser.newBrowserCDPSession();
      await cdp.send('Browser.setPermission', {
        origin: product.baseUrl,
        permission: { name: 'notifications' },
        setting: 'denied',
        ...(targetInfo.browserContextId ? { browserContextId: targetInfo.browserContextId } : {}),
      });
      expect(await page.evaluate('Notification.permission')).toBe('denied');
      await page.reload();
      const blocked = page.locator('[data-testid="device-push-unavailable"]');
      await blocked.waitFor(POLL);
      expect(await blocked.getAttribute('data-reason')).toBe('denied');
      expect(await blocked.textContent()).toContain(WORDS.es.denied);
      expect(await page.locator('[data-testid="device-push-on"]').count()).toBe(0);
      await page.locator('[data-testid="device-push"]').screenshot({ path: join(WEB_ARTIFACTS, 'device-push-denied-es-360.png') });
    } finally {
      await context.close();
    }
  });

  it('shows a pushed booking notice as a notification from the dashboard’s worker', { timeout: 90_000 }, async () => {
    const context = await run.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', serviceWorkers: 'allow' });
    try {
      await context.grantPermissions(['notifications'], { origin: product.baseUrl });
      const { page } = await securityPage(context);
      const cdp = await context.newCDPSession(page);
      const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
      await cdp.send('ServiceWorker.enable');
      await expect.poll(() => registrations.find((registration) => registration.scopeURL === `${product.baseUrl}/admin/`), POLL).toBeDefined();
      const registration = registrations.find((item) => item.scopeURL === `${product.baseUrl}/admin/`);
      const notice = {
        title: 'New booking',
        body: 'Corte de pelo · Ana · Fri 29 Mar, 10:00',
        url: `${product.baseUrl}/admin/bookings?booking=0d7c1bde-7c2d-4a52-9a39-7a3f1f0c2b11`,
        tag: 'booking:0d7c1bde-7c2d-4a52-9a39-7a3f1f0c2b11',
      };
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: `${product.baseUrl}/`, registrationId: registration?.registrationId ?? '', data: JSON.stringify(notice) });
      const shownNotification = () =>
        page.evaluate(`(async () => {
          const registration = await navigator.serviceWorker.getRegistration('/admin/');
          const [notification] = (await registration?.getNotifications()) ?? [];
          return notification ? { title: notification.title, body: notification.body, tag: notification.tag, url: notification.data?.url ?? null } : null;
        })()`);
      await expect.poll(shownNotification, POLL).toEqual({ title: notice.title, body: notice.body, tag: notice.tag, url: notice.url });
    } finally {
      await context.close();
    }
  });

  it('turns notices on and off: the member’s device is registered with the API and removed again', { timeout: 90_000 }, async () => {
    const context = await run.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', serviceWorkers: 'allow' });
    try {
      await context.grantPermissions(['notifications'], { origin: product.baseUrl });
      // Headless Chromium has no push service: PushManager gets a stand-in subscription (a real key pair, a loopback
      // endpoint); everything else — permission, the card, the API calls — is the product's own.
      const device = new BrowserSubscription(`http://127.0.0.1:9/push/${randomUUID()}`).toJSON();
      await context.addInitScript(`(() => {
        const device = ${JSON.stringify(device)};
        let current = null;
        const subscription = () => ({
          endpoint: device.endpoint,
          expirationTime: null,
          toJSON: () => ({ endpoint: device.endpoint, expirationTime: null, keys: device.keys }),
          unsubscribe: async () => { current = null; return true; },
        });
        PushManager.prototype.subscribe = async function () { current = subscription(); return current; };
        PushManager.prototype.getSubscription = async function () { return current; };
      })()`);
      const { page, problems } = await securityPage(context);
      const status = page.locator('[data-testid="device-push-status"]');
      await page.click('[data-testid="device-push-on"]');
      await expect.poll(() => status.textContent(), POLL).toBe('On');
      const token = await ownerToken();
      const held = await myDevices(token);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ push_service: 'http://127.0.0.1:9', last_success_at: null });
      await page.locator('[data-testid="device-push"]').screenshot({ path: join(WEB_ARTIFACTS, 'device-push-on-en-1280.png') });

      await page.click('[data-testid="device-push-off"]');
      await expect.poll(() => status.textContent(), POLL).toBe('Off');
      expect(await myDevices(token)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says so when the browser cannot register (headless Chromium has no push service)', { timeout: 90_000 }, async () => {
    const context = await run.browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'es-ES', serviceWorkers: 'allow' });
    try {
      await context.grantPermissions(['notifications'], { origin: product.baseUrl });
      const { page } = await securityPage(context);
      await page.click('[data-testid="device-push-on"]');
      await expect
        .poll(() => page.locator('[data-testid="device-push"] [role="alert"]').textContent().catch(() => null), POLL)
        .toBe('Este navegador no ha podido registrarse para recibir notificaciones. Inténtalo de nuevo o usa otro navegador.');
      expect(await page.locator('[data-testid="device-push-status"]').textContent()).toBe('Desactivadas');
      await page.locator('[data-testid="device-push"]').screenshot({ path: join(WEB_ARTIFACTS, 'device-push-failed-es-360.png') });
    } finally {
      await context.close();
    }
  });

  it('opens the booking a notice links to (/admin/bookings?booking=<id>) on the desk, and closing it cleans the address', { timeout: 90_000 }, async () => {
    const token = await ownerToken();
    const listed = await fetch(`${product.baseUrl}/api/v1/bookings?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    const [booking] = ((await listed.json()) as { data: Array<{ id: string; booking_number: string }> }).data;
    if (!booking) throw new Error('the demo business has no booking');
    const context = await run.browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', serviceWorkers: 'allow' });
    try {
      const { page, problems } = await openWatchedPage(context);
      await signInToAdmin(page, product.baseUrl, DEMO_OWNER, SIGNED_IN, POLL);
      await page.goto(`${product.baseUrl}/admin/bookings?booking=${booking.id}`);
      const drawer = page.getByRole('dialog');
      await expect.poll(() => drawer.textContent().catch(() => ''), POLL).toContain(booking.booking_number);
      await page.screenshot({ path: join(WEB_ARTIFACTS, 'booking-from-notice-en-360.png') });
      await page.getByRole('button', { name: 'Close' }).first().click();
      await expect.poll(() => new URL(page.url()).search, POLL).toBe('');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  /** The demo owner's access token, signed in through the API as the dashboard does. */
  async function ownerToken(): Promise<string> {
    const response = await fetch(`${product.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_OWNER.email, password: DEMO_OWNER.password }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { access_token: string } };
    return body.data.access_token;
  }

  async function myDevices(token: string): Promise<Array<{ id: string; push_service: string; last_success_at: string | null }>> {
    const response = await fetch(`${product.baseUrl}/api/v1/me/push-subscriptions`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Array<{ id: string; push_service: string; last_success_at: string | null }> }).data;
  }
});
