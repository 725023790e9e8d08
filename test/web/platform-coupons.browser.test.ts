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
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, openWatchedContext, setUpProductAndChromium, signInToPlatform } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-coupons.browser.test.ts');
const POLL = { timeout: 20_000, interval: 100 };
const PLATFORM = { email: 'root@platform.reservehub.test', password: 'Platform-coupons-2026!' };
const OWNER = { name: 'Estudio Cupón', slug: 'estudio-cupon', email: 'owner@cupon.test', password: 'Coupon-studio-2026!' };
const CODE = 'BIENVENIDA20';

describe.skipIf(SKIP_REASON !== null)(`coupons, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const recoveryCodes: string[] = [];
  const chromium = setUpProductAndChromium(product, {
    env: { PLATFORM_ADMIN_EMAIL: PLATFORM.email, PLATFORM_ADMIN_PASSWORD: PLATFORM.password },
    prepare: async () => {
      const signup = await fetch(`${product.baseUrl}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_name: OWNER.name, tenant_slug: OWNER.slug, email: OWNER.email, password: OWNER.password, plan_id: 'professional', timezone: 'Europe/Madrid', currency: 'EUR' }),
      });
      expect(signup.status, await signup.clone().text()).toBe(201);
    },
  });

  it('the platform creates a coupon in Spanish at 1280 px; the owner applies it in English at 360 px', async () => {
    // The taken code is refused on purpose (409).
    const platform = await openWatchedContext(chromium.browser, { width: 1280, locale: 'es-ES', expectedStatus: 409 });
    const { page } = platform;
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
    await expectScreenReads(page, { label: 'coupons list es 1280', screenshot: 'platform-coupons-es-1280.png' });
    await expectCleanClose(platform);

    // The unknown code is refused on purpose (404).
    const owner = await openAdminAt(chromium.browser, product, { width: 360, height: 780, locale: 'en-GB', touch: true, expectedStatus: 404, who: OWNER, landed: '#admin-nav' });
    await owner.page.goto(`${product.baseUrl}/admin/settings/billing?lang=en`);
    await owner.page.waitForSelector('[data-testid="billing-coupon-code"]', POLL);
    expect(await owner.page.textContent('[data-testid="billing-own-price"]')).toMatch(/You pay .*149\.00/);
    await owner.page.fill('[data-testid="billing-coupon-code"]', 'NO-SUCH-CODE');
    await owner.page.click('[data-testid="billing-coupon-apply"]');
    await expect.poll(() => owner.page.textContent('[data-testid="billing-coupon-error"]').catch(() => ''), POLL).toContain("We don't know that code");
    await owner.page.fill('[data-testid="billing-coupon-code"]', CODE.toLowerCase());
    await owner.page.click('[data-testid="billing-coupon-apply"]');
    await expect.poll(() => owner.page.textContent('[data-testid="billing-coupon-running"]').catch(() => ''), POLL).toContain(`Coupon ${CODE} applied: 20 % off`);
    // The page fits the phone: nothing wider than the viewport.
    await expectScreenReads(owner.page, { width: 360, label: 'billing coupon en 360', screenshot: 'billing-coupon-en-360.png' });

    // Read back through the API with the owner's own session.
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: OWNER.email, password: OWNER.password }) });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const billing = await fetch(`${product.baseUrl}/api/v1/billing`, { headers: { authorization: `Bearer ${token}` } });
    const data = ((await billing.json()) as { data: { coupon: { code: string; percent_off: number; ends_at: string | null } | null } }).data;
    expect(data.coupon).toMatchObject({ code: CODE, percent_off: 20 });
    expect(data.coupon?.ends_at).not.toBeNull();
    await expectCleanClose(owner);
  }, 240_000);
});
