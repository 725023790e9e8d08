/**
 * The support tools on the platform console's business page (RF6.2), in a real browser against the
 * real product process. The demo salon's bookings produce their captured confirmations; then, with
 * the product stopped, one confirmation is marked bounced, a webhook delivery to the salon's
 * endpoint failed for good, and three of its bookings are made to disagree (a confirmed one marked
 * cancelled while it still holds its time, one whose time was released, one recording money its
 * payments never collected). The platform administrator enrols a second factor, opens the salon's
 * page, resends the message and replays the delivery (each shows its outcome), runs the consistency
 * check, repairs what is safe behind a confirmation and sees what is left for a person. axe-core on
 * each state; screenshots at 1280 px in Spanish and 360 px in English.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToPlatform } from '../support/admin-browser.ts';
import { waitFor } from '../support/wait.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-support.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const PLATFORM = { email: 'support@platform.reservehub.test', password: 'Platform-support-2026!' };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const DEMO = `(select id from tenants where slug = 'demo')`;
/** The demo salon's confirmed bookings, latest first: the n-th of them. */
const confirmed = (n: number) => `(select id from bookings where tenant_id = ${DEMO} and status = 'confirmed' order by start_time desc, id offset ${n} limit 1)`;

describe.skipIf(SKIP_REASON !== null)(`platform support tools, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let demoId = '';
  const recoveryCodes: string[] = [];

  const api = async (path: string, token: string) => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as { data: unknown };
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({ PLATFORM_ADMIN_EMAIL: PLATFORM.email, PLATFORM_ADMIN_PASSWORD: PLATFORM.password });
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
    const ownerToken = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    demoId = ((await api('/auth/me', ownerToken)).data as { tenant: { id: string } }).tenant.id;
    // The worker has written the demo bookings' confirmations before the product stops.
    await waitFor(async () => (((await api('/notifications?status=captured', ownerToken)).data as unknown[]).length > 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250, message: "the demo salon's captured confirmations" });
    await product.restartAfterSql([
      `update notifications set status = 'bounced', failed_at = now(), error_code = '550'
        where id = (select id from notifications where tenant_id = ${DEMO} and status = 'captured' and secret_enc is null and body_enc is not null order by created_at limit 1)`,
      `insert into webhook_endpoints (tenant_id, url, events, secret_enc) values (${DEMO}, 'https://hooks.example.com/reservehub', '{booking.created}', 'x')`,
      `insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, payload, status, attempts, last_response_status, last_attempt_at)
        select ${DEMO}, (select id from webhook_endpoints where tenant_id = ${DEMO} limit 1), e.id, 'booking.created', '{}', 'failed', 8, 500, now() - interval '1 hour'
        from events e where e.tenant_id = ${DEMO} and e.type = 'booking.created' order by e.created_at limit 1`,
      `update bookings set deposit_paid = 1500 where id = ${confirmed(2)}`,
      `update allocations set active = false, released_at = now() where booking_id = ${confirmed(1)}`,
      `update bookings set status = 'cancelled', cancelled_at = now() where id = ${confirmed(0)}`,
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  /** Signs in: the first time enrols the second factor (keeping the recovery codes), later ones use a code. */
  const signIn = (page: Page) => signInToPlatform(page, product.baseUrl, PLATFORM, recoveryCodes, '[data-testid="platform-overview"]');

  it('resends a bounced message, replays a failed delivery, and repairs what is safe behind a confirmation (es, 1280)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/tenants/${demoId}`);
    await page.waitForSelector('[data-testid="failed-message"]', POLL);

    const message = page.locator('[data-testid="failed-message"]');
    expect(await message.count()).toBe(1);
    expect(await message.textContent()).toContain('rebotó');
    await message.locator('[data-testid="resend-message"]').click();
    await expect.poll(() => message.locator('[data-testid="resend-outcome"]').textContent(), POLL).toContain('En cola de nuevo');
    expect(await message.locator('[data-testid="resend-message"]').count()).toBe(0);

    const delivery = page.locator('[data-testid="failed-delivery"]');
    expect(await delivery.textContent()).toContain('https://hooks.example.com/reservehub');
    expect(await delivery.textContent()).toContain('HTTP 500');
    await delivery.locator('[data-testid="replay-delivery"]').click();
    await expect.poll(() => delivery.locator('[data-testid="replay-outcome"]').textContent(), POLL).toContain('En cola de nuevo');

    await page.click('[data-testid="consistency-run"]');
    await page.waitForSelector('[data-testid="consistency-finding"]', POLL);
    const kinds = async () => (await page.locator('[data-testid="consistency-finding"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).sort();
    expect(await kinds()).toEqual(['ended_booking_holds_time', 'live_booking_without_time', 'paid_amount_differs']);
    const live = page.locator('[data-testid="consistency-finding"][data-kind="live_booking_without_time"]');
    expect(await live.textContent()).toContain('doble reserva');
    expect(await page.textContent('[data-testid="consistency-status"]')).toContain('3 problemas encontrados; 2 se pueden reparar.');
    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform support es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-support-es-1280.png'), fullPage: true });

    await page.click('[data-testid="consistency-repair"]');
    await page.waitForSelector('[data-testid="consistency-confirm"]', POLL);
    await expectAccessible(page, 'platform support repair confirmation es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-support-confirm-es-1280.png') });
    await page.click('[data-testid="consistency-confirm"]');
    await page.waitForSelector('[data-testid="consistency-result"]', POLL);
    expect(await page.textContent('[data-testid="consistency-result"]')).toContain('Reparados 2 problemas.');
    expect(await page.textContent('[data-testid="consistency-result"]')).toContain('Queda 1 problema que necesita una persona.');
    await expect.poll(kinds, POLL).toEqual(['live_booking_without_time']);
    expect(await page.locator('[data-testid="consistency-repair"]').count()).toBe(0);
    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform support repaired es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-support-repaired-es-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads on a phone in English: what is left, and nothing more to repair (en, 360)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/tenants/${demoId}`);
    await page.waitForSelector('[data-testid="consistency-run"]', POLL);
    await page.click('[data-testid="consistency-run"]');
    await page.waitForSelector('[data-testid="consistency-finding"]', POLL);
    const finding = page.locator('[data-testid="consistency-finding"]');
    expect(await finding.count()).toBe(1);
    expect(await finding.textContent()).toContain('could double-book');
    expect(await page.locator('[data-testid="consistency-repair"]').count()).toBe(0);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width, 'no sideways scrolling at 360 px').toBeLessThanOrEqual(360);
    await page.mouse.move(355, 5);
    await expectAccessible(page, 'platform support en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-support-en-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
  it('resends every failed message of the week at once and says how many went (es, 1280)', async () => {
    await product.restartAfterSql([
      `update notifications set status = 'bounced', failed_at = now(), error_code = '550'
        where id in (select id from notifications where tenant_id = ${DEMO} and status = 'captured' and secret_enc is null and body_enc is not null order by created_at desc limit 2)`,
    ]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/tenants/${demoId}`);
    await page.waitForSelector('[data-testid="resend-all-messages"]', POLL);
    expect(await page.locator('[data-testid="failed-message"]').count()).toBe(2);
    await page.click('[data-testid="resend-all-messages"]');
    await expect.poll(() => page.textContent('[data-testid="resend-all-outcome"]'), POLL).toBe('2 mensajes en cola otra vez.');
    await expectAccessible(page, 'platform support resend all es 1280');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
