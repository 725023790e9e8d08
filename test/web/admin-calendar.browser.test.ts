/**
 * The dashboard's resource calendar in a real browser against the real product process: the owner
 * drags a booking to a free time on another staff member's column and the API has it there; drags
 * another onto that now occupied time and it snaps back with the reason in words (the API unchanged);
 * books a walk-in guest from an empty time. The keyboard shortcuts move between days; a staff member
 * linked to one column sees only that column and is offered no booking. Screenshots at 1280 px and
 * 360 px in English and Spanish go to test-artifacts/web/; axe-core checks each screen.
 *
 * The bookings are made through the API on a weekday at least four days ahead (the demo's own
 * bookings sit on the first working days), so the test does not depend on today's date.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { type AdminCredentials, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-calendar.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const STAFF = { email: 'staff@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Named {
  id: string;
  name: string;
}
interface ApiBooking {
  id: string;
  booking_number: string;
  status: string;
  start_time: string;
  resource: { id: string };
  customer: { first_name: string; last_name: string | null };
}

/** Local date (YYYY-MM-DD) in Madrid. */
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

describe.skipIf(SKIP_REASON !== null)(`dashboard calendar, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let day = '';
  let daysAhead = 0;
  let marta: Named;
  let javier: Named;
  let corte = '';
  const booked: Record<'moved' | 'blocked', ApiBooking | null> = { moved: null, blocked: null };

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
    const resources = (await api<Array<Named & { type: string }>>('/resources?limit=100')).data;
    marta = resources.find((resource) => resource.name === 'Marta') as Named;
    javier = resources.find((resource) => resource.name === 'Javier') as Named;
    corte = (await api<Named[]>('/services?limit=100')).data.find((service) => service.name === 'Corte')?.id ?? '';
    const [location] = (await api<Named[]>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    // A Monday-to-Friday date at least four days ahead that is not a closure.
    const today = madridDate(new Date());
    for (daysAhead = 4; ; daysAhead += 1) {
      day = addDays(today, daysAhead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    const book = async (resourceId: string, time: string, firstName: string) => {
      const created = await api<ApiBooking>('/bookings', {
        method: 'POST',
        body: JSON.stringify({ service_id: corte, resource_id: resourceId, start_time: madridInstant(day, time), customer: { first_name: firstName, last_name: 'Calendario', email: `${firstName.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase()}@example.com` }, source: 'admin' }),
      });
      if (created.status !== 201) throw new Error(`booking ${firstName} answered ${created.status}: ${JSON.stringify(created.data)}`);
      return created.data;
    };
    booked.moved = await book(marta.id, '10:00', 'Inés');
    booked.blocked = await book(javier.id, '12:00', 'Tomás');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function signIn(page: Page, who: AdminCredentials): Promise<void> {
    await signInToAdmin(page, product.baseUrl, who, '[data-testid="nav-calendar"]', { ...POLL, state: 'visible' });
    await page.click('[data-testid="nav-calendar"]');
    await page.waitForSelector('[data-testid="calendar-grid"], [data-testid="calendar-empty"]', POLL);
  }

  /** With the shortcut `n`, day by day to the test's date. */
  async function goToDay(page: Page): Promise<void> {
    await page.locator('[data-testid="calendar-page"] h1').click();
    for (let step = 0; step < daysAhead; step += 1) await page.keyboard.press('n');
    await page.waitForSelector(`[data-testid="calendar-column"][data-date="${day}"]`, POLL);
  }

  const column = (page: Page, resourceId: string) => page.locator(`[data-testid="calendar-column"][data-resource-id="${resourceId}"][data-date="${day}"]`);
  const card = (page: Page, id: string) => page.locator(`[data-testid="calendar-booking"][data-booking-id="${id}"]`);

  /** Drags a card by the mouse so that its top lands on `time` in the resource's column. */
  async function drag(page: Page, bookingId: string, resourceId: string, time: string): Promise<void> {
    const grid = page.locator('[data-testid="calendar-grid"]');
    const gridStart = Number(await grid.getAttribute('data-grid-start'));
    const perMinute = Number(await grid.getAttribute('data-px-per-minute'));
    const source = await card(page, bookingId).boundingBox();
    const target = await column(page, resourceId).boundingBox();
    if (!source || !target) throw new Error('card or column not on screen');
    const [hours, minutes] = time.split(':').map(Number);
    const grabX = source.x + source.width / 2;
    const grabY = source.y + 10;
    const dropY = target.y + ((hours ?? 0) * 60 + (minutes ?? 0) - gridStart) * perMinute + 10;
    await page.mouse.move(grabX, grabY);
    await page.mouse.down();
    await page.mouse.move(grabX + 10, grabY + 10, { steps: 4 });
    await page.mouse.move(target.x + target.width / 2, dropY, { steps: 12 });
    await page.waitForSelector('[data-testid="calendar-drop-ghost"]', POLL);
    await page.mouse.up();
  }

  it('moves a booking to another staff member by dragging, refuses an occupied time with the reason, books a walk-in (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    // The refused move answers 409 on purpose.
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await signIn(page, OWNER);
    expect(await page.textContent('[data-testid="calendar-zone"]')).toContain(ZONE);
    await goToDay(page);
    const moved = booked.moved as ApiBooking;
    const blocked = booked.blocked as ApiBooking;
    // Times read in Madrid although the browser is in New York.
    await card(page, moved.id).waitFor(POLL);
    expect(await card(page, moved.id).textContent()).toContain('10:00');
    expect(await page.locator('[data-testid="calendar-column-head"]').count()).toBe(4);
    await expectAccessible(page, 'calendar day en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-en-1280.png') });

    // 1. Marta 10:00 → Javier 13:00: saved, as the API reads it back.
    await drag(page, moved.id, javier.id, '13:00');
    await page.waitForSelector('[data-testid="calendar-move-done"]', POLL);
    const after = (await api<ApiBooking>(`/bookings/${moved.id}`)).data;
    expect(after.resource.id).toBe(javier.id);
    expect(madridTime(after.start_time)).toBe('13:00');
    await expect.poll(() => column(page, javier.id).locator(`[data-booking-id="${moved.id}"]`).count(), POLL).toBe(1);

    // 2. Javier 12:00 → Javier 13:00, now taken: refused, the reason shown, the card back at 12:00.
    await drag(page, blocked.id, javier.id, '13:00');
    const refusal = page.locator('[data-testid="calendar-move-error"]');
    await refusal.waitFor(POLL);
    expect(await refusal.textContent()).toContain('That time is already taken there');
    await expect.poll(async () => (await card(page, blocked.id).textContent()) ?? '', POLL).toContain('12:00');
    expect(await card(page, blocked.id).getAttribute('data-pending')).toBe('false');
    const unchanged = (await api<ApiBooking>(`/bookings/${blocked.id}`)).data;
    expect(madridTime(unchanged.start_time)).toBe('12:00');
    expect(unchanged.resource.id).toBe(javier.id);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-refused-en-1280.png') });

    // 3. An empty time in Marta's column at 17:00: a walk-in guest.
    const martaBox = await column(page, marta.id).boundingBox();
    const gridStart = Number(await page.getAttribute('[data-testid="calendar-grid"]', 'data-grid-start'));
    if (!martaBox) throw new Error('no column for Marta');
    await page.mouse.click(martaBox.x + martaBox.width / 2, martaBox.y + (17 * 60 - gridStart) * 1.6 + 8);
    await page.waitForSelector('[data-testid="new-booking-form"]', POLL);
    // English reads the clock in 12 hours, as the rest of the dashboard.
    expect(await page.inputValue('[data-testid="new-booking-time"]')).toBe('5:00 PM');
    await page.click('[data-testid="new-booking-service"]');
    await page.getByRole('option', { name: /^Corte/ }).click();
    await page.getByText('New guest').click();
    await page.fill('[data-testid="guest-first-name"]', 'Walk');
    await page.fill('[data-testid="guest-last-name"]', 'In');
    await page.fill('[data-testid="guest-phone"]', '+34 600 999 888');
    await expectAccessible(page, 'new booking form en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-new-booking-en-1280.png') });
    await page.click('[data-testid="new-booking-submit"]');
    await page.waitForSelector('[data-testid="new-booking-form"]', { state: 'detached', ...POLL });
    const list = (await api<ApiBooking[]>(`/bookings?from_date=${day}&to_date=${day}&resource_id=${marta.id}&limit=50`)).data;
    const walkIn = list.find((booking) => booking.customer.first_name === 'Walk');
    expect(walkIn && madridTime(walkIn.start_time)).toBe('17:00');
    expect(walkIn?.status).toBe('confirmed');
    await card(page, walkIn?.id ?? '').waitFor(POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-after-en-1280.png') });

    // The week view: seven days of four columns, the moved booking on Javier's.
    await page.click('[data-testid="calendar-view"] >> text=Week');
    await page.waitForSelector(`[data-testid="calendar-column"][data-resource-id="${javier.id}"][data-date="${addDays(day, 1)}"]`, POLL);
    expect(await page.locator('[data-testid="calendar-column"]').count()).toBe(28);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-week-en-1280.png') });

    // The address carries what is shown: a reload keeps the week and its date.
    expect(new URL(page.url()).searchParams.get('view')).toBe('week');
    await page.reload();
    await page.waitForSelector(`[data-testid="calendar-column"][data-resource-id="${javier.id}"][data-date="${addDays(day, 1)}"]`, POLL);
    // A link to a booking opens its day with its panel; closing the panel leaves the day in the address.
    await page.goto(`${product.baseUrl}/admin/calendar?date=${day}&booking=${blocked.id}`);
    await page.getByRole('dialog', { name: `Booking ${blocked.booking_number}` }).waitFor(POLL);
    await page.waitForSelector(`[data-testid="calendar-column"][data-resource-id="${javier.id}"][data-date="${day}"]`, POLL);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', ...POLL });
    const left = new URL(page.url()).searchParams;
    expect([left.get('date'), left.get('booking')]).toEqual([day, null]);
    // Nonsense in the address falls back to today.
    await page.goto(`${product.baseUrl}/admin/calendar?date=2026-02-31&view=month`);
    await page.waitForSelector(`[data-testid="calendar-column"][data-date="${madridDate(new Date())}"]`, POLL);
    expect(problems.filter((problem) => !problem.includes('409'))).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads in Spanish at 1280 px and fits a phone at 360 px (one column at a time, scrolled sideways)', async () => {
    for (const [language, locale] of [['es', 'es-ES'], ['en', 'en-GB']] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale });
      const { page, problems } = await openWatchedPage(context);
      await signIn(page, OWNER);
      await goToDay(page);
      if (language === 'es') {
        expect(await page.textContent('[data-testid="calendar-hint"]')).toContain('Arrastra una reserva');
        await expectAccessible(page, 'calendar es');
        await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-es-1280.png') });
      }
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(200);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      // The grid scrolls sideways inside itself.
      expect(await page.$eval('[data-testid="calendar-grid"]', (element) => element.scrollWidth > element.clientWidth)).toBe(true);
      await expectAccessible(page, `calendar ${language} 360 px`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-calendar-${language}-360.png`) });
      // `t` comes back to today.
      await page.keyboard.press('t');
      await page.waitForSelector(`[data-testid="calendar-column"][data-date="${madridDate(new Date())}"]`, POLL);
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 180_000);

  it('a staff member sees only their own column and is offered no booking', async () => {
    // The owner links the demo staff account to Marta's column.
    const staffLogin = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...STAFF, tenant_slug: 'demo' }) });
    const staffToken = ((await staffLogin.json()) as { data: { access_token: string } }).data.access_token;
    const me = (await (await fetch(`${product.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${staffToken}` } })).json()) as { data: { user: { id: string } } };
    expect((await api(`/resources/${marta.id}`, { method: 'PATCH', body: JSON.stringify({ user_id: me.data.user.id }) })).status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page, STAFF);
    await goToDay(page);
    const heads = page.locator('[data-testid="calendar-column-head"]');
    expect(await heads.count()).toBe(1);
    expect(await heads.first().getAttribute('data-resource-id')).toBe(marta.id);
    // Javier's bookings (the moved one among them) are not there; no booking is offered.
    expect(await card(page, booked.moved?.id ?? '').count()).toBe(0);
    expect(await page.$('[data-testid="calendar-new-booking"]')).toBeNull();
    expect(await page.getAttribute(`[data-testid="calendar-column"][data-date="${day}"]`, 'data-bookable')).toBe('false');
    await page.keyboard.press('b');
    expect(await page.$('[data-testid="new-booking-form"]')).toBeNull();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-calendar-staff-en-1280.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
