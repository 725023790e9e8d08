/**
 * The business dashboard's front desk in a real browser against the real product process: the
 * specification's admin journey (§10.2.3: sign in as the demo owner, bookings, today, open a booking,
 * mark it completed, confirm, the status reads "Completed") in English and in Spanish; a session
 * revoked elsewhere lands on the sign-in page with a message; an owner with MFA signs in with a TOTP
 * code. Two demo bookings are moved to today, already started (the product refuses to complete a
 * booking before its start, and no API books in the past), with the product stopped, as an operator
 * would. axe-core checks each screen; screenshots at 360 px and 1280 px go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate as totp } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-desk.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface ListedBooking {
  id: string;
  status: string;
  resource: { id: string };
}

/** SQL that moves a booking (and its occupied time) to start 20 minutes ago, or at midnight in Madrid if that is later: today, started. */
function startedToday(id: string): string {
  return `
    with moved as (
      select id, tenant_id,
        greatest(now() - interval '20 minutes', date_trunc('day', now() at time zone 'Europe/Madrid') at time zone 'Europe/Madrid') - start_time as delta
      from bookings where id = '${id}'
    ), shifted as (
      update bookings set start_time = start_time + moved.delta, end_time = end_time + moved.delta from moved where bookings.id = moved.id returning bookings.id
    )
    update allocations set occupied = tstzrange(lower(occupied) + moved.delta, upper(occupied) + moved.delta)
    from moved where allocations.booking_id = moved.id and allocations.tenant_id = moved.tenant_id`;
}

describe.skipIf(SKIP_REASON !== null)(`dashboard front desk, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  const firstScreenMs: number[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    const token = await product.demoOwnerToken();
    const listed = (await (await fetch(`${product.baseUrl}/api/v1/bookings?status=confirmed&limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: ListedBooking[] };
    // Two confirmed demo bookings on different resources, so their moved times cannot overlap.
    const first = listed.data[0];
    const second = listed.data.find((booking) => booking.resource.id !== first?.resource.id);
    if (!first || !second) throw new Error(`the demo has no two confirmed bookings on different resources: ${JSON.stringify(listed.data)}`);
    await product.restartAfterSql([startedToday(first.id), startedToday(second.id)]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    if (firstScreenMs.length > 0) process.stdout.write(`dashboard: first screen after sign-in in ${firstScreenMs.join(' ms, ')} ms\n`);
  }, 60_000);

  /** Signs in on /admin/login and waits for the dashboard's first screen; returns how long that took. */
  async function signIn(page: Page): Promise<number> {
    return signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="booking-row"], [data-testid="desk-empty"]', { ...POLL, state: 'visible' });
  }

  for (const [language, locale, completed, confirmed] of [
    ['en', 'en-GB', 'Completed', 'Confirmed'],
    ['es', 'es-ES', 'Completada', 'Confirmada'],
  ] as const) {
    it(`admin journey (${language}): sign in, today's bookings, mark one completed`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
      const { page, problems } = await openWatchedPage(context);
      await page.goto(`${product.baseUrl}/admin/login`);
      await expect.poll(() => page.getAttribute('html', 'lang'), POLL).toBe(language);
      await expectAccessible(page, `sign-in ${language}`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-login-${language}-1280.png`), fullPage: true });

      firstScreenMs.push(await signIn(page));
      await page.click('[data-testid="nav-bookings"]');
      await page.click('[data-testid="filter-today"]');
      const row = page.locator('[data-testid="booking-row"]').filter({ hasText: confirmed }).first();
      await row.waitFor(POLL);
      await expectAccessible(page, `desk ${language}`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-desk-${language}-1280.png`), fullPage: true });

      await row.click();
      await expect.poll(() => page.textContent('[data-testid="booking-status"]'), POLL).toBe(confirmed);
      await page.waitForSelector('[data-testid="booking-history"]', POLL);
      await expectAccessible(page, `booking detail ${language}`);
      await page.click('[data-testid="mark-completed"]');
      await page.waitForSelector('[data-testid="confirm-action"]', POLL);
      await expectAccessible(page, `confirm step ${language}`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-confirm-${language}-1280.png`) });
      await page.click('[data-testid="confirm-action"]');
      await expect.poll(() => page.textContent('[data-testid="booking-status"]'), POLL).toBe(completed);
      // Nothing is offered on a completed booking.
      expect(await page.$('[data-testid="mark-completed"]')).toBeNull();
      const history = (await page.textContent('[data-testid="booking-history"]')) ?? '';
      expect(history).toContain(language === 'en' ? 'Completed' : 'Completada');
      await page.screenshot({ path: join(ARTIFACTS, `admin-detail-${language}-1280.png`) });
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('fits a phone (360 px): sign-in, the day and a booking, in Spanish', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'es-ES', isMobile: true, hasTouch: true });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/admin/login`);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-login-es-360.png'), fullPage: true });
    await signIn(page);
    await page.waitForSelector('[data-testid="booking-row"]', POLL);
    // Nothing wider than the screen.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'desk at 360 px');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-desk-es-360.png'), fullPage: true });
    await page.locator('[data-testid="booking-row"]').first().click();
    await page.waitForSelector('[data-testid="booking-status"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-detail-es-360.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a session revoked elsewhere lands on the sign-in page with a message', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page } = await openWatchedPage(context, { expectedStatus: 401 });
    await signIn(page);
    // Someone uses the stored refresh token first: its reuse by this browser then ends the whole session.
    const stored = await page.evaluate(() => localStorage.getItem('reservehub.admin.refresh'));
    const rotated = await fetch(`${product.baseUrl}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: stored }) });
    expect(rotated.status).toBe(200);
    await page.reload();
    await page.waitForURL('**/admin/login', POLL);
    expect(await page.textContent('[data-testid="session-ended"]')).toContain('Your session has ended');
    await context.close();
  }, 120_000);

  it('an owner with MFA signs in with a TOTP code (runs last: it turns MFA on for the demo owner)', async () => {
    const token = await product.demoOwnerToken();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const enrolment = (await (await fetch(`${product.baseUrl}/api/v1/auth/mfa/enroll`, { method: 'POST', headers })).json()) as { data: { secret: string } };
    const secret = enrolment.data.secret;
    const enabled = await fetch(`${product.baseUrl}/api/v1/auth/mfa/enable`, { method: 'POST', headers, body: JSON.stringify({ code: await totp({ secret }) }) });
    expect(enabled.status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/admin/login`);
    await page.fill('[data-testid="email"]', OWNER.email);
    await page.fill('[data-testid="password"]', OWNER.password);
    await page.click('[data-testid="login-button"]');
    await page.waitForSelector('[data-testid="mfa-code"]', POLL);
    await expectAccessible(page, 'MFA step');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-mfa-es-1280.png') });
    // The enabling code is spent (no replay): the next time step's code signs in.
    await page.fill('[data-testid="mfa-code"]', await totp({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('[data-testid="nav-bookings"]', POLL);
    expect(await page.textContent('[data-testid="business-name"]')).toBeTruthy();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
