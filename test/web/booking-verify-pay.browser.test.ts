/**
 * The booking page's steps that leave it, in Chromium against the real product process (demo
 * business): a business that verifies guests sends a real code by email — read here from an SMTP
 * server this test runs, never made up — and a wrong code is refused; a service with a deposit
 * shows it and its refund terms before confirming, then the deposit is paid on the hosted payment
 * page with the sandbox's test card, or with the card that asks for 3-D Secure through its
 * challenge, and the booking ends confirmed. Every step: screenshots at 360 and 1280 px and axe.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { bookingByNumber, captureStep, chooseServiceAndDay, POLL } from '../support/booking-steps.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';

const SKIP_REASON = browserSkipReason('booking-verify-pay.browser.test.ts');
const CARDS = { pays: '4242 4242 4242 4242', secure: '4000 0027 6000 3184' };

describe.skipIf(SKIP_REASON !== null)(`booking page: emailed code and deposits in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const sink = new SmtpSink();
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

  /** The six digits of the newest message the SMTP server received for `email`. */
  async function codeSentTo(email: string): Promise<string> {
    let code = '';
    await expect
      .poll(
        () => {
          const message = sink.messages.filter((candidate) => candidate.envelopeTo.includes(email)).at(-1);
          code = /\b(\d{6})\b/.exec(message?.parsed.text ?? '')?.[1] ?? '';
          return code;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toMatch(/^\d{6}$/);
    return code;
  }

  it('es-ES: a business that verifies guests — the code arrives by email, a wrong one is refused, the right one books', async () => {
    await product.setDemoBusinessSettings({ guest_verification: 'otp' });
    try {
      const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
      const { page, problems } = await openWatchedPage(context, { expectedStatus: 403 });
      const email = `eva.${Date.now()}@example.com`;
      await chooseServiceAndDay(page, product.baseUrl, { service: 'Corte', notToday: true });
      await page.click('[data-testid="available-slot"] >> nth=0');
      await page.fill('[data-testid="first-name"]', 'Eva');
      await page.fill('[data-testid="email"]', email);
      await page.click('[data-testid="confirm-booking"]');
      await page.waitForSelector('[data-testid="send-otp"]');
      expect(await page.textContent('[data-testid="otp-step"]')).toContain(email);
      await captureStep(page, 'code-step-es');
      await page.click('[data-testid="send-otp"]');
      await page.waitForSelector('[data-testid="otp-code"]');
      const code = await codeSentTo(email);
      await page.fill('[data-testid="otp-code"]', code === '000000' ? '111111' : '000000');
      await page.click('[data-testid="verify-otp"]');
      await expect.poll(() => page.textContent('[data-testid="otp-step"] [role="alert"]'), POLL).toContain('El código no es correcto');
      await captureStep(page, 'code-wrong-es');
      await page.fill('[data-testid="otp-code"]', code);
      await captureStep(page, 'code-typed-es');
      await page.click('[data-testid="verify-otp"]');
      await page.waitForSelector('[data-testid="booking-confirmed"]', { timeout: 15_000 });
      const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
      expect(number).toMatch(/^BK-/);
      const booking = await bookingByNumber(product, number);
      expect(booking).toMatchObject({ status: 'confirmed', customer: { email } });
      expect(problems.filter((problem) => !/40[03]/.test(problem))).toEqual([]);
      await context.close();
    } finally {
      await product.setDemoBusinessSettings({ guest_verification: 'none' });
    }
  }, 120_000);

  /** A deposit-due service booked as a guest: the deposit and refund terms first, then the hosted payment page with `card`. */
  async function payDeposit(page: Page, options: { service: string; card: string; tag: string; deposit: RegExp; terms: string }): Promise<string> {
    await chooseServiceAndDay(page, product.baseUrl, { service: options.service, notToday: true });
    await page.click('[data-testid="available-slot"] >> nth=0');
    expect(await page.textContent('[data-testid="terms-deposit"]')).toMatch(options.deposit);
    expect(await page.textContent('[data-testid="booking-terms"]')).toContain(options.terms);
    await page.fill('[data-testid="first-name"]', 'Pau');
    await page.fill('[data-testid="email"]', `pau.${options.tag}.${Date.now()}@example.com`);
    await captureStep(page, `deposit-terms-${options.tag}`);
    await page.click('[data-testid="confirm-booking"]');
    await page.waitForSelector('[data-testid="booking-confirmed"][data-status="pending_payment"]', { timeout: 15_000 });
    const number = (await page.textContent('[data-testid="booking-number"]')) ?? '';
    expect(number).toMatch(/^BK-/);
    expect((await bookingByNumber(product, number))?.status).toBe('pending_payment');
    await captureStep(page, `deposit-due-${options.tag}`);
    await Promise.all([page.waitForURL(/\/pay\//), page.click('[data-testid="pay-deposit"]')]);
    await page.fill('[data-testid="card-number"]', options.card);
    await page.fill('[data-testid="card-expiry"]', `12/${(new Date().getUTCFullYear() + 3) % 100}`);
    await page.fill('[data-testid="card-cvc"]', '123');
    await captureStep(page, `payment-page-${options.tag}`);
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="pay-button"]')]);
    return number;
  }

  it('es-ES: a deposit shown with its refund terms, then paid with the sandbox test card on the hosted page → confirmed', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    const number = await payDeposit(page, {
      service: 'Coloración',
      card: CARDS.pays,
      tag: 'card-es',
      // 30 % of 65 €.
      deposit: /^19,50\s€$/,
      // A guest's terms: twice the notice the service asks of customers with an account (§2.1.5).
      terms: 'Si cancelas con 4 días o más de antelación: te devolvemos el 100 % de la señal.',
    });
    await expect.poll(() => page.textContent('#payment-status'), { timeout: 20_000, interval: 500 }).toContain('Pago recibido');
    await captureStep(page, 'deposit-paid-card-es');
    await expect.poll(async () => (await bookingByNumber(product, number))?.status, { timeout: 20_000, interval: 500 }).toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('en-US: a deposit paid with a card that asks for 3-D Secure — the challenge, approved, then confirmed', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    const number = await payDeposit(page, {
      service: 'Masaje relajante',
      card: CARDS.secure,
      tag: 'secure-en',
      deposit: /^€10$/,
      terms: 'If you cancel, the deposit is refunded in full.',
    });
    expect(new URL(page.url()).pathname).toMatch(/\/payments\/sandbox\/authorize\//);
    await captureStep(page, 'deposit-3ds-challenge-en');
    await Promise.all([page.waitForURL(/\/pay\//), page.click('button[value="approve"]')]);
    await expect.poll(() => page.textContent('#payment-status'), { timeout: 20_000, interval: 500 }).toContain('Payment received');
    await captureStep(page, 'deposit-paid-3ds-en');
    await expect.poll(async () => (await bookingByNumber(product, number))?.status, { timeout: 20_000, interval: 500 }).toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
