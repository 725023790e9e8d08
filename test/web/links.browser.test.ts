/**
 * The links the product sends, followed in a real browser against the real product process:
 * a guest books on the demo business through the API, opens the booking's `manage_url`, sees the
 * booking, sees the refund before confirming and cancels; a forged manage link, a spent waitlist
 * offer and a forged unsubscribe link each get the clear "no longer valid" page.
 * Screenshots at 360 px and 1280 px go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('links.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const WIDTHS = [360, 1280] as const;
const POLL = { timeout: 15_000, interval: 100 };

/** The first `start_time` found in any `slots` list of an availability answer. */
function firstSlot(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstSlot(item);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.slots)) {
    for (const slot of record.slots) {
      if (typeof slot === 'string') return slot;
      const start = (slot as Record<string, unknown>).start_time;
      if (typeof start === 'string' && (slot as Record<string, unknown>).available !== false) return start;
    }
  }
  for (const [key, child] of Object.entries(record)) {
    if (key === 'business_hours') continue;
    const found = firstSlot(child);
    if (found) return found;
  }
  return null;
}

describe.skipIf(SKIP_REASON !== null)(`links in messages, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T; raw: string }> {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method,
      headers: { 'x-tenant': 'demo', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const raw = await response.text();
    const parsed = raw === '' ? null : (JSON.parse(raw) as { data: T });
    return { status: response.status, data: parsed?.data as T, raw };
  }

  /** A guest books the demo business's first service at its first free slot; returns the manage link. */
  async function guestBooking(dayOffset: number): Promise<string> {
    const page = await api<{ services: { id: string }[] }>('GET', '/api/v1/booking-page');
    expect(page.status, page.raw).toBe(200);
    const serviceId = page.data.services[0]?.id ?? '';
    const from = new Date(Date.now() + dayOffset * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + (dayOffset + 6) * 86_400_000).toISOString().slice(0, 10);
    const availability = await api<{ resources: { resource: { id: string } }[] }>('GET', `/api/v1/availability?service_id=${serviceId}&from_date=${from}&to_date=${to}`);
    expect(availability.status, availability.raw).toBe(200);
    const offered = availability.data.resources.find((entry) => firstSlot(entry) !== null);
    const start = offered ? firstSlot(offered) : null;
    expect(start, availability.raw.slice(0, 2000)).not.toBeNull();
    const booked = await api<{ status: string; manage_url?: string }>('POST', '/api/v1/bookings', {
      service_id: serviceId,
      resource_id: offered?.resource.id,
      start_time: start,
      customer: { first_name: 'Lucía', last_name: 'Enlace', email: `lucia-${dayOffset}-${Date.now()}@example.test` },
    });
    expect(booked.status, booked.raw).toBe(201);
    expect(booked.data.manage_url, booked.raw).toMatch(/\/manage\/[^/]+$/);
    return booked.data.manage_url ?? '';
  }


  it('the manage link shows the booking, the refund before confirming, and cancels', async () => {
    for (const [index, width] of WIDTHS.entries()) {
      const manageUrl = await guestBooking(3 + index * 7);
      expect(manageUrl.startsWith(product.baseUrl)).toBe(true);
      const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'America/Mexico_City', viewport: { width, height: 800 } });
      const { page, problems } = await openWatchedPage(context, { expectedStatus: 404, watchRequests: false });
      await page.goto(manageUrl);
      await page.waitForSelector('[data-testid="manage-booking"]', POLL);
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toBe('confirmed');
      expect(await page.textContent('h1')).toBeTruthy();
      // Visitor in Mexico, business in Madrid: both times are shown.
      expect(await page.textContent('[data-testid="manage-when"]')).toContain('en tu hora');
      await page.screenshot({ path: join(ARTIFACTS, `manage-es-${width}.png`), fullPage: true });

      await page.focus('[data-testid="manage-cancel"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="manage-refund-preview"]', POLL);
      expect(await page.textContent('[data-testid="manage-refund-preview"]')).toMatch(/devolver|nada que devolver/);
      // Still confirmed while the customer reads what they would get back.
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toBe('confirmed');
      await page.screenshot({ path: join(ARTIFACTS, `manage-confirm-es-${width}.png`), fullPage: true });

      await page.click('[data-testid="manage-cancel-confirm"]');
      await page.waitForSelector('[data-testid="manage-cancelled"]', POLL);
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toBe('cancelled');
      expect(await page.$('[data-testid="manage-cancel"]')).toBeNull();
      await page.screenshot({ path: join(ARTIFACTS, `manage-cancelled-es-${width}.png`), fullPage: true });

      // The server agrees.
      const token = manageUrl.split('/').at(-1) ?? '';
      const after = await api<{ status: string }>('GET', `/api/v1/manage/${token}`);
      expect(after.data.status).toBe('cancelled');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 180_000);

  it('a forged manage link says the link is no longer valid', async () => {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ locale: 'es-ES', viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${product.baseUrl}/manage/forged-token-0123456789abcdef`);
      await page.waitForSelector('[data-testid="invalid-link"]', POLL);
      expect(await page.textContent('[data-testid="invalid-link"] h1')).toBe('Este enlace ya no es válido');
      await page.screenshot({ path: join(ARTIFACTS, `manage-invalid-es-${width}.png`), fullPage: true });
      await context.close();
    }
  }, 60_000);

  it('a waitlist offer that is spent or forged shows its state after the claim button', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/waitlist/claim/forged-offer-token-0123456789abcdef?business=demo`);
    await page.waitForSelector('[data-testid="waitlist-offer"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'waitlist-offer-en-360.png'), fullPage: true });
    await page.click('[data-testid="waitlist-claim"]');
    await page.waitForSelector('[data-testid="waitlist-gone"]', POLL);
    expect(await page.textContent('[data-testid="invalid-link"] h1')).toBe('This link is no longer valid');
    expect(await page.getAttribute('[data-testid="invalid-link"] a', 'href')).toBe('/book/demo');
    await page.screenshot({ path: join(ARTIFACTS, 'waitlist-gone-en-360.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('the unsubscribe page asks first, then answers; a forged token gets the invalid-link page', async () => {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/unsubscribe?token=forged-unsubscribe-token-0123456789`);
    await page.waitForSelector('[data-testid="unsubscribe-button"]', POLL);
    expect(await page.textContent('[data-testid="unsubscribe-button"]')).toBe('Darme de baja');
    await page.screenshot({ path: join(ARTIFACTS, 'unsubscribe-es-360.png'), fullPage: true });
    await page.click('[data-testid="unsubscribe-button"]');
    await page.waitForSelector('[data-testid="invalid-link"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'unsubscribe-invalid-es-360.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
