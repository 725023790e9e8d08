/**
 * The guest's booking journey in a real browser (Chromium) against the real product process, on
 * the demo business (Europe/Madrid): service → a free day → a time → details checked as typed →
 * the price and cancellation terms → confirmed with a BK- number, the manage link and add to
 * calendar (.ics and Google Calendar, both checked). From New York at 360 px in Spanish by touch
 * (both times shown, the language switched midway without losing what was typed), and from
 * Madrid at 1280 px in English by keyboard alone. A time taken meanwhile brings a friendly
 * message and fresh times; a day without times offers the next free day and the waiting list.
 * Every step: screenshots at 360 and 1280 px (test-artifacts/web/booking-flow-*.png) and axe-core.
 * The emailed code and the deposits: booking-verify-pay.browser.test.ts; several people or
 * services: booking-extras.browser.test.ts.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { bookingByNumber, captureStep, chooseServiceAndDay, POLL, tabTo } from '../support/booking-steps.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('booking-flow.browser.test.ts');

describe.skipIf(SKIP_REASON !== null)(`booking flow in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  /** The .ics download and the Google Calendar link of the confirmation: the same UTC instants as the booking. */
  async function checkAddToCalendar(page: Page, number: string): Promise<void> {
    const booking = await bookingByNumber(product, number);
    const utc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="add-to-calendar-ics"]')]);
    expect(download.suggestedFilename()).toBe(`${number}.ics`);
    const ics = readFileSync((await download.path()) ?? '', 'utf8').replace(/\r\n /g, '');
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain(`\r\nDTSTART:${utc(booking?.start_time ?? '')}\r\nDTEND:${utc(booking?.end_time ?? '')}\r\n`);
    expect(ics).toContain('SUMMARY:Corte · Salón Demo');
    expect(ics).toContain('LOCATION:Calle Mayor 1\\, 28013 Madrid');
    expect(ics).toContain(`DESCRIPTION:${number}`);
    const google = new URL((await page.getAttribute('[data-testid="add-to-google"]', 'href')) ?? '');
    expect(google.origin + google.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(google.searchParams.get('action')).toBe('TEMPLATE');
    expect(google.searchParams.get('dates')).toBe(`${utc(booking?.start_time ?? '')}/${utc(booking?.end_time ?? '')}`);
    expect(google.searchParams.get('text')).toBe('Corte · Salón Demo');
    expect(google.searchParams.get('location')).toBe('Calle Mayor 1, 28013 Madrid');
    expect(google.searchParams.get('details')).toContain(number);
  }

  it('es-ES at 360 px from New York, by touch: both times shown, details checked as typed, terms, confirmed, add to calendar', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'America/New_York', viewport: { width: 360, height: 800 }, hasTouch: true });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/book/demo`);
    await page.waitForSelector('[data-testid="service-card"]');
    await captureStep(page, 'services-es');
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true, capture: 'calendar-es' });
    const first = page.locator('[data-testid="available-slot"]').first();
    // From New York each time also says the time in Madrid.
    expect(await first.textContent()).toMatch(/^\d{1,2}:\d{2}.*\d{1,2}:\d{2} en Madrid$/);
    await captureStep(page, 'times-es');
    await first.tap();

    await page.waitForSelector('[data-testid="first-name"]');
    expect(await page.textContent('[data-testid="chosen-time"]')).toContain('en Madrid');
    // Checked as typed once a field was left: a bad e-mail is named, then accepted as it is fixed.
    await page.fill('[data-testid="email"]', 'ana@');
    await page.focus('[data-testid="first-name"]');
    await page.waitForSelector('[data-testid="email-error"]');
    expect(await page.getAttribute('[data-testid="email"]', 'aria-invalid')).toBe('true');
    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="first-name-error"]');
    await captureStep(page, 'details-errors-es');
    await page.fill('[data-testid="first-name"]', 'Ana');
    await page.fill('[data-testid="last-name"]', 'García');
    await page.fill('[data-testid="email"]', 'ana.360@example.com');
    await expect.poll(() => page.$('[data-testid="email-error"]'), POLL).toBeNull();
    await page.fill('[data-testid="phone"]', '+34 600 000 000');
    await page.fill('[data-testid="notes"]', 'Primera vez');
    // The price and the terms are read before confirming (Corte: no deposit, so no refund terms). The service's
    // window is 2 h; a guest is held to the stricter default guest terms (§2.1.5): twice the notice, at least 24 h more.
    expect(await page.textContent('[data-testid="terms-total"]')).toMatch(/^20\s€$/);
    expect(await page.$('[data-testid="terms-deposit"]')).toBeNull();
    expect(await page.textContent('[data-testid="booking-terms"]')).toContain('Puedes cancelar en línea hasta 26 horas antes de la cita.');
    await captureStep(page, 'details-es');

    // Both languages: switching keeps what was typed.
    await page.click('[data-testid="language-en"]');
    await expect.poll(() => page.textContent('label[for="field-firstName"]'), POLL).toBe('First name');
    expect(await page.inputValue('[data-testid="first-name"]')).toBe('Ana');
    expect(await page.textContent('[data-testid="booking-terms"]')).toContain('You can cancel online up to 26 hours before the appointment.');
    await captureStep(page, 'details-switched-en');
    await page.click('[data-testid="language-es"]');
    await expect.poll(() => page.textContent('label[for="field-firstName"]'), POLL).toBe('Nombre');

    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
    const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
    expect(number).toMatch(/^BK-/);
    expect(await page.textContent('[data-testid="booking-confirmed"] h2')).toBe('¡Reserva confirmada!');
    expect(await page.textContent('[data-testid="booking-when"]')).toMatch(/en Madrid\)$/);
    expect(await page.textContent('[data-testid="booking-where"]')).toBe('Salón Demo · Calle Mayor 1, 28013 Madrid');
    expect(await page.getAttribute('[data-testid="manage-link"]', 'href')).toMatch(/\/manage\/[\w-]+/);
    await captureStep(page, 'confirmed-es');
    await checkAddToCalendar(page, number);
    expect((await bookingByNumber(product, number))?.status).toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('en-US at 1280 px from Madrid, by keyboard alone: service, day, time, details, confirmed', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/book/demo`);
    await page.waitForSelector('[data-testid="service-card"]');
    await tabTo(page, '[data-testid="service-card"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="date-day"]');
    await captureStep(page, 'calendar-en');
    // Arrows move between free days, Enter chooses one; Tab goes on to its times.
    await tabTo(page, '[data-testid="date-day"]');
    const firstDay = String(await page.evaluate('document.activeElement?.getAttribute("data-date")'));
    await page.keyboard.press('ArrowRight');
    const nextDay = String(await page.evaluate('document.activeElement?.getAttribute("data-date")'));
    expect(nextDay > firstDay).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.getAttribute(`[data-date="${nextDay}"]`, 'aria-pressed')).toBe('true');
    await page.waitForSelector('[data-testid="available-slot"]');
    // From Madrid, one time per button.
    expect(await page.textContent('[data-testid="available-slot"] >> nth=0')).toMatch(/^\d{1,2}:\d{2}\s[AP]M$/);
    await captureStep(page, 'times-en');
    await tabTo(page, '[data-testid="available-slot"]');
    await page.keyboard.press('Enter');

    // The details step takes the focus on its heading; the fields follow in order.
    await expect.poll(() => page.evaluate('document.activeElement?.textContent'), POLL).toBe('Your details');
    for (const [field, value] of [
      ['first-name', 'Liam'],
      ['last-name', 'Smith'],
      ['email', 'liam.1280@example.com'],
      ['phone', '+44 7700 900123'],
    ] as const) {
      await tabTo(page, `[data-testid="${field}"]`);
      await page.keyboard.type(value);
    }
    await captureStep(page, 'details-en');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Booking confirmed!');
    const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
    expect(number).toMatch(/^BK-/);
    await captureStep(page, 'confirmed-en');
    const booking = await bookingByNumber(product, number);
    expect(booking?.customer.email).toBe('liam.1280@example.com');
    expect(booking?.start_time.slice(0, 10)).toBe(nextDay);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a time taken between choosing and confirming says so and offers fresh times, keeping the details', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true });
    const start = (await page.getAttribute('[data-testid="available-slot"] >> nth=0', 'data-start')) ?? '';
    const serviceId = page.url().split('/').pop() ?? '';
    await page.click('[data-testid="available-slot"] >> nth=0');
    await page.fill('[data-testid="first-name"]', 'Luis');
    await page.fill('[data-testid="email"]', 'luis@example.com');

    // Someone else books every resource free at that time first.
    const day = start.slice(0, 10);
    const availability = (await (
      await fetch(`${product.baseUrl}/api/v1/availability?service_id=${serviceId}&from_date=${day}&to_date=${day}`, { headers: { 'x-tenant': 'demo' } })
    ).json()) as { data: { resources: { resource: { id: string }; dates: { slots: { start_time: string; available: boolean }[] }[] }[] } };
    const free = availability.data.resources.filter((entry) => entry.dates.some((date) => date.slots.some((slot) => slot.start_time === start && slot.available)));
    expect(free.length).toBeGreaterThan(0);
    for (const [index, entry] of free.entries()) {
      const response = await fetch(`${product.baseUrl}/api/v1/bookings`, {
        method: 'POST',
        headers: { 'x-tenant': 'demo', 'content-type': 'application/json', 'idempotency-key': `taken-${index}-${start}` },
        body: JSON.stringify({ service_id: serviceId, resource_id: entry.resource.id, start_time: start, customer: { first_name: 'Otra', email: `otra${index}@example.com` } }),
      });
      expect(response.status).toBe(201);
    }

    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="slot-taken"]');
    expect(await page.textContent('[data-testid="slot-taken"]')).toBe('Esa hora se acaba de ocupar. Elige otra:');
    // Fresh times are listed (not the empty list of the moment they reload) and the taken one is gone.
    await expect
      .poll(async () => {
        const starts = await page.$$eval('[data-testid="available-slot"]', (nodes) => nodes.map((node) => node.getAttribute('data-start')));
        return starts.length > 0 && !starts.includes(start);
      }, POLL)
      .toBe(true);
    await captureStep(page, 'taken-es');

    // Another time, and the details are still there.
    await page.click('[data-testid="available-slot"] >> nth=0');
    expect(await page.inputValue('[data-testid="first-name"]')).toBe('Luis');
    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="booking-number"]')).toMatch(/^BK-/);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a day without free times offers the next free day in one click and the waiting list for that day', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte' });
    // A closed or fully booked day ahead (the demo salon closes on Sundays).
    for (let month = 0; month < 2 && (await page.$$('[data-testid="date-day-full"]')).length === 0; month += 1) {
      await page.click('.next-month');
      await expect.poll(async () => (await page.$('[data-testid="slots-loading"]')) === null, POLL).toBe(true);
    }
    const fullDay = (await page.getAttribute('[data-testid="date-day-full"] >> nth=0', 'aria-label')) ?? '';
    await page.click('[data-testid="date-day-full"] >> nth=0');
    await page.waitForSelector('[data-testid="no-slots-day"]');
    expect(await page.textContent('[data-testid="no-slots-day"]')).toContain('There are no free times on');
    expect(fullDay).toMatch(/no free times/);
    await captureStep(page, 'full-day-en');

    // One click to the next day with times.
    const offered = (await page.getAttribute('[data-testid="next-free-day"]', 'data-date')) ?? '';
    expect(await page.textContent('[data-testid="next-free-day"]')).toMatch(/^Next free day: \w{3}, \w{3} \d{1,2}$/);
    await page.click('[data-testid="next-free-day"]');
    await page.waitForSelector('[data-testid="available-slot"]');
    expect(await page.getAttribute('[data-testid="date-day"][aria-pressed="true"]', 'data-date')).toBe(offered);

    // Or wait for that day: the entry reaches the business's waiting list.
    await page.click('[data-testid="date-day-full"] >> nth=0');
    await page.fill('[data-testid="waitlist-first-name"]', 'Nora');
    await page.fill('[data-testid="waitlist-email"]', 'nora@');
    await page.click('[data-testid="waitlist-submit"]');
    await page.waitForSelector('[data-testid="waitlist-join"] [role="alert"]');
    const email = `nora.${Date.now()}@example.com`;
    await page.fill('[data-testid="waitlist-email"]', email);
    await page.click('[data-testid="waitlist-submit"]');
    await page.waitForSelector('[data-testid="waitlist-joined"]');
    await captureStep(page, 'waitlist-joined-en');
    const token = await product.demoOwnerToken();
    const entries = (await (await fetch(`${product.baseUrl}/api/v1/waitlist`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      data: Array<{ status: string; preferred_times: Array<{ start: string; end: string }> }>;
    };
    // The only entry of this run: the whole local day, midnight to midnight in Madrid.
    expect(entries.data).toHaveLength(1);
    const window = entries.data[0]?.preferred_times[0];
    expect(Date.parse(window?.end ?? '') - Date.parse(window?.start ?? '')).toBeGreaterThanOrEqual(23 * 3_600_000);
    const madrid = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(madrid.format(new Date(window?.start ?? ''))).toBe('00:00');
    expect(madrid.format(new Date(window?.end ?? ''))).toBe('00:00');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
