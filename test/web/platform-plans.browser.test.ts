/**
 * The platform's plans editor (/platform/plans) in a real browser against the real product process. A
 * business subscribes to Professional; the platform administrator (second factor enrolled on the first
 * sign-in) opens "Planes" in Spanish at 1280 px, raises Professional's monthly price typed the Spanish way
 * ("159,90"), is asked what the existing subscriber pays and keeps the default (their price), hides the
 * plan with its switch, saves, and the API shows the new price as a new price version, the subscriber
 * grandfathered and the plan gone from the businesses' list. In English at 360 px the table scrolls inside
 * its frame and a plan with a taken identifier is refused in words. The platform's auditor sees no
 * "Plans" in the console and is sent away from its address. No console error; axe-core on each screen;
 * screenshots at 1280 px (es) and 360 px (en).
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { setChecked, signInToAdmin, type AdminCredentials } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-plans.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const PLATFORM = { email: 'root@platform.reservehub.test', password: 'Platform-plans-2026!' };
const AUDITOR = { email: 'auditor@platform.reservehub.test', password: 'Auditor-plans-2026!' };
const SUBSCRIBER = { name: 'Clínica Fiel', slug: 'clinica-fiel', email: 'owner@fiel.test', password: 'Loyal-clinic-2026!' };

interface PlatformPlan {
  id: string;
  price: { amount: number; currency: string } | null;
  is_public: boolean;
  price_version: number;
  subscribers: number;
  grandfathered: number;
}

describe.skipIf(SKIP_REASON !== null)(`platform plans editor, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  const recoveryCodes = new Map<string, string[]>();

  const call = async (method: string, path: string, token: string | null) => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as { data: unknown } };
  };
  const nextRecoveryCode = (who: AdminCredentials) => {
    const code = recoveryCodes.get(who.email)?.shift();
    if (!code) throw new Error(`no recovery code left for ${who.email}`);
    return code;
  };
  /** A platform token, the second factor proved with a recovery code. */
  const tokenOf = async (who: AdminCredentials) => {
    const response = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    const data = ((await response.json()) as { data: { mfa_token: string } }).data;
    const verified = await fetch(`${product.baseUrl}/api/v1/auth/mfa/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfa_token: data.mfa_token, code: nextRecoveryCode(who) }),
    });
    return ((await verified.json()) as { data: { access_token: string } }).data.access_token;
  };

  /** The first sign-in: enrols the second factor, keeps the recovery codes and goes on to the console. */
  async function enrol(page: Page, who: AdminCredentials): Promise<void> {
    await signInToAdmin(page, product.baseUrl, who, '[data-testid="platform-mfa-gate"]', POLL);
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-secret"]', POLL);
    const secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', POLL);
    recoveryCodes.set(who.email, await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? '')));
    await page.click('[data-testid="mfa-continue"]');
  }

  async function signIn(page: Page, who: AdminCredentials): Promise<void> {
    await signInToAdmin(page, product.baseUrl, who, '[data-testid="mfa-code"]', POLL);
    await page.fill('[data-testid="mfa-code"]', nextRecoveryCode(who));
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('#admin-nav', { ...POLL, state: 'attached' });
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({
      PLATFORM_ADMIN_EMAIL: PLATFORM.email,
      PLATFORM_ADMIN_PASSWORD: PLATFORM.password,
      PLATFORM_AUDITOR_EMAIL: AUDITOR.email,
      PLATFORM_AUDITOR_PASSWORD: AUDITOR.password,
    });
    const signup = await fetch(`${product.baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_name: SUBSCRIBER.name, tenant_slug: SUBSCRIBER.slug, email: SUBSCRIBER.email, password: SUBSCRIBER.password, plan_id: 'professional', timezone: 'Europe/Madrid', currency: 'EUR' }),
    });
    expect(signup.status, await signup.clone().text()).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('raises a price in Spanish at 1280 px, keeping existing subscribers on theirs, and hides the plan', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await enrol(page, PLATFORM);
    await page.click('[data-testid="nav-platform-plans"]');
    await page.waitForSelector('[data-testid="plan-row-professional"]', POLL);
    expect(await page.textContent('[data-testid="nav-platform-plans"]')).toContain('Planes');
    expect(await page.textContent('[data-testid="plan-subscribers-professional"]')).not.toBe('0');

    await page.click('[data-testid="plan-edit-professional"]');
    await page.waitForSelector('[data-testid="plan-form"]', POLL);
    expect(await page.inputValue('[data-testid="plan-monthly"]')).toBe('149,00');
    // No price changed yet: nothing to decide about existing subscribers.
    expect(await page.locator('[data-testid="plan-existing"]').count()).toBe(0);
    await page.fill('[data-testid="plan-monthly"]', '159,90');
    await page.waitForSelector('[data-testid="plan-existing"]', POLL);
    expect(await page.locator('[data-testid="plan-existing-keep"]').isChecked()).toBe(true);
    expect(await page.textContent('[data-testid="plan-existing"]')).toContain('149,00');
    await setChecked(page, page.locator('[data-testid="plan-public"]'), false);
    await page.locator('[data-testid="plan-existing"]').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'plans editor form es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-plans-form-es-1280.png') });

    await page.click('[data-testid="plan-save"]');
    await page.waitForSelector('[data-testid="plan-form"]', { ...POLL, state: 'detached' });
    await expect.poll(() => page.textContent('[data-testid="plan-monthly-professional"]'), POLL).toContain('159,90');
    expect(await page.textContent('[data-testid="plan-visibility-professional"]')).toBe('Oculto');
    // The demo salon is on Professional too: every subscriber keeps the price they signed up at.
    expect(await page.textContent('[data-testid="plan-row-professional"]')).toMatch(/\d+ con precio anterior/);

    // Through the API: a new price version, the subscriber kept on the old one, the plan no longer offered.
    const token = await tokenOf(PLATFORM);
    const plans = (await call('GET', '/platform/plans', token)).body.data as PlatformPlan[];
    const professional = plans.find((plan) => plan.id === 'professional');
    expect(professional).toMatchObject({ price: { amount: 15990 }, is_public: false, price_version: 2 });
    expect(professional?.subscribers).toBeGreaterThanOrEqual(1);
    expect(professional?.grandfathered).toBe(professional?.subscribers);
    const offered = (await call('GET', '/plans', null)).body.data as Array<{ id: string }>;
    expect(offered.map((plan) => plan.id)).not.toContain('professional');

    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'plans editor es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-plans-es-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('in English at 360 px the table scrolls in its frame, and a taken identifier is refused in words', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await signIn(page, PLATFORM);
    await page.goto(`${product.baseUrl}/platform/plans`);
    await page.waitForSelector('[data-testid="plan-row-starter"]', POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'plans editor en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-plans-en-360.png'), fullPage: true });

    await page.click('[data-testid="plan-new"]');
    await page.waitForSelector('[data-testid="plan-form"]', POLL);
    await page.fill('[data-testid="plan-name"]', 'Starter again');
    await page.fill('[data-testid="plan-id"]', 'starter');
    await page.fill('[data-testid="plan-monthly"]', '19.00');
    await page.click('[data-testid="plan-save"]');
    await page.waitForSelector('[data-testid="plan-refusal"]', POLL);
    expect(await page.textContent('[data-testid="plan-refusal"]')).toContain('A plan with that identifier exists already');
    await page.locator('[data-testid="plan-refusal"]').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'plans editor refusal en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-plans-form-en-360.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('is not offered to the platform’s auditor', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page } = await openWatchedPage(context);
    await enrol(page, AUDITOR);
    await page.waitForSelector('[data-testid="nav-platform-audit"]', POLL);
    expect(await page.locator('[data-testid="nav-platform-plans"]').count()).toBe(0);
    await page.goto(`${product.baseUrl}/platform/plans`);
    await expect.poll(() => new URL(page.url()).pathname, POLL).not.toBe('/platform/plans');
    expect(await page.locator('[data-testid="platform-plans"]').count()).toBe(0);
    await context.close();
  }, 120_000);
});
