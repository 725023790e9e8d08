/**
 * The dashboard's Developers screen in a real browser against the real product process. The owner
 * creates a webhook endpoint pointing at a receiver this test starts, sees its signing secret once,
 * a booking made through the API shows up in the endpoint's delivery log, a replay reaches the
 * receiver a second time with the same webhook-id, and the secret rotates (a new one, shown once,
 * the old one still signing). An API key is read from the screen once, works against the API, and is
 * refused (401) once revoked on the screen. An ICS feed's link, copied from the screen, answers
 * text/calendar. The widget snippet names the business and its preview frames the real widget.
 * Screenshots at 1280 px and 360 px in Spanish and English go to test-artifacts/web/; axe-core
 * checks each screen.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-developers.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Named {
  id: string;
  name: string;
}
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

function madridDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** `HH:MM` in Madrid on `date` as an instant with its offset. */
function madridInstant(date: string, time: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' }).format(probe));
  return `${date}T${time}:00+${String(hour - 12).padStart(2, '0')}:00`;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Standard Webhooks: one of the space-separated `v1,` signatures is HMAC-SHA256 of "{id}.{timestamp}.{body}" under the secret. */
function signedWith(secret: string, request: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${String(request.headers['webhook-id'])}.${String(request.headers['webhook-timestamp'])}.${request.body}`).digest('base64')}`;
  return String(request.headers['webhook-signature'] ?? '').split(' ').includes(expected);
}

describe.skipIf(SKIP_REASON !== null)(`dashboard developers screen, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const received: Received[] = [];
  let receiver: Server;
  let hookUrl = '';
  let browser: Browser;
  let token = '';
  let marta: Named;
  let corte = '';
  let day = '';

  const api = async <T>(path: string, init: RequestInit & { bearer?: string } = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${init.bearer ?? token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/reservehub/hooks`;
    // The receiver is on loopback: allowed for this run only (production refuses private targets).
    await product.start({ WEBHOOKS_ALLOW_PRIVATE: 'true' }, 240_000);
    token = await product.demoOwnerToken();
    const resources = (await api<Named[]>('/resources?limit=100')).data;
    marta = resources.find((resource) => resource.name === 'Marta') as Named;
    corte = (await api<Named[]>('/services?limit=100')).data.find((service) => service.name === 'Corte')?.id ?? '';
    const [location] = (await api<Named[]>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    // A Monday-to-Friday date at least five days ahead that is not a closure (the demo's bookings sit on the first days).
    for (let ahead = 5; ; ahead += 1) {
      day = addDays(madridDate(new Date()), ahead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  }, 60_000);

  async function openDevelopers(context: BrowserContext, options: { expectedStatus?: number } = {}): Promise<{ page: Page; problems: string[] }> {
    const watched = await openWatchedPage(context, options);
    await signInToAdmin(watched.page, product.baseUrl, OWNER, '[data-testid="nav-developers"]', POLL);
    await watched.page.goto(`${product.baseUrl}/admin/settings/developers`);
    await watched.page.waitForSelector('[data-testid="developers-page"]', POLL);
    return watched;
  }

  async function openTab(page: Page, tab: string): Promise<void> {
    await page.click(`[data-testid="developers-tab-${tab}"]`);
    await page.waitForURL((url) => url.searchParams.get('tab') === tab, POLL);
  }

  it('webhooks: create (secret once), a booking delivered and logged, replayed with the same webhook-id, secret rotated (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openDevelopers(context);
    await page.waitForSelector('[data-testid="webhooks-empty"]', POLL);
    expect(new URL(page.url()).searchParams.get('tab')).toBeNull();

    // The form checks before sending: an empty address and no event are named next to their fields.
    await page.click('[data-testid="webhook-add"]');
    await page.waitForSelector('[data-testid="webhook-form"]', POLL);
    await page.click('[data-testid="webhook-submit"]');
    await page.getByText("Enter the endpoint's address.").waitFor(POLL);
    await page.getByText('Choose at least one event.', { exact: true }).last().waitFor(POLL);
    await page.fill('[data-testid="webhook-url-input"]', hookUrl);
    await page.fill('[data-testid="webhook-description"]', 'Test receiver');
    await page.check('[data-testid="webhook-event-booking.created"]');
    await expectAccessible(page, 'webhook form en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-webhook-form-en-1280.png') });
    await page.click('[data-testid="webhook-submit"]');

    // The signing secret, once, with its warning.
    const secretBox = page.locator('[data-testid="webhook-secret"]');
    await secretBox.waitFor(POLL);
    const secret = (await secretBox.textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(await page.textContent('[data-testid="webhook-secret-warning"]')).toContain('Shown only this once');
    await expectAccessible(page, 'webhook secret en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-webhook-secret-en-1280.png') });
    await page.click('[data-testid="webhook-secret-done"]');
    await page.waitForSelector('[data-testid="webhook-secret"]', { state: 'detached', ...POLL });
    expect(await page.content()).not.toContain(secret);

    // The API has it as typed.
    const endpoints = (await api<Array<{ id: string; url: string; events: string[]; status: string; description: string | null }>>('/webhook-endpoints')).data;
    expect(endpoints).toHaveLength(1);
    const [endpoint] = endpoints;
    expect(endpoint).toMatchObject({ url: hookUrl, events: ['booking.created'], status: 'enabled', description: 'Test receiver' });
    const row = page.locator(`[data-testid="webhook-row"][data-endpoint-id="${endpoint?.id ?? ''}"]`);
    await row.waitFor(POLL);
    expect(await row.locator('[data-testid="webhook-url"]').textContent()).toBe(hookUrl);

    // A booking through the API reaches the receiver, signed with the secret the screen showed.
    const booking = await api<{ id: string; booking_number: string }>('/bookings', {
      method: 'POST',
      body: JSON.stringify({ service_id: corte, resource_id: marta.id, start_time: madridInstant(day, '16:00'), customer: { first_name: 'Webhook', last_name: 'Prueba', email: 'webhook.prueba@example.com' }, source: 'admin' }),
    });
    expect(booking.status).toBe(201);
    await expect.poll(() => received.length, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    const first = received[0] as Received;
    expect(first.body).toContain(booking.data.id);
    expect(signedWith(secret, first)).toBe(true);

    // The delivery log shows it: delivered, one attempt, HTTP 200, the request and the response.
    await row.locator('[data-testid="webhook-log"]').click();
    const delivery = page.locator('[data-testid="delivery-row"]').first();
    await page.locator('[data-testid="delivery-row"][data-status="succeeded"]').first().waitFor(POLL);
    const facts = (await delivery.locator('[data-testid="delivery-facts"]').textContent()) ?? '';
    expect(facts).toContain('1 attempt');
    expect(facts).toContain('HTTP 200');
    expect(await delivery.textContent()).toContain('booking.created');
    await delivery.locator('summary').click();
    const details = (await delivery.locator('[data-testid="delivery-details"]').textContent()) ?? '';
    expect(details).toContain(booking.data.id);
    expect(details).toContain('webhook-id');
    expect(details).toContain('thanks');
    await expectAccessible(page, 'delivery log en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-deliveries-en-1280.png') });

    // Replay: the receiver gets it a second time, with the same webhook-id.
    await delivery.locator('[data-testid="delivery-replay"]').click();
    await expect.poll(() => received.length, { timeout: 30_000, interval: 200 }).toBe(2);
    expect(received[1]?.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(received[1]?.body).toBe(first.body);
    await expect.poll(() => delivery.getAttribute('data-replays'), POLL).toBe('1');
    await expect.poll(async () => (await delivery.locator('[data-testid="delivery-facts"]').textContent()) ?? '', POLL).toContain('replayed once');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="delivery-log"]', { state: 'detached', ...POLL });
    await expect.poll(async () => (await row.locator('[data-testid="webhook-health"]').textContent()) ?? '', POLL).toContain('Last delivered');

    // Rotation: a new secret, shown once; the old one keeps signing through the overlap.
    await row.locator('[data-testid="webhook-menu"]').click();
    await page.click('[role="menuitem"][data-testid="webhook-rotate"]');
    await page.click('[data-testid="webhook-rotate-confirm"]');
    await secretBox.waitFor(POLL);
    const rotated = (await secretBox.textContent())?.trim() ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect(await page.textContent('[data-testid="webhook-secret-modal"]')).toContain('The previous secret keeps signing until');
    await page.click('[data-testid="webhook-secret-done"]');
    const after = (await api<{ previous_secret_expires_at: string | null }>(`/webhook-endpoints/${endpoint?.id ?? ''}`)).data;
    expect(after.previous_secret_expires_at).not.toBeNull();
    // The next delivery carries both signatures.
    await api('/bookings', {
      method: 'POST',
      body: JSON.stringify({ service_id: corte, resource_id: marta.id, start_time: madridInstant(day, '17:00'), customer: { first_name: 'Rotado', last_name: 'Prueba', email: 'rotado.prueba@example.com' }, source: 'admin' }),
    });
    await expect.poll(() => received.length, { timeout: 30_000, interval: 200 }).toBe(3);
    expect(signedWith(rotated, received[2] as Received)).toBe(true);
    expect(signedWith(secret, received[2] as Received)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-webhooks-en-1280.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('API keys: the key read once from the screen works, and is refused once revoked; an ICS feed link answers text/calendar (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product.baseUrl });
    const { page, problems } = await openDevelopers(context);
    await openTab(page, 'api-keys');
    await page.waitForSelector('[data-testid="api-keys-empty"]', POLL);
    await page.click('[data-testid="api-key-add"]');
    await page.click('[data-testid="api-key-submit"]');
    await page.getByText('Give the key a name.').waitFor(POLL);
    await page.fill('[data-testid="api-key-name"]', 'Website');
    await page.click('[data-testid="api-key-submit"]');
    const keyBox = page.locator('[data-testid="api-key-secret"]');
    await keyBox.waitFor(POLL);
    const key = (await keyBox.textContent())?.trim() ?? '';
    expect(key).toMatch(/^rh_test_/);
    await page.click('[data-testid="api-key-secret-copy"]');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await expectAccessible(page, 'api key shown once en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-api-key-en-1280.png') });
    await page.click('[data-testid="api-key-secret-done"]');
    await page.waitForSelector('[data-testid="api-key-secret"]', { state: 'detached', ...POLL });

    // The key works; the list shows its prefix, never the key.
    const withKey = await api<unknown[]>('/bookings?limit=1', { bearer: key });
    expect(withKey.status).toBe(200);
    const row = page.locator('[data-testid="api-key-row"]').first();
    expect(await row.locator('[data-testid="api-key-prefix"]').textContent()).toBe(`${key.slice(0, 16)}…`);
    expect(await page.content()).not.toContain(key);
    const listed = (await api<Array<{ name: string; prefix: string; revoked_at: string | null }>>('/api-keys')).data;
    expect(listed).toMatchObject([{ name: 'Website', prefix: key.slice(0, 16), revoked_at: null }]);

    // Revoked on the screen (after a confirmation): the API refuses the key within seconds.
    await row.locator('[data-testid="api-key-revoke"]').click();
    await page.click('[data-testid="api-key-revoke-confirm"]');
    await expect.poll(() => row.getAttribute('data-revoked'), POLL).toBe('true');
    await expect.poll(async () => (await api('/bookings?limit=1', { bearer: key })).status, { timeout: 15_000, interval: 250 }).toBe(401);

    // An ICS feed for Marta: the link from the screen answers a calendar.
    await openTab(page, 'feeds');
    await page.waitForSelector('[data-testid="feeds-empty"]', POLL);
    await page.click('[data-testid="feed-add"]');
    await page.click('[data-testid="feed-submit"]');
    await page.getByText('Choose a professional or room.').waitFor(POLL);
    await page.click('[data-testid="feed-resource"]');
    await page.getByRole('option', { name: 'Marta' }).click();
    await page.fill('[data-testid="feed-name"]', 'Marta’s phone');
    await page.click('[data-testid="feed-submit"]');
    const feedBox = page.locator('[data-testid="feed-url"]');
    await feedBox.waitFor(POLL);
    const feedUrl = (await feedBox.textContent())?.trim() ?? '';
    expect(feedUrl).toMatch(/\/api\/v1\/calendar\/feeds\/rhcal_.+\.ics$/);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-feed-en-1280.png') });
    await page.click('[data-testid="feed-url-done"]');
    const ics = await fetch(feedUrl);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    const feedRow = page.locator('[data-testid="feed-row"]').first();
    await feedRow.waitFor(POLL);
    expect(await feedRow.textContent()).toContain('Marta');
    // Revoked: the link stops answering.
    await feedRow.locator('[data-testid="feed-revoke"]').click();
    await page.click('[data-testid="feed-revoke-confirm"]');
    await expect.poll(() => feedRow.getAttribute('data-status'), POLL).toBe('revoked');
    expect((await fetch(feedUrl)).status).toBeGreaterThanOrEqual(400);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('every tab reads in Spanish and English at 1280 px and fits a phone at 360 px; the widget snippet names the business and its preview shows it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'es-ES' });
    const { page, problems } = await openDevelopers(context);
    expect(await page.textContent('[data-testid="developers-page"] h1')).toBe('Desarrolladores');
    for (const language of ['es', 'en'] as const) {
      if (language === 'en') {
        // Switched in place: the screen's words follow without a reload.
        await page.setViewportSize({ width: 1280, height: 1000 });
        await page.click('[data-testid="language-switch"] >> text=English');
        await expect.poll(() => page.textContent('[data-testid="developers-page"] h1'), POLL).toBe('Developers');
      }
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: width === 360 ? 780 : 1000 });
        for (const tab of ['webhooks', 'api-keys', 'feeds', 'embed']) {
          await openTab(page, tab);
          const panel = { webhooks: 'webhook-row', 'api-keys': 'api-key-row', feeds: 'feed-row', embed: 'embed-panel' }[tab] ?? '';
          await page.locator(`[data-testid="${panel}"]`).first().waitFor(POLL);
          if (tab === 'embed') {
            const snippet = (await page.textContent('[data-testid="embed-snippet"]')) ?? '';
            expect(snippet).toContain(`src="${product.baseUrl}/widget.js"`);
            expect(snippet).toContain('data-business="demo"');
            // The live preview is the business's real widget (its services).
            await page.locator('[data-testid="embed-preview"]').scrollIntoViewIfNeeded();
            await page.frameLocator('[data-testid="embed-preview"]').getByText('Corte').first().waitFor({ timeout: 20_000 });
            await page.evaluate('window.scrollTo(0, 0)');
          }
          await page.waitForTimeout(150);
          expect(await page.evaluate('document.documentElement.scrollWidth'), `${tab} at ${width} px`).toBeLessThanOrEqual(width);
          // axe-core on every tab in Spanish at both widths, and in English at 1280 px (the same screens, other words).
          if (language === 'es' || width === 1280) await expectAccessible(page, `${tab} ${language} ${width}`);
          await page.screenshot({ path: join(ARTIFACTS, `admin-developers-${tab}-${language}-${width}.png`), fullPage: width === 360 });
          if (tab === 'webhooks' && width === 360 && language === 'es') {
            // On a phone: the delivery log and the endpoint form.
            await page.click('[data-testid="webhook-log"]');
            await page.locator('[data-testid="delivery-row"]').first().waitFor(POLL);
            await page.locator('[data-testid="delivery-row"] summary').first().click();
            expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
            await expectAccessible(page, 'delivery log es 360');
            await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-deliveries-es-360.png') });
            await page.keyboard.press('Escape');
            await page.waitForSelector('[data-testid="delivery-log"]', { state: 'detached', ...POLL });
            await page.click('[data-testid="webhook-menu"]');
            await page.click('[role="menuitem"][data-testid="webhook-edit"]');
            await page.waitForSelector('[data-testid="webhook-form"]', POLL);
            expect(await page.inputValue('[data-testid="webhook-url-input"]')).toBe(hookUrl);
            await expectAccessible(page, 'webhook form es 360');
            await page.screenshot({ path: join(ARTIFACTS, 'admin-developers-webhook-form-es-360.png') });
            await page.keyboard.press('Escape');
            await page.waitForSelector('[data-testid="webhook-form"]', { state: 'detached', ...POLL });
          }
        }
      }
    }
    // The button mode and a fixed language change the snippet.
    await page.click('[data-testid="embed-mode"] >> text=Floating button');
    await page.click('[data-testid="embed-language"] >> text=English');
    expect(await page.textContent('[data-testid="embed-snippet"]')).toBe(`<script src="${product.baseUrl}/widget.js" data-business="demo" data-mode="button" data-locale="en" async></script>`);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
