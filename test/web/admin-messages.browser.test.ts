/**
 * The dashboard's Messages screen in a real browser against the real product process. The owner
 * edits the Spanish e-mail confirmation (inserting a booking detail with its button), sees the live
 * preview say the new words, saves; a booking made through the API then produces a captured e-mail
 * (embedded mode keeps messages in the outbox, GET /notifications) with those words. The outbox
 * shows that message; its side panel shows the content and history, and "Send again" queues it once
 * more (the API counts the resend). The template goes back to the default text (the API no longer
 * holds it). In the settings tab a reminder and the booking rules change and read back through the
 * API. axe-core checks each screen; screenshots at 1280 px and 360 px in Spanish and English go to
 * test-artifacts/web/.
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

const SKIP_REASON = browserSkipReason('admin-messages.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
/** A full page load (sign-in, the screen's chunk) on a busy machine. */
const LOAD = { timeout: 30_000 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const NEW_WORDS = 'Te esperamos con un café de bienvenida';

interface Named {
  id: string;
  name: string;
}
interface Template {
  id: string;
  event_type: string;
  channel: string;
  language: string;
  subject: string | null;
  body: string;
}
interface Notification {
  id: string;
  event_type: string;
  channel: string;
  status: string;
  language: string;
  recipient: string | null;
  subject: string | null;
  body: string;
  attempts: number;
  resend_count: number;
}

function madridDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
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

describe.skipIf(SKIP_REASON !== null)(`dashboard messages, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let businessId = '';
  let messageId = '';

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
    businessId = (await api<Named[]>('/businesses')).data[0]?.id ?? '';
    // A Spanish salon: customers whose language is unknown get Spanish.
    expect((await api('/notification-settings', { method: 'PATCH', body: JSON.stringify({ default_language: 'es' }) })).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function openMessages(page: Page, query: string): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-messages"]');
    // Through the navigation first (the screen's chunk loads), then straight to the tab under test.
    await page.goto(`${product.baseUrl}/admin/settings/messages${query}`);
    await page.waitForSelector('[data-testid="messages-page"]', LOAD);
  }

  async function bookGuest(): Promise<string> {
    const resources = (await api<Named[]>('/resources?limit=100')).data;
    const marta = resources.find((resource) => resource.name === 'Marta') as Named;
    const corte = (await api<Named[]>('/services?limit=100')).data.find((service) => service.name === 'Corte') as Named;
    const [location] = (await api<Named[]>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    let day = madridDate(new Date());
    for (let ahead = 5; ; ahead += 1) {
      day = addDays(madridDate(new Date()), ahead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    const created = await api<{ id: string }>('/bookings', {
      method: 'POST',
      body: JSON.stringify({
        service_id: corte.id,
        resource_id: marta.id,
        start_time: madridInstant(day, '11:00'),
        customer: { first_name: 'Lucía', last_name: 'Mensajes', email: 'lucia.mensajes@example.com' },
        source: 'admin',
      }),
    });
    if (created.status !== 201) throw new Error(`booking answered ${created.status}: ${JSON.stringify(created.data)}`);
    return created.data.id;
  }

  it('edits the Spanish confirmation with a live preview, a booking sends the new words, the outbox resends it, and the default comes back (es, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await openMessages(page, '?tab=templates&event=booking.confirmed&channel=email&lang=es');
    const editor = page.locator('[data-testid="template-editor"]');
    await editor.waitFor(POLL);
    expect(await page.textContent('[data-testid="template-state"]')).toBe('Predeterminado');
    // The built-in text first, rendered with the sample customer.
    await expect.poll(async () => (await page.textContent('[data-testid="template-preview-content"]')) ?? '', POLL).toContain('Tu reserva está confirmada');

    // New words, then a booking detail inserted at the cursor with its button.
    await page.fill('[data-testid="template-body"]', `¡Hola! ${NEW_WORDS}, `);
    await page.click('[data-testid="template-body"]');
    await page.keyboard.press('End');
    await page.locator('[data-testid="template-variables"] button', { hasText: '{{ customer.first_name }}' }).click();
    await page.type('[data-testid="template-body"]', '.\n\nTu cita: {{ booking.service }} el {{ booking.date }}.');
    await page.fill('[data-testid="template-subject"]', 'Tu cita está confirmada, {{ customer.first_name }}');
    const preview = page.locator('[data-testid="template-preview-content"]');
    await expect.poll(async () => (await preview.textContent()) ?? '', POLL).toContain(`${NEW_WORDS}, Ana.`);
    await expect.poll(async () => (await preview.textContent()) ?? '', POLL).toContain('Tu cita está confirmada, Ana');
    expect(await page.isVisible('[data-testid="template-dirty"]')).toBe(true);
    await expectAccessible(page, 'template editor es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-templates-es-1280.png'), fullPage: true });

    // Saved: the API holds the business's template.
    await page.click('[data-testid="template-save"]');
    await page.waitForSelector('[data-testid="template-notice"]', POLL);
    await expect.poll(async () => page.textContent('[data-testid="template-state"]'), POLL).toBe('Personalizado');
    expect(await page.getAttribute('[data-testid="template-item"][data-event="booking.confirmed"]', 'data-customised')).toBe('true');
    const saved = (await api<Template[]>('/notification-templates?event_type=booking.confirmed&limit=100')).data.find((template) => template.channel === 'email' && template.language === 'es');
    expect(saved?.body).toContain(`${NEW_WORDS}, {{ customer.first_name }}.`);
    expect(saved?.subject).toBe('Tu cita está confirmada, {{ customer.first_name }}');

    // A booking through the API: its captured e-mail says the new words, with the real customer.
    const bookingId = await bookGuest();
    let mail: Notification | undefined;
    await expect
      .poll(async () => {
        const list = (await api<Notification[]>(`/notifications?booking_id=${bookingId}&channel=email&limit=20`)).data;
        mail = list.find((message) => message.event_type === 'booking.confirmed' && message.status !== 'pending');
        return mail?.status ?? 'none';
      }, { timeout: 30_000, interval: 250 })
      .toBe('captured');
    expect(mail?.language).toBe('es');
    expect(mail?.body).toContain(`${NEW_WORDS}, Lucía.`);
    expect(mail?.subject).toBe('Tu cita está confirmada, Lucía');
    messageId = mail?.id ?? '';

    // The outbox lists it; its panel shows the content and history; "Enviar de nuevo" queues it again.
    await page.click('[data-testid="messages-tab-outbox"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('tab'), POLL).toBe('outbox');
    const row = page.locator(`[data-testid="outbox-row"][data-id="${messageId}"]`);
    await row.waitFor(POLL);
    expect(await row.textContent()).toContain('Reserva confirmada');
    expect(await row.textContent()).toContain('Capturado');
    if (mail?.recipient) expect(await row.textContent()).toContain(mail.recipient);
    await expectAccessible(page, 'outbox es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-outbox-es-1280.png') });
    // The filters are in the URL: captured e-mails keep the row, failed SMS show the empty state.
    await page.goto(`${product.baseUrl}/admin/settings/messages?tab=outbox&status=captured&channel=email`);
    await row.waitFor(LOAD);
    await page.goto(`${product.baseUrl}/admin/settings/messages?tab=outbox&status=failed&channel=sms`);
    await page.waitForSelector('[data-testid="outbox-empty"]', LOAD);
    expect(await page.textContent('[data-testid="outbox-empty"]')).toContain('Ningún mensaje coincide');
    await page.click('[data-testid="outbox-empty"] button');
    await row.waitFor(POLL);

    await row.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('message'), POLL).toBe(messageId);
    const detail = page.locator('[data-testid="message-detail"]');
    await detail.waitFor(POLL);
    expect(await page.textContent('[data-testid="message-content"]')).toContain(`${NEW_WORDS}, Lucía.`);
    expect(await page.locator('[data-testid="message-events"] .mantine-Timeline-item').count()).toBeGreaterThanOrEqual(2);
    await expectAccessible(page, 'message panel es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-detail-es-1280.png') });
    await page.click('[data-testid="message-resend"]');
    await page.click('[data-testid="message-resend-yes"]');
    await page.waitForSelector('[data-testid="message-resent"]', POLL);
    await expect
      .poll(async () => {
        const again = (await api<Notification>(`/notifications/${messageId}`)).data;
        return `${again.resend_count}:${again.status}`;
      }, { timeout: 30_000, interval: 250 })
      .toBe('1:captured');
    expect((await api<Notification>(`/notifications/${messageId}`)).data.attempts).toBeGreaterThanOrEqual(2);
    // The panel follows the message back to captured, its attempts counted.
    await expect.poll(async () => (await page.textContent('[data-testid="message-attempts"]')) ?? '', POLL).toContain('reenviado 1 vez');
    await page.click('.mantine-Drawer-close');
    await expect.poll(() => new URL(page.url()).searchParams.get('message'), POLL).toBeNull();

    // Back to the template: the default text again, and the API no longer holds it.
    // (The tab opens on the first message, the e-mail, in the dashboard's language.)
    await page.click('[data-testid="messages-tab-templates"]');
    await editor.waitFor(POLL);
    expect(await page.getAttribute('[data-testid="template-item"][aria-current="true"]', 'data-event')).toBe('booking.confirmed');
    await page.click('[data-testid="template-reset"]');
    await page.click('[data-testid="template-reset-yes"]');
    await expect.poll(async () => page.textContent('[data-testid="template-state"]'), POLL).toBe('Predeterminado');
    expect(await page.inputValue('[data-testid="template-body"]')).toContain('Tu reserva está confirmada');
    await expect.poll(async () => (await preview.textContent()) ?? '', POLL).not.toContain(NEW_WORDS);
    const left = (await api<Template[]>('/notification-templates?event_type=booking.confirmed&limit=100')).data;
    expect(left.filter((template) => template.channel === 'email' && template.language === 'es')).toEqual([]);

    // An SMS shows its length and parts.
    await page.click('[data-testid="template-channel"] >> text=SMS');
    await page.waitForSelector('[data-testid="template-sms-length"]', POLL);
    expect(await page.textContent('[data-testid="template-sms-length"]')).toMatch(/\d+ caracteres · \d SMS/);
    expect(new URL(page.url()).searchParams.get('channel')).toBe('sms');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-sms-es-1280.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('changes a reminder and the booking rules, read back through the API (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await openMessages(page, '?tab=settings');
    await page.waitForSelector('[data-testid="notification-settings"]', POLL);
    const before = (await api<{ reminder_offsets_minutes: number[] }>('/notification-settings')).data.reminder_offsets_minutes;
    expect(await page.locator('[data-testid="reminder-row"]').count()).toBe(before.length);

    // A reminder 3 hours before, besides the existing ones.
    await page.click('[data-testid="reminder-add"]');
    const added = page.locator('[data-testid="reminder-row"]').last();
    await added.locator('[data-testid="reminder-amount"]').fill('3');
    expect(await page.textContent('[data-testid="reminder-summary"]')).toContain('3 hours');
    await page.click('[data-testid="notification-settings-save"]');
    await page.waitForSelector('[data-testid="notification-settings-saved"]', POLL);
    const after = (await api<{ reminder_offsets_minutes: number[] }>('/notification-settings')).data.reminder_offsets_minutes;
    expect(after).toContain(180);
    expect(after.length).toBe(before.length + 1);

    // A value out of range is refused before sending, next to the field.
    await page.fill('[data-testid="payment-hold"]', '');
    await page.click('[data-testid="booking-policies-save"]');
    await page.waitForSelector('text=Enter a whole number of minutes from 1 to 1440', POLL);
    // Then the real change: a code for guests, 20 minutes to pay, 45 to take a waiting-list opening.
    await page.fill('[data-testid="payment-hold"]', '20');
    await page.fill('[data-testid="waitlist-offer"]', '45');
    await page.click('[data-testid="guest-verification-otp"]');
    await page.click('[data-testid="booking-policies-save"]');
    await page.waitForSelector('[data-testid="booking-policies-saved"]', POLL);
    const business = (await api<{ settings: Record<string, unknown> }>(`/businesses/${businessId}`)).data;
    expect(business.settings).toMatchObject({ guest_verification: 'otp', payment_hold_minutes: 20, waitlist_offer_minutes: 45 });
    await expectAccessible(page, 'settings en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-settings-en-1280.png'), fullPage: true });

    // The templates tab in English.
    await page.click('[data-testid="messages-tab-templates"]');
    await page.waitForSelector('[data-testid="template-preview-content"]', POLL);
    await expectAccessible(page, 'templates en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-messages-templates-en-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits a phone at 360 px in Spanish and English, every tab', async () => {
    for (const [language, locale] of [['es', 'es-ES'], ['en', 'en-GB']] as const) {
      const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale });
      const { page, problems } = await openWatchedPage(context);
      await openMessages(page, '?tab=templates&event=booking.confirmed&channel=email');
      await page.waitForSelector('[data-testid="template-preview-content"]', POLL);
      // On a phone the catalogue is a select.
      expect(await page.isVisible('[data-testid="template-catalogue"]')).toBe(false);
      await page.selectOption('[data-testid="template-select"]', 'booking.reminder');
      await expect.poll(() => new URL(page.url()).searchParams.get('event'), POLL).toBe('booking.reminder');
      await page.waitForSelector('[data-testid="template-preview-content"]', POLL);
      // Every tab in Spanish; in English the templates and the settings (the longest words).
      for (const tab of language === 'es' ? (['templates', 'outbox', 'settings'] as const) : (['templates', 'settings'] as const)) {
        if (tab !== 'templates') {
          await page.click(`[data-testid="messages-tab-${tab}"]`);
          await page.waitForSelector(tab === 'outbox' ? '[data-testid="outbox-list"]' : '[data-testid="booking-policies"]', POLL);
        }
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
        // axe on every tab in Spanish; in English on the templates (the words differ, the structure does not).
        if (language === 'es' || tab === 'templates') await expectAccessible(page, `${tab} ${language} 360 px`);
        await page.screenshot({ path: join(ARTIFACTS, `admin-messages-${tab}-${language}-360.png`), fullPage: true });
      }
      if (messageId && language === 'es') {
        await page.click('[data-testid="messages-tab-outbox"]');
        await page.click(`[data-testid="outbox-row"][data-id="${messageId}"]`);
        await page.waitForSelector('[data-testid="message-detail"]', POLL);
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
        await page.screenshot({ path: join(ARTIFACTS, `admin-messages-detail-${language}-360.png`) });
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 240_000);
});
