/**
 * The dashboard's customers screen in a real browser against the real product process: the owner
 * finds a demo customer by the start of her name, by her email and by a booking number (the bookings
 * list resolves it); opens her profile, saves an internal note (the API has it) and downloads her data
 * (a JSON file that names her). Two customers made through the API are merged in the browser: the API
 * then has the duplicate's booking and phone on the survivor and the duplicate gone. A customer with an
 * upcoming booking is erased: the page shows the API's report, the API answers 404 for her and the
 * booking is cancelled. axe-core checks the list and the profile; screenshots at 1280 px and 360 px in
 * Spanish and English go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-customers.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 30_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Named {
  id: string;
  name: string;
}
interface ApiCustomer {
  id: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  notes: string | null;
}
interface ApiBooking {
  id: string;
  booking_number: string;
  status: string;
  customer: { id: string; first_name: string };
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

describe.skipIf(SKIP_REASON !== null)(`dashboard customers, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let day = '';
  let marta: Named;
  let corte = '';
  let lucia: ApiCustomer;
  let luciaBooking: ApiBooking;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  const createCustomer = async (body: Record<string, unknown>): Promise<ApiCustomer> => {
    const created = await api<ApiCustomer>('/customers', { method: 'POST', body: JSON.stringify(body) });
    if (created.status !== 201) throw new Error(`customer answered ${created.status}: ${JSON.stringify(created.data)}`);
    return created.data;
  };

  const book = async (customerId: string, time: string): Promise<ApiBooking> => {
    const created = await api<ApiBooking>('/bookings', {
      method: 'POST',
      body: JSON.stringify({ service_id: corte, resource_id: marta.id, start_time: madridInstant(day, time), customer: { customer_id: customerId }, source: 'admin' }),
    });
    if (created.status !== 201) throw new Error(`booking answered ${created.status}: ${JSON.stringify(created.data)}`);
    return created.data;
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    const resources = (await api<Named[]>('/resources?limit=100')).data;
    marta = resources.find((resource) => resource.name === 'Marta') as Named;
    corte = (await api<Named[]>('/services?limit=100')).data.find((service) => service.name === 'Corte')?.id ?? '';
    const [location] = (await api<Named[]>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    // A Monday-to-Friday date at least twelve days ahead (after the demo's own bookings) that is not a closure.
    const today = madridDate(new Date());
    for (let ahead = 12; ; ahead += 1) {
      day = addDays(today, ahead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    lucia = (await api<ApiCustomer[]>('/customers?search=lucia.martin@example.com')).data[0] as ApiCustomer;
    luciaBooking = (await api<ApiBooking[]>(`/bookings?customer_id=${lucia.id}`)).data[0] as ApiBooking;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function openCustomers(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-customers"]', { ...POLL, state: 'visible' });
    await page.click('[data-testid="nav-customers"]');
    await page.waitForSelector('[data-testid="customer-results"]', POLL);
    // Off the navigation: a hovered link is not what axe-core should judge.
    await page.mouse.move(900, 600);
  }

  async function search(page: Page, text: string): Promise<void> {
    await page.fill('[data-testid="customer-search"]', text);
  }

  const row = (page: Page, id: string) => page.locator(`[data-testid="customer-results"] [data-testid="customer-row"][data-customer-id="${id}"]`);

  it('finds a customer by name, email and booking number; saves a note the API reads back; downloads her data (en, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
    const { page, problems } = await openWatchedPage(context);
    await openCustomers(page);
    await page.locator('[data-testid="customer-row-figures"]').first().waitFor(POLL);
    await expectAccessible(page, 'customers list en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-en-1280.png') });

    // Part of the name: the start of a word.
    await search(page, 'Luc');
    await row(page, lucia.id).waitFor(POLL);
    await expect.poll(() => page.locator('[data-testid="customer-results"] [data-testid="customer-row"]').count(), POLL).toBe(1);
    // The whole email.
    await search(page, 'carmen.lopez@example.com');
    await expect.poll(async () => (await page.locator('[data-testid="customer-results"]').textContent()) ?? '', POLL).toContain('Carmen López');
    // A booking number, as someone types it from an email (lower case, spaces).
    await search(page, luciaBooking.booking_number.toLowerCase().replace('-', ' '));
    const match = page.locator('[data-testid="booking-number-match"]');
    await match.waitFor(POLL);
    expect(await match.textContent()).toContain(luciaBooking.booking_number);
    expect(await match.locator('[data-testid="customer-row"]').getAttribute('data-customer-id')).toBe(lucia.id);
    // Nothing matches: the screen says what to try.
    await search(page, 'Zzyzx');
    await page.waitForSelector('[data-testid="customers-no-results"]', POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-no-results-en-1280.png') });

    // The profile.
    await search(page, 'Lucía');
    await row(page, lucia.id).click();
    await page.waitForSelector('[data-testid="customer-profile"]', POLL);
    expect(await page.textContent('[data-testid="profile-name"]')).toBe('Lucía Martín');
    await page.waitForSelector('[data-testid="history-row"]', POLL);
    expect(await page.textContent('[data-testid="figure-bookings"]')).toBe('1');
    expect(await page.textContent('[data-testid="figure-no-shows"]')).toBe('0');
    expect(await page.getAttribute('[data-testid="history-row"]', 'data-booking-number')).toBe(luciaBooking.booking_number);

    // A note, saved and read back through the API.
    const note = 'Prefers the morning; allergic to ammonia dyes.';
    await page.fill('[data-testid="notes-input"]', note);
    await page.click('[data-testid="notes-save"]');
    await expect.poll(async () => (await api<ApiCustomer>(`/customers/${lucia.id}`)).data.notes, POLL).toBe(note);
    await expectAccessible(page, 'customer profile en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-profile-en-1280.png'), fullPage: true });

    // The booking opens in the side panel.
    await page.click('[data-testid="history-row"]');
    await page.getByRole('dialog').getByText(luciaBooking.booking_number).first().waitFor(POLL);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', ...POLL });

    // The GDPR export: a JSON file that names her.
    const [download] = await Promise.all([page.waitForEvent('download', POLL), page.click('[data-testid="export"]')]);
    expect(download.suggestedFilename()).toMatch(/^customer-lucia-martin-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { user_id: string; data: { personal_info: Record<string, unknown>; bookings: Array<{ booking_number: string }> } };
    expect(exported.user_id).toBe(lucia.id);
    expect(exported.data.personal_info).toMatchObject({ first_name: 'Lucía', last_name: 'Martín', email: 'lucia.martin@example.com' });
    expect(exported.data.bookings.map((booking) => booking.booking_number)).toContain(luciaBooking.booking_number);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('merges a duplicate into a customer: the booking and phone move, the duplicate is gone (en)', async () => {
    const keeper = await createCustomer({ first_name: 'Rosalía', last_name: 'Keeper', email: 'rosalia.keeper@example.com' });
    const duplicate = await createCustomer({ first_name: 'Rosalía', last_name: 'Duplicada', phone: '+34600555444', notes: 'Came by phone' });
    const moved = await book(duplicate.id, '10:00');

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await openCustomers(page);
    await page.goto(`${product.baseUrl}/admin/customers/${keeper.id}`);
    await page.waitForSelector('[data-testid="customer-profile"]', POLL);
    await page.waitForSelector('[data-testid="history-empty"]', POLL);
    await page.click('[data-testid="open-merge"]');
    await page.fill('[data-testid="merge-search"]', 'Duplicada');
    await page.click(`[data-testid="merge-candidate"][data-customer-id="${duplicate.id}"]`);
    const summary = page.locator('[data-testid="merge-summary"]');
    await summary.waitFor(POLL);
    expect(await page.textContent('[data-testid="merge-survivor"]')).toContain('Rosalía Keeper');
    expect(await page.textContent('[data-testid="merge-duplicate"]')).toContain('Rosalía Duplicada');
    await expect.poll(async () => (await summary.textContent()) ?? '', POLL).toContain('1 booking of Rosalía Duplicada moves here');
    await expectAccessible(page, 'merge confirmation en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-merge-en-1280.png') });
    await page.click('[data-testid="merge-confirm"]');
    await page.waitForSelector('[data-testid="merged-notice"]', POLL);
    await page.waitForSelector(`[data-testid="history-row"][data-booking-number="${moved.booking_number}"]`, POLL);

    // Through the API: the duplicate is gone, its booking, phone and notes are the keeper's.
    expect((await api(`/customers/${duplicate.id}`)).status).toBe(404);
    const survivor = (await api<ApiCustomer>(`/customers/${keeper.id}`)).data;
    expect(survivor.phone).toBe('+34600555444');
    expect(survivor.email).toBe('rosalia.keeper@example.com');
    expect(survivor.notes).toContain('Came by phone');
    expect((await api<ApiBooking>(`/bookings/${moved.id}`)).data.customer.id).toBe(keeper.id);
    expect((await api<ApiCustomer[]>('/customers?search=Duplicada')).data).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('erases a customer after typing the word: the report shows, the API answers 404 and the upcoming booking is cancelled (en)', async () => {
    const leaving = await createCustomer({ first_name: 'Teodoro', last_name: 'Olvido', email: 'teodoro.olvido@example.com', marketing_consent: true });
    const upcoming = await book(leaving.id, '12:00');

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await openCustomers(page);
    await page.goto(`${product.baseUrl}/admin/customers/${leaving.id}`);
    await page.waitForSelector('[data-testid="consent"][data-consent-type="marketing"]', POLL);
    await page.waitForSelector('[data-testid="history-row"]', POLL);
    await page.click('[data-testid="open-erase"]');
    expect(await page.textContent('[data-testid="erase-upcoming"]')).toContain('upcoming booking will be cancelled');
    expect(await page.isDisabled('[data-testid="erase-confirm"]')).toBe(true);
    await page.fill('[data-testid="erase-word"]', 'erase');
    await expectAccessible(page, 'erase confirmation en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-erase-en-1280.png') });
    await page.click('[data-testid="erase-confirm"]');
    const report = page.locator('[data-testid="erasure-report"]');
    await report.waitFor(POLL);
    expect(await report.textContent()).toContain('Teodoro Olvido');
    expect(await page.textContent('[data-testid="report-deleted"]')).toContain('Customer profile');
    expect(await page.textContent('[data-testid="report-retained"]')).toContain('1 upcoming booking cancelled');
    await expectAccessible(page, 'erasure report en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-erased-en-1280.png'), fullPage: true });

    // Through the API: gone from reads and searches, the booking kept as a cancelled record.
    expect((await api(`/customers/${leaving.id}`)).status).toBe(404);
    expect((await api<ApiCustomer[]>('/customers?search=teodoro.olvido@example.com')).data).toEqual([]);
    expect((await api<ApiBooking>(`/bookings/${upcoming.id}`)).data.status).toBe('cancelled');
    await page.click('[data-testid="report-back"]');
    await page.waitForSelector('[data-testid="customer-results"]', POLL);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('reads in Spanish and fits a phone at 360 px (list and profile)', async () => {
    for (const [language, locale] of [['es', 'es-ES'], ['en', 'en-GB']] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale });
      const { page, problems } = await openWatchedPage(context);
      await openCustomers(page);
      await page.locator('[data-testid="customer-row-figures"]').first().waitFor(POLL);
      if (language === 'es') {
        expect(await page.textContent('[data-testid="customers-page"] h1')).toBe('Clientes');
        await expectAccessible(page, 'customers list es');
        await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-es-1280.png') });
      }
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(200);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await expectAccessible(page, `customers list ${language} 360 px`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-customers-${language}-360.png`), fullPage: true });

      await row(page, lucia.id).click();
      await page.waitForSelector('[data-testid="history-row"]', POLL).catch(async (error: unknown) => {
        await page.screenshot({ path: join(ARTIFACTS, `admin-customers-failed-${language}-360.png`), fullPage: true });
        throw error;
      });
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await expectAccessible(page, `customer profile ${language} 360 px`);
      await page.screenshot({ path: join(ARTIFACTS, `admin-customers-profile-${language}-360.png`), fullPage: true });
      if (language === 'es') {
        expect(await page.textContent('[data-testid="notes-save"]')).toBe('Guardar notas');
        await page.setViewportSize({ width: 1280, height: 1000 });
        await page.waitForTimeout(200);
        await expectAccessible(page, 'customer profile es');
        await page.screenshot({ path: join(ARTIFACTS, 'admin-customers-profile-es-1280.png'), fullPage: true });
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 180_000);
});
