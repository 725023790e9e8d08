/**
 * The first-run walk-through in a real browser against the real product process: a brand-new
 * business signs up and lands on its desk with the "Get started" checklist, follows it step by
 * step — a location, a service, a staff member delivering it, weekly hours — each step ticking
 * itself off when the person comes back to the desk (no reload), opens its own booking page from
 * the checklist in a new tab, where a guest books; back in the dashboard the checklist is gone and
 * the booking is on the calendar. The checklist passes axe-core (no serious or critical
 * violation) and is kept as screenshots at 1280 px in English and 360 px in Spanish.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openWatchedContext, setChecked, setUpProductAndChromium, signInToAdmin } from '../support/admin-browser.ts';
import { chooseServiceAndDay } from '../support/booking-steps.ts';
import { browserSkipReason, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-first-run.browser.test.ts');
const POLL = { timeout: 20_000, interval: 100 };
const STEPS = ['location', 'service', 'staff', 'hours', 'booking_page', 'first_booking'];

describe.skipIf(SKIP_REASON !== null)(`first run of a new business, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const chromium = setUpProductAndChromium(product);
  const run = randomBytes(3).toString('hex');
  const owner = { email: `owner-${run}@masajes.example`, password: `Calma-${run}-long-password` };
  const slug = `masajes-calma-${run}`;

  /** Each step's state as the checklist shows it, in order. */
  const stepStates = (page: Page) =>
    page.$$eval('[data-testid="setup-step"]', (rows) => rows.map((row) => `${row.getAttribute('data-step')}:${row.getAttribute('data-done')}`));

  /** Back to the desk through the navigation (a client-side move, no reload), until `step` shows done. */
  async function backToDeskSeeing(page: Page, step: string): Promise<void> {
    await page.click('[data-testid="nav-bookings"]');
    await page.waitForSelector(`[data-testid="setup-step"][data-step="${step}"][data-done="true"]`, POLL);
  }

  /** Whether `locator` shows within a few seconds (the week's bookings have loaded). */
  async function shows(locator: Locator): Promise<boolean> {
    try {
      await locator.first().waitFor({ timeout: 3_000 });
      return true;
    } catch {
      return false;
    }
  }

  it('signs up, follows the checklist to a first booking made on its own page, and the checklist goes away', async () => {
    const screen = await openWatchedContext(chromium.browser, { width: 1280, locale: 'en-GB' });
    const { page, context } = screen;
    // Nothing in this journey reloads the dashboard: a reload would reset this mark.
    await page.goto(`${product.baseUrl}/admin/signup`);
    await page.waitForSelector('[data-testid="signup-button"]', POLL);
    await page.fill('[data-testid="business-name-input"]', `Masajes Calma ${run}`);
    expect(await page.inputValue('[data-testid="slug"]')).toBe(slug);
    await page.fill('[data-testid="first-name"]', 'Clara');
    await page.fill('[data-testid="last-name"]', 'Ríos');
    await page.fill('[data-testid="email"]', owner.email);
    await page.fill('[data-testid="password"]', owner.password);
    await page.click('[data-testid="signup-button"]');

    // The desk of a brand-new business: the checklist on top, nothing done, the location first.
    await page.waitForSelector('[data-testid="setup-checklist"]', POLL);
    await page.evaluate('window.__firstRunMark = true');
    expect(await stepStates(page)).toEqual(STEPS.map((step) => `${step}:false`));
    expect(await page.getAttribute('[data-testid="setup-step"][data-next="true"]', 'data-step')).toBe('location');
    expect(await page.textContent('[data-testid="setup-progress"]')).toBe('0 of 6 done');
    expect(await page.textContent('[data-testid="setup-booking-url"]')).toBe(`${product.baseUrl}/book/${slug}`);
    await expectScreenReads(page, { width: 1280, label: 'checklist en 1280', screenshot: 'admin-first-run-checklist-en-1280.png' });

    // 1. A location, from the hours screen's empty state.
    await page.click('[data-testid="setup-go-location"]');
    await page.waitForSelector('[data-testid="hours-no-location"]', POLL);
    await page.click('[data-testid="location-new"]');
    await page.waitForSelector('[data-testid="location-form"]', POLL);
    await page.fill('[data-testid="location-name"]', 'Centro');
    await page.fill('[data-testid="location-line1"]', 'Calle Luna 3');
    await page.fill('[data-testid="location-city"]', 'Madrid');
    await page.click('[data-testid="location-timezone"]');
    await page.fill('[data-testid="location-timezone"]', 'Madrid');
    await page.getByRole('option', { name: /Madrid/ }).first().click();
    await page.click('[data-testid="location-save"]');
    await page.waitForSelector('[data-testid="location-card"]', POLL);
    // The location has no staff yet: the empty state says where to add them.
    await page.waitForSelector('[data-testid="hours-add-resource"]', POLL);
    await expectScreenReads(page, { width: 1280, label: 'hours without staff en 1280', screenshot: 'admin-first-run-hours-empty-en-1280.png' });
    await backToDeskSeeing(page, 'location');
    expect(await page.getAttribute('[data-testid="setup-step"][data-next="true"]', 'data-step')).toBe('service');

    // 2. A service, from the services screen's empty state.
    await page.click('[data-testid="setup-go-service"]');
    await page.waitForSelector('[data-testid="services-empty-new"]', POLL);
    await expectScreenReads(page, { width: 1280, label: 'no services en 1280', screenshot: 'admin-first-run-services-empty-en-1280.png' });
    await page.click('[data-testid="services-empty-new"]');
    await page.waitForSelector('[data-testid="service-form"]', POLL);
    await page.fill('[data-testid="service-name"]', 'Masaje relajante');
    await page.fill('[data-testid="service-duration"]', '60');
    await page.fill('[data-testid="service-price"]', '40');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="services-notice"]', POLL);
    await backToDeskSeeing(page, 'service');
    expect(await page.getAttribute('[data-testid="setup-step"][data-next="true"]', 'data-step')).toBe('staff');

    // 3. A staff member who delivers it.
    await page.click('[data-testid="setup-go-staff"]');
    await page.waitForSelector('[data-testid="resource-new-staff"]', POLL);
    await page.click('[data-testid="resource-new-staff"]');
    await page.waitForSelector('[data-testid="resource-form"]', POLL);
    await page.fill('[data-testid="resource-name"]', 'Lucía');
    await setChecked(page, page.locator('[data-testid="resource-service"]').first(), true);
    await page.click('[data-testid="resource-save"]');
    await page.waitForSelector('[data-testid="resources-notice"]', POLL);
    await backToDeskSeeing(page, 'staff');
    expect(await page.getAttribute('[data-testid="setup-step"][data-next="true"]', 'data-step')).toBe('hours');

    // 4. Weekly hours: every day 09:00–17:00.
    await page.click('[data-testid="setup-go-hours"]');
    await page.waitForSelector('[data-testid="week-editor"]', POLL);
    for (let day = 1; day <= 7; day += 1) await page.locator(`[data-testid="week-day"][data-day="${day}"] [data-testid="day-add-block"]`).click();
    await page.click('[data-testid="week-save"]');
    await page.waitForSelector('[data-testid="week-saved"]', POLL);
    await backToDeskSeeing(page, 'hours');
    expect(await page.getAttribute('[data-testid="setup-step"][data-next="true"]', 'data-step')).toBe('booking_page');
    expect(await page.textContent('[data-testid="setup-progress"]')).toBe('4 of 6 done');

    // The same checklist on a phone, in Spanish, in a session of its own.
    const phone = await openWatchedContext(chromium.browser, { width: 360, locale: 'es-ES' });
    await signInToAdmin(phone.page, product.baseUrl, owner, '[data-testid="setup-checklist"]', { timeout: 20_000 });
    await phone.page.waitForSelector('[data-testid="setup-step"][data-step="hours"][data-done="true"]', POLL);
    expect(await phone.page.textContent('#setup-title')).toBe('Primeros pasos');
    expect(await phone.page.textContent('[data-testid="setup-progress"]')).toBe('4 de 6 hechos');
    await expectScreenReads(phone.page, { width: 360, label: 'checklist es 360', screenshot: 'admin-first-run-checklist-es-360.png' });
    await expectCleanClose(phone);

    // 5. The business opens its own booking page from the checklist, in a new tab; a guest books there.
    const [bookingPage] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid="setup-open-booking-page"]')]);
    await page.waitForSelector('[data-testid="setup-step"][data-step="booking_page"][data-done="true"]', POLL);
    await bookingPage.waitForLoadState();
    expect(bookingPage.url()).toBe(`${product.baseUrl}/book/${slug}`);
    await chooseServiceAndDay(bookingPage, product.baseUrl, { slug, service: 'Masaje relajante', notToday: true });
    await bookingPage.locator('[data-testid="available-slot"]').first().click();
    await bookingPage.waitForSelector('[data-testid="first-name"]', POLL);
    await bookingPage.fill('[data-testid="first-name"]', 'Pablo');
    await bookingPage.fill('[data-testid="last-name"]', 'Gil');
    await bookingPage.fill('[data-testid="email"]', `pablo-${run}@example.com`);
    await bookingPage.click('[data-testid="confirm-booking"]');
    await bookingPage.waitForSelector('[data-testid="booking-confirmed"]', POLL);
    const number = (await bookingPage.textContent('[data-testid="booking-number"]'))?.trim() ?? '';
    expect(number).toMatch(/^BK-/);
    await bookingPage.close();

    // 6. Back in the dashboard (still the same page, never reloaded): the checklist is gone ...
    await page.bringToFront();
    await page.click('[data-testid="nav-calendar"]');
    await page.click('[data-testid="nav-bookings"]');
    await page.waitForSelector('[data-testid="setup-checklist"]', { state: 'detached', ...POLL });
    await page.waitForSelector('[data-testid="desk-empty"], [data-testid="booking-row"]', POLL);
    expect(await page.evaluate('window.__firstRunMark === true')).toBe(true);
    // ... and the booking is on the calendar, on its day.
    await page.click('[data-testid="nav-calendar"]');
    await page.waitForSelector('[data-testid="calendar-view"]', POLL);
    await page.click('[data-testid="calendar-view"] >> text=Week');
    const card = page.locator('[data-testid="calendar-booking"]', { hasText: 'Pablo' });
    for (let week = 0; week < 6 && !(await shows(card)); week += 1) await page.click('[data-testid="calendar-next"]');
    await card.first().waitFor(POLL);
    expect(await card.count()).toBe(1);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-first-run-calendar-en-1280.png') });
    await expectCleanClose(screen);
  }, 240_000);
});
