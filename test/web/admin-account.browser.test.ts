/**
 * The dashboard's account journeys in a real browser against the real product, with e-mail sent
 * to a real SMTP sink and its links followed: a new business signs up and confirms its e-mail;
 * its owner turns on two-step verification from the QR screen and signs in again with a code,
 * then with a recovery code after resetting the password through the e-mailed link, and signs out
 * every other session; a person invited by the demo owner joins from the invitation e-mail.
 * Screens are checked by axe-core and kept at 360 px and 1280 px, in English and Spanish.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate as totp } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';

const SKIP_REASON = browserSkipReason('admin-account.browser.test.ts');
const POLL = { timeout: 20_000, interval: 100 };

describe.skipIf(SKIP_REASON !== null)(`dashboard account journeys, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const sink = new SmtpSink();
  let browser: Browser;
  const run = randomBytes(3).toString('hex');
  const owner = { email: `owner-${run}@estudio.example`, password: `Luz-${run}-long-password`, slug: `estudio-luz-${run}` };
  let recoveryCodes: string[] = [];
  let secret = '';

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await sink.start();
    await product.start({ SMTP_URL: sink.url });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await sink.close();
  }, 60_000);

  /** The link to `path` in the newest e-mail to `to`, as the person would click it. */
  async function linkIn(to: string, path: string): Promise<string> {
    const pattern = new RegExp(`https?://[^\\s"<>]+${path.replaceAll('/', '\\/')}\\?token=[A-Za-z0-9_-]+`);
    await expect.poll(() => sink.messages.some((message) => message.envelopeTo.includes(to) && pattern.test(message.parsed.text ?? '')), POLL).toBe(true);
    const message = sink.messages.filter((candidate) => candidate.envelopeTo.includes(to) && pattern.test(candidate.parsed.text ?? '')).at(-1);
    return pattern.exec(message?.parsed.text ?? '')?.[0] ?? '';
  }

  /** A screenshot at 360 and 1280 px with axe-core's verdict at both. */
  async function capture(page: Page, name: string): Promise<void> {
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(WEB_ARTIFACTS, `admin-account-${name}-${width}.png`), fullPage: true });
      await expectAccessible(page, `${name} at ${width} px`);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${name} scrolls sideways at ${width} px`).toBe(true);
    }
  }

  async function newContext(locale: string): Promise<BrowserContext> {
    return browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  }

  it('a new business signs up, lands on its dashboard and confirms its e-mail from the link', async () => {
    const context = await newContext('es-ES');
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/admin/login`);
    await page.click('[data-testid="signup-link"]');
    await page.waitForSelector('[data-testid="signup-button"]');
    await page.fill('[data-testid="business-name-input"]', `Estudio Luz ${run}`);
    expect(await page.inputValue('[data-testid="slug"]')).toBe(`estudio-luz-${run}`);
    await page.fill('[data-testid="first-name"]', 'Lucía');
    await page.fill('[data-testid="last-name"]', 'Martín');
    await page.fill('[data-testid="email"]', owner.email);
    await page.fill('[data-testid="password"]', owner.password);
    await capture(page, 'signup-es');
    await page.click('[data-testid="signup-button"]');
    await page.waitForSelector('[data-testid="business-name"]', POLL);
    expect(await page.textContent('[data-testid="business-name"]')).toBe(`Estudio Luz ${run}`);
    // A new business's desk: nothing booked yet (and its list has loaded before the page moves on).
    await page.waitForSelector('[data-testid="desk-empty"]', POLL);

    await page.goto(await linkIn(owner.email, '/admin/verify-email'));
    await page.waitForSelector('[data-testid="email-verified"]', POLL);
    expect(await page.textContent('[data-testid="email-verified"]')).toContain(owner.email);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('the owner turns on two-step verification from the QR screen and signs in again with a code', async () => {
    const context = await newContext('en-GB');
    // 400: the wrong code tried on purpose.
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 400 });
    await page.goto(`${product.baseUrl}/admin/login`);
    await page.fill('[data-testid="email"]', owner.email);
    await page.fill('[data-testid="password"]', owner.password);
    await page.click('[data-testid="login-button"]');
    await page.waitForSelector('[data-testid="account-menu"]', POLL);
    await page.click('[data-testid="account-menu"]');
    await page.click('[data-testid="nav-security"]');
    await page.waitForSelector('[data-testid="mfa-start"]', POLL);
    expect(await page.textContent('[data-testid="mfa-status"]')).toBe('Off');
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-qr"]', POLL);
    // The QR image is drawn (an SVG data URI the CSP allows), and the key is there to type by hand.
    expect(await page.$eval('[data-testid="mfa-qr"]', (image) => (image as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await capture(page, 'mfa-qr-en');
    await page.fill('[data-testid="mfa-enable-code"]', '000000');
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="mfa-error"]', POLL);
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', POLL);
    recoveryCodes = await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    await expect.poll(() => page.textContent('[data-testid="mfa-status"]'), POLL).toBe('On');
    await capture(page, 'mfa-on-en');

    await page.click('[data-testid="account-menu"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="login-button"]', POLL);
    await page.fill('[data-testid="email"]', owner.email);
    await page.fill('[data-testid="password"]', owner.password);
    await page.click('[data-testid="login-button"]');
    await page.waitForSelector('[data-testid="mfa-code"]', POLL);
    // The code of the next time step: the one used to turn it on cannot be used twice.
    await page.fill('[data-testid="mfa-code"]', await totp({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('[data-testid="account-menu"]', POLL);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a forgotten password is reset from the e-mailed link; a recovery code signs in; other sessions are signed out', async () => {
    const context = await newContext('en-GB');
    const { page } = await openWatchedPage(context, { watchRequests: false });
    await page.goto(`${product.baseUrl}/admin/login`);
    await page.click('[data-testid="forgot-password"]');
    await page.fill('[data-testid="email"]', owner.email);
    await page.click('[data-testid="send-reset"]');
    await page.waitForSelector('[data-testid="reset-sent"]', POLL);

    await page.goto(await linkIn(owner.email, '/admin/reset-password'));
    await page.waitForSelector('[data-testid="new-password"]', POLL);
    await page.fill('[data-testid="new-password"]', 'short');
    await page.fill('[data-testid="confirm-password"]', 'short');
    await page.click('[data-testid="save-password"]');
    await page.waitForSelector('[data-testid="reset-error"]', POLL);
    expect(await page.textContent('[data-testid="reset-error"]')).toContain('12 characters');
    owner.password = `${owner.password}-renewed`;
    await page.fill('[data-testid="new-password"]', owner.password);
    await page.fill('[data-testid="confirm-password"]', owner.password);
    await capture(page, 'reset-en');
    await page.click('[data-testid="save-password"]');
    await page.waitForSelector('[data-testid="reset-done"]', POLL);

    await page.click('[data-testid="to-sign-in"]');
    await page.fill('[data-testid="email"]', owner.email);
    await page.fill('[data-testid="password"]', owner.password);
    await page.click('[data-testid="login-button"]');
    await page.waitForSelector('[data-testid="mfa-code"]', POLL);
    await page.fill('[data-testid="mfa-code"]', recoveryCodes[0] ?? '');
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('[data-testid="account-menu"]', POLL);

    // A second device signs in too; from the first, every other session is signed out.
    const other = await newContext('en-GB');
    const second = await other.newPage();
    await second.goto(`${product.baseUrl}/admin/login`);
    await second.fill('[data-testid="email"]', owner.email);
    await second.fill('[data-testid="password"]', owner.password);
    await second.click('[data-testid="login-button"]');
    await second.fill('[data-testid="mfa-code"]', recoveryCodes[1] ?? '');
    await second.click('[data-testid="verify-button"]');
    await second.waitForSelector('[data-testid="account-menu"]', POLL);

    await page.goto(`${product.baseUrl}/admin/account/security`);
    await expect.poll(async () => (await page.$$('[data-testid="session-row"]')).length, POLL).toBe(2);
    await capture(page, 'sessions-en');
    await page.click('[data-testid="end-other-sessions"]');
    await expect.poll(async () => (await page.$$('[data-testid="session-row"]')).length, POLL).toBe(1);
    // The other device's next call finds its session gone and lands on the sign-in page, told why.
    await second.reload();
    await second.waitForSelector('[data-testid="login-button"]', POLL);
    await other.close();
    await context.close();
  }, 120_000);

  it('a person invited by the demo owner joins from the invitation e-mail', async () => {
    const invitee = `stylist-${run}@demo.example`;
    const token = await product.demoOwnerToken();
    const invited = await fetch(`${product.baseUrl}/api/v1/users/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: invitee, role: 'staff' }),
    });
    expect(invited.status, await invited.clone().text()).toBe(201);
    const context = await newContext('es-ES');
    const { page, problems } = await openWatchedPage(context);
    await page.goto(await linkIn(invitee, '/admin/accept-invitation'));
    await page.waitForSelector('[data-testid="accept-invitation"]', POLL);
    await page.fill('[data-testid="first-name"]', 'Marta');
    await page.fill('[data-testid="new-password"]', `Marta-${run}-password`);
    await page.fill('[data-testid="confirm-password"]', `Marta-${run}-password`);
    await capture(page, 'invitation-es');
    await page.click('[data-testid="accept-invitation"]');
    await page.waitForSelector('[data-testid="business-name"]', POLL);
    expect(await page.textContent('[data-testid="account-menu"]')).toContain('Marta');
    // A staff member is not offered the business's payment settings.
    expect(await page.$('[data-testid="nav-payments"]')).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
