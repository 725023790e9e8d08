/**
 * Coupons in a real browser against the real product process. The platform administrator (second
 * factor enrolled on the first sign-in) opens "Planes" in Spanish at 1280 px, sees the coupons' empty
 * state, creates a 20 % coupon for three months and sees it listed. A business owner, in English at
 * 360 px, types an unknown code and is told so in words, then applies the coupon in lower case; the
 * billing screen shows it running and the price the business pays, and the API reads it back. No
 * console error; axe-core on each screen; screenshots at 1280 px (es) and 360 px (en).
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin, signInToPlatform } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-coupons.browser.test.ts');
const POLL = { timeout: 20_000, interval: 100 };
const PLATFORM = { email: 'root@platform.reservehub.test', password: 'Platform-coupons-2026!' };
const OWNER = { name: 'Estudio Cupón', slug: 'estudio-cupon', email: 'owner@cupon.test', password: 'Coupon-studio-2026!' };
const CODE = 'BIENVENIDA20';

describe.skipIf(SKIP_REASON !== null)(`coupons, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  const recoveryCodes: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({ PLATFORM_ADMIN_EMAIL: PLATFORM.email, PLATFORM_ADMIN_PASSWORD: PLATFORM.password });
    const signup = await fetch(`${product.baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_name: OWNER.name, tenant_slug: OWNER.slug, email: OWNER.email, password: OWNER.password, plan_id: 'professional', timezone: 'Europe/Madrid', currency: 'EUR' }),
    });
    expect(signup.status, await signup.clone().text()).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('the platform creates a coupon in Spanish at 1280 px; the owner applies it in English at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    // The taken code is refused on purpose (409).
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await signInToPlatform(page, product.baseUrl, PLATFORM, recoveryCodes, '#admin-nav');
    await page.click('[data-testid="nav-platform-plans"]');
    await page.waitForSelector('[data-testid="coupons-empty"]', POLL);
    expect(await page.textContent('[data-testid="platform-coupons"]')).toContain('Cupones');

    await page.fill('[data-testid="coupon-code"]', CODE);
    await page.fill('[data-testid="coupon-name"]', 'Bienvenida');
    await page.fill('[data-testid="coupon-value"]', '20');
    await page.click('[data-testid="coupon-duration"]');
    await page.getByRole('option', { name: 'Varios meses' }).click();
    await page.fill('[data-testid="coupon-months"]', '3');
    await page.locator('[data-testid="coupon-form"]').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'coupons form es 1280');
    await page.click('[data-testid="coupon-create"]');
    const row = page.locator(`[data-testid="coupon-row"][data-code="${CODE}"]`);
    await row.waitFor(POLL);
    expect(await row.textContent()).toMatch(/20 % de descuento.*3 meses.*Activo/);
    // The same code again is refused in words.
    await page.fill('[data-testid="coupon-code"]', CODE.toLowerCase());
    await page.fill('[data-testid="coupon-name"]', 'Otra vez');
    await page.fill('[data-testid="coupon-value"]', '10');
    await page.click('[data-testid="coupon-create"]');
    await expect.poll(() => page.textContent('[data-testid="coupon-error"]').catch(() => ''), POLL).toContain('Ese código ya existe');
    await expectAccessible(page, 'coupons list es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-coupons-es-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();

    const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    // The unknown code is refused on purpose (404).
    const owner = await openWatchedPage(phone, { expectedStatus: 404 });
    await signInToAdmin(owner.page, product.baseUrl, OWNER, '#admin-nav');
    await owner.page.goto(`${product.baseUrl}/admin/settings/billing?lang=en`);
    await owner.page.waitForSelector('[data-testid="billing-coupon-code"]', POLL);
    expect(await owner.page.textContent('[data-testid="billing-own-price"]')).toMatch(/You pay .*149\.00/);
    await owner.page.fill('[data-testid="billing-coupon-code"]', 'NO-SUCH-CODE');
    await owner.page.click('[data-testid="billing-coupon-apply"]');
    await expect.poll(() => owner.page.textContent('[data-testid="billing-coupon-error"]').catch(() => ''), POLL).toContain("We don't know that code");
    await owner.page.fill('[data-testid="billing-coupon-code"]', CODE.toLowerCase());
    await owner.page.click('[data-testid="billing-coupon-apply"]');
    await expect.poll(() => owner.page.textContent('[data-testid="billing-coupon-running"]').catch(() => ''), POLL).toContain(`Coupon ${CODE} applied: 20 % off`);
    await expectAccessible(owner.page, 'billing coupon en 360');
    await owner.page.screenshot({ path: join(WEB_ARTIFACTS, 'billing-coupon-en-360.png'), fullPage: true });
    // The page fits the phone: nothing wider than the viewport.
    expect(await owner.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    // Read back through the API with the owner's own session.
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: OWNER.email, password: OWNER.password }) });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const billing = await fetch(`${product.baseUrl}/api/v1/billing`, { headers: { authorization: `Bearer ${token}` } });
    const data = ((await billing.json()) as { data: { coupon: { code: string; percent_off: number; ends_at: string | null } | null } }).data;
    expect(data.coupon).toMatchObject({ code: CODE, percent_off: 20 });
    expect(data.coupon?.ends_at).not.toBeNull();
    expect(owner.problems).toEqual([]);
    await phone.close();
  }, 240_000);
});
