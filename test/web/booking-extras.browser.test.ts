/**
 * Booking several at once on the booking page (RF5.8), in Chromium against the real product
 * process (demo business): a party — one service for two people at the same start, on the two
 * stylists free then — and one person's services back to back — a cut, then a massage from the
 * moment the cut ends, added by keyboard alone — each sent as one all-or-nothing batch. The
 * business sees one group; prices, deposits and the calendar event cover the whole visit.
 * Every step: screenshots at 360 and 1280 px and axe.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { bookingByNumber, captureStep, chooseServiceAndDay, POLL, tabTo } from '../support/booking-steps.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('booking-extras.browser.test.ts');

describe.skipIf(SKIP_REASON !== null)(`booking page: parties and services back to back in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({ WORKER_POLL_MS: '100' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  it('es-ES at 360 px: a cut for two people at one start — the stepper, the price for both, one party of two bookings', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true });
    const start = (await page.getAttribute('[data-testid="available-slot"] >> nth=0', 'data-start')) ?? '';
    await page.click('[data-testid="available-slot"] >> nth=0');
    await page.waitForSelector('[data-testid="party-size"]');
    expect(await page.textContent('[data-testid="party-size"]')).toBe('1');
    expect(await page.isDisabled('[data-testid="party-less"]')).toBe(true);
    // Two stylists do cuts and both are free then: two people at most.
    await page.click('[data-testid="party-more"]');
    expect(await page.textContent('[data-testid="party-size"]')).toBe('2');
    expect(await page.isDisabled('[data-testid="party-more"]')).toBe(true);
    expect(await page.textContent('[data-testid="visit-item"]')).toContain('Corte × 2');
    // A party books one service: no other service is offered meanwhile.
    expect(await page.$('[data-testid="add-another-service"]')).toBeNull();
    expect(await page.textContent('[data-testid="terms-total"]')).toMatch(/^40\s€$/);
    expect(await page.textContent('[data-testid="booking-terms"]')).toContain('Corte × 2');
    expect(await page.textContent('[data-testid="summary-bar"]')).toMatch(/^Corte × 2 · .* · 40\s€$/);
    await page.fill('[data-testid="first-name"]', 'Marina');
    await page.fill('[data-testid="last-name"]', 'López');
    await page.fill('[data-testid="email"]', 'marina.party@example.com');
    await page.fill('[data-testid="notes"]', 'Somos mi hija y yo');
    await captureStep(page, 'party-es');
    await page.click('[data-testid="confirm-booking"]');

    await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="booking-confirmed"] h2')).toBe('¡Reservas confirmadas!');
    const numbers = await page.$$eval('[data-testid="booking-number"]', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(numbers).toHaveLength(2);
    expect(await page.$$eval('[data-testid="manage-link"]', (nodes) => nodes.map((node) => node.getAttribute('href')))).toEqual([
      expect.stringMatching(/\/manage\//),
      expect.stringMatching(/\/manage\//),
    ]);
    await captureStep(page, 'party-confirmed-es');

    // The business sees one party: same start, one stylist each, under the guest's name.
    const booked = await Promise.all(numbers.map((number) => bookingByNumber(product, number)));
    expect(booked.map((booking) => booking?.status)).toEqual(['confirmed', 'confirmed']);
    expect(new Set(booked.map((booking) => booking?.group_id)).size).toBe(1);
    expect(booked[0]?.group_id).not.toBeNull();
    expect(booked.map((booking) => Date.parse(booking?.start_time ?? ''))).toEqual([Date.parse(start), Date.parse(start)]);
    expect(new Set(booked.map((booking) => booking?.resource.id)).size).toBe(2);
    expect(booked.map((booking) => booking?.customer.email)).toEqual(['marina.party@example.com', 'marina.party@example.com']);

    // One calendar event for the visit.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="add-to-calendar-ics"]')]);
    const ics = readFileSync((await download.path()) ?? '', 'utf8').replace(/\r\n /g, '');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics).toContain('SUMMARY:Corte × 2 · Salón Demo');
    for (const number of numbers) expect(ics).toContain(number);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('en-US at 1280 px, by keyboard: a cut, then a massage right after it — one group, the massage\'s deposit paid on the hosted page', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true });
    const cutStart = (await page.getAttribute('[data-testid="available-slot"] >> nth=0', 'data-start')) ?? '';
    await tabTo(page, '[data-testid="available-slot"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="add-another-service"]');

    await tabTo(page, '[data-testid="add-another-service"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="add-service"]');
    // The focus moves into the new panel; its first choice is a Tab away.
    await expect.poll(() => page.evaluate('document.activeElement?.id'), POLL).toBe('add-service-title');
    const massage = await page.getAttribute('[data-testid="add-service-option"]:has-text("Masaje relajante")', 'data-service-id');
    await tabTo(page, `[data-service-id="${massage}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="extra-slot"]');
    // The first start offered is the moment the 30-minute cut ends.
    const massageStart = (await page.getAttribute('[data-testid="extra-slot"] >> nth=0', 'data-start')) ?? '';
    expect(Date.parse(massageStart)).toBe(Date.parse(cutStart) + 30 * 60_000);
    await captureStep(page, 'add-service-en');
    await tabTo(page, '[data-testid="extra-slot"]');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.$$eval('[data-testid="visit-item"]', (nodes) => nodes.length), POLL).toBe(2);
    // The focus is back on "add another service", ready for a third.
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")'), POLL).toBe('add-another-service');
    expect(await page.textContent('[data-testid="terms-total"]')).toBe('€70');
    expect(await page.textContent('[data-testid="terms-deposit"]')).toBe('€10');
    expect(await page.textContent('[data-testid="booking-terms"]')).toContain('Masaje relajante');
    for (const [field, value] of [
      ['first-name', 'Olivia'],
      ['email', 'olivia.visit@example.com'],
    ] as const) {
      await tabTo(page, `[data-testid="${field}"]`);
      await page.keyboard.type(value);
    }
    await captureStep(page, 'services-back-to-back-en');
    await tabTo(page, '[data-testid="confirm-booking"]');
    await page.keyboard.press('Enter');

    await page.waitForSelector('[data-testid="booking-confirmed"][data-status="pending_payment"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="booking-confirmed"] h2')).toBe('Booking awaiting payment');
    expect(await page.$$eval('[data-testid="booked-status"]', (nodes) => nodes.map((node) => node.textContent))).toEqual(['Confirmed', 'Awaiting payment']);
    expect(await page.textContent('[data-testid="pay-by"]')).toMatch(/^If it isn't paid by \d{1,2}:\d{2}\s[AP]M/);
    const numbers = await page.$$eval('[data-testid="booking-number"]', (nodes) => nodes.map((node) => node.textContent ?? ''));
    await captureStep(page, 'services-awaiting-payment-en');
    const [cut, relax] = await Promise.all(numbers.map((number) => bookingByNumber(product, number)));
    expect(cut).toMatchObject({ status: 'confirmed', service: { name: 'Corte' } });
    expect(relax).toMatchObject({ status: 'pending_payment', service: { name: 'Masaje relajante' } });
    expect(cut?.group_id).toBe(relax?.group_id);
    expect(Date.parse(relax?.start_time ?? '')).toBe(Date.parse(cut?.end_time ?? ''));

    // The one deposit due: the hosted payment page, the sandbox's test card.
    await tabTo(page, '[data-testid="pay-deposit"]');
    await Promise.all([page.waitForURL(/\/pay\//), page.keyboard.press('Enter')]);
    await page.fill('[data-testid="card-number"]', '4242 4242 4242 4242');
    await page.fill('[data-testid="card-expiry"]', `12/${(new Date().getUTCFullYear() + 3) % 100}`);
    await page.fill('[data-testid="card-cvc"]', '123');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="pay-button"]')]);
    await expect.poll(() => page.textContent('#payment-status'), { timeout: 20_000, interval: 500 }).toContain('Payment received');
    await expect.poll(async () => (await bookingByNumber(product, numbers[1] ?? ''))?.status, { timeout: 20_000, interval: 500 }).toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
