/**
 * The links the product sends, followed in a real browser against the real product process, from
 * the real emails it sent to an SMTP server this test runs: a guest books on the demo business, opens
 * the manage link of the confirmation email, sees the booking, sees the refund before confirming and
 * cancels; that frees the slot, and the waitlist offer email's link books it for the next guest in
 * line. A forged manage link, a spent waitlist offer and a forged unsubscribe link each get the clear
 * "no longer valid" page; the payment provider's return page says what happened. axe-core checks each
 * page. Screenshots at 360 px and 1280 px go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { httpClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

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
  const sink = new SmtpSink();
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await sink.start();
    await product.start({ SMTP_URL: sink.url, EMAIL_FROM: 'Salón Demo <reservas@demo.example>' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await sink.close();
  }, 60_000);

  /** The first link to `path` in the emails `to` received whose text matches `about`, waiting for one to arrive. */
  async function linkFromEmail(to: string, path: string, about: RegExp): Promise<string> {
    const pattern = new RegExp(`${product.baseUrl.replace(/[.:/]/g, '\\$&')}${path}[^\\s"<>]*`);
    const received = () => sink.messages.map((message) => `${message.envelopeTo.join(', ')}: ${message.parsed.subject ?? ''}\n${(message.parsed.text ?? '').slice(0, 400)}`);
    return waitFor(
      () =>
        sink.messages
          .filter((candidate) => candidate.envelopeTo.includes(to) && about.test(candidate.parsed.text ?? ''))
          .map((message) => pattern.exec(message.parsed.text ?? '')?.[0])
          .find((link) => link !== undefined),
      { timeoutMs: 30_000, intervalMs: 200, message: () => `a ${path} link to reach ${to}; received:\n${received().join('\n---\n')}` },
    );
  }

  /** The demo business's public API, as its booking page calls it. */
  const api = httpClient(() => product.baseUrl, { headers: { 'x-tenant': 'demo' } });

  interface GuestBooking {
  email: string;
  serviceId: string;
  resourceId: string;
  start: string;
  }

  /** A guest books the demo business's first service at its first free slot from `dayOffset` days on. */
  async function guestBooking(dayOffset: number): Promise<GuestBooking> {
    const page = await api<{ services: { id: string }[] }>('GET', '/api/v1/booking-page');
    expect(page.status, page.text).toBe(200);
    const serviceId = page.body.data.services[0]?.id ?? '';
    const from = new Date(Date.now() + dayOffset * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + (dayOffset + 6) * 86_400_000).toISOString().slice(0, 10);
    const availability = await api<{ resources: { resource: { id: string } }[] }>('GET', `/api/v1/availability?service_id=${serviceId}&from_date=${from}&to_date=${to}`);
    expect(availability.status, availability.text).toBe(200);
    const offered = availability.body.data.resources.find((entry) => firstSlot(entry) !== null);
    const start = offered ? firstSlot(offered) : null;
    expect(start, availability.text.slice(0, 2000)).not.toBeNull();
    const email = `lucia-${dayOffset}-${Date.now()}@example.test`;
    const booked = await api<{ status: string }>('POST', '/api/v1/bookings', { body: {
      service_id: serviceId,
      resource_id: offered?.resource.id,
      start_time: start,
      customer: { first_name: 'Lucía', last_name: 'Enlace', email },
    } });
    expect(booked.status, booked.text).toBe(201);
    return { email, serviceId, resourceId: offered?.resource.id ?? '', start: start ?? '' };
  }

  it('the confirmation email\'s manage link shows the booking, the refund before confirming, and cancels; the freed slot\'s waitlist offer email books it for the next guest', async () => {
    for (const [index, width] of WIDTHS.entries()) {
      const booking = await guestBooking(3 + index * 7);
      // Someone else waits for that very time.
      const waiting = `espera-${index}-${Date.now()}@example.test`;
      const end = new Date(Date.parse(booking.start) + 60 * 60_000).toISOString();
      const joined = await api('POST', '/api/v1/waitlist', { body: {
        service_id: booking.serviceId,
        resource_id: booking.resourceId,
        customer: { first_name: 'Pablo', email: waiting },
        preferred_times: [{ start: booking.start, end }],
      } });
      expect(joined.status, joined.text).toBe(201);

      const manageUrl = await linkFromEmail(booking.email, '/manage/', /Lucía/);
      const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'America/Mexico_City', viewport: { width, height: 800 } });
      const { page, problems } = await openWatchedPage(context, { expectedStatus: 404, watchRequests: false });
      await page.goto(manageUrl);
      await page.waitForSelector('[data-testid="manage-booking"]', POLL);
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toBe('confirmed');
      expect(await page.textContent('h1')).toBeTruthy();
      // Visitor in Mexico, business in Madrid: both times are shown.
      expect(await page.textContent('[data-testid="manage-when"]')).toContain('en tu hora');
      await page.screenshot({ path: join(ARTIFACTS, `manage-es-${width}.png`), fullPage: true });
      await expectAccessible(page, `manage ${width}`);

      // Move it with the booking page's calendar: another free time of the same person.
      const before = (await api<{ start_time: string }>('GET', `/api/v1/manage/${manageUrl.split('/').at(-1) ?? ''}`)).body.data.start_time;
      await page.click('[data-testid="manage-reschedule"]');
      await page.waitForSelector('[data-testid="manage-reschedule-picker"]', POLL);
      await expect.poll(async () => (await page.$$('[data-testid="date-day"]')).length, POLL).toBeGreaterThan(0);
      // A day far enough ahead that a guest may still cancel online afterwards (guests' terms are stricter).
      const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      const days = await page.$$eval('[data-testid="date-day"]', (elements) => elements.map((element) => element.getAttribute('data-date') ?? ''));
      const day = days.find((date) => date >= later);
      if (day) await page.click(`[data-testid="date-day"][data-date="${day}"]`);
      else {
        await page.click('[data-testid="date-picker"] .next-month');
        await page.click('[data-testid="date-day"] >> nth=0');
      }
      await page.waitForSelector('[data-testid="available-slot"]', POLL);
      await page.screenshot({ path: join(ARTIFACTS, `manage-reschedule-es-${width}.png`), fullPage: true });
      await expectAccessible(page, `reschedule picker ${width}`);
      const newStart = (await page.getAttribute('[data-testid="available-slot"] >> nth=0', 'data-start')) ?? '';
      await page.click('[data-testid="available-slot"] >> nth=0');
      await page.click('[data-testid="reschedule-confirm"]');
      await page.waitForSelector('[data-testid="manage-rescheduled"]', POLL);
      const moved = (await api<{ start_time: string; status: string }>('GET', `/api/v1/manage/${manageUrl.split('/').at(-1) ?? ''}`)).body.data;
      expect(Date.parse(moved.start_time)).toBe(Date.parse(newStart));
      expect(moved.start_time).not.toBe(before);
      await page.screenshot({ path: join(ARTIFACTS, `manage-rescheduled-es-${width}.png`), fullPage: true });
      await expectAccessible(page, `rescheduled ${width}`);

      await page.focus('[data-testid="manage-cancel"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="manage-refund-preview"]', POLL);
      expect(await page.textContent('[data-testid="manage-refund-preview"]')).toMatch(/devolver|nada que devolver/);
      // Still confirmed while the customer reads what they would get back.
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toMatch(/^(confirmed|rescheduled)$/);
      await page.screenshot({ path: join(ARTIFACTS, `manage-confirm-es-${width}.png`), fullPage: true });
      await expectAccessible(page, `manage refund preview ${width}`);

      await page.click('[data-testid="manage-cancel-confirm"]');
      await page.waitForSelector('[data-testid="manage-cancelled"]', POLL);
      expect(await page.getAttribute('[data-testid="manage-booking"]', 'data-status')).toBe('cancelled');
      expect(await page.$('[data-testid="manage-cancel"]')).toBeNull();
      await page.screenshot({ path: join(ARTIFACTS, `manage-cancelled-es-${width}.png`), fullPage: true });

      // The server agrees.
      const token = manageUrl.split('/').at(-1) ?? '';
      const after = await api<{ status: string }>('GET', `/api/v1/manage/${token}`);
      expect(after.body.data.status).toBe('cancelled');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      expect(problems).toEqual([]);

      // The freed time goes to the guest who waited for it, by email; their link books it.
      const claimUrl = await linkFromEmail(waiting, '/waitlist/claim/', /Pablo/);
      expect(claimUrl).toMatch(/\?business=demo$/);
      const offer = await openWatchedPage(context);
      await offer.page.goto(claimUrl);
      await offer.page.waitForSelector('[data-testid="waitlist-offer"]', POLL);
      await offer.page.screenshot({ path: join(ARTIFACTS, `waitlist-offer-es-${width}.png`), fullPage: true });
      await expectAccessible(offer.page, `waitlist offer ${width}`);
      await offer.page.click('[data-testid="waitlist-claim"]');
      await offer.page.waitForSelector('[data-testid="waitlist-claimed"]', POLL);
      await offer.page.screenshot({ path: join(ARTIFACTS, `waitlist-claimed-es-${width}.png`), fullPage: true });
      await expectAccessible(offer.page, `waitlist claimed ${width}`);
      expect(offer.problems).toEqual([]);
      // The slot is the waiting guest's now: the product confirms it to them by email too.
      await linkFromEmail(waiting, '/manage/', /Pablo/);
      await context.close();
    }
  }, 240_000);

  it('a held booking\'s email links to its payment page; paid there in Spanish, the customer goes on to the return page and the booking is confirmed', async () => {
    const page = await api<{ services: { id: string; name: string }[] }>('GET', '/api/v1/booking-page');
    const service = page.body.data.services.find((candidate) => candidate.name.startsWith('Coloración'));
    expect(service, page.text).toBeDefined();
    const from = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
    const availability = await api<{ resources: { resource: { id: string } }[] }>('GET', `/api/v1/availability?service_id=${service?.id ?? ''}&from_date=${from}&to_date=${to}`);
    const offered = availability.body.data.resources.find((entry) => firstSlot(entry) !== null);
    const email = `marta-${Date.now()}@example.test`;
    const booked = await api<{ id: string; status: string; booking_number: string }>('POST', '/api/v1/bookings', { body: {
      service_id: service?.id,
      resource_id: offered?.resource.id,
      start_time: offered ? firstSlot(offered) : null,
      customer: { first_name: 'Marta', email },
    } });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.body.data.status).toBe('pending_payment');

    const payUrl = await linkFromEmail(email, '/pay/', /Marta/);
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const { page: tab, problems } = await openWatchedPage(context);
    await tab.goto(payUrl);
    expect(await tab.textContent('h1')).toBe('Paga tu reserva');
    await tab.fill('[data-testid="card-number"]', '4242 4242 4242 4242');
    await tab.fill('[data-testid="card-expiry"]', `12/${(new Date().getUTCFullYear() + 3) % 100}`);
    await tab.fill('[data-testid="card-cvc"]', '123');
    await tab.screenshot({ path: join(ARTIFACTS, 'payment-page-from-email-es-360.png'), fullPage: true });
    await expectAccessible(tab, 'payment page from email');
    await Promise.all([tab.waitForLoadState('load'), tab.click('[data-testid="pay-button"]')]);
    // The page waits for the provider's word, then offers the way on.
    await tab.waitForSelector('[data-testid="payment-continue"]', { timeout: 30_000 });
    expect(await tab.textContent('#payment-status')).toContain('Pago recibido');
    await Promise.all([tab.waitForURL(/\/payments\/return\?/), tab.click('[data-testid="payment-continue"]')]);
    await tab.waitForSelector('[data-testid="payment-return"][data-outcome="paid"]', POLL);
    expect(await tab.textContent('[data-testid="payment-return"] h1')).toBe('Pago recibido');
    await tab.screenshot({ path: join(ARTIFACTS, 'payment-return-from-email-es-360.png'), fullPage: true });
    await expectAccessible(tab, 'payment return from email');
    const manageUrl = await linkFromEmail(email, '/manage/', /Marta/);
    await expect
      .poll(async () => (await api<{ status: string }>('GET', `/api/v1/manage/${manageUrl.split('/').at(-1) ?? ''}`)).body.data.status, { timeout: 20_000, interval: 500 })
      .toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a marketing message\'s visible unsubscribe link, followed from the email, withdraws consent: the next message skips that customer', async () => {
    const owner = await product.demoOwnerToken();
    const sendNews = async (subject: string) => {
      const response = await fetch(`${product.baseUrl}/api/v1/notifications/marketing`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject, body: 'Esta semana, un 10 % en coloración.' }),
      });
      const raw = await response.text();
      expect(response.status, raw).toBe(202);
      return (JSON.parse(raw) as { data: { queued: number } }).data.queued;
    };
    // A customer who told the front desk they want the news (consent recorded with source `staff`).
    const email = `noticias-${Date.now()}@example.test`;
    const created = await fetch(`${product.baseUrl}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Nora', email, marketing_consent: true }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const before = await sendNews('Novedades de primavera');
    expect(before).toBeGreaterThan(0);
    const unsubscribeUrl = await linkFromEmail(email, '/unsubscribe', /coloración/);
    expect(unsubscribeUrl).toMatch(/\/unsubscribe\?token=[A-Za-z0-9_-]+$/);

    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const { page, problems } = await openWatchedPage(context);
    await page.goto(unsubscribeUrl);
    await page.waitForSelector('[data-testid="unsubscribe-button"]', POLL);
    await page.click('[data-testid="unsubscribe-button"]');
    await page.waitForSelector('[data-testid="unsubscribed"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'unsubscribed-from-email-es-360.png'), fullPage: true });
    await expectAccessible(page, 'unsubscribed');
    expect(problems).toEqual([]);
    await context.close();
    // Nobody else changed their mind meanwhile: exactly this customer drops out of the audience.
    expect(await sendNews('Novedades de verano')).toBe(before - 1);
  }, 120_000);

  it('the payment provider\'s return page says whether the payment went through, in both languages', async () => {
    for (const [locale, outcome, status, title] of [
      ['es-ES', 'paid', 'succeeded', 'Pago recibido'],
      ['en-US', 'failed', 'failed', 'The payment did not go through'],
    ] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 360, height: 800 } });
      const { page, problems } = await openWatchedPage(context);
      await page.goto(`${product.baseUrl}/payments/return?payment_intent=pi_test&redirect_status=${status}`);
      await page.waitForSelector(`[data-testid="payment-return"][data-outcome="${outcome}"]`, POLL);
      expect(await page.textContent('[data-testid="payment-return"] h1')).toBe(title);
      await page.screenshot({ path: join(ARTIFACTS, `payment-return-${outcome}-${locale}-360.png`), fullPage: true });
      await expectAccessible(page, `payment return ${outcome}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 60_000);

  it('a forged manage link says the link is no longer valid', async () => {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ locale: 'es-ES', viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${product.baseUrl}/manage/forged-token-0123456789abcdef`);
      await page.waitForSelector('[data-testid="invalid-link"]', POLL);
      expect(await page.textContent('[data-testid="invalid-link"] h1')).toBe('Este enlace ya no es válido');
      await page.screenshot({ path: join(ARTIFACTS, `manage-invalid-es-${width}.png`), fullPage: true });
      await expectAccessible(page, `invalid manage link ${width}`);
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
    await expectAccessible(page, 'unsubscribe');
    await page.click('[data-testid="unsubscribe-button"]');
    await page.waitForSelector('[data-testid="invalid-link"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'unsubscribe-invalid-es-360.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
