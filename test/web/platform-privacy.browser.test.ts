/**
 * The console's GDPR requests (/platform/privacy) and compliance report (/platform/compliance-report) in a real
 * browser against the real product process, started with a platform administrator and a platform auditor. The
 * demo salon's owner logs two requests through the API — one received 40 days ago (overdue: the month has
 * passed) and one today — and exports a customer's data (a completed access request); the administrator opens a
 * read-only support session in the salon. The auditor enrols a second factor, finds the console offering the
 * three compliance screens, reads the figures the test caused, narrows the requests to the overdue one, then
 * opens the salon's report, checks its figures against the API's report, downloads it as JSON (the same report)
 * and checks that printing leaves the console's frame and the controls off the paper. A period over two years is
 * refused in words. No console error (CSP included); axe-core on each screen; screenshots at 1280 px (es) and
 * 360 px (en), where nothing is wider than the phone.
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

const SKIP_REASON = browserSkipReason('platform-privacy.browser.test.ts');
const POLL = { timeout: 15_000, interval: 100 };
const DAY_MS = 86_400_000;
const ADMIN = { email: 'root@platform.reservehub.test', password: 'Platform-console-2026!' };
const AUDITOR = { email: 'auditor@platform.reservehub.test', password: 'Auditor-privacy-2026!' };
const SUPPORT_REASON = 'Checking a reported calendar problem (ticket 5120)';

interface PrivacyRequest {
  id: string;
  due_at: string;
  overdue: boolean;
  status: string;
}

interface Report {
  generated_at: string;
  period: { from: string; to: string };
  tenant: { id: string; slug: string; name: string };
  customers: { current: number };
  privacy_requests: { received_in_period: number; completed_in_period: number; refused_in_period: number; open: number; overdue: number; median_days_to_close: number | null };
  access: { owners: number; owners_with_two_factor: number; two_factor_required_for_owners: boolean; active_api_keys: number };
  platform_access: { impersonations: Array<{ at: string; by: string | null; read_only: boolean; reason: string | null }> };
  audit: { entries_in_period: number; customer_data_exports: number; customer_erasures: number };
}

/** Whole calendar days from today to `instant` in this machine's zone (the browser's): negative when past. */
function calendarDaysUntil(instant: string): number {
  const midnight = (date: Date) => Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((midnight(new Date(instant)) - midnight(new Date())) / DAY_MS);
}

