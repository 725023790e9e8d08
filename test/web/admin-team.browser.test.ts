/**
 * The dashboard's team, plan and audit log screens in a real browser against the real product
 * process (the demo business: owner Olivia, staff member Sergio, plan Professional).
 *
 * - The owner invites a receptionist by e-mail (the API's audit log holds the invitation with its
 *   address and role), creates a custom role with two permissions from the grouped checkboxes (the
 *   API's /roles has it with exactly those two), and changes Sergio's role (the API reads it back);
 *   her own row offers no change (she is the last owner).
 * - The audit log, filtered in the URL by that action, reads the change in words.
 * - The plan page's figures are the API's usage figures.
 * - A staff member sees no team, plan or audit log entry in the navigation and the API refuses
 *   those endpoints (403).
 * - axe-core on each screen; screenshots at 1280 px and 360 px in Spanish and English go to
 *   test-artifacts/web/ (no sideways overflow on the phone).
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { type AdminCredentials, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-team.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 15_000, interval: 100 };
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };
const STAFF = { email: 'staff@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface Member {
  id: string;
  email: string;
  role: string;
  custom_role_id: string | null;
  status: string;
}
interface Role {
  id: string;
  name: string;
  permissions: string[];
  is_system_role: boolean;
}
interface AuditEntry {
  action: string;
  entity_id: string | null;
  new_values: Record<string, unknown> | null;
  old_values: Record<string, unknown> | null;
}
interface Usage {
  metrics: Record<'bookings_per_month' | 'users', { current: number; limit: number | null }>;
}

describe.skipIf(SKIP_REASON !== null)(`dashboard team, plan and audit log, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let token = '';
  let tenantId = '';
  let sergio: Member;
  const invitee = `recepcion.${Date.now().toString(36)}@example.com`;

  const api = async <T>(path: string, init: RequestInit = {}, bearer = token): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await product.start();
    token = await product.demoOwnerToken();
    tenantId = (await api<{ tenant: { id: string } }>('/auth/me')).data.tenant.id;
    sergio = (await api<Member[]>('/users?limit=100')).data.find((member) => member.email === STAFF.email) as Member;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  async function signIn(page: Page, who: AdminCredentials): Promise<void> {
    await signInToAdmin(page, product.baseUrl, who, '[data-testid="nav-calendar"]', POLL);
  }

  /** To a settings screen through the navigation (no reload: the session stays in memory). */
  async function open(page: Page, nav: string, ready: string): Promise<void> {
    if (!(await page.isVisible(`[data-testid="${nav}"]`))) await page.click('[data-testid="nav-settings"]');
    await page.click(`[data-testid="${nav}"]`);
    await page.waitForSelector(ready, POLL);
    // The pointer leaves the link: axe judges the page, not a hovered link.
    await page.mouse.move(640, 2);
  }

  it('a staff member is offered no team, plan or audit log, and the API refuses them', async () => {
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...STAFF, tenant_slug: 'demo' }) });
    const staffToken = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    for (const path of ['/users', `/tenants/${tenantId}/usage`, `/tenants/${tenantId}/limits`, '/audit-logs', '/roles']) {
      expect((await api(path, {}, staffToken)).status, path).toBe(403);
    }
    expect((await api(`/users/${sergio.id}`, { method: 'PATCH', body: JSON.stringify({ role: 'manager' }) }, staffToken)).status).toBe(403);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page, STAFF);
    await page.click('[data-testid="nav-settings"]').catch(() => undefined);
    for (const nav of ['nav-team', 'nav-plan', 'nav-audit-log']) expect(await page.$(`[data-testid="${nav}"]`), nav).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('the owner invites a receptionist, creates a custom role, changes a role and reads it in the audit log (en, 1280 px)', async () => {
    // The role change refused for the staff member above is not this page's; the page itself must stay clean.
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context, { expectedStatus: 409 });
    await signIn(page, OWNER);
    await open(page, 'nav-team', '[data-testid="team-members"]');
    // The owner is the last owner and herself: no change offered on her row; Sergio's row offers it.
    const own = page.locator(`[data-testid="team-member"][data-email="${OWNER.email}"]`);
    expect(await own.locator('[data-testid="team-member-actions"]').count()).toBe(0);
    expect(await own.textContent()).toContain('The only owner');
    const row = page.locator(`[data-testid="team-member"][data-email="${STAFF.email}"]`);
    expect(await row.locator('[data-testid="team-member-role"]').textContent()).toBe('Staff');
    await expectAccessible(page, 'team en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-team-en-1280.png'), fullPage: true });

    // 1. Invite a receptionist: a malformed address is refused before sending, then the invitation goes.
    await page.fill('[data-testid="team-invite-email"]', 'not-an-address');
    await page.click('[data-testid="team-invite-submit"]');
    expect(await page.textContent('[data-testid="team-invite"]')).toContain('Enter an e-mail address');
    await page.fill('[data-testid="team-invite-email"]', invitee);
    expect(await page.inputValue('[data-testid="team-invite-role"]')).toBe('Receptionist');
    await page.click('[data-testid="team-invite-submit"]');
    await page.waitForSelector('[data-testid="team-invite-sent"]', POLL);
    expect(await page.textContent('[data-testid="team-invite-sent"]')).toContain(invitee);
    // The API's audit log holds the invitation the screen announced, with its role (the address is personal data: redacted there).
    const invitationId = await page.getAttribute('[data-testid="team-invite-sent"]', 'data-invitation-id');
    const invitations = (await api<AuditEntry[]>('/audit-logs?action=user.invited&limit=10')).data;
    const invitation = invitations.find((entry) => entry.entity_id === invitationId);
    expect(invitation?.new_values?.role).toBe('receptionist');
    // Inviting the same address again is a fresh invitation (not a member yet); a member's address is refused in words.
    await page.fill('[data-testid="team-invite-email"]', STAFF.email);
    await page.click('[data-testid="team-invite-submit"]');
    await expect.poll(() => page.textContent('[data-testid="team-invite"]'), POLL).toContain('This person is already in the team.');

    // The invitation waits under the form: sent again (a fresh link), then withdrawn; the API agrees each time.
    const pendingRow = page.locator(`[data-testid="team-pending-row"][data-invitation-id="${invitationId}"]`);
    await pendingRow.waitFor(POLL);
    expect(await pendingRow.textContent()).toContain('Receptionist');
    const before = (await api<Array<{ id: string; expires_at: string }>>('/users/invitations')).data.find((row) => row.id === invitationId);
    await pendingRow.locator('[data-testid="team-pending-resend"]').click();
    await page.waitForSelector(`text=Sent again to ${invitee}`, POLL);
    const after = (await api<Array<{ id: string; expires_at: string }>>('/users/invitations')).data.find((row) => row.id === invitationId);
    expect(Date.parse(after?.expires_at ?? '')).toBeGreaterThan(Date.parse(before?.expires_at ?? ''));
    await pendingRow.locator('[data-testid="team-pending-revoke"]').click();
    await expectAccessible(page, 'withdraw invitation en');
    await page.click('[data-testid="team-pending-revoke-confirm"]');
    await pendingRow.waitFor({ state: 'detached', timeout: 15_000 });
    expect((await api<Array<{ id: string }>>('/users/invitations')).data.map((row) => row.id)).not.toContain(invitationId);

    // 2. A custom role with two permissions from the catalogue's grouped checkboxes.
    await page.click('[data-testid="team-tab-roles"]');
    await page.click('[data-testid="team-role-new"]');
    await page.waitForSelector('[data-testid="team-role-name"]', POLL);
    expect(await page.textContent('[data-testid="team-role-editor"] fieldset[data-subject="Booking"] legend')).toBe('Bookings');
    await page.fill('[data-testid="team-role-name"]', 'Front till');
    await page.click('[data-testid="team-role-submit"]');
    // Nothing chosen yet: said before sending.
    expect(await page.textContent('[data-testid="team-role-editor"]')).toContain('Choose at least one permission');
    await page.check('[data-testid="perm-read:Booking"]');
    await page.check('[data-testid="perm-refund:Payment"]');
    await expectAccessible(page, 'role editor en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-team-role-editor-en-1280.png') });
    await page.click('[data-testid="team-role-submit"]');
    await page.waitForSelector('[data-testid="team-role-name"]', { state: 'detached', ...POLL });
    const created = (await api<Role[]>('/roles')).data.find((role) => role.name === 'Front till');
    expect(created?.is_system_role).toBe(false);
    expect([...(created?.permissions ?? [])].sort()).toEqual(['read:Booking', 'refund:Payment']);
    await page.waitForSelector(`[data-testid="team-custom-role"][data-role-id="${created?.id ?? ''}"]`, POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-team-roles-en-1280.png'), fullPage: true });

    // 3. Sergio: staff → receptionist.
    await page.click('[data-testid="team-tab-members"]');
    await row.locator('[data-testid="team-member-actions"]').click();
    await page.click('[data-testid="team-member-change-role"]');
    await page.click('[data-testid="team-role-select"]');
    await page.getByRole('option', { name: 'Receptionist', exact: true }).click();
    await page.click('[data-testid="team-role-save"]');
    await page.waitForSelector('[data-testid="team-role-select"]', { state: 'detached', ...POLL });
    expect((await api<Member>(`/users/${sergio.id}`)).data.role).toBe('receptionist');
    await expect.poll(() => row.getAttribute('data-role'), POLL).toBe('receptionist');

    // 4. The audit log, filtered in the URL, reads the change in words.
    await open(page, 'nav-audit-log', '[data-testid="audit-entries"], [data-testid="audit-empty"]');
    await page.click('[data-testid="audit-filter-action"]');
    await page.getByRole('option', { name: "A member's role changed" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action'), POLL).toBe('user.role_changed');
    const entry = page.locator(`[data-testid="audit-entry"][data-entity-id="${sergio.id}"]`).first();
    await entry.waitFor(POLL);
    expect(await entry.locator('[data-testid="audit-sentence"]').textContent()).toBe('Olivia Owner changed the role of Sergio Estilista');
    expect(await entry.locator('[data-testid="audit-change"]').textContent()).toBe('Staff → Receptionist');
    await entry.locator('[data-testid="audit-toggle"]').click();
    expect(await entry.locator('[data-testid="audit-details"]').textContent()).toContain('"role": "receptionist"');
    const logged = (await api<AuditEntry[]>('/audit-logs?action=user.role_changed&limit=5')).data[0];
    expect(logged?.entity_id).toBe(sergio.id);
    await expectAccessible(page, 'audit log en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-audit-log-en-1280.png'), fullPage: true });
    // The filter survives a reload (it is in the URL).
    await page.reload();
    await page.waitForSelector(`[data-testid="audit-entry"][data-entity-id="${sergio.id}"]`, POLL);
    expect(await page.locator('[data-testid="audit-entry"]').evaluateAll((items) => items.every((item) => item.getAttribute('data-action') === 'user.role_changed'))).toBe(true);

    // 5. The plan page shows the API's usage figures.
    await open(page, 'nav-plan', '[data-testid="plan-meter-users"]');
    const usage = (await api<Usage>(`/tenants/${tenantId}/usage`)).data;
    for (const metric of ['bookings_per_month', 'users'] as const) {
      const meter = page.locator(`[data-testid="plan-meter-${metric}"]`);
      expect(await meter.getAttribute('data-current')).toBe(String(usage.metrics[metric].current));
      const { current, limit } = usage.metrics[metric];
      expect(await meter.textContent()).toContain(limit === null ? `${current.toLocaleString('en-GB')} · no limit` : `${current.toLocaleString('en-GB')} of ${limit.toLocaleString('en-GB')}`);
    }
    expect(await page.textContent('[data-testid="plan-current-name"]')).toBe('Professional');
    expect(await page.locator('[data-testid="plan-option"]').count()).toBe(4);
    await expectAccessible(page, 'plan en');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-plan-en-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('reads in Spanish and English at 1280 px and fits a phone at 360 px', async () => {
    for (const [language, locale] of [['es', 'es-ES'], ['en', 'en-GB']] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale });
      const { page, problems } = await openWatchedPage(context);
      await signIn(page, OWNER);
      for (const [nav, ready, name] of [
        ['nav-team', '[data-testid="team-members"]', 'team'],
        ['nav-plan', '[data-testid="plan-meter-users"]', 'plan'],
        ['nav-audit-log', '[data-testid="audit-entries"]', 'audit-log'],
      ] as const) {
        await page.setViewportSize({ width: 1280, height: 1000 });
        await open(page, nav, ready);
        if (language === 'es') {
          await expectAccessible(page, `${name} es`);
          await page.screenshot({ path: join(ARTIFACTS, `admin-${name}-es-1280.png`), fullPage: true });
        }
        await page.setViewportSize({ width: 360, height: 780 });
        await page.waitForTimeout(200);
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} ${language} 360`).toBeLessThanOrEqual(360);
        await expectAccessible(page, `${name} ${language} 360 px`);
        await page.screenshot({ path: join(ARTIFACTS, `admin-${name}-${language}-360.png`), fullPage: true });
      }
      if (language === 'es') {
        expect(await page.textContent('[data-testid="audit-page"] h1')).toBe('Registro de auditoría');
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 180_000);
});
