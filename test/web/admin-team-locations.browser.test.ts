/**
 * Location-scoped members in a real browser against the real product process (the demo business, to
 * which this file adds a second location, "Norte", with a room of its own).
 *
 * - The owner opens Sergio (staff) in the team screen, makes him a manager and picks the demo's
 *   location in "Works at" (Mantine MultiSelect); the API then holds exactly that location for him,
 *   and his row says where he works.
 * - Signed in as Sergio, the hours screen offers only his location (no switcher, its name as the
 *   title) and no "New location", the navigation offers no reports, and the API lists one location and
 *   refuses Norte's (404).
 * - axe-core on the team screen and the modal; screenshots in English and Spanish at 1280 px and
 *   360 px go to test-artifacts/web/ (no sideways overflow on the phone).
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium } from '../support/admin-browser.ts';
import { browserSkipReason, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-team-locations.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const STAFF = { email: 'staff@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Member {
  id: string;
  email: string;
  role: string;
  location_ids: string[] | null;
}
interface Location {
  id: string;
  name: string;
}

describe.skipIf(SKIP_REASON !== null)(`team: a manager limited to one location, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let ownerToken = '';
  let centro: Location;
  let norte: Location;
  let sergio: Member;

  const api = async <T>(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  const run = setUpProductAndChromium(product, {
    prepare: async () => {
      ownerToken = await product.demoOwnerToken();
      [centro] = (await api<Location[]>('/locations?limit=100', ownerToken)).data as [Location];
      const created = await api<Location>('/locations', ownerToken, {
        method: 'POST',
        body: JSON.stringify({ name: 'Norte', timezone: 'Europe/Madrid', address: { line1: 'Calle Norte 1', city: 'Madrid', country: 'ES' } }),
      });
      expect(created.status).toBe(201);
      norte = created.data;
      const room = await api('/resources', ownerToken, { method: 'POST', body: JSON.stringify({ location_id: norte.id, name: 'Sala Norte', type: 'room' }) });
      expect(room.status).toBe(201);
      sergio = (await api<Member[]>('/users?limit=100', ownerToken)).data.find((member) => member.email === STAFF.email) as Member;
    },
  });

  /** The "Change role or locations" modal of Sergio's row. */
  async function openSergio(page: Page): Promise<void> {
    const row = page.locator(`[data-testid="team-member"][data-email="${STAFF.email}"]`);
    await row.locator('[data-testid="team-member-actions"]').click();
    await page.click('[data-testid="team-member-change-role"]');
    await page.waitForSelector('[data-testid="team-role-select"]', POLL);
  }

  it('the owner makes Sergio a manager of Centro only; the API holds it and his row says so (en, 1280 px)', async () => {
    const screen = await openAdminAt(run.browser, product, { width: 1280, locale: 'en-GB', path: '/admin/settings/team', ready: '[data-testid="team-members"]' });
    const { page } = screen;
    await openSergio(page);
    // The invitation form below has its own picker (for its default role, receptionist): look in the modal only.
    const picker = page.locator('[data-testid="team-role-modal"] [data-testid="team-locations-select"]');
    expect(await picker.count(), 'staff cannot be limited to locations').toBe(0);
    await page.click('[data-testid="team-role-select"]');
    await page.getByRole('option', { name: 'Manager', exact: true }).click();
    await picker.click();
    await page.getByRole('option', { name: centro.name, exact: true }).click();
    await page.keyboard.press('Escape');
    await page.mouse.move(640, 2);
    await expectScreenReads(page, { label: 'team role and locations modal, en 1280', screenshot: 'admin-team-locations-modal-en-1280.png' });
    await page.click('[data-testid="team-role-save"]');
    await page.waitForSelector('[data-testid="team-role-select"]', { state: 'detached', ...POLL });

    const saved = (await api<Member>(`/users/${sergio.id}`, ownerToken)).data;
    expect(saved.role).toBe('manager');
    expect(saved.location_ids).toEqual([centro.id]);
    const row = page.locator(`[data-testid="team-member"][data-email="${STAFF.email}"]`);
    await expect.poll(() => row.locator('[data-testid="team-member-locations"]').textContent(), POLL).toBe(`Only ${centro.name}`);
    await expectScreenReads(page, { label: 'team with a scoped manager, en 1280', screenshot: 'admin-team-locations-en-1280.png' });
    await expectCleanClose(screen);
  }, 120_000);

  it('the same screen in Spanish on a phone: the modal shows his location, nothing overflows (es, 360 px)', async () => {
    const screen = await openAdminAt(run.browser, product, { width: 360, locale: 'es-ES', path: '/admin/settings/team?lang=es', ready: '[data-testid="team-members"]' });
    const { page } = screen;
    const row = page.locator(`[data-testid="team-member"][data-email="${STAFF.email}"]`);
    await expect.poll(() => row.locator('[data-testid="team-member-locations"]').textContent(), POLL).toBe(`Solo ${centro.name}`);
    await expectScreenReads(page, { width: 360, label: 'team with a scoped manager, es 360', screenshot: 'admin-team-locations-es-360.png' });
    await openSergio(page);
    expect(await page.textContent('[data-testid="team-role-modal"]')).toContain('Trabaja en');
    await expectScreenReads(page, { width: 360, label: 'team role and locations modal, es 360', screenshot: 'admin-team-locations-modal-es-360.png' });
    await expectCleanClose(screen);
  }, 120_000);

  it('signed in as Sergio, only Centro is offered and Norte is out of reach', async () => {
    const screen = await openAdminAt(run.browser, product, { width: 1280, locale: 'en-GB', who: STAFF, path: '/admin/settings/hours', ready: '[data-testid="location-card"]' });
    const { page } = screen;
    // One location: no switcher, its name as the title.
    expect(await page.$('[data-testid="location-pick"]')).toBeNull();
    expect(await page.textContent('[data-testid="location-title"]')).toBe(centro.name);
    expect(await page.$('[data-testid="nav-reports"]'), 'reports are whole-business figures').toBeNull();
    expect(await page.$('[data-testid="location-new"]'), 'a new location would be outside his scope').toBeNull();
    expect(await page.$('[data-testid="location-edit"]'), 'his own location he may edit').not.toBeNull();
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-team-locations-scoped-hours-en-1280.png'), fullPage: true });

    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...STAFF, tenant_slug: 'demo' }) });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    expect((await api<Location[]>('/locations?limit=100', token)).data.map((location) => location.id)).toEqual([centro.id]);
    expect((await api(`/locations/${norte.id}`, token)).status).toBe(404);
    expect((await api(`/locations/${norte.id}`, ownerToken)).status).toBe(200);
    await expectCleanClose(screen);
  }, 120_000);
});
