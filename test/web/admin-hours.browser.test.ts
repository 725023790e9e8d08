/**
 * The dashboard's locations and hours screen in a real browser against the real product process
 * (demo business, Madrid), with the browser in New York: the owner edits Marta's weekly hours (a
 * break left outside its hours is refused before sending; then no mornings on a weekday a few days
 * ahead, and new hours on a Sunday) and the change shows both in GET /availability and on the public
 * booking page, whose times for that day change; closes the location on a day and that day offers no
 * times; adds "every other Friday off" from the friendly form, sees the RRULE in words, and the API
 * has one exception per date the rule yields; edits the location's contact (the time zone list is
 * searchable). Screenshots at 1280 px and 360 px in English and Spanish go to test-artifacts/web/;
 * axe-core checks each screen.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-hours.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Named {
  id: string;
  name: string;
}
interface Availability {
  resources: Array<{ resource: { id: string }; dates: Array<{ date: string; slots: Array<{ start_time: string; available: boolean }> }> }>;
}
interface Schedule {
  id: string;
  resource_id: string;
  is_active: boolean;
  recurrence_rule: string | null;
  time_slots: Array<{ start: string; end: string; days: number[] }>;
}
interface ScheduleException {
  exception_date: string;
  type: string;
  reason: string | null;
}

function madridDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
function madridTime(instant: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
/** ISO weekday, 1 = Monday. */
function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

