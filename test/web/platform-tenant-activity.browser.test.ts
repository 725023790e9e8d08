/**
 * The business page's people, payments and recent errors on the platform console, in a real browser
 * against the real product process. With the product stopped, the demo salon gets two customer
 * payments (a deposit paid, a full payment declined), a job that died, a webhook delivery that failed
 * for good and a bounced confirmation; the platform administrator enrols a second factor and opens
 * the salon's page: the three cards read in Spanish at 1280 px and in English at 360 px (stacked
 * rows, no sideways scrolling). axe-core on each; screenshots of both.
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

const SKIP_REASON = browserSkipReason('platform-tenant-activity.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const PLATFORM = { email: 'activity@platform.reservehub.test', password: 'Platform-activity-2026!' };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const DEMO = `(select id from tenants where slug = 'demo')`;
const confirmed = (n: number) => `(select id from bookings where tenant_id = ${DEMO} and status = 'confirmed' order by start_time desc, id offset ${n} limit 1)`;
const payment = (booking: string, type: string, status: string, amount: number, failure: string | null, age: string) => `
  insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, provider, idempotency_key, failure_reason, created_at)
  select b.tenant_id, b.id, b.customer_id, '${type}', '${status}', ${amount}, 'EUR', 'sandbox', gen_random_uuid()::text, ${failure === null ? 'null' : `'${failure}'`}, now() - interval '${age}'
  from bookings b where b.id = ${booking}`;

describe.skipIf(SKIP_REASON !== null)(`business page people, payments and errors, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
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
    await waitFor(async () => (((await api('/notifications?status=captured', ownerToken)).data as unknown[]).length > 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250, message: "the demo salon's captured confirmations" });
    await product.restartAfterSql([
      payment(confirmed(0), 'deposit', 'succeeded', 1500, null, '2 hours'),
      payment(confirmed(1), 'full_payment', 'failed', 4500, 'card_declined', '1 hour'),
      `insert into jobs (tenant_id, name, status, attempts, max_attempts, last_error, completed_at)
        values (${DEMO}, 'calendar.sync', 'dead', 10, 10, 'Google Calendar answered 401: the connection was revoked', now() - interval '30 minutes')`,
      `update notifications set status = 'bounced', failed_at = now() - interval '3 hours', error_code = '550'
        where id = (select id from notifications where tenant_id = ${DEMO} and status = 'captured' order by created_at limit 1)`,
      `insert into webhook_endpoints (tenant_id, url, events, secret_enc) values (${DEMO}, 'https://hooks.example.com/reservehub', '{booking.created}', 'x')`,
      `insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, payload, status, attempts, last_response_status, last_attempt_at)
        select ${DEMO}, (select id from webhook_endpoints where tenant_id = ${DEMO} limit 1), e.id, 'booking.created', '{}', 'failed', 8, 500, now() - interval '2 hours'
        from events e where e.tenant_id = ${DEMO} and e.type = 'booking.created' order by e.created_at limit 1`,
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  /** Signs in: the first time enrols the second factor (keeping the recovery codes), later ones use a code. */
  const signIn = (page: Page) => signInToPlatform(page, product.baseUrl, PLATFORM, recoveryCodes, '[data-testid="platform-overview"]');

  async function openBusiness(page: Page): Promise<void> {
    await page.goto(`${product.baseUrl}/platform/tenants/${demoId}`);
    await page.waitForSelector('[data-testid="tenant-member"]', POLL);
    await page.waitForSelector('[data-testid="tenant-payment"]', POLL);
    await page.waitForSelector('[data-testid="tenant-error"]', POLL);
  }

  it('shows the people, the payments with their booking numbers and the recent errors (es, 1280)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await openBusiness(page);

    const people = page.locator('[data-testid="tenant-people"]');
    expect(await people.locator('h2').textContent()).toBe('Personas');
    expect(await people.textContent()).toContain('owner@demo.reservehub.test');
    expect(await people.textContent()).toContain('Propietario');
    expect(await page.textContent('[data-testid="tenant-people-summary"]')).toMatch(/\d+ miembros · /);

    const payments = page.locator('[data-testid="tenant-payment"]');
    expect(await payments.count()).toBe(2);
    const declined = payments.nth(0);
    expect(await declined.getAttribute('data-booking-number')).not.toBe('');
    expect(await declined.textContent()).toContain(await declined.getAttribute('data-booking-number'));
    expect(await declined.textContent()).toContain('rechazado: card_declined');
    expect(await payments.nth(1).textContent()).toContain('Depósito');
    expect(await payments.nth(1).textContent()).toContain('Pagado');

    const errors = page.locator('[data-testid="tenant-error"]');
    expect(await errors.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).toEqual(['job', 'webhook_delivery', 'message']);
    expect(await errors.nth(0).textContent()).toContain('La tarea calendar.sync falló 10 veces');
    expect(await errors.nth(1).textContent()).toContain('Última respuesta HTTP 500');
    expect(await errors.nth(2).textContent()).toContain('Código del proveedor 550');

    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'business activity es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-tenant-activity-es-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads on a phone in English: stacked rows, no sideways scrolling (en, 360)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await openBusiness(page);
    expect(await page.locator('[data-testid="tenant-people"] h2').textContent()).toBe('People');
    expect(await page.locator('[data-testid="tenant-payments"] h2').textContent()).toBe('Payments');
    expect(await page.locator('[data-testid="tenant-errors"] h2').textContent()).toBe('Recent errors');
    expect(await page.locator('[data-testid="tenant-payment"]').nth(0).textContent()).toContain('declined: card_declined');
    expect(await page.locator('[data-testid="tenant-error"]').nth(1).textContent()).toContain('Webhook booking.created to https://hooks.example.com/reservehub failed after 8 attempts.');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width, 'no sideways scrolling at 360 px').toBeLessThanOrEqual(360);
    await page.mouse.move(355, 5);
    await expectAccessible(page, 'business activity en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-tenant-activity-en-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
