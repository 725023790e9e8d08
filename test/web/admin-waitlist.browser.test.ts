/**
 * The front desk's waitlist and group bookings in a real browser against the real product process:
 * in Spanish at 1280 px, a guest joins the waitlist of the first service for a day ahead, staff offer
 * them a free time and see the entry offered; then a group booking of two services for one guest shows
 * in the day's list marked as a group, and the booking's drawer names the other booking of the group.
 * At 360 px in English the same screens fit the phone. axe-core checks each screen; screenshots go to
 * test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-waitlist.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';

interface Service {
  id: string;
  name: string;
}

/** An option of the group form's service select: "<name> · <minutes> min". */
const serviceOption = (name: string | undefined): RegExp => new RegExp(`^${(name ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · `);

/** The local date in Madrid `days` from now. */
const madridDate = (days: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(Date.now() + days * 86_400_000);

/** Opens a select and picks the first or last option, or the first naming `pick`, once its options have loaded (free times load after the service). */
async function choose(page: Page, select: Locator, pick: 'first' | 'last' | string): Promise<void> {
  await expect
    .poll(async () => {
      if ((await page.getByRole('option').count()) === 0) await select.click();
      return page.getByRole('option').count();
    }, POLL)
    .toBeGreaterThan(0);
  const options = page.getByRole('option');
  await (pick === 'first' ? options.first() : pick === 'last' ? options.last() : options.filter({ hasText: pick }).first()).click();
}

/** Opens a date picker and clicks `date` (a month ahead at most), found by its `data-date` hook or, on the desk's filter, its label. */
async function pickDate(page: Page, input: string, date: string, language: 'es' | 'en'): Promise<void> {
  await page.click(input);
  const [year, month, day] = date.split('-').map(Number);
  const label = `${day} ${new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(Date.UTC(year ?? 0, (month ?? 1) - 1, day))} ${year}`;
  const target = page.locator(`button[data-date="${date}"]:not([data-outside]), button[aria-label="${label}"]:not([data-outside])`);
  if ((await target.count()) === 0) await page.click('[data-direction="next"]');
  await target.first().click();
}

describe.skipIf(SKIP_REASON !== null)(`front desk waitlist and group bookings, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let services: Service[];
  /** A day ahead on which both of the first two services have free times. */
  let day: string;

  const chromium = setUpProductAndChromium(product, { prepare: findDay });

  /** The demo's services, and a day ahead on which the first two have free times. */
  async function findDay(): Promise<void> {
    const token = await product.demoOwnerToken();
    const api = async <T>(path: string): Promise<T> =>
      ((await (await fetch(`${product.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: T }).data;
    services = await api<Service[]>('/services?status=active&limit=100');
    if (services.length < 2) throw new Error('the demo has fewer than two services');
    const slotCount = async (serviceId: string, date: string) =>
      (await api<{ resources: { dates: { slots: unknown[] }[] }[] }>(`/availability?service_id=${serviceId}&from_date=${date}&to_date=${date}`)).resources
        .flatMap((resource) => resource.dates)
        .reduce((sum, entry) => sum + entry.slots.length, 0);
    for (let ahead = 2; ahead < 12 && !day; ahead += 1) {
      const date = madridDate(ahead);
      if ((await slotCount(services[0]?.id ?? '', date)) > 1 && (await slotCount(services[1]?.id ?? '', date)) > 1) day = date;
    }
    if (!day) throw new Error('no day ahead with free times for the first two services');
  }

  it('es, 1280 px: joins the waitlist, offers a free time, sees it offered; books a group and sees it in the list', async () => {
    const screen = await openAdminAt(chromium.browser, product, { width: 1280, locale: 'es-ES', ready: '[data-testid="desk-view"]', wait: POLL });
    const { page } = screen;
    await page.locator('[data-testid="desk-view"]').getByText('Lista de espera').click();
    await page.waitForSelector('[data-testid="waitlist-empty"]', POLL);
    expect(await page.inputValue('[data-testid="waitlist-service"]')).toBe(services[0]?.name);
    await expectAccessible(page, 'waitlist empty es');

    // 1. A guest joins for the whole of a day ahead.
    await page.click('[data-testid="waitlist-add"]');
    await page.waitForSelector('[data-testid="waitlist-join-form"]', POLL);
    await page.locator('[data-testid="picker-mode"]').getByText('Invitado nuevo').click();
    // Without a contact the form says what is missing, before asking the server.
    await page.fill('[data-testid="picker-first-name"]', 'Lucía');
    await page.click('[data-testid="waitlist-join-submit"]');
    expect(await page.textContent('[data-testid="waitlist-form-error"]')).toContain('correo o teléfono');
    await page.fill('[data-testid="picker-email"]', 'lucia.espera@example.com');
    await pickDate(page, '[data-testid="waitlist-date"]', day, 'es');
    await expectScreenReads(page, { label: 'waitlist join form es', screenshot: 'admin-waitlist-join-es-1280.png', fullPage: false });
    await page.click('[data-testid="waitlist-join-submit"]');
    await page.waitForSelector('[data-testid="waitlist-join-form"]', { state: 'detached', ...POLL });
    const entry = page.locator('[data-testid="waitlist-entry"]').filter({ hasText: 'Lucía' });
    await entry.waitFor(POLL);
    expect(await entry.getAttribute('data-state')).toBe('waiting');
    expect(await entry.locator('[data-testid="waitlist-state"]').textContent()).toBe('Esperando');

    // 2. Staff offer her a free time with Javier that day: the entry reads offered, until when.
    await entry.locator('[data-testid="waitlist-offer"]').click();
    await page.waitForSelector('[data-testid="waitlist-offer-form"]', POLL);
    await choose(page, page.locator('[data-testid="offer-slot"]'), 'Javier');
    await expectAccessible(page, 'waitlist offer form es');
    await page.click('[data-testid="offer-submit"]');
    await page.waitForSelector('[data-testid="waitlist-offer-form"]', { state: 'detached', ...POLL });
    await expect.poll(() => entry.getAttribute('data-state'), POLL).toBe('offered');
    expect(await entry.locator('[data-testid="waitlist-state"]').textContent()).toMatch(/^Ofrecido hasta (\S.* )?\d{1,2}:\d{2}/);
    expect(await entry.locator('[data-testid="waitlist-offer"]').count()).toBe(0);
    await expectScreenReads(page, { label: 'waitlist offered es', screenshot: 'admin-waitlist-offered-es-1280.png' });

    // 3. A group for one guest with Marta (clear of the offer's hold): the first service early, the second (Marta's only) last, booked together.
    await page.locator('[data-testid="desk-view"]').getByText('Reservas del día').click();
    await page.click('[data-testid="group-open"]');
    await page.waitForSelector('[data-testid="group-booking-form"]', POLL);
    await page.locator('[data-testid="group-booking-form"] [data-testid="picker-mode"]').getByText('Invitado nuevo').click();
    await page.fill('[data-testid="picker-first-name"]', 'Mateo');
    await page.fill('[data-testid="picker-email"]', 'mateo.grupo@example.com');
    await pickDate(page, '[data-testid="group-date"]', day, 'es');
    const items = page.locator('[data-testid="group-item"]');
    await items.nth(0).locator('[data-testid="group-service"]').click();
    await page.getByRole('option', { name: serviceOption(services[0]?.name) }).click();
    await choose(page, items.nth(0).locator('[data-testid="group-slot"]'), 'Marta');
    await items.nth(1).locator('[data-testid="group-service"]').click();
    await page.getByRole('option', { name: serviceOption(services[1]?.name) }).click();
    await choose(page, items.nth(1).locator('[data-testid="group-slot"]'), 'last');
    await expectScreenReads(page, { label: 'group booking form es', screenshot: 'admin-group-booking-es-1280.png', fullPage: false });
    await page.click('[data-testid="group-submit"]');
    // Booked, the form closes; a refusal would stay on it in words.
    const outcome = async (): Promise<string | null> => {
      if (!(await page.$('[data-testid="group-booking-form"]'))) return 'closed';
      return (await page.$('[data-testid="group-error"]'))?.textContent() ?? 'open';
    };
    await expect.poll(outcome, POLL).toBe('closed');

    await pickDate(page, '[data-testid="filter-date"]', day, 'es');
    const grouped = page.locator('[data-testid="booking-row"]').filter({ hasText: 'Mateo' });
    await expect.poll(() => grouped.locator('[data-testid="group-mark"]').count(), POLL).toBe(2);
    await grouped.first().click();
    const line = page.locator('[data-testid="group-line"]');
    await line.waitFor(POLL);
    expect(await line.textContent()).toContain('Parte de un grupo');
    await expect.poll(() => line.locator('[data-testid="group-sibling"]').count(), POLL).toBe(1);
    expect(await line.locator('[data-testid="group-sibling"]').textContent()).toContain('Mateo');
    await expectScreenReads(page, { label: 'booking of a group es', screenshot: 'admin-group-drawer-es-1280.png', fullPage: false });
    await expectCleanClose(screen);
  }, 180_000);

  it('en, 360 px: the waitlist, its form and the group form fit a phone', async () => {
    const screen = await openAdminAt(chromium.browser, product, { width: 360, height: 780, locale: 'en-GB', touch: true, ready: '[data-testid="desk-view"]', wait: POLL });
    const { page } = screen;
    await page.locator('[data-testid="desk-view"]').getByText('Waitlist').click();
    const entry = page.locator('[data-testid="waitlist-entry"]').filter({ hasText: 'Lucía' });
    await entry.waitFor(POLL);
    expect(await entry.locator('[data-testid="waitlist-state"]').textContent()).toMatch(/^Offered until/);
    await expectScreenReads(page, { width: 360, label: 'waitlist en 360', screenshot: 'admin-waitlist-en-360.png' });

    await page.click('[data-testid="waitlist-add"]');
    await page.waitForSelector('[data-testid="waitlist-join-form"]', POLL);
    await expectAccessible(page, 'waitlist join form en 360');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="waitlist-join-form"]', { state: 'detached', ...POLL });

    await page.locator('[data-testid="desk-view"]').getByText("Day's bookings").click();
    await page.click('[data-testid="group-open"]');
    await page.waitForSelector('[data-testid="group-booking-form"]', POLL);
    await expectScreenReads(page, { width: 360, label: 'group booking form en 360', screenshot: 'admin-group-booking-en-360.png', fullPage: false });
    await expectCleanClose(screen);
  }, 120_000);
});
