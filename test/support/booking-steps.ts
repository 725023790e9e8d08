/**
 * Steps of the booking page shared by its browser tests: choosing a service and a free day,
 * keeping each step as screenshots at 360 and 1280 px with axe-core's verdict at both widths,
 * moving by keyboard alone, and asking the API, as the demo owner, what was booked.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { request } from './http.ts';
import { expectAccessible, WEB_ARTIFACTS, type ProductProcess } from './product-process.ts';

export const POLL = { timeout: 15_000, interval: 100 };
const WIDTHS = [360, 1280] as const;

/**
 * The step as it stands, at a phone's and a desktop's width: a full-page screenshot each
 * (`booking-flow-{name}-{width}.png`), axe-core at each, and no sideways scrolling; then the
 * page goes back to the width it had.
 */
export async function captureStep(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 360, height: 800 };
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.screenshot({ path: join(WEB_ARTIFACTS, `booking-flow-${name}-${width}.png`), fullPage: true });
    await expectAccessible(page, `${name} at ${width} px`);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${name} scrolls sideways at ${width} px`).toBe(true);
  }
  await page.setViewportSize(viewport);
}

async function calendarSettled(page: Page): Promise<void> {
  await expect.poll(async () => (await page.$('[data-testid="slots-loading"]')) === null, POLL).toBe(true);
}

/**
 * The booking page (the demo's, or `slug`'s) → the service named `service` → a day with free times (the first, or the
 * first after the location's today with `notToday`, moving on a month when needed) → its times.
 */
export async function chooseServiceAndDay(
  page: Page,
  baseUrl: string,
  options: { service?: string; notToday?: boolean; capture?: string; slug?: string } = {},
): Promise<string> {
  const slug = options.slug ?? 'demo';
  await page.goto(`${baseUrl}/book/${slug}`);
  await page.waitForSelector('[data-testid="service-card"]');
  await page.click(options.service ? `[data-testid="service-card"]:has-text("${options.service}")` : '[data-testid="service-card"] >> nth=0');
  await page.waitForURL(new RegExp(`/book/${slug}/[0-9a-f-]{36}$`));
  await page.waitForSelector('[data-testid="date-picker"]');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
  let day: string | null = null;
  for (let month = 0; month < 3 && day === null; month += 1) {
    await calendarSettled(page);
    const dates = await page.$$eval('[data-testid="date-day"]', (nodes) => nodes.map((node) => node.getAttribute('data-date') ?? ''));
    day = dates.find((date) => !options.notToday || date > today) ?? null;
    if (day === null) await page.click('.next-month');
  }
  if (day === null) throw new Error('no free day in three months');
  if (options.capture) await captureStep(page, options.capture);
  await page.click(`[data-testid="date-day"][data-date="${day}"]`);
  await page.waitForSelector('[data-testid="available-slot"]');
  return day;
}

/** Tab (or Shift+Tab) until `selector` has the focus: the page is used as a keyboard user would. */
export async function tabTo(page: Page, selector: string, options: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let step = 0; step < (options.max ?? 60); step += 1) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} was not reached by keyboard`);
}

export interface StaffBooking {
  booking_number: string;
  status: string;
  group_id: string | null;
  start_time: string;
  end_time: string;
  service: { name: string };
  resource: { id: string };
  customer: { email: string | null };
}

/** The booking with that number as the business sees it. */
export async function bookingByNumber(product: ProductProcess, number: string): Promise<StaffBooking | null> {
  const token = await product.demoOwnerToken();
  const found = await request<StaffBooking[]>(product.baseUrl, 'GET', `/api/v1/bookings?search=${number}`, { token });
  return found.body.data.find((booking) => booking.booking_number === number) ?? null;
}
