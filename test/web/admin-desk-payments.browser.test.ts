/**
 * The front desk takes money and blocks time (issue 15), in a real browser against the real
 * product process. In Spanish at 1280 px the demo owner opens, from the calendar, a booking whose
 * deposit was paid online, takes the balance in cash and sees it paid in full with the payment
 * listed as cash recorded by them; then drags over an empty hour of the same column, blocks it for
 * a break, sees it shaded with its reason, and the public availability no longer offers it. In
 * English at 360 px the drawer shows the same payments, a booking still waiting for its deposit
 * gives the link to pay it online, and the block is opened with the keyboard and removed. axe-core checks each screen; screenshots go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium, type AdminScreenOptions, type WatchedScreen } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-desk-payments.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';

interface Named {
  id: string;
  name: string;
}
interface Payment {
  amount: number;
  method: string;
  recorded_by: string | null;
}
interface Availability {
  resources: Array<{ dates: Array<{ slots: Array<{ start_time: string; available: boolean }> }> }>;
}

const madridDate = (instant: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

function madridInstant(date: string, time: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' }).format(probe));
  return `${date}T${time}:00+${String(hour - 12).padStart(2, '0')}:00`;
}

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(SKIP_REASON !== null)(`front desk payments and time blocks, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let token = '';
  let ownerId = '';
  let day = '';
  let daysAhead = 0;
  let marta: Named;
  let corte = '';
  let bookingId = '';
  let pendingId = '';

  const api = async <T>(path: string, init: RequestInit & { tenant?: string } = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.tenant ? { 'x-tenant': init.tenant } : { authorization: `Bearer ${token}` }),
      },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  /** Whether the public booking page offers Corte with Marta at `time` on the test's day. */
  const offered = async (time: string): Promise<boolean> => {
    const answer = await api<Availability>(`/availability?service_id=${corte}&resource_id=${marta.id}&from_date=${day}&to_date=${day}`, { tenant: 'demo' });
    const slots = answer.data.resources[0]?.dates[0]?.slots ?? [];
    return slots.some((slot) => slot.available && Date.parse(slot.start_time) === Date.parse(madridInstant(day, time)));
  };

  const chromium = setUpProductAndChromium(product, { prepare: createBookings });

  /** The demo's ids, the test's day, and on it two Coloración bookings with Marta: one whose deposit was paid online, one still to pay it. */
  async function createBookings(): Promise<void> {
    token = await product.demoOwnerToken();
    ownerId = (await api<{ user: { id: string } }>('/auth/me')).data.user.id;
    marta = (await api<Named[]>('/resources?limit=100')).data.find((resource) => resource.name === 'Marta') as Named;
    const services = (await api<Named[]>('/services?limit=100')).data;
    corte = services.find((service) => service.name === 'Corte')?.id ?? '';
    const coloracion = services.find((service) => service.name === 'Coloración')?.id ?? '';
    const [location] = (await api<Named[]>('/locations')).data;
    const closures = (await api<Array<{ closure_date: string }>>(`/locations/${location?.id ?? ''}/closures`)).data.map((closure) => closure.closure_date);
    // A Monday-to-Friday date at least four days ahead that is not a closure (the demo's own bookings sit earlier).
    const today = madridDate(new Date());
    for (daysAhead = 4; ; daysAhead += 1) {
      day = addDays(today, daysAhead);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday >= 1 && weekday <= 5 && !closures.includes(day)) break;
    }
    // Coloración (65.00 €, 30 % deposit) with Marta at 10:00, its deposit paid online with the sandbox's test card.
    const created = await api<{ id: string; status: string; pricing: { deposit_paid: number } }>('/bookings', {
      method: 'POST',
      body: JSON.stringify({
        service_id: coloracion,
        resource_id: marta.id,
        start_time: madridInstant(day, '10:00'),
        customer: { first_name: 'Carmen', last_name: 'Caja', email: 'carmen.caja@example.com', phone: '+34600111222' },
        payment_method_id: 'pm_card_visa',
        source: 'admin',
      }),
    });
    if (created.status !== 201 || created.data.status !== 'confirmed') throw new Error(`the deposit booking answered ${created.status}: ${JSON.stringify(created.data)}`);
    expect(created.data.pricing.deposit_paid).toBe(1950);
    bookingId = created.data.id;
    // Another Coloración whose deposit is still to pay online: the desk hands the customer its payment link.
    const pending = await api<{ id: string; status: string }>('/bookings', {
      method: 'POST',
      body: JSON.stringify({
        service_id: coloracion,
        resource_id: marta.id,
        start_time: madridInstant(day, '12:00'),
        customer: { first_name: 'Paula', last_name: 'Pendiente', email: 'paula.pendiente@example.com' },
        source: 'admin',
      }),
    });
    if (pending.status !== 201 || pending.data.status !== 'pending_payment') throw new Error(`the pending booking answered ${pending.status}: ${JSON.stringify(pending.data)}`);
    pendingId = pending.data.id;
  }

  /** Signs in at `screen`'s viewport and locale and opens the calendar on the test's day. */
  async function openCalendarDay(screen: Pick<AdminScreenOptions, 'width' | 'height' | 'locale' | 'touch'>): Promise<WatchedScreen> {
    const opened = await openAdminAt(chromium.browser, product, { ...screen, path: '/admin/calendar', ready: '[data-testid="calendar-grid"]', wait: POLL });
    const { page } = opened;
    await page.locator('[data-testid="calendar-page"] h1').click();
    for (let step = 0; step < daysAhead; step += 1) await page.keyboard.press('n');
    await page.waitForSelector(`[data-testid="calendar-column"][data-date="${day}"]`, POLL);
    return opened;
  }

  const martaColumn = (page: Page) => page.locator(`[data-testid="calendar-column"][data-resource-id="${marta.id}"][data-date="${day}"]`);

  it('takes the balance in cash and blocks an hour for a break (es, 1280 px)', async () => {
    const screen = await openCalendarDay({ width: 1280, height: 1000, locale: 'es-ES' });
    const { page } = screen;

    await page.locator(`[data-testid="calendar-booking"][data-booking-id="${bookingId}"]`).click();
    await expect.poll(() => page.textContent('[data-testid="balance-due"]'), POLL).toMatch(/Pendiente de pago: 45,50\s€/);
    await page.waitForSelector('[data-testid="payment-row"][data-method="online"]', POLL);
    await expectAccessible(page, 'drawer with balance es');
    await page.click('[data-testid="take-payment"]');
    await page.waitForSelector('[data-testid="take-payment-form"]', POLL);
    expect(await page.textContent('[data-testid="take-payment-due"]')).toMatch(/45,50\s€/);
    expect(await page.inputValue('[data-testid="take-payment-amount"]')).toBe('45,50');
    await expectScreenReads(page, { label: 'take payment es', screenshot: 'admin-take-payment-es-1280.png', fullPage: false });
    await page.getByText('Efectivo', { exact: true }).click();
    await page.click('[data-testid="take-payment-submit"]');
    await page.waitForSelector('[data-testid="take-payment-form"]', { state: 'detached', ...POLL });

    await expect.poll(() => page.textContent('[data-testid="balance-due"]'), POLL).toBe('Pagado por completo');
    const cash = page.locator('[data-testid="payment-row"][data-method="cash"]');
    await cash.waitFor(POLL);
    expect(await cash.textContent()).toMatch(/Efectivo · 45,50\s€.*registrado por ti/);
    const payments = (await api<Payment[]>(`/payments?booking_id=${bookingId}`)).data;
    expect(payments.filter((payment) => payment.method === 'cash')).toEqual([expect.objectContaining({ amount: 4550, recorded_by: ownerId })]);
    await expectScreenReads(page, { label: 'drawer paid es', screenshot: 'admin-paid-es-1280.png', fullPage: false });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="balance-due"]', { state: 'detached', ...POLL });

    // Drag over Marta's empty 16:00–17:00.
    expect(await offered('16:00')).toBe(true);
    const grid = page.locator('[data-testid="calendar-grid"]');
    const gridStart = Number(await grid.getAttribute('data-grid-start'));
    const perMinute = Number(await grid.getAttribute('data-px-per-minute'));
    await grid.evaluate((element, top) => {
      element.scrollTop = top;
    }, (16 * 60 - gridStart) * perMinute - 200);
    const box = await martaColumn(page).boundingBox();
    if (!box) throw new Error("Marta's column is not on screen");
    const yAt = (minute: number) => box.y + (minute - gridStart) * perMinute + 6;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, yAt(16 * 60));
    await page.mouse.down();
    await page.mouse.move(x, yAt(16 * 60 + 45), { steps: 8 });
    await page.waitForSelector('[data-testid="calendar-selection"]', POLL);
    await page.mouse.up();
    await page.waitForSelector('[data-testid="block-time-form"]', POLL);
    expect(await page.inputValue('[data-testid="block-start"]')).toBe('16:00');
    expect(await page.inputValue('[data-testid="block-end"]')).toBe('17:00');
    expect(await page.inputValue('[data-testid="block-reason"]')).toBe('Descanso');
    await expectScreenReads(page, { label: 'block form es', screenshot: 'admin-block-form-es-1280.png', fullPage: false });
    await page.click('[data-testid="block-submit"]');
    await page.waitForSelector('[data-testid="block-time-form"]', { state: 'detached', ...POLL });

    const shaded = martaColumn(page).locator('[data-testid="calendar-block"][data-reason="break"]');
    await shaded.waitFor(POLL);
    expect(await shaded.textContent()).toBe('Descanso');
    expect(await shaded.getAttribute('aria-label')).toBe('Descanso 16:00–17:00');
    expect(await offered('16:00')).toBe(false);
    expect(await offered('16:30')).toBe(false);
    expect(await offered('17:00')).toBe(true);
    await expectScreenReads(page, { label: 'calendar with a block es', screenshot: 'admin-calendar-block-es-1280.png', fullPage: false });
    await expectCleanClose(screen);
  }, 180_000);

  it('shows the payments on a phone and removes the block with the keyboard (en, 360 px)', async () => {
    const screen = await openCalendarDay({ width: 360, height: 780, locale: 'en-GB', touch: true });
    const { page } = screen;
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    await page.locator(`[data-testid="calendar-booking"][data-booking-id="${bookingId}"]`).click();
    await expect.poll(() => page.textContent('[data-testid="balance-due"]'), POLL).toBe('Paid in full');
    expect(await page.locator('[data-testid="payment-row"][data-method="cash"]').textContent()).toMatch(/Cash · €45\.50.*recorded by you/);
    expect(await page.$('[data-testid="take-payment"]')).toBeNull();
    await expectScreenReads(page, { label: 'drawer paid en 360 px', screenshot: 'admin-paid-en-360.png', fullPage: false });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="balance-due"]', { state: 'detached', ...POLL });

    // The booking still waiting for its deposit: no desk payment, but the link to pay it online.
    await page.locator(`[data-testid="calendar-booking"][data-booking-id="${pendingId}"]`).click();
    await page.click('[data-testid="payment-link"]');
    const link = await page.locator('[data-testid="payment-link-url"]').inputValue();
    expect(link).toMatch(new RegExp(`^${product.baseUrl}/pay/[A-Za-z0-9_-]{64}$`));
    expect(await page.$('[data-testid="take-payment"]')).toBeNull();
    await expectAccessible(page, 'payment link en 360 px');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="payment-link-url"]', { state: 'detached', ...POLL });

    const shaded = martaColumn(page).locator('[data-testid="calendar-block"]');
    await shaded.waitFor(POLL);
    expect(await shaded.getAttribute('aria-label')).toBe('Break 4:00 PM–5:00 PM');
    await shaded.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="block-detail"]', POLL);
    await expectScreenReads(page, { label: 'block detail en 360 px', screenshot: 'admin-block-detail-en-360.png', fullPage: false });
    await page.locator('[data-testid="block-remove"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="block-detail"]', { state: 'detached', ...POLL });
    await expect.poll(() => shaded.count(), POLL).toBe(0);
    expect(await offered('16:00')).toBe(true);
    await expectCleanClose(screen);
  }, 180_000);
});
