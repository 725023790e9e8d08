/**
 * The platform's compliance screen (/platform/audit) in a real browser against the real product process,
 * started with a platform administrator and a platform auditor. The auditor's first sign-in enrols a
 * second factor, like an administrator's, before anything opens; the console then offers the auditor
 * the compliance screens (audit trail, GDPR requests, compliance report) and nothing else. The
 * administrator suspends and reactivates the demo salon through the API; the auditor finds the suspension by its action (recorded twice: in the platform's own log and
 * in the salon's), narrows it to the salon, opens the entry (reason, request reference) and downloads
 * the CSV for those filters, whose header and row are checked, and whose download is itself recorded.
 * The auditor's credential is refused on a write (suspending a business) and on a business endpoint.
 * No console error (CSP included); axe-core on each screen; screenshots at 1280 px (es) and 360 px (en).
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('platform-compliance.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const ADMIN = { email: 'root@platform.reservehub.test', password: 'Platform-console-2026!' };
const AUDITOR = { email: 'auditor@platform.reservehub.test', password: 'Auditor-trail-2026!' };
const REASON = 'Chargeback investigation 2026-118';
const SUSPENDED = 'platform.tenant_suspended';
const CSV_HEADER =
  'created_at,tenant_id,tenant_slug,tenant_name,action,entity_type,entity_id,actor_type,actor_id,user_id,actor_email,impersonated_by,ip,user_agent,request_id,old_values,new_values,metadata';

interface TrailEntry {
  id: string;
  tenant_id: string;
  tenant: { id: string; slug: string; name: string } | null;
  action: string;
  request_id: string | null;
  new_values: unknown;
  metadata: Record<string, unknown>;
}

describe.skipIf(SKIP_REASON !== null)(`platform compliance, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let adminToken = '';
  let demo = { id: '', name: '' };

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { data: unknown; error?: { code: string; details?: unknown } } };
  };
  const login = async (who: { email: string; password: string }): Promise<{ accessToken: string } | { mfaToken: string }> => {
    const response = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    const data = ((await response.json()) as { data: { mfa_required?: false; access_token: string } | { mfa_required: true; mfa_token: string } }).data;
    return data.mfa_required === true ? { mfaToken: data.mfa_token } : { accessToken: data.access_token };
  };
  /** The auditor's recovery codes, one per later sign-in. */
  let recoveryCodes: string[] = [];
  const nextRecoveryCode = () => {
    const code = recoveryCodes.shift();
    if (!code) throw new Error('no recovery code left');
    return code;
  };
  const auditorToken = async () => {
    const data = await login(AUDITOR);
    if (!('mfaToken' in data)) throw new Error('the auditor signed in without a second factor');
    const verified = await fetch(`${product.baseUrl}/api/v1/auth/mfa/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfa_token: data.mfaToken, code: nextRecoveryCode() }),
    });
    return ((await verified.json()) as { data: { access_token: string } }).data.access_token;
  };

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await product.start({
      PLATFORM_ADMIN_EMAIL: ADMIN.email,
      PLATFORM_ADMIN_PASSWORD: ADMIN.password,
      PLATFORM_AUDITOR_EMAIL: AUDITOR.email,
      PLATFORM_AUDITOR_PASSWORD: AUDITOR.password,
    });
    // The administrator enrols a second factor through the API (the session that enrols has proved it),
    // then suspends the demo salon with a reason and reactivates it: what the auditor will look for.
    const first = await login(ADMIN);
    if (!('accessToken' in first)) throw new Error('the administrator has a second factor already');
    adminToken = first.accessToken;
    const { secret } = (await call('POST', '/auth/mfa/enroll', adminToken)).body.data as { secret: string };
    expect((await call('POST', '/auth/mfa/enable', adminToken, { code: await totp({ secret }) })).status).toBe(200);
    const tenants = (await call('GET', '/platform/tenants?search=demo', adminToken)).body.data as Array<{ id: string; name: string; slug: string }>;
    const salon = tenants.find((tenant) => tenant.slug === 'demo');
    if (!salon) throw new Error('the demo salon is not seeded');
    demo = { id: salon.id, name: salon.name };
    expect((await call('POST', `/platform/tenants/${demo.id}/suspend`, adminToken, { reason: REASON })).status).toBe(200);
    expect((await call('POST', `/platform/tenants/${demo.id}/reactivate`, adminToken)).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
  }, 60_000);

  /** Signs the auditor in with a recovery code as the second factor; the console opens on the audit trail. */
  async function signIn(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, AUDITOR, '[data-testid="mfa-code"]', POLL);
    await page.fill('[data-testid="mfa-code"]', nextRecoveryCode());
    await page.click('[data-testid="verify-button"]');
    await page.waitForSelector('[data-testid="platform-audit"]', POLL);
  }

  it('the auditor enrols a second factor first, then lands on the audit trail; the console offers only the compliance screens', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, AUDITOR, '[data-testid="platform-mfa-gate"]', POLL);
    expect(await page.locator('[data-testid="platform-audit"]').count()).toBe(0);
    // Until the factor is on, the trail's API refuses this session too.
    const early = await login(AUDITOR);
    if (!('accessToken' in early)) throw new Error('the auditor has a second factor already');
    const refused = await call('GET', '/platform/audit-logs', early.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { details: { mfa_enrollment_required: true } } });
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-qr"]', POLL);
    const secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', POLL);
    recoveryCodes = await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    // An auditor, like an administrator, cannot turn the factor off.
    expect(await page.locator('[data-testid="mfa-disable"]').count()).toBe(0);
    await page.click('[data-testid="mfa-continue"]');
    await page.waitForSelector('[data-testid="trail-entries"]', POLL);
    expect(new URL(page.url()).pathname).toBe('/platform/audit');
    expect(await page.locator('#admin-nav a').evaluateAll((links) => links.map((link) => link.getAttribute('data-testid')))).toEqual([
      'nav-platform-audit',
      'nav-platform-privacy',
      'nav-platform-report',
    ]);
    // The other console screens are not the auditor's: their addresses lead back to the trail.
    for (const path of ['/platform', '/platform/tenants', `/platform/tenants/${demo.id}`, '/platform/jobs', '/admin/bookings']) {
      await page.goto(`${product.baseUrl}${path}`);
      await page.waitForSelector('[data-testid="platform-audit"]', POLL);
      expect(new URL(page.url()).pathname, path).toBe('/platform/audit');
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('finds the suspension by its action, narrows it to the salon, opens it and downloads it as CSV (es, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.waitForSelector('[data-testid="trail-entries"]', POLL);
    expect(await page.textContent('h1')).toBe('Registro de auditoría');
    expect(await page.textContent('[data-testid="nav-platform-audit"]')).toBe('Registro de auditoría');

    await page.fill('[data-testid="trail-filter-action"]', SUSPENDED);
    await page.keyboard.press('Escape');
    const entries = page.locator('[data-testid="audit-entry"]');
    // Recorded twice: in the platform's own log and in the salon's.
    await expect.poll(() => entries.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-action'))), POLL).toEqual([SUSPENDED, SUSPENDED]);
    expect(new URL(page.url()).searchParams.get('action')).toBe(SUSPENDED);
    const places = await page.locator('[data-testid="trail-business"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-tenant-id')).sort());
    expect(places).toEqual(['00000000-0000-0000-0000-000000000000', demo.id].sort());

    await page.locator(`[data-testid="trail-business"][data-tenant-id="${demo.id}"] [data-testid="trail-only-business"]`).click();
    await expect.poll(() => entries.count(), POLL).toBe(1);
    expect(new URL(page.url()).searchParams.get('tenant_id')).toBe(demo.id);
    expect(await page.inputValue('[data-testid="trail-filter-business"]')).toBe(demo.name);
    const entry = entries.first();
    expect(await entry.locator('[data-testid="trail-business"]').textContent()).toBe(`En ${demo.name}`);
    expect(await entry.locator('[data-testid="audit-sentence"]').textContent()).toBe(`${ADMIN.email} suspendió la cuenta del negocio`);
    await entry.locator('[data-testid="audit-toggle"]').click();
    const details = entry.locator('[data-testid="audit-details"]');
    expect(await details.textContent()).toContain(`"reason": "${REASON}"`);
    expect(await details.textContent()).toContain('"status": "suspended"');
    const requestId = (await details.locator('[data-testid="audit-request-id"]').textContent()) ?? '';
    expect(requestId).not.toBe('');
    expect(await details.locator('[data-testid="audit-entity-id"]').textContent()).toBe(demo.id);

    await page.mouse.move(1275, 5);
    await page.evaluate('window.scrollTo(0, 0)');
    await expectAccessible(page, 'platform audit trail es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-audit-es-1280.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download', POLL), page.click('[data-testid="trail-export-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^audit-trail-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path()) ?? '', 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(2);
    const row = lines[1] ?? '';
    expect(row).toContain(`,${demo.id},demo,${demo.name},${SUSPENDED},tenant,${demo.id},user,`);
    expect(row).toContain(requestId);
    expect(row).toContain(REASON);
    await page.waitForSelector('text=descargado.', POLL);

    // The download is on the platform's record, with the filters it was made with.
    const token = await auditorToken();
    const exported = (await call('GET', '/platform/audit-logs?action=compliance.audit_exported', token)).body.data as TrailEntry[];
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ tenant: null, metadata: { format: 'csv', entries: 1, filters: { action: SUSPENDED, tenant_id: demo.id } } });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits a 360 px phone in English: the filters fold away, an entry opens, nothing overflows', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/audit?action=${SUSPENDED}`);
    const entries = page.locator('[data-testid="audit-entry"]');
    await expect.poll(() => entries.count(), POLL).toBe(2);
    expect(await page.textContent('[data-testid="trail-filters-toggle"]')).toBe('Filters (1 on)');
    expect(await page.isVisible('[data-testid="trail-filter-action"]')).toBe(false);
    await page.click('[data-testid="trail-filters-toggle"]');
    expect(await page.inputValue('[data-testid="trail-filter-action"]')).toBe(SUSPENDED);
    const platformEntry = page.locator('[data-testid="audit-entry"]:has([data-tenant-id="00000000-0000-0000-0000-000000000000"])');
    expect(await platformEntry.locator('[data-testid="trail-business"]').textContent()).toContain('On the platform');
    expect(await platformEntry.locator('[data-testid="audit-sentence"]').textContent()).toBe(`${ADMIN.email} suspended the business account`);
    await platformEntry.locator('[data-testid="audit-toggle"]').click();
    expect(await platformEntry.locator('[data-testid="audit-details"]').textContent()).toContain(REASON);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.evaluate('window.scrollTo(0, 0)');
    await expectAccessible(page, 'platform audit trail en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-audit-en-360.png'), fullPage: true });
    // A filter nothing matches says so, in words.
    await page.goto(`${product.baseUrl}/platform/audit?action=nothing.happened`);
    await page.waitForSelector('[data-testid="trail-empty"]', POLL);
    expect(await page.textContent('[data-testid="trail-empty"]')).toBe('Nothing matches these filters. Widen the dates or clear the filters.');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("refuses the auditor's credential on a write and on a business endpoint; the JSON Lines export has the entries", async () => {
    const token = await auditorToken();
    const me = (await call('GET', '/auth/me', token)).body.data as { role: string; permissions: string[] };
    expect(me.role).toBe('platform_auditor');
    expect([...me.permissions].sort()).toEqual(['export:Compliance', 'read:Compliance']);
    expect((await call('POST', `/platform/tenants/${demo.id}/suspend`, token, { reason: 'An auditor must not do this' })).status).toBe(403);
    expect((await call('GET', '/platform/tenants', token)).status).toBe(403);
    expect((await call('GET', '/bookings', token)).status).toBe(403);
    expect((await call('GET', '/audit-logs', token)).status).toBe(403);
    // The salon is still active: the refused suspension changed nothing.
    expect(((await call('GET', `/platform/tenants/${demo.id}`, adminToken)).body.data as { status: string }).status).toBe('active');

    const response = await fetch(`${product.baseUrl}/api/v1/platform/audit-logs/export?format=jsonl&action=${SUSPENDED}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-trail-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as TrailEntry);
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.tenant?.slug ?? 'platform').sort()).toEqual(['demo', 'platform']);
    // An administrator holds every permission, the trail included.
    expect((await call('GET', `/platform/audit-logs?tenant_id=${demo.id}&action=${SUSPENDED}`, adminToken)).status).toBe(200);
  }, 60_000);

  it('reaches their own security page from the console: new recovery codes, and no way to turn the second factor off', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/admin/account/security`);
    await page.waitForSelector('[data-testid="two-step"]', POLL);
    // Still the console's shell: the audit trail in the navigation, no business screens.
    expect(await page.locator('[data-testid="nav-platform-audit"]').count()).toBe(1);
    expect(await page.locator('[data-testid="mfa-disable"]').count()).toBe(0);
    await page.fill('[data-testid="mfa-password"]', AUDITOR.password);
    await page.click('[data-testid="mfa-new-codes"]');
    await page.waitForSelector('[data-testid="recovery-codes"] code', POLL);
    const fresh = await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(fresh.length).toBeGreaterThanOrEqual(8);
    expect(fresh.some((code) => recoveryCodes.includes(code))).toBe(false);
    recoveryCodes = fresh;
    await expectAccessible(page, 'auditor security page en');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