describe.skipIf(SKIP_REASON !== null)(`platform GDPR requests and compliance report, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let browser: Browser;
  let demo = { id: '', name: '' };
  let overdueRequest: PrivacyRequest;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { data: unknown; error?: { code: string; message: string } } };
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
    // The salon's owner logs a request that came by phone 40 days ago (its month has passed) and one e-mailed
    // today, and exports a customer's data, which records itself as an answered access request.
    const owner = await product.demoOwnerToken();
    const received = new Date(Date.now() - 40 * DAY_MS).toISOString();
    const logged = await call('POST', '/privacy-requests', owner, { kind: 'erasure', channel: 'phone', received_at: received });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    overdueRequest = logged.body.data as PrivacyRequest;
    expect(overdueRequest.overdue).toBe(true);
    expect((await call('POST', '/privacy-requests', owner, { kind: 'rectification', channel: 'email' })).status).toBe(201);
    const [customer] = (await call('GET', '/customers?limit=1', owner)).body.data as Array<{ id: string }>;
    if (!customer) throw new Error('the demo salon has no customers');
    expect((await call('GET', `/customers/${customer.id}/export`, owner)).status).toBe(200);

    // The administrator enrols a second factor through the API, then opens a read-only support session in the salon.
    const first = await login(ADMIN);
    if (!('accessToken' in first)) throw new Error('the administrator has a second factor already');
    const { secret } = (await call('POST', '/auth/mfa/enroll', first.accessToken)).body.data as { secret: string };
    expect((await call('POST', '/auth/mfa/enable', first.accessToken, { code: await totp({ secret }) })).status).toBe(200);
    const tenants = (await call('GET', '/platform/tenants?search=demo', first.accessToken)).body.data as Array<{ id: string; name: string; slug: string }>;
    const salon = tenants.find((tenant) => tenant.slug === 'demo');
    if (!salon) throw new Error('the demo salon is not seeded');
    demo = { id: salon.id, name: salon.name };
    const impersonated = await call('POST', '/platform/impersonations', first.accessToken, { tenant_id: demo.id, reason: SUPPORT_REASON });
    expect(impersonated.status, JSON.stringify(impersonated.body)).toBe(201);
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

  /** Picks an option of a Mantine select by its words (typed first when the select is searchable). */
  async function choose(page: Page, testId: string, option: string, typed?: string): Promise<void> {
    await page.click(`[data-testid="${testId}"]`);
    if (typed !== undefined) await page.fill(`[data-testid="${testId}"]`, typed);
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  const figure = (page: Page, testId: string) => page.textContent(`[data-testid="${testId}-value"]`);
  const apiReport = async (from?: string, to?: string, lang: 'es' | 'en' = 'en'): Promise<Report> => {
    const query = `?lang=${lang}` + (from && to ? `&from=${from}&to=${to}` : '');
    const answer = await call('GET', `/platform/tenants/${demo.id}/compliance-report${query}`, await auditorToken());
    expect(answer.status).toBe(200);
    return answer.body.data as Report;
  };

  it('the auditor reads the figures, narrows to the overdue request, and files the salon’s report (es, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES', acceptDownloads: true });
    const { page, problems } = await openWatchedPage(context);
    // The first sign-in enrols a second factor, then the console offers the three compliance screens.
    await signInToAdmin(page, product.baseUrl, AUDITOR, '[data-testid="platform-mfa-gate"]', POLL);
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-qr"]', POLL);
    const secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', POLL);
    recoveryCodes = await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''));
    await page.click('[data-testid="mfa-continue"]');
    await page.waitForSelector('[data-testid="platform-audit"]', POLL);
    expect(await page.locator('#admin-nav a').evaluateAll((links) => links.map((link) => link.getAttribute('data-testid')))).toEqual([
      'nav-platform-audit',
      'nav-platform-privacy',
      'nav-platform-report',
    ]);
    expect(await page.textContent('[data-testid="nav-platform-privacy"]')).toBe('Solicitudes RGPD');

    await page.click('[data-testid="nav-platform-privacy"]');
    await page.waitForSelector('[data-testid="privacy-requests"]', POLL);
    expect(await page.textContent('h1')).toBe('Solicitudes RGPD');
    // Open: the overdue one and today's; answered in 30 days: the export; nothing refused.
    await expect.poll(() => figure(page, 'privacy-open'), POLL).toBe('2');
    expect(await figure(page, 'privacy-overdue')).toBe('1');
    expect(await page.getAttribute('[data-testid="privacy-overdue"]', 'data-alert')).toBe('true');
    expect(await figure(page, 'privacy-completed')).toBe('1');
    expect(await figure(page, 'privacy-refused')).toBe('0');
    expect(await page.getAttribute('[data-testid="privacy-refused"]', 'data-alert')).toBe('false');
    const rows = page.locator('[data-testid="privacy-request"]');
    expect(await rows.evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-kind')}:${node.getAttribute('data-status')}`))).toEqual([
      'access:completed',
      'rectification:open',
      'erasure:overdue',
    ]);
    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform GDPR requests es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-privacy-es-1280.png'), fullPage: true });

    await choose(page, 'privacy-filter-status', 'Vencidas');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(new URL(page.url()).searchParams.get('status')).toBe('overdue');
    const row = rows.first();
    expect(await row.locator('[data-testid="privacy-business"]').textContent()).toBe(demo.name);
    expect(demo.name).toBe('Salón Demo');
    expect(await row.locator('[data-testid="privacy-kind"]').textContent()).toBe('Supresión');
    expect(await row.locator('[data-testid="privacy-channel"]').textContent()).toBe('por teléfono');
    expect(await row.locator('[data-testid="privacy-status"]').textContent()).toBe('Vencida');
    const late = -calendarDaysUntil(overdueRequest.due_at);
    expect(late).toBeGreaterThan(1);
    expect(await row.locator('[data-testid="privacy-due"]').textContent()).toMatch(new RegExp(`^venció hace ${late} días · Plazo: `));

    // The report: the salon picked from the directory; the period a year to today unless chosen.
    await page.click('[data-testid="nav-platform-report"]');
    await page.waitForSelector('[data-testid="report-pick"]', POLL);
    await choose(page, 'report-business', demo.name, 'Salón');
    await page.waitForSelector('[data-testid="report-document"]', POLL);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/platform/compliance-report');
    expect(url.searchParams.get('tenant_id')).toBe(demo.id);
    const from = (await page.getAttribute('[data-testid="report-from"]', 'data-date')) ?? '';
    const to = (await page.getAttribute('[data-testid="report-to"]', 'data-date')) ?? '';
    const report = await apiReport();
    expect(report.period).toEqual({ from, to });
    expect(await page.textContent('[data-testid="report-name"]')).toBe(demo.name);
    expect(report.privacy_requests).toMatchObject({ received_in_period: 3, completed_in_period: 1, refused_in_period: 0, open: 2, overdue: 1 });
    expect(await figure(page, 'report-requests-received')).toBe('3');
    expect(await figure(page, 'report-requests-completed')).toBe('1');
    expect(await figure(page, 'report-requests-open')).toBe('2');
    expect(await figure(page, 'report-requests-overdue')).toBe('1');
    expect(await figure(page, 'report-customers-current')).toBe(new Intl.NumberFormat('es-ES').format(report.customers.current));
    expect(await figure(page, 'report-audit-exports')).toBe(String(report.audit.customer_data_exports));
    expect(report.audit.customer_data_exports).toBe(1);
    expect(await page.textContent('[data-testid="report-owners-mfa"]')).toBe(`${report.access.owners_with_two_factor} de ${report.access.owners}`);
    expect(await page.locator('[data-testid="report-mfa-not-required"]').count()).toBe(report.access.two_factor_required_for_owners ? 0 : 1);
    expect(report.platform_access.impersonations).toEqual([expect.objectContaining({ by: ADMIN.email, read_only: true, reason: SUPPORT_REASON })]);
    const visit = page.locator('[data-testid="report-impersonation"]');
    expect(await visit.count()).toBe(1);
    expect(await visit.textContent()).toContain(ADMIN.email);
    expect(await visit.textContent()).toContain(SUPPORT_REASON);
    expect(await visit.textContent()).toContain('Solo lectura');

    await page.mouse.move(1275, 5);
    await expectAccessible(page, 'platform compliance report es 1280');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-compliance-report-es-1280.png'), fullPage: true });

    // The download is the report the API answers in the console's language (generated a moment apart).
    const [download] = await Promise.all([page.waitForEvent('download', POLL), page.click('[data-testid="report-download"]')]);
    expect(download.suggestedFilename()).toBe(`compliance-report-demo-${from}-${to}.json`);
    const saved = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as Report;
    const fresh = await apiReport(from, to, 'es');
    expect({ ...saved, generated_at: '' }).toEqual({ ...fresh, generated_at: '' });

    // Printing: the button asks the browser to print; on paper only the report shows, not the console around it.
    await page.evaluate('window.__printed = 0; window.print = () => { window.__printed += 1; }');
    await page.click('[data-testid="report-print"]');
    expect(await page.evaluate('window.__printed')).toBe(1);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['#admin-nav', 'header', '[data-testid="report-business"]', '[data-testid="report-download"]']) {
      expect(await page.isVisible(hidden), hidden).toBe(false);
    }
    expect(await page.isVisible('[data-testid="report-document"]')).toBe(true);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-compliance-report-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('fits a 360 px phone in English: the overdue request and the report read without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    const { page, problems } = await openWatchedPage(context);
    await signIn(page);
    await page.goto(`${product.baseUrl}/platform/privacy?status=overdue&tenant_id=${demo.id}`);
    const rows = page.locator('[data-testid="privacy-request"]');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await page.textContent('h1')).toBe('GDPR requests');
    await expect.poll(() => figure(page, 'privacy-overdue'), POLL).toBe('1');
    expect(await page.textContent('[data-testid="privacy-filters-toggle"]')).toBe('Filters (2 on)');
    expect(await page.isVisible('[data-testid="privacy-filter-status"]')).toBe(false);
    const late = -calendarDaysUntil(overdueRequest.due_at);
    expect(await rows.first().locator('[data-testid="privacy-due"]').textContent()).toMatch(new RegExp(`^overdue by ${late} days · Due `));
    expect(await rows.first().locator('[data-testid="privacy-kind"]').textContent()).toBe('Erasure');
    expect(await rows.first().locator('[data-testid="privacy-channel"]').textContent()).toBe('by phone');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'platform GDPR requests en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-privacy-en-360.png'), fullPage: true });

    // A kind nothing matches says so, in words.
    await page.goto(`${product.baseUrl}/platform/privacy?kind=portability`);
    await page.waitForSelector('[data-testid="privacy-empty"]', POLL);
    expect(await page.textContent('[data-testid="privacy-empty"]')).toBe('No request matches these filters. Clear one to see more.');

    // The salon's report, from its row's link.
    await page.goto(`${product.baseUrl}/platform/privacy`);
    await page.locator('[data-testid="privacy-request"][data-kind="erasure"] [data-testid="privacy-business"]').click();
    await page.waitForSelector('[data-testid="report-document"]', POLL);
    expect(new URL(page.url()).searchParams.get('tenant_id')).toBe(demo.id);
    expect(await page.textContent('[data-testid="report-name"]')).toBe(demo.name);
    expect(await figure(page, 'report-requests-overdue')).toBe('1');
    expect(await page.textContent('[data-testid="report-owners-mfa"]')).toMatch(/^\d+ of \d+$/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.evaluate('window.scrollTo(0, 0)');
    await expectAccessible(page, 'platform compliance report en 360');
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'platform-compliance-report-en-360.png'), fullPage: true });
    expect(problems).toEqual([]);

    // A period over two years is refused, in words (the browser logs the API's 400, which this page expects).
    const refused = await openWatchedPage(context, { expectedStatus: 400 });
    const today = new Date().toISOString().slice(0, 10);
    await refused.page.goto(`${product.baseUrl}/platform/compliance-report?tenant_id=${demo.id}&from=2020-01-01&to=${today}`);
    await refused.page.waitForSelector('[data-testid="report-error"]', POLL);
    expect(await refused.page.textContent('[data-testid="report-error"]')).toContain('A report covers two years at most. Move “From” closer to “To”.');
    expect(refused.problems).toEqual([]);
    await context.close();
  }, 180_000);
});
