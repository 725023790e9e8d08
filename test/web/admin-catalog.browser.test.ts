/**
 * The dashboard's catalogue screens in a real browser against the real product process. The owner
 * creates a service with every field a business sets (timing, price, a percentage deposit, two
 * refund tiers and guests' own terms, who delivers it) and the API reads it back field by field;
 * changes its price; adds a price tier; adds a category inline and moves the service into it; is
 * refused a duration of 0 in words (nothing is created). On the resources page the owner adds a
 * room that delivers the new service, and the API has the link on the service. axe-core checks
 * both pages; screenshots at 1280 px and 360 px in Spanish and English go to test-artifacts/web/.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { setChecked, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-catalog.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const NAME = 'Manicura semipermanente';

interface Named {
  id: string;
  name: string;
}
interface ApiService extends Named {
  category_id: string | null;
  description: string | null;
  duration_minutes: number;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  capacity: number;
  slot_interval_minutes: number;
  min_notice_minutes: number;
  max_advance_days: number;
  price: { amount: number; currency: string };
  cost_amount: number | null;
  deposit: { type: string; value?: number };
  cancellation_policy: unknown;
  resource_ids: string[];
  status: string;
}

describe.skipIf(SKIP_REASON !== null)(`dashboard catalogue (services, resources), in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let marta: Named;
  let hair: Named;
  let created: ApiService | null = null;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };
  const serviceNamed = async (name: string) => (await api<ApiService[]>('/services?limit=100')).data.find((service) => service.name === name);

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    marta = (await api<Named[]>('/resources?limit=100')).data.find((resource) => resource.name === 'Marta') as Named;
    hair = (await api<Named[]>('/service-categories?limit=100')).data.find((category) => category.name === 'Peluquería') as Named;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function open(page: Page, path: 'services' | 'resources'): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', { ...POLL, state: 'attached' });
    // Settings are a folded group of the navigation: straight to the page (the session survives the load).
    await page.goto(`${product.baseUrl}/admin/settings/${path}`);
    await page.waitForSelector(path === 'services' ? '[data-testid="service-row"]' : '[data-testid="resource-row"]', POLL);
  }

  /** Picks `option` in the Mantine Select whose input carries `testId`. */
  async function choose(page: Page, testId: string, option: string | RegExp): Promise<void> {
    await page.click(`[data-testid="${testId}"]`);
    await page.getByRole('option', { name: option }).click();
  }

  it('creates a service with a deposit and refund tiers, edits its price, adds a price tier, moves it to a new category; refuses a duration of 0 in words (en)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await open(page, 'services');
    expect(await page.locator('[data-testid="service-group"]').count()).toBeGreaterThanOrEqual(2);
    await expectAccessible(page, 'services en');
    const before = (await api<ApiService[]>('/services?limit=100')).data.length;

    // A duration of 0: refused in words next to the field, nothing sent.
    await page.click('[data-testid="service-new"]');
    await page.waitForSelector('[data-testid="service-form"]', POLL);
    await page.fill('[data-testid="service-name"]', NAME);
    await page.fill('[data-testid="service-duration"]', '0');
    await page.fill('[data-testid="service-price"]', '32.50');
    await page.click('[data-testid="service-save"]');
    await page.getByText('The duration must be a whole number of minutes from 1 to 1440 (24 hours).').waitFor(POLL);
    expect(await page.textContent('[data-testid="service-error"]')).toContain('Some fields need a change');
    expect((await api<ApiService[]>('/services?limit=100')).data.length).toBe(before);

    // Every field a business sets.
    await page.fill('[data-testid="service-duration"]', '45');
    await page.fill('[data-testid="service-description"]', 'Esmaltado que dura tres semanas.');
    await choose(page, 'service-category', 'Peluquería');
    await page.fill('[data-testid="service-buffer-before"]', '5');
    await page.fill('[data-testid="service-buffer-after"]', '10');
    await page.fill('[data-testid="service-slot-interval"]', '15');
    await page.fill('[data-testid="service-min-notice"]', '120');
    await page.fill('[data-testid="service-max-advance"]', '60');
    await page.fill('[data-testid="service-cost"]', '8');
    await page.locator('[data-testid="service-deposit-type"]').getByText('Percent').click();
    await page.fill('[data-testid="service-deposit-value"]', '20');
    await setChecked(page, page.locator('[data-testid="service-policy-on"]'), true);
    await page.fill('[data-testid="service-window"]', '24');
    const rules = page.locator('[data-testid="service-rules"]');
    await page.click('[data-testid="add-rules"]');
    await page.click('[data-testid="add-rules"]');
    await rules.locator('[data-testid="rule-hours"]').nth(0).fill('48');
    await rules.locator('[data-testid="rule-percent"]').nth(0).fill('100');
    await rules.locator('[data-testid="rule-hours"]').nth(1).fill('24');
    await rules.locator('[data-testid="rule-percent"]').nth(1).fill('50');
    await setChecked(page, page.locator('[data-testid="service-keep-deposit"]'), false);
    await page.fill('[data-testid="service-max-reschedules"]', '2');
    await setChecked(page, page.locator('[data-testid="service-guest-on"]'), true);
    await page.fill('[data-testid="service-guest-window"]', '48');
    await page.click('[data-testid="add-guestRules"]');
    const guestRules = page.locator('[data-testid="service-guestRules"]');
    await guestRules.locator('[data-testid="rule-hours"]').fill('72');
    await guestRules.locator('[data-testid="rule-percent"]').fill('100');
    await setChecked(page, page.locator(`[data-testid="service-resource"][data-resource-id="${marta.id}"]`), true);
    await expectAccessible(page, 'service form en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-catalog-service-form-en-1280.png') });
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-form"]', { state: 'detached', ...POLL });
    expect(await page.textContent('[data-testid="services-notice"]')).toContain(`“${NAME}” is created.`);

    const listed = await serviceNamed(NAME);
    created = (await api<ApiService>(`/services/${listed?.id ?? 'missing'}`)).data;
    expect(created).toMatchObject({
      name: NAME,
      description: 'Esmaltado que dura tres semanas.',
      category_id: hair.id,
      duration_minutes: 45,
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      capacity: 1,
      slot_interval_minutes: 15,
      min_notice_minutes: 120,
      max_advance_days: 60,
      price: { amount: 3250, currency: 'EUR' },
      cost_amount: 800,
      deposit: { type: 'percentage', value: 20 },
      resource_ids: [marta.id],
      status: 'active',
    });
    expect(created.cancellation_policy).toEqual({
      window_hours: 24,
      rules: [
        { min_hours: 48, refund_percentage: 100 },
        { min_hours: 24, refund_percentage: 50 },
      ],
      guest: { window_hours: 48, rules: [{ min_hours: 72, refund_percentage: 100 }] },
      no_show: { keep_deposit: false },
      reschedule: { max_reschedules: 2 },
    });
    const row = page.locator(`[data-testid="service-row"][data-service-id="${created.id}"]`);
    expect(await row.textContent()).toContain('€32.50');
    expect(await row.textContent()).toContain('Deposit 20 %');

    // Its price: 35 €, the rest unchanged.
    await row.locator('[data-testid="service-edit"]').click();
    await page.waitForSelector('[data-testid="service-form"]', POLL);
    expect(await page.inputValue('[data-testid="service-price"]')).toBe('32.50');
    await page.fill('[data-testid="service-price"]', '35');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-form"]', { state: 'detached', ...POLL });
    const repriced = (await api<ApiService>(`/services/${created.id}`)).data;
    expect(repriced.price).toEqual({ amount: 3500, currency: 'EUR' });
    expect({ ...repriced, price: created.price, updated_at: null }).toEqual({ ...created, updated_at: null });
    await expect.poll(async () => (await row.textContent()) ?? '', POLL).toContain('€35.00');

    // A weekend price tier, as the pricing API has it.
    await row.locator('[data-testid="service-edit"]').click();
    await page.click('[data-testid="tier-add"]');
    await page.fill('[data-testid="tier-name"]', 'Fin de semana');
    await page.fill('[data-testid="tier-price"]', '40');
    await setChecked(page, page.getByRole('checkbox', { name: 'Sat' }), true);
    await setChecked(page, page.getByRole('checkbox', { name: 'Sun' }), true);
    await page.click('[data-testid="tier-save"]');
    await page.waitForSelector('[data-testid="tier-row"]', POLL);
    const tiers = (await api<Array<{ name: string; base_price: number; currency: string; conditions: unknown; is_default: boolean }>>(`/services/${created.id}/pricing`)).data;
    expect(tiers).toEqual([expect.objectContaining({ name: 'Fin de semana', base_price: 4000, currency: 'EUR', is_default: false, conditions: { days: [6, 7] } })]);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-catalog-service-tiers-en-1280.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="service-form"]', { state: 'detached', ...POLL });

    // A new category, inline, and the service moved into it.
    await page.fill('[data-testid="category-new"]', 'Uñas');
    await page.click('[data-testid="category-add"]');
    await page.waitForSelector('[data-testid="category-chip"] >> text=Uñas', POLL);
    const nails = (await api<Named[]>('/service-categories?limit=100')).data.find((category) => category.name === 'Uñas');
    expect(nails).toBeDefined();
    await row.locator('[data-testid="service-edit"]').click();
    await choose(page, 'service-category', 'Uñas');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-form"]', { state: 'detached', ...POLL });
    expect((await api<ApiService>(`/services/${created.id}`)).data.category_id).toBe(nails?.id);
    await page.waitForSelector(`[data-testid="service-group"][data-category-id="${nails?.id ?? ''}"] [data-service-id="${created.id}"]`, POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-catalog-services-after-en-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('adds a room that delivers the new service; the API has the link on the service (en)', async () => {
    if (!created) throw new Error('the first journey made no service');
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await open(page, 'resources');
    await expectAccessible(page, 'resources en');
    await page.click('[data-testid="resource-new"]');
    await page.waitForSelector('[data-testid="resource-form"]', POLL);
    await page.locator('[data-testid="resource-type"]').getByText('Room').click();
    await page.fill('[data-testid="resource-name"]', 'Cabina 2');
    await setChecked(page, page.locator(`[data-testid="resource-service"][data-service-id="${created.id}"]`), true);
    await expectAccessible(page, 'resource form en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-catalog-resource-form-en-1280.png') });
    await page.click('[data-testid="resource-save"]');
    await page.waitForSelector('[data-testid="resource-form"]', { state: 'detached', ...POLL });

    const rooms = (await api<Array<Named & { type: string; status: string; location_id: string }>>('/resources?type=room&limit=100')).data;
    const room = rooms.find((resource) => resource.name === 'Cabina 2');
    expect(room).toMatchObject({ type: 'room', status: 'active' });
    const service = (await api<ApiService>(`/services/${created.id}`)).data;
    expect(service.resource_ids.sort()).toEqual([marta.id, room?.id].sort());
    const delivering = (await api<Named[]>(`/services?resource_id=${room?.id ?? ''}&limit=100`)).data.map((item) => item.id);
    expect(delivering).toEqual([created.id]);
    const row = page.locator(`[data-testid="resource-row"][data-resource-id="${room?.id ?? ''}"]`);
    await expect.poll(async () => (await row.textContent()) ?? '', POLL).toContain(`Delivers: ${NAME}`);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-catalog-resources-en-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);

  it('reads in Spanish and English at 1280 px and fits a phone at 360 px', async () => {
    for (const [language, locale] of [['es', 'es-ES'], ['en', 'en-GB']] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale });
      const { page, problems } = await openWatchedPage(context);
      for (const path of ['services', 'resources'] as const) {
        if (path === 'services') await open(page, path);
        else {
          await page.goto(`${product.baseUrl}/admin/settings/resources`);
          await page.waitForSelector('[data-testid="resource-row"]', POLL);
        }
        await page.setViewportSize({ width: 1280, height: 1000 });
        if (language === 'es') {
          expect(await page.textContent('h1')).toBe(path === 'services' ? 'Servicios' : 'Profesionales y salas');
          await expectAccessible(page, `${path} es`);
        }
        await page.screenshot({ path: join(ARTIFACTS, `admin-catalog-${path}-${language}-1280.png`) });
        await page.setViewportSize({ width: 360, height: 780 });
        await page.waitForTimeout(200);
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
        await expectAccessible(page, `${path} ${language} 360 px`);
        await page.screenshot({ path: join(ARTIFACTS, `admin-catalog-${path}-${language}-360.png`) });
      }
      // The service form on a phone: one column, nothing sideways.
      await page.goto(`${product.baseUrl}/admin/settings/services`);
      await page.waitForSelector('[data-testid="service-row"]', POLL);
      await page.click('[data-testid="service-new"]');
      await page.waitForSelector('[data-testid="service-form"]', POLL);
      await setChecked(page, page.locator('[data-testid="service-policy-on"]'), true);
      await page.click('[data-testid="add-rules"]');
      await page.screenshot({ path: join(ARTIFACTS, `admin-catalog-service-form-${language}-360.png`) });
      // Nothing in the form is wider than the form.
      const overflowing = await page.$eval('[data-testid="service-form"]', (form) => {
        const limit = form.getBoundingClientRect().right + 1;
        return [...form.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > limit).map((element) => `${element.tagName}.${element.className}`).slice(0, 5);
      });
      expect(overflowing).toEqual([]);
      await expectAccessible(page, `service form ${language} 360 px`);
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 120_000);
});