describe.skipIf(SKIP_REASON !== null)(`dashboard hours, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let marta: Named;
  let locationId = '';
  let coloracion = '';
  let corte = '';
  /** A weekday (Mon–Fri) at least four days ahead, not closed: Marta's mornings go. */
  let day = '';
  /** The first Sunday at least four days ahead: Marta starts working on Sundays. */
  let sunday = '';
  /** Another weekday, later: the location closes. */
  let closed = '';

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  /** The times (Madrid HH:MM) GET /availability offers for a service on a date, as a customer asks. */
  const offered = async (serviceId: string, date: string): Promise<string[]> => {
    const response = await fetch(`${product.baseUrl}/api/v1/availability?service_id=${serviceId}&from_date=${date}&to_date=${date}`, { headers: { 'x-tenant': 'demo' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Availability };
    const times = body.data.resources.flatMap((entry) => entry.dates.flatMap((found) => found.slots.filter((slot) => slot.available).map((slot) => madridTime(slot.start_time))));
    return [...new Set(times)].sort();
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    marta = (await api<Named[]>('/resources?limit=100')).data.find((resource) => resource.name === 'Marta') as Named;
    const services = (await api<Named[]>('/services?limit=100')).data;
    coloracion = services.find((service) => service.name === 'Coloración')?.id ?? '';
    corte = services.find((service) => service.name === 'Corte')?.id ?? '';
    const [location] = (await api<Named[]>('/locations')).data;
    locationId = location?.id ?? '';
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${locationId}/closures`)).data.map((closure) => closure.closure_date);
    const today = madridDate(new Date());
    const open = (date: string) => !closures.includes(date);
    for (let ahead = 4; !day; ahead += 1) if (isoWeekday(addDays(today, ahead)) <= 5 && open(addDays(today, ahead))) day = addDays(today, ahead);
    for (let ahead = 4; !sunday; ahead += 1) if (isoWeekday(addDays(today, ahead)) === 7 && open(addDays(today, ahead))) sunday = addDays(today, ahead);
    // A weekday of another weekday than `day`, so the weekly change does not touch it.
    for (let ahead = 5; !closed; ahead += 1) {
      const date = addDays(today, ahead);
      if (isoWeekday(date) <= 5 && isoWeekday(date) !== isoWeekday(day) && open(date)) closed = date;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function openHours(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-hours"]', { ...POLL, state: 'attached' });
    // Settings are a folded group of the navigation: straight to the page (the session survives the load).
    await page.goto(`${product.baseUrl}/admin/settings/hours`);
    await page.waitForSelector('[data-testid="week-editor"]', POLL);
  }

  /** A screenshot of the settled screen (two frames painted; a full page from the top, so the sticky header sits there). */
  async function shot(page: Page, name: string, fullPage = true): Promise<void> {
    if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  }

  async function pickMarta(page: Page): Promise<void> {
    await page.click('[data-testid="resource-pick"]');
    await page.getByRole('option', { name: 'Marta' }).click();
    await page.waitForSelector(`[data-testid="week-editor"][data-resource-id="${marta.id}"]`, POLL);
  }

  /** The public booking page: the service, then `date` in its calendar; the times it lists (Madrid HH:MM), or [] when the day is not offered. */
  async function publicTimes(context: BrowserContext, service: string, date: string): Promise<string[]> {
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/book/demo`);
    await page.click(`[data-testid="service-card"]:has-text("${service}")`);
    await page.waitForSelector('[data-testid="date-picker"]', POLL);
    for (let month = 0; month < 3; month += 1) {
      await expect.poll(async () => (await page.$('[data-testid="slots-loading"]')) === null && (await page.getAttribute('[data-testid="date-picker"]', 'aria-busy')) !== 'true', POLL).toBe(true);
      const dates = await page.$$eval('[data-testid="date-day"]', (nodes) => nodes.map((node) => node.getAttribute('data-date') ?? ''));
      if (dates.includes(date)) {
        await page.click(`[data-testid="date-day"][data-date="${date}"]`);
        await page.waitForSelector('[data-testid="available-slot"]', POLL);
        const starts = await page.$$eval('[data-testid="available-slot"]', (nodes) => nodes.map((node) => node.getAttribute('data-start') ?? ''));
        await page.close();
        return starts.map(madridTime).sort();
      }
      // This month is on screen and the date is not offered: no times that day.
      if (dates.some((found) => found.slice(0, 7) === date.slice(0, 7)) || dates.some((found) => found > date)) break;
      await page.click('.next-month');
    }
    await page.close();
    return [];
  }

  it('edits a weekly schedule (checked before sending) and the booking page offers other times (en, 1280 px, from New York)', async () => {
    const customers = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES', timezoneId: ZONE });
    // Before: Marta (the only one who does Coloración) works 09:30–14:00 and 16:00–20:00 that weekday, and not on Sundays.
    const before = await offered(coloracion, day);
    expect(before).toContain('09:30');
    expect(await offered(coloracion, sunday)).toEqual([]);
    const shownBefore = await publicTimes(customers, 'Coloración', day);
    expect(shownBefore).toContain('09:30');

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    const { page, problems } = await openWatchedPage(context);
    await openHours(page);
    expect(await page.textContent('[data-testid="hours-zone"]')).toContain(ZONE);
    await pickMarta(page);
    const weekday = page.locator(`[data-testid="week-day"][data-day="${isoWeekday(day)}"]`);
    // The demo's split day reads as one block with a break, in Madrid's clock although the browser is in New York.
    expect(await weekday.locator('[data-testid="block-start"]').inputValue()).toBe('09:30');
    expect(await weekday.locator('[data-testid="break-start"]').inputValue()).toBe('14:00');
    await expectAccessible(page, 'hours en 1280');
    await shot(page, 'admin-hours-en-1280');

    // Mornings off: the block now starts at 16:00, which leaves the 14:00 break outside it: named, and not sent.
    await weekday.locator('[data-testid="block-start"]').fill('16:00');
    await weekday.getByText('Must sit inside its hours.').waitFor(POLL);
    await page.click('[data-testid="week-save"]');
    expect(await page.textContent('[data-testid="week-error"]')).toContain('Fix 1 time');
    await shot(page, 'admin-hours-invalid-en-1280');
    await weekday.locator('[data-testid="break-remove"]').click();
    // Sundays: from nothing to 10:00–14:00.
    const sundayRow = page.locator('[data-testid="week-day"][data-day="7"]');
    expect(await sundayRow.locator('[data-testid="week-day-closed"]').count()).toBe(1);
    await sundayRow.locator('[data-testid="day-add-block"]').click();
    await sundayRow.locator('[data-testid="block-start"]').fill('10:00');
    await sundayRow.locator('[data-testid="block-end"]').fill('14:00');
    await page.click('[data-testid="week-save"]');
    await page.waitForSelector('[data-testid="week-saved"]', POLL);

    // The API has it: that weekday 16:00–20:00 only, Sundays 10:00–14:00.
    const schedules = (await api<Schedule[]>(`/schedules?resource_id=${marta.id}`)).data.filter((schedule) => schedule.is_active);
    expect(schedules).toHaveLength(1);
    const slotsOn = (weekdayNumber: number) => (schedules[0]?.time_slots ?? []).filter((slot) => slot.days.includes(weekdayNumber)).map((slot) => `${slot.start}-${slot.end}`);
    expect(slotsOn(isoWeekday(day))).toEqual(['16:00-20:00']);
    expect(slotsOn(7)).toEqual(['10:00-14:00']);
    expect(slotsOn(isoWeekday(day) === 1 ? 2 : 1)).toEqual(['09:30-14:00', '16:00-20:00']);

    // Availability: no morning times that day, Sunday now bookable; the public page shows the same.
    const after = await offered(coloracion, day);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((time) => time >= '16:00')).toBe(true);
    expect(after).not.toContain('09:30');
    expect(await offered(coloracion, sunday)).toContain('10:00');
    const shownAfter = await publicTimes(customers, 'Coloración', day);
    expect(shownAfter).not.toEqual(shownBefore);
    expect(shownAfter[0]).toBe('16:00');
    expect(shownAfter.every((time) => time >= '16:00')).toBe(true);
    expect(problems).toEqual([]);
    await customers.close();
    await context.close();
  }, 150_000);

  it('closes the location on a day (no times that day), adds "every other Friday off" as an RRULE, edits the location (en)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB', timezoneId: 'America/New_York' });
    const { page, problems } = await openWatchedPage(context);
    expect((await offered(corte, closed)).length).toBeGreaterThan(0);
    await openHours(page);

    // A closure with its reason.
    await page.fill('[data-testid="closure-from"]', closed);
    await page.fill('[data-testid="closure-reason"]', 'Inventory');
    await page.click('[data-testid="closure-submit"]');
    await page.waitForSelector(`[data-testid="closure-row"][data-date="${closed}"]`, POLL);
    const closures = (await api<Array<{ closure_date: string; reason: string | null }>>(`/locations/${locationId}/closures`)).data;
    expect(closures.find((closure) => closure.closure_date === closed)?.reason).toBe('Inventory');
    expect(await offered(corte, closed)).toEqual([]);

    // Every other Friday off for Marta, from a friendly form, shown in words and as the RRULE.
    await pickMarta(page);
    await page.click('[data-testid="exception-add"]');
    await page.waitForSelector('[data-testid="exception-form"]', POLL);
    await page.getByText('Repeats', { exact: true }).first().click();
    await page.waitForSelector('[data-testid="exception-preview"]', POLL);
    expect(await page.textContent('[data-testid="exception-words"]')).toMatch(/^Every other week on Friday, from /);
    const rule = (await page.textContent('[data-testid="exception-rrule"]')) ?? '';
    expect(rule).toMatch(/^RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=\d{8}$/);
    await page.fill('[data-testid="exception-reason"]', 'Training');
    await expectAccessible(page, 'exception form en');
    await shot(page, 'admin-hours-rrule-en-1280', false);
    await page.click('[data-testid="exception-submit"]');
    await page.waitForSelector('[data-testid="exception-form"]', { state: 'detached', ...POLL });
    const series = page.locator('[data-testid="exception-series"]');
    await series.waitFor(POLL);
    expect(await series.textContent()).toContain('Every other week on Friday');

    // The API: one day-off exception per date the rule yields, every other Friday, the rule in the reason.
    const today = madridDate(new Date());
    const exceptions = (await api<ScheduleException[]>(`/schedule-exceptions?resource_id=${marta.id}&from_date=${today}&limit=100`)).data;
    const dates = exceptions.map((exception) => exception.exception_date).sort();
    expect(dates.length).toBeGreaterThanOrEqual(12);
    expect(Number(await series.getAttribute('data-count'))).toBe(dates.length);
    for (const [index, date] of dates.entries()) {
      expect(isoWeekday(date)).toBe(5);
      if (index > 0) expect(Date.parse(date) - Date.parse(dates[index - 1] ?? '')).toBe(14 * 86_400_000);
    }
    expect(dates[0] && dates[0] >= today && Date.parse(dates[0]) - Date.parse(today) < 7 * 86_400_000).toBe(true);
    expect(exceptions.every((exception) => exception.type === 'unavailable' && exception.reason === `Training [${rule}]`)).toBe(true);
    // A Friday of the series offers no Coloración (only Marta does it); the Friday after does.
    const offFriday = dates.find((date) => date >= addDays(today, 2)) ?? '';
    expect(await offered(coloracion, offFriday)).toEqual([]);
    expect((await offered(coloracion, addDays(offFriday, 7))).length).toBeGreaterThan(0);
    await shot(page, 'admin-hours-exceptions-en-1280');

    // The location: the time zone list is searchable; a new phone is saved.
    await page.click('[data-testid="location-edit"]');
    await page.waitForSelector('[data-testid="location-form"]', POLL);
    await page.click('[data-testid="location-timezone"]');
    await page.fill('[data-testid="location-timezone"]', 'Bogo');
    await page.getByRole('option', { name: 'America/Bogota' }).waitFor(POLL);
    // Leaving without saving keeps the zone; a second edit changes only the phone.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    // Escape closes the list (and, in some builds, the dialog with it).
    if (await page.$('[data-testid="location-form"]')) await page.click('[data-testid="location-cancel"]');
    await page.waitForSelector('[data-testid="location-form"]', { state: 'detached', ...POLL });
    await page.click('[data-testid="location-edit"]');
    expect(await page.inputValue('[data-testid="location-timezone"]')).toBe('Europe/Madrid');
    await page.fill('[data-testid="location-phone"]', '+34 910 000 111');
    await page.click('[data-testid="location-save"]');
    await page.waitForSelector('[data-testid="hours-notice"], [data-testid="location-error"], [data-testid="location-form"] [aria-invalid="true"]', POLL);
    expect(await page.$('[data-testid="location-form"]'), (await page.textContent('[data-testid="location-form"]').catch(() => '')) ?? '').toBeNull();
    const location = (await api<{ phone: string; timezone: string }>(`/locations/${locationId}`)).data;
    expect(location.phone).toBe('+34 910 000 111');
    expect(location.timezone).toBe(ZONE);
    expect(problems).toEqual([]);
    await context.close();
  }, 150_000);

  it('reads in Spanish and English at 1280 px and fits a phone at 360 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'es-ES', timezoneId: 'America/New_York' });
    const { page, problems } = await openWatchedPage(context);
    await openHours(page);
    await pickMarta(page);
    expect(await page.textContent('[data-testid="hours-page"] h1')).toBe('Sedes y horarios');
    expect(await page.textContent('[data-testid="exception-series"]')).toContain('Una semana sí y otra no: viernes');
    await expectAccessible(page, 'hours es 1280');
    await shot(page, 'admin-hours-es-1280');
    const phone = async (language: 'es' | 'en') => {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(200);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await expectAccessible(page, `hours ${language} 360`);
      await shot(page, `admin-hours-${language}-360`);
    };
    await phone('es');
    // The monthly form in words: "the first Monday of every month".
    await page.click('[data-testid="exception-add"]');
    await page.waitForSelector('[data-testid="exception-form"]', POLL);
    await page.getByText('Se repite', { exact: true }).first().click();
    await page.getByText('Cada mes', { exact: true }).click();
    expect(await page.textContent('[data-testid="exception-words"]')).toMatch(/^El primer lunes de cada mes, del /);
    expect(await page.textContent('[data-testid="exception-rrule"]')).toMatch(/^RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=\d{8}$/);
    await expectAccessible(page, 'exception form es 360');
    await shot(page, 'admin-hours-rrule-es-360');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="exception-form"]', { state: 'detached', ...POLL });
    // English, from the dashboard's switch: the screen changes its words in place.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.click('[data-testid="language-switch"] >> text=English');
    await expect.poll(() => page.textContent('[data-testid="hours-page"] h1'), POLL).toBe('Locations and hours');
    await phone('en');
    // The series goes as one, after a second word.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.click('[data-testid="exception-remove"]');
    await expect.poll(() => page.textContent('[data-testid="exception-remove"]'), POLL).toMatch(/^Yes, remove \d+ dates$/);
    await page.click('[data-testid="exception-remove"]');
    await page.waitForSelector('[data-testid="exceptions-empty"]', POLL);
    expect((await api<ScheduleException[]>(`/schedule-exceptions?resource_id=${marta.id}&limit=100`)).data).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 150_000);
});
