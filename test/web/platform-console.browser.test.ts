/**
 * The platform console (/platform) in a real browser against the real product process. The first
 * sign-in enrols a second factor before the console opens (later ones use a recovery code). The demo
 * salon's subscription is made a paid one (written with the product stopped) and a second business
 * signs up and books nothing, so the churn model flags it. The platform administrator signs in at
 * the dashboard's sign-in and lands on the console: MRR as the API gives it, a search for the
 * idle business, which shows as at risk with the factors behind it and the action advised;
 * suspending it (reason required) turns its booking API away, reactivating restores it. A business
 * owner who opens /platform is refused, and the platform APIs answer 403. The demo salon's own
 * page shows its usage and risk; maintenance switched on there, with a message, stops its booking
 * page, which shows that message in Spanish and English, until it is switched off. No console error (CSP
 * included); axe-core on each screen; screenshots at 360 px and 1280 px in English and Spanish.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-console.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const PLATFORM = { email: 'root@platform.reservehub.test', password: 'Platform-console-2026!' };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const IDLE = { name: 'Estudio Quieto', slug: 'estudio-quieto', email: 'owner@quieto.test', password: 'Quiet-studio-2026!' };

interface Health {
  tenant_id: string;
  name: string;
  mrr: { amount: number; currency: string };
  churn_risk: { score: number; factors: Array<{ factor: string; risk: number | null }> };
}

describe.skipIf(SKIP_REASON !== null)(`platform console, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let platformToken = '';

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { data: unknown } };
  };
  /** Recovery codes of the platform administrator's second factor, one per later sign-in. */
  let recoveryCodes: string[] = [];
  const nextRecoveryCode = () => {
    const code = recoveryCodes.shift();
    if (!code) throw new Error('no recovery code left');
    return code;
  };
  const tokenOf = async (who: { email: string; password: string }) => {
    const response = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    const data = ((await response.json()) as { data: { access_token: string } | { mfa_required: true; mfa_token: string } }).data;
    if (!('mfa_required' in data) || !data.mfa_required) return (data as { access_token: string }).access_token;
    const verified = await fetch(`${product.baseUrl}/api/v1/auth/mfa/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfa_token: data.mfa_token, code: nextRecoveryCode() }),
    });
    return ((await verified.json()) as { data: { access_token: string } }).data.access_token;
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({ PLATFORM_ADMIN_EMAIL: PLATFORM.email, PLATFORM_ADMIN_PASSWORD: PLATFORM.password });
    // The demo salon's trial has turned into a paid subscription (billing's work; no API does it yet).
    // And one of its jobs failed every attempt while the database was unreachable (a rollup refresh, harmless to replay).
    await product.restartAfterSql([
      `update subscriptions set status = 'active' where tenant_id = (select id from tenants where slug = 'demo')`,
      `insert into jobs (tenant_id, name, payload, status, attempts, max_attempts, last_error, completed_at)
        values ((select id from tenants where slug = 'demo'), 'analytics.refresh', '{"booking_id":null,"places":[],"customer_ids":[]}', 'dead', 10, 10,
          'connect ECONNREFUSED 10.0.0.9:5432', now() - interval '2 hours')`,
      // And a confirmation e-mail to a customer bounced.
      `insert into notifications (tenant_id, dedupe_key, event_type, channel, recipient_kind, language, body_enc, status)
        values ((select id from tenants where slug = 'demo'), 'bounced-confirmation', 'booking.confirmed', 'email', 'customer', 'es', 'x', 'bounced')`,
    ]);
    const signup = await fetch(`${product.baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_name: IDLE.name, tenant_slug: IDLE.slug, email: IDLE.email, password: IDLE.password, first_name: 'Iris', last_name: 'Quieto', timezone: 'Europe/Madrid', currency: 'EUR' }),
    });
    expect(signup.status, await signup.clone().text()).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  /** Signs the platform administrator in with a recovery code as the second factor. */
  async function signIn(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, PLATFORM, '[data-testid="mfa-code"]', POLL);
    await page.fill('[data-testid="mfa-code"]', nextRecoveryCode());
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('[data-testid="platform-overview"]', POLL);
  }

  it('the first sign-in asks for a second factor before anything else; the console opens once the recovery codes are saved', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, PLATFORM, '[data-testid="platform-mfa-gate"]', POLL);
    // Nothing of the console is there yet, and its APIs refuse this session.
    expect(await page.locator('[data-testid="platform-overview"]').count()).toBe(0);
    const refused = await call('GET', '/platform/tenants', await tokenOf(PLATFORM));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { details: { mfa_enrollment_required: true } } });
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-qr"]', POLL);
    const secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform two-step enrolment en 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-mfa-en-1280.png'), fullPage: true });
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', POLL);
    recoveryCodes = await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    // The codes stay on screen, with no way to turn the factor off, until the administrator goes on.
    expect(await page.locator('[data-testid="mfa-disable"]').count()).toBe(0);
    await page.click('[data-testid="mfa-continue"]');
    await page.waitForSelector('[data-testid="kpi-tenants-value"]', POLL);
    expect(problems).toEqual([]);
    await context.close();
    platformToken = await tokenOf(PLATFORM);
  }, 120_000);

  it('shows MRR, finds the idle business at risk with its factors, and suspends and reactivates it', async () => {
    const health = (await call('GET', '/analytics/platform/tenants', platformToken)).body.data as Health[];
    const idle = health.find((row) => row.name === IDLE.name);
    const demo = health.find((row) => row.mrr.amount > 0);
    // Flagged: medium (40–69) or high (70+) risk; how high depends on whether the owner's sign-up
    // already counts as admin activity.
    expect(idle?.churn_risk.score).toBeGreaterThanOrEqual(40);
    const band = idle!.churn_risk.score >= 70 ? 'high' : 'medium';
    expect(demo, 'the demo salon pays').toBeDefined();
    expect(health.some((row) => row.name === 'ReserveHub'), "the platform's own tenant is not a business").toBe(false);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    expect(new URL(page.url()).pathname).toBe('/platform');
    const mrrCard = page.locator(`[data-testid="kpi-mrr-${demo!.mrr.currency.toLowerCase()}-value"]`);
    // The amount as the API gives it (the currency's sign is the browser's to choose).
    await expect.poll(() => mrrCard.textContent(), POLL).toContain((demo!.mrr.amount / 100).toFixed(2));
    await expectAccessible(page, 'platform overview en 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-overview-en-1280.png'), fullPage: true });

    await page.click('[data-testid="nav-platform-tenants"]');
    // Away from the link, so axe-core judges its resting colours rather than its hover.
    await page.mouse.move(900, 700);
    await page.fill('[data-testid="tenant-search"]', 'quieto');
    await expect.poll(() => page.locator('[data-testid="tenant-row"]').count(), POLL).toBe(1);
    const row = page.locator('[data-testid="tenant-row"]');
    expect(await row.getAttribute('data-risk')).toBe(band);
    expect(await row.locator('[data-testid="risk-badge"]').textContent()).toBe(`${band === 'high' ? 'High' : 'Medium'} · ${idle!.churn_risk.score}`);
    const factors = await row.locator('[data-testid="risk-factors"] li').allTextContents();
    const measured = idle!.churn_risk.factors.filter((factor) => (factor.risk ?? 0) > 0);
    expect(factors).toHaveLength(measured.length);
    expect(factors.join('\n')).toContain('Usage trend · 100/100: 0 bookings in the last 30 days, 0 in the 30 before');
    expect(await row.locator('[data-testid="risk-action"]').textContent()).toMatch(/^Advised: /);
    expect(new URL(page.url()).searchParams.get('q')).toBe('quieto');
    await expectAccessible(page, 'platform tenants en 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-tenants-en-1280.png'), fullPage: true });

    // Suspend: the reason is required; the business's booking page API then refuses.
    const bookingPage = () => fetch(`${product.baseUrl}/api/v1/booking-page`, { headers: { 'x-tenant': IDLE.slug } });
    expect((await bookingPage()).status).toBe(200);
    await row.locator('[data-testid="suspend-tenant"]').click();
    expect(await page.locator('[data-testid="confirm-suspend"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="suspend-reason"]', 'Unpaid invoices, owner unreachable');
    await page.click('[data-testid="confirm-suspend"]');
    await page.waitForSelector('[data-testid="reactivate-tenant"]', POLL);
    const refused = await bookingPage();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    await page.click('[data-testid="reactivate-tenant"]');
    await page.waitForSelector('[data-testid="suspend-tenant"]', POLL);
    expect((await bookingPage()).status).toBe(200);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  for (const [language, locale, width] of [
    ['en', 'en-GB', 360],
    ['es', 'es-ES', 360],
    ['es', 'es-ES', 1280],
  ] as const) {
    it(`fits ${width} px in ${language === 'es' ? 'Spanish' : 'English'}`, async () => {
      const phone = width < 600;
      const context = await browser.newContext({ viewport: { width, height: phone ? 780 : 900 }, locale, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
      const { page, problems } = await openWatchedPage(context);
      await signIn(page);
      await page.waitForSelector('[data-testid="kpi-tenants-value"]', POLL);
      if (language === 'es') expect(await page.locator('h1').textContent()).toBe('Resumen');
      await expectAccessible(page, `platform overview ${language} ${width}`);
      await page.screenshot({ path: join(WEB_ARTIFACTS, `platform-overview-${language}-${width}.png`), fullPage: true });
      await page.goto(`${product.baseUrl}/platform/tenants?q=quieto`);
      await expect.poll(() => page.locator('[data-testid="tenant-row"]').count(), POLL).toBe(1);
      // The factors' figures are worded in the screen's language.
      const usage = (await page.locator('[data-testid="risk-factors"] li').first().textContent()) ?? '';
      expect(usage).toContain(language === 'es' ? '0 reservas en los últimos 30 días, 0 en los 30 anteriores' : '0 bookings in the last 30 days, 0 in the 30 before');
      await page.screenshot({ path: join(WEB_ARTIFACTS, `platform-tenants-${language}-${width}.png`), fullPage: true });
      // The table scrolls inside its frame; the page itself never scrolls sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await expectAccessible(page, `platform tenants ${language} ${width}`);
      // The business's own page: usage against its plan, its risk, its maintenance.
      await page.click('[data-testid="tenant-link"]');
      await page.waitForSelector('[data-testid="platform-tenant"] [data-testid="risk-factors"]', POLL);
      // A business that has set nothing up yet: nothing to fix.
      await page.waitForSelector('[data-testid="diagnostics-clear"]', POLL);
      expect(await page.textContent('[data-testid="usage-bookings-value"]')).toMatch(language === 'es' ? /^0 (de [\d.]+|· sin límite)$/ : /^0 (of [\d,]+|· no limit)$/);
      await page.mouse.move(width - 5, 5);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await expectAccessible(page, `platform tenant detail ${language} ${width}`);
      await page.screenshot({ path: join(WEB_ARTIFACTS, `platform-tenant-${language}-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it("puts the demo salon in maintenance from its page: its booking page shows the platform's message, and takes bookings again once it is off", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    const demo = ((await call('GET', '/analytics/platform/tenants', platformToken)).body.data as Health[]).find((row) => row.mrr.amount > 0)!;
    await page.goto(`${product.baseUrl}/platform/tenants?q=${encodeURIComponent(demo.name)}`);
    await page.click('[data-testid="tenant-link"]');
    await page.waitForSelector('[data-testid="maintenance-tenant"][data-enabled="false"]', POLL);
    expect(new URL(page.url()).pathname).toBe(`/platform/tenants/${demo.tenant_id}`);
    expect(await page.textContent('h1')).toBe(demo.name);
    // The demo salon has bookings this month, counted against its plan.
    expect(await page.textContent('[data-testid="usage-bookings-value"]')).toMatch(/^\d+ (of [\d,]+|· no limit)$/);
    // Its diagnostics name the bounced e-mail.
    await page.waitForSelector('[data-testid="diagnostics-findings"]', POLL);
    expect(await page.locator('[data-testid="diagnostics-findings"] li').allTextContents()).toContain('1 e-mail bounced.');
    // Its billing: support grants credit with a reason (read back through the API).
    type TenantBilling = { subscription: { status: string }; account: { credit_balance: number } };
    const billingBefore = (await call('GET', `/platform/tenants/${demo.tenant_id}/billing`, platformToken)).body.data as TenantBilling;
    await page.waitForSelector('[data-testid="platform-billing-status"]', POLL);
    await page.fill('[data-testid="platform-credit-amount"]', '12.50');
    await page.fill('[data-testid="platform-credit-reason"]', 'Sorry for Tuesday');
    await page.click('[data-testid="platform-credit"]');
    await page.waitForSelector('text=Credit granted.', POLL);
    const billingAfter = (await call('GET', `/platform/tenants/${demo.tenant_id}/billing`, platformToken)).body.data as TenantBilling;
    expect(billingAfter.account.credit_balance - billingBefore.account.credit_balance).toBe(1250);

    const notice = 'New booking system: back at 10:00.';
    expect(await page.locator('[data-testid="maintenance-save"]').isDisabled()).toBe(true);
    await page.click('[data-testid="maintenance-switch"]');
    await page.fill('[data-testid="maintenance-message"]', notice);
    await page.click('[data-testid="maintenance-save"]');
    await page.waitForSelector('[data-testid="maintenance-tenant"][data-enabled="true"]', POLL);
    expect(await page.textContent('[data-testid="maintenance-on"]')).toBe('Maintenance is on: bookings are paused.');
    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform tenant in maintenance en 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-tenant-maintenance-en-1280.png'), fullPage: true });

    // A customer on a phone opens the salon's booking page.
    for (const [locale, title] of [
      ['es-ES', 'Volvemos enseguida'],
      ['en-US', 'Back soon'],
    ] as const) {
      const customer = await browser.newContext({ viewport: { width: 360, height: 780 }, locale, isMobile: true, hasTouch: true });
      const visit = await openWatchedPage(customer, { expectedStatus: 503 });
      await visit.page.goto(`${product.baseUrl}/book/demo`);
      await visit.page.waitForSelector('[data-testid="load-error"][data-code="MAINTENANCE"]', POLL);
      expect(await visit.page.textContent('[data-testid="load-error"] h2')).toBe(title);
      expect(await visit.page.textContent('[data-testid="maintenance-notice"]')).toBe(notice);
      await expectAccessible(visit.page, `booking page in maintenance ${locale} 360`);
      await visit.page.screenshot({ path: join(WEB_ARTIFACTS, `booking-maintenance-${locale}-360.png`), fullPage: true });
      await customer.close();
    }
    const audit = (await call('GET', `/platform/tenants/${demo.tenant_id}`, platformToken)).body.data as { settings: Record<string, unknown> };
    expect(audit.settings).toMatchObject({ maintenance: true, maintenance_message: notice });

    await page.click('[data-testid="maintenance-switch"]');
    await page.click('[data-testid="maintenance-save"]');
    await page.waitForSelector('[data-testid="maintenance-tenant"][data-enabled="false"]', POLL);
    const customer = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'es-ES' });
    const visit = await openWatchedPage(customer);
    await visit.page.goto(`${product.baseUrl}/book/demo`);
    await visit.page.waitForSelector('[data-testid="service-card"]', POLL);
    expect(visit.problems).toEqual([]);
    await customer.close();
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('opens the demo salon read-only in a new tab for support: the banner says whose it is, a change is refused, ending closes the tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    const demo = ((await call('GET', '/analytics/platform/tenants', platformToken)).body.data as Health[]).find((row) => row.mrr.amount > 0)!;
    await page.goto(`${product.baseUrl}/platform/tenants/${demo.tenant_id}`);
    await page.click('[data-testid="impersonate"]');
    await page.fill('[data-testid="impersonate-reason"]', 'short');
    expect(await page.locator('[data-testid="impersonate-start"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="impersonate-reason"]', 'Ticket 4711: the owner cannot find the payments page');
    expect(await page.locator('[data-testid="impersonate-read-only"]').isChecked()).toBe(true);
    const [tab] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid="impersonate-start"]')]);
    const tabProblems: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('403')) tabProblems.push(message.text());
    });
    await tab.waitForSelector('[data-testid="impersonation-banner"][data-read-only="true"]', POLL);
    expect(await tab.textContent('[data-testid="impersonation-banner"]')).toContain(`Support view of ${demo.name}`);
    expect(await tab.textContent('[data-testid="impersonation-banner"]')).toContain('Read-only: nothing can be changed.');
    expect(await tab.textContent('[data-testid="business-name"]')).toBe(demo.name);
    await tab.mouse.move(1275, 5);
    await expectAccessible(tab, 'impersonation banner en 1280');
    await tab.screenshot({ path: join(WEB_ARTIFACTS, 'platform-impersonation-en-1280.png'), fullPage: true });
    // A change is refused, and the screen says why.
    await tab.click('[data-testid="nav-reports"]');
    const toggle = tab.locator('[data-testid="weekly-summary-toggle"]');
    await toggle.waitFor(POLL);
    const before = await toggle.isChecked();
    await toggle.click();
    await expect.poll(() => tab.textContent('body'), POLL).toContain('This support view is read-only: nothing can be changed here.');
    await expect.poll(() => toggle.isChecked(), POLL).toBe(before);
    // The console's own session, in the first tab, is untouched.
    await page.reload();
    await page.waitForSelector('[data-testid="platform-tenant"]', POLL);
    await Promise.all([tab.waitForEvent('close'), tab.click('[data-testid="impersonation-end"]')]);
    expect(tabProblems).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('lists the failed job with its business and error, and replays it once the cause is fixed', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'es-ES', isMobile: true, hasTouch: true });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/jobs`);
    const row = page.locator('[data-testid="dead-job"]');
    await row.first().waitFor(POLL);
    expect(await row.count()).toBe(1);
    // The business by name, once the businesses are loaded.
    await expect.poll(() => row.textContent(), POLL).toContain('Salón Demo');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('analytics.refresh');
    expect(text).toContain('10/10');
    expect(text).toContain('ECONNREFUSED');
    // A kind with no failures says so.
    await page.fill('[data-testid="job-kind"]', 'notifications.deliver');
    await page.waitForSelector('[data-testid="no-dead-jobs"]', POLL);
    expect(new URL(page.url()).searchParams.get('name')).toBe('notifications.deliver');
    await page.fill('[data-testid="job-kind"]', '');
    await row.first().waitFor(POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'platform failed jobs es 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-jobs-es-360.png'), fullPage: true });

    await page.click('[data-testid="replay-job"]');
    await page.waitForSelector('[data-testid="no-dead-jobs"]', POLL);
    // Back in the queue: the API no longer lists it as failed.
    expect((await call('GET', '/platform/jobs/dead?name=analytics.refresh', platformToken)).body.data).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('refuses a business owner: the console says so and the platform APIs answer 403', async () => {
    const ownerToken = await tokenOf(OWNER);
    expect((await call('GET', '/analytics/platform/kpis?from=2026-12-01&to=2026-12-05', ownerToken)).status).toBe(403);
    expect((await call('GET', '/analytics/platform/tenants', ownerToken)).status).toBe(403);
    expect((await call('GET', '/platform/tenants', ownerToken)).status).toBe(403);
    expect((await call('PUT', '/platform/maintenance', ownerToken, { enabled: true, message: 'no' })).status).toBe(403);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page } = await openWatchedPage(context, { expectedStatus: 403 });
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-bookings"]', POLL);
    await page.goto(`${product.baseUrl}/platform`);
    await page.waitForSelector('[data-testid="platform-refused"]', POLL);
    expect(await page.locator('[data-testid="nav-platform-tenants"]').count()).toBe(0);
    await context.close();
  }, 120_000);
});
