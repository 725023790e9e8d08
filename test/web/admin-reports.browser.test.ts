/**
 * The dashboard's Reports page in a real browser against the real product process. Twelve past
 * bookings of the demo salon (three services, three staff, over two months) are written with the
 * product stopped — no API books in the past — and the rollups rebuilt with `analytics:rebuild`.
 * The owner opens Reports and reads the figures the API gives, changes the period (the URL
 * follows, the figures change), reloads (the same view), exports a table as CSV (and reads a row
 * of it), opens a custom period with no bookings (the empty state); a staff member sees only their
 * own figures. No console error (CSP violations included); axe-core checks each screen;
 * screenshots at 360 px and 1280 px in English and Spanish go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { type AdminCredentials, setChecked, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-reports.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const STAFF = { email: 'staff@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Past bookings: days before today (Madrid), local time, service, staff member, status. */
const PAST: Array<[number, string, string, string, string]> = [
  [2, '10:00', 'Corte', 'Marta', 'completed'],
  [2, '11:00', 'Corte', 'Javier', 'completed'],
  [4, '12:00', 'Coloración', 'Marta', 'completed'],
  [5, '10:00', 'Corte', 'Javier', 'no_show'],
  [6, '17:00', 'Masaje relajante', 'Lucía', 'completed'],
  [9, '10:00', 'Corte', 'Marta', 'cancelled'],
  [12, '16:00', 'Coloración', 'Marta', 'completed'],
  [15, '10:30', 'Corte', 'Javier', 'completed'],
  [20, '11:00', 'Masaje relajante', 'Lucía', 'confirmed'],
  [25, '18:00', 'Corte', 'Marta', 'completed'],
  [50, '10:00', 'Corte', 'Marta', 'completed'],
  [60, '12:00', 'Coloración', 'Javier', 'completed'],
];

/** The SQL that writes one past booking of the demo tenant, at `time` local on the day `daysAgo` before today in Madrid. */
function pastBooking(index: number, [daysAgo, time, service, staff, status]: (typeof PAST)[number]): string {
  const start = `((date_trunc('day', now() at time zone '${ZONE}') - interval '${daysAgo} days' + interval '${time.replace(':', ' hours ')} minutes') at time zone '${ZONE}')`;
  return `
    with t as (select id from tenants where slug = 'demo'),
      s as (select * from services where tenant_id = (select id from t) and name = '${service}'),
      r as (select * from resources where tenant_id = (select id from t) and name = '${staff}'),
      l as (select * from locations where id = (select location_id from r)),
      c as (select id from customers where tenant_id = (select id from t) order by created_at, id offset ${index % 3} limit 1)
    insert into bookings (tenant_id, business_id, location_id, service_id, resource_id, customer_id, booking_number, status,
      start_time, end_time, service_name, resource_name, resource_type, time_zone, base_price, total_price, deposit_required, deposit_paid,
      currency, customer_type, source, created_at)
    select (select id from t), l.business_id, l.id, s.id, r.id, (select id from c), 'BK-RPTQ2X${ALPHABET[index]}', '${status}',
      ${start}, ${start} + make_interval(mins => s.duration_minutes), s.name, r.name, r.type, '${ZONE}', s.price_amount, s.price_amount, 0, 0,
      s.currency, 'guest', 'admin', ${start} - interval '3 days'
    from s, r, l`;
}

function madridToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(SKIP_REASON !== null)(`dashboard reports, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  const today = madridToday();
  const last30 = `from=${addDays(today, -29)}&to=${today}`;
  const last7 = `from=${addDays(today, -6)}&to=${today}`;

  const api = async <T>(path: string, bearer = token): Promise<T> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { data: T }).data;
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start();
    // The demo's schedules start today: they are moved back so that the past has working hours too.
    const schedules = `update schedules set start_date = start_date - 120 where tenant_id = (select id from tenants where slug = 'demo')`;
    await product.restartAfterSql([schedules, ...PAST.map((booking, index) => pastBooking(index, booking))], 120_000, [['analytics:rebuild']]);
    token = await product.demoOwnerToken();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function signIn(page: Page, who: AdminCredentials): Promise<void> {
    // The desk's list has loaded: leaving it earlier would cut its request short.
    await signInToAdmin(page, product.baseUrl, who, '[data-testid="booking-row"], [data-testid="desk-empty"]', POLL);
  }

  /** Waits until the key figures and every report card have finished loading. */
  async function settled(page: Page): Promise<void> {
    await expect.poll(() => page.textContent('[data-testid="kpi-bookings-value"]'), POLL).not.toBe('…');
    await expect.poll(() => page.locator('[aria-busy="true"]').count(), POLL).toBe(0);
  }

  const bookingsShown = async (page: Page) => page.textContent('[data-testid="kpi-bookings-value"]');

  it('the owner reads the figures of the API, changes the period, reloads and exports CSV (en, 1280 px)', async () => {
    const overview30 = await api<{ current: { bookings: { total: number }; no_show_rate_bps: number } }>(`/analytics/reports/overview?${last30}`);
    const overview7 = await api<{ current: { bookings: { total: number } } }>(`/analytics/reports/overview?${last7}`);
    // The seeded bookings, as the rollups count them: ten in the last 30 days, five in the last 7.
    expect(overview30.current.bookings.total).toBe(10);
    expect(overview7.current.bookings.total).toBe(5);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page, OWNER);
    await page.click('[data-testid="nav-reports"]');
    await page.waitForURL('**/admin/reports', POLL);
    await page.mouse.move(900, 10);
    await settled(page);
    expect(await bookingsShown(page)).toBe('10');
    expect(await page.textContent('[data-testid="kpi-no-show-value"]')).toBe(`${overview30.current.no_show_rate_bps / 100}%`);
    // The services table says what the API says, row by row.
    const services30 = await api<Array<{ name: string; bookings: number }>>(`/analytics/reports/services?${last30}`);
    const rows = await page.locator('[data-testid="table-services"] tbody tr').allTextContents();
    expect(rows).toHaveLength(services30.length);
    expect(rows[0]).toContain(services30[0]?.name);
    // Staff bars and the heat map are there, with Marta's hours.
    expect(await page.locator('[data-testid="staff-chart"] > div').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="heatmap-table"] td[data-level="4"], [data-testid="heatmap-table"] td[data-level="3"], [data-testid="heatmap-table"] td[data-level="2"], [data-testid="heatmap-table"] td[data-level="1"]').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'reports en 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-reports-en-1280.png'), fullPage: true });

    // Last 7 days: the URL says so and the figures change.
    await page.click('[data-testid="filter-period"]');
    await page.getByRole('option', { name: 'Last 7 days' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period'), POLL).toBe('last7');
    await expect.poll(() => bookingsShown(page), POLL).toBe('5');
    await settled(page);

    // A reload (or the same link shared) shows the same view.
    await page.reload();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('period')).toBe('last7');
    expect(await page.inputValue('[data-testid="filter-period"]')).toBe('Last 7 days');
    expect(await bookingsShown(page)).toBe('5');

    // CSV of the services table: the file the API writes for this period, with Corte's row.
    const services7 = await api<Array<{ service_id: string; name: string; bookings: number; completed: number; no_show: number; service_revenue: number }>>(`/analytics/reports/services?${last7}`);
    const corte = services7.find((row) => row.name === 'Corte');
    expect(corte).toMatchObject({ bookings: 3, completed: 2, no_show: 1 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-services-csv"]')]);
    expect(download.suggestedFilename()).toBe(`services-${addDays(today, -6)}-${today}.csv`);
    const csv = readFileSync((await download.path()) ?? '', 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('service_id,name,currency,bookings,completed,cancelled,no_show,service_revenue,cost_per_booking,total_cost,profit,margin_bps');
    const corteRow = csv.find((line) => line.startsWith(`${corte?.service_id},Corte,`))?.split(',');
    expect(corteRow?.slice(2, 8)).toEqual(['EUR', '3', '2', '0', '1', String(corte?.service_revenue)]);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-heatmap-xlsx"]')]);
    expect(readFileSync((await xlsx.path()) ?? '').subarray(0, 2).toString()).toBe('PK');

    // A period without bookings says so.
    await page.goto(`${product.baseUrl}/admin/reports?period=custom&from=2020-01-01&to=2020-01-31`);
    await page.waitForSelector('[data-testid="reports-empty"]', POLL);
    await settled(page);
    expect(await bookingsShown(page)).toBe('0');
    expect(await page.inputValue('[data-testid="filter-period"]')).toBe('Custom range');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-reports-empty-en-1280.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  for (const [language, locale, width] of [
    ['en', 'en-GB', 360],
    ['es', 'es-ES', 1280],
    ['es', 'es-ES', 360],
  ] as const) {
    it(`fits ${width} px in ${language === 'en' ? 'English' : 'Spanish'}: numbers and money in the reader's format`, async () => {
      const phone = width === 360;
      const context: BrowserContext = await browser.newContext({ viewport: { width, height: phone ? 780 : 900 }, locale, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
      const { page, problems } = await openWatchedPage(context);
      await signIn(page, OWNER);
      await page.goto(`${product.baseUrl}/admin/reports?period=last90`);
      await settled(page);
      expect(await bookingsShown(page)).toBe('12');
      const revenue = (await page.textContent('[data-testid="kpi-revenue-value"]')) ?? '';
      expect(revenue).toMatch(language === 'es' ? /^[\d.]+,\d{2}\s€$/ : /^€[\d,]+\.\d{2}$/);
      expect(await page.textContent('h1')).toBe(language === 'es' ? 'Informes' : 'Reports');
      if (phone) expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await expectAccessible(page, `reports ${language} ${width}`);
      await page.screenshot({ path: join(WEB_ARTIFACTS, `admin-reports-${language}-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('a staff member sees their own figures only (en, 1280 px)', async () => {
    // The owner links the demo staff account to Marta.
    const resources = await api<Array<{ id: string; name: string }>>('/resources?limit=100');
    const marta = resources.find((resource) => resource.name === 'Marta');
    const staffLogin = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...STAFF, tenant_slug: 'demo' }) });
    const staffToken = ((await staffLogin.json()) as { data: { access_token: string } }).data.access_token;
    const me = await api<{ user: { id: string } }>('/auth/me', staffToken);
    const linked = await fetch(`${product.baseUrl}/api/v1/resources/${marta?.id ?? ''}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: me.user.id }),
    });
    expect(linked.status).toBe(200);
    const own = await api<{ current: { bookings: { total: number } } }>(`/analytics/me/overview?${last30}`, staffToken);
    // Marta's bookings in the last 30 days: five of the ten.
    expect(own.current.bookings.total).toBe(5);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page, STAFF);
    await page.click('[data-testid="nav-reports"]');
    // The pointer leaves the navigation (a hovered link is not what axe-core should judge).
    await page.mouse.move(900, 10);
    await settled(page);
    expect(await page.textContent('h1')).toBe('My figures');
    expect(await bookingsShown(page)).toBe('5');
    expect(await page.locator('[data-testid="table-staff"] tbody tr').allTextContents()).toEqual([expect.stringContaining('Marta')]);
    // Nothing of the business as a whole: no staff filter, no funnel, no customer figures.
    expect(await page.$('[data-testid="filter-staff"]')).toBeNull();
    expect(await page.$('[data-testid="report-funnel"]')).toBeNull();
    expect(await page.$('[data-testid="kpi-customers"]')).toBeNull();
    expect(await page.$('[data-testid="weekly-summary-toggle"]')).toBeNull();
    await expectAccessible(page, 'own reports');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-reports-staff-en-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('the owner turns the weekly summary e-mail on and off from Reports', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page, OWNER);
    await page.goto(`${product.baseUrl}/admin/reports?${last30}`);
    const toggle = page.locator('[data-testid="weekly-summary-toggle"]');
    await toggle.waitFor(POLL);
    expect(await toggle.isChecked()).toBe(false);
    await setChecked(page, toggle, true);
    await expect.poll(async () => (await api<{ enabled: boolean }>('/analytics/weekly-summary')).enabled, POLL).toBe(true);
    await page.reload();
    await page.locator('[data-testid="weekly-summary-toggle"]').waitFor(POLL);
    expect(await page.locator('[data-testid="weekly-summary-toggle"]').isChecked()).toBe(true);
    await setChecked(page, page.locator('[data-testid="weekly-summary-toggle"]'), false);
    await expect.poll(async () => (await api<{ enabled: boolean }>('/analytics/weekly-summary')).enabled, POLL).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
