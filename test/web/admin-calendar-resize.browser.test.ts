/**
 * Changing a booking's length on the dashboard calendar in a real browser against the real product
 * process: the owner drags a card's bottom edge 30 minutes down and the API reads the new end; drags it
 * over the next booking and the card goes back with the reason in words (the API unchanged); then, by
 * keyboard only, opens the booking and makes it 15 minutes shorter with the panel's button. axe-core
 * checks the calendar and the panel; screenshots go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-calendar-resize.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface ApiBooking {
  id: string;
  start_time: string;
  end_time: string;
}

function madridDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** "10:00" in Madrid. */
function madridTime(instant: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
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

describe.skipIf(SKIP_REASON !== null)(`resizing bookings on the dashboard calendar, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let day = '';
  let daysAhead = 0;
  let stretched: ApiBooking;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    const marta = (await api<Array<{ id: string; name: string }>>('/resources?limit=100')).data.find((resource) => resource.name === 'Marta');
    const corte = (await api<Array<{ id: string; name: string }>>('/services?limit=100')).data.find((service) => service.name === 'Corte');
    const [location] = (await api<Array<{ id: string }>>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    // A Monday-to-Friday date at least five days ahead that is not a closure (the demo's own bookings sit earlier).
    const today = madridDate(new Date());
    for (daysAhead = 5; ; daysAhead += 1) {
      day = addDays(today, daysAhead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    const book = async (time: string, firstName: string) => {
      const created = await api<ApiBooking>('/bookings', {
        method: 'POST',
        body: JSON.stringify({ service_id: corte?.id, resource_id: marta?.id, start_time: madridInstant(day, time), customer: { first_name: firstName, last_name: 'Duración', email: `${firstName.toLowerCase()}.resize@example.com` }, source: 'admin' }),
      });
      if (created.status !== 201) throw new Error(`booking ${firstName} answered ${created.status}: ${JSON.stringify(created.data)}`);
      return created.data;
    };
    stretched = await book('10:00', 'Lucia');
    await book('11:30', 'Pablo');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function openDay(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', { ...POLL, state: 'visible' });
    await page.click('[data-testid="nav-calendar"]');
    await page.waitForSelector('[data-testid="calendar-grid"]', POLL);
    await page.locator('[data-testid="calendar-page"] h1').click();
    for (let step = 0; step < daysAhead; step += 1) await page.keyboard.press('n');
    await page.waitForSelector(`[data-testid="calendar-column"][data-date="${day}"]`, POLL);
  }

  const card = (page: Page) => page.locator(`[data-testid="calendar-booking"][data-booking-id="${stretched.id}"]`);
  const endNow = async () => madridTime((await api<ApiBooking>(`/bookings/${stretched.id}`)).data.end_time);

  /** Drags the card's bottom edge by `minutes` (the grid's pixels per minute from its data attribute). */
  async function dragEdge(page: Page, minutes: number): Promise<void> {
    const perMinute = Number(await page.getAttribute('[data-testid="calendar-grid"]', 'data-px-per-minute'));
    const handle = await card(page).locator('[data-testid="calendar-resize-handle"]').boundingBox();
    if (!handle) throw new Error('no resize handle on the card');
    const x = handle.x + handle.width / 2;
    const y = handle.y + handle.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + 8, { steps: 3 });
    await page.mouse.move(x, y + minutes * perMinute, { steps: 12 });
    await expect.poll(() => card(page).getAttribute('data-resizing'), POLL).toBe('true');
    await page.mouse.up();
  }

  it('drags the bottom edge 30 minutes longer; over the next booking it is refused in words (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 }, locale: 'en-GB' });
    // The refused resize answers 409 on purpose.
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await openDay(page);
    await card(page).waitFor(POLL);
    expect(await card(page).textContent()).toContain('10:30');
    await expectAccessible(page, 'calendar with resize handles en');

    await dragEdge(page, 30);
    await page.waitForSelector('[data-testid="calendar-move-done"]', POLL);
    expect(await endNow()).toBe('11:00');
    await expect.poll(async () => (await card(page).textContent()) ?? '', POLL).toContain('11:00');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-resized-en-1280.png') });

    // 11:00 → 11:45 runs into Pablo at 11:30: refused, said why, the card back at 11:00.
    await dragEdge(page, 45);
    const refusal = page.locator('[data-testid="calendar-move-error"]');
    await refusal.waitFor(POLL);
    expect(await refusal.textContent()).toContain('would overlap the next one');
    await expect.poll(async () => card(page).getAttribute('data-pending'), POLL).toBe('false');
    expect(await card(page).textContent()).toContain('11:00');
    expect(await endNow()).toBe('11:00');
    expect(problems.filter((problem) => !problem.includes('409'))).toEqual([]);
    await context.close();
  }, 180_000);

  it('by keyboard: opens the booking and makes it 15 minutes shorter in its panel (es)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await openDay(page);
    await card(page).focus();
    await page.keyboard.press('Enter');
    const shorter = page.locator('[data-testid="booking-length-shorter"]');
    await shorter.waitFor(POLL);
    expect(await page.textContent('[data-testid="booking-length-end"]')).toContain('60 min');
    await expectAccessible(page, 'booking panel with its length es');
    await shorter.focus();
    await page.keyboard.press('Enter');
    await expect.poll(endNow, POLL).toBe('10:45');
    await expect.poll(async () => (await page.textContent('[data-testid="booking-length-end"]')) ?? '', POLL).toContain('45 min');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-length-es-1280.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
