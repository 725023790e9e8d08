/**
 * Customer accounts on the booking page, in Chromium against the real product process (demo
 * business): a customer signs in from the details step with a code emailed to them — read here from
 * an SMTP server this test runs — (creating the account), books with the saved details through the
 * account, finds the booking in "my bookings", cancels it with the refund shown first, and books the
 * same service again in one go from the cancelled one; a reload keeps the session. Then, in
 * English, a deposit booked as oneself is paid on the hosted page and cancelled with its refund
 * shown before confirming; profile and consent, the data export and closing the account.
 * Every step: screenshots at 360 and 1280 px and axe.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { bookingByNumber, captureStep, chooseServiceAndDay, POLL, tabTo } from '../support/booking-steps.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';

const SKIP_REASON = browserSkipReason('account.browser.test.ts');
const card = (number: string) => `[data-testid="my-booking"][data-number="${number}"]`;

describe.skipIf(SKIP_REASON !== null)(`booking page: customer accounts in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const sink = new SmtpSink();
  const email = `lucia.${Date.now()}@example.com`;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await sink.start();
    await product.start({ SMTP_URL: sink.url, EMAIL_FROM: 'Salón Demo <reservas@demo.example>', WORKER_POLL_MS: '100' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await sink.close();
  }, 60_000);

  /** The six digits of the newest message the SMTP server received for `to` after `since` messages. */
  async function codeSentTo(to: string, since: number): Promise<string> {
    let code = '';
    await expect
      .poll(
        () => {
          const message = sink.messages.slice(since).filter((candidate) => candidate.envelopeTo.includes(to)).at(-1);
          code = /\b(\d{6})\b/.exec(message?.parsed.text ?? '')?.[1] ?? '';
          return code;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toMatch(/^\d{6}$/);
    return code;
  }

  /** Picks the first free time the picker offers (the first day with times) and confirms it. */
  async function pickFirstFreeTime(page: Page): Promise<void> {
    await page.waitForSelector('[data-testid="manage-reschedule-picker"] [data-testid="date-day"]');
    await page.click('[data-testid="manage-reschedule-picker"] [data-testid="date-day"] >> nth=0');
    await page.click('[data-testid="manage-reschedule-picker"] [data-testid="available-slot"] >> nth=0');
    await page.waitForSelector('[data-testid="reschedule-confirm"]');
  }

  it('es-ES at 360 px: signs in by emailed code from the details step, books as herself, cancels (refund shown first) and books again in one go', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    // A first code for a new address asks for a name: that 400 is the scenario's.
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 400 });
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true });
    expect(await page.textContent('[data-testid="sign-in-link"]')).toBe('Inicia sesión');
    await page.click('[data-testid="available-slot"] >> nth=0');
    await page.click('[data-testid="details-sign-in"]');
    await page.fill('[data-testid="account-email"]', email);
    const before = sink.messages.length;
    await page.click('[data-testid="account-send-code"]');
    await page.waitForSelector('[data-testid="account-code"]');
    await page.fill('[data-testid="account-code"]', await codeSentTo(email, before));
    await page.click('[data-testid="account-verify"]');
    // No account with this address yet: the same code creates it, with a name.
    await page.waitForSelector('[data-testid="account-first-name"]');
    await page.fill('[data-testid="account-first-name"]', 'Lucía');
    await page.fill('[data-testid="account-last-name"]', 'Martín');
    await captureStep(page, 'account-sign-in-es');
    await page.click('[data-testid="account-verify"]');

    // Signed in: the details are the account's; only notes are asked.
    await expect.poll(() => page.textContent('[data-testid="booking-as"]'), POLL).toBe(`Reservas como Lucía Martín (${email}). ¿No eres tú?`);
    expect(await page.$('[data-testid="first-name"]')).toBeNull();
    expect(await page.textContent('[data-testid="my-account-link"]')).toBe('Mis reservas · Lucía');
    await page.fill('[data-testid="notes"]', 'Primera vez');
    await captureStep(page, 'account-details-es');
    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
    const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
    expect(number).toMatch(/^BK-/);
    const booked = await bookingByNumber(product, number);
    expect(booked).toMatchObject({ status: 'confirmed', customer: { email } });

    // My bookings: the new booking is upcoming.
    await page.click('[data-testid="to-my-bookings"]');
    await page.waitForSelector(card(number));
    expect(await page.textContent('[data-testid="account-greeting"]')).toBe('Hola, Lucía');
    expect(await page.textContent(`${card(number)} [data-testid="my-booking-status"]`)).toBe('Confirmada');
    expect(await page.$(`[data-testid="bookings-upcoming"] ${card(number)}`)).not.toBeNull();
    await captureStep(page, 'account-bookings-es');

    // Cancel: what comes back is said before the confirming click.
    await page.click(`${card(number)} [data-testid="my-booking-cancel"]`);
    await expect.poll(() => page.textContent('[data-testid="my-booking-refund-preview"]'), POLL).toBe('No has pagado nada, así que no hay nada que devolver.');
    expect(await bookingByNumber(product, number)).toMatchObject({ status: 'confirmed' });
    await captureStep(page, 'account-cancel-preview-es');
    await page.click('[data-testid="my-booking-cancel-confirm"]');
    await expect.poll(() => page.getAttribute('[data-testid="account-notice"]', 'data-kind'), POLL).toBe('cancelled');
    await page.waitForSelector(`[data-testid="bookings-past"] ${card(number)}[data-status="cancelled"]`);
    expect((await bookingByNumber(product, number))?.status).toBe('cancelled');

    // Book again from the cancelled one: the same service, a time, done.
    await page.click(`${card(number)} [data-testid="my-booking-rebook"]`);
    await pickFirstFreeTime(page);
    expect(await page.textContent('[data-testid="reschedule-chosen"]')).toMatch(/^¿Reservar Corte el /);
    await captureStep(page, 'account-rebook-es');
    await page.click('[data-testid="reschedule-confirm"]');
    await expect.poll(() => page.getAttribute('[data-testid="account-notice"]', 'data-kind'), POLL).toBe('rebooked');
    const again = /BK-[A-Z0-9]+/.exec((await page.textContent('[data-testid="account-notice"]')) ?? '')?.[0] ?? '';
    expect(again).not.toBe(number);
    await page.waitForSelector(`[data-testid="bookings-upcoming"] ${card(again)}`);
    expect(await bookingByNumber(product, again)).toMatchObject({ status: 'confirmed', service: { name: 'Corte' }, customer: { email } });
    await captureStep(page, 'account-rebooked-es');

    // A reload keeps the session; signing out ends it.
    await page.reload();
    await page.waitForSelector(card(again));
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="sign-in"]');
    expect(await page.evaluate(`localStorage.getItem('reservehub.account.demo')`)).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('en-US at 1280 px, by keyboard: signs in with a code, pays a deposit as herself, cancels with the refund shown first; profile, export and closing', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(`${product.baseUrl}/book/demo/account`);
    await page.waitForSelector('[data-testid="sign-in"]');
    await captureStep(page, 'account-sign-in-en');
    await tabTo(page, '[data-testid="account-email"]');
    await page.keyboard.type(email);
    const before = sink.messages.length;
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="account-code"]');
    await expect.poll(() => page.evaluate('document.activeElement?.id'), POLL).toBe('account-code');
    await page.keyboard.type(await codeSentTo(email, before));
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="account-greeting"]');
    expect(await page.textContent('[data-testid="account-greeting"]')).toBe('Hello, Lucía');
    await captureStep(page, 'account-bookings-en');

    // A deposit booked as oneself goes to the same hosted payment page as a guest's.
    await chooseServiceAndDay(page, product.baseUrl, { service: 'Masaje relajante', notToday: true });
    await page.click('[data-testid="available-slot"] >> nth=0');
    await page.waitForSelector('[data-testid="signed-in-details"]');
    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="booking-confirmed"][data-status="pending_payment"]', { timeout: 15_000 });
    const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
    await Promise.all([page.waitForURL(/\/pay\//), page.click('[data-testid="pay-deposit"]')]);
    await page.fill('[data-testid="card-number"]', '4242 4242 4242 4242');
    await page.fill('[data-testid="card-expiry"]', `12/${(new Date().getUTCFullYear() + 3) % 100}`);
    await page.fill('[data-testid="card-cvc"]', '123');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="pay-button"]')]);
    await expect.poll(async () => (await bookingByNumber(product, number))?.status, { timeout: 20_000, interval: 500 }).toBe('confirmed');

    await page.goto(`${product.baseUrl}/book/demo/account`);
    await page.waitForSelector(card(number));
    await tabTo(page, `${card(number)} [data-testid="my-booking-cancel"]`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="my-booking-refund-preview"]'), POLL).toBe('If you cancel now we will refund €10.');
    await captureStep(page, 'account-cancel-preview-en');
    await tabTo(page, '[data-testid="my-booking-cancel-confirm"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="account-notice"]'), POLL).toBe('Your booking is cancelled. We will refund €10.');
    expect((await bookingByNumber(product, number))?.status).toBe('cancelled');

    // Profile: marketing consent given, and it shows in the consent history.
    await page.click('[data-testid="account-tab-profile"]');
    await page.check('[data-testid="profile-marketing"]');
    await page.click('[data-testid="profile-save"]');
    await page.waitForSelector('[data-testid="profile-saved"]');
    await expect.poll(() => page.textContent('[data-testid="consent-history"]'), POLL).toContain('News and offers · given on');
    await captureStep(page, 'account-profile-en');
    await page.click('[data-testid="account-tab-payments"]');
    await page.waitForSelector('[data-testid="payment-methods"] p');
    await captureStep(page, 'account-payments-en');

    // Privacy: a copy of my data, then closing the account (only after saying so).
    await page.click('[data-testid="account-tab-privacy"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
    const exported = readFileSync((await download.path()) ?? '', 'utf8');
    expect(exported).toContain(email);
    expect(exported).toContain(number);
    await page.click('[data-testid="close-account"]');
    expect(await page.isDisabled('[data-testid="close-account-confirm"]')).toBe(true);
    await page.check('[data-testid="close-understood"]');
    await captureStep(page, 'account-close-en');
    await page.click('[data-testid="close-account-confirm"]');
    await page.waitForSelector('[data-testid="account-closed"]');
    expect(await page.evaluate(`localStorage.getItem('reservehub.account.demo')`)).toBeNull();
    await captureStep(page, 'account-closed-en');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
