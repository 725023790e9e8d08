/**
 * The dashboard's register of GDPR requests and the retention periods, in a real browser against the
 * real product process (the demo business; e-mail to a real SMTP sink for the receptionist's invitation).
 *
 * - The owner logs an e-mailed access request for a customer, received 40 days ago (overdue), and a
 *   phoned erasure received today; the overdue one comes first, flagged, and the figures count it.
 *   She marks the first answered and refuses the second: without words the screen refuses, with
 *   words it goes. The API reads each back with its status and outcome; the filters live in the URL.
 * - She sets guests to be kept 12 months; the API's tenant settings read it back.
 * - A receptionist (invited and joined through the API) is not offered the screen, is told so at its
 *   address, and the API refuses them the register and the retention settings (403).
 * - axe-core on each state; screenshots at 1280 px (es) and 360 px (en) into test-artifacts/web/,
 *   nothing wider than the phone.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { type AdminCredentials, setChecked, signInToAdmin } from '../support/admin-browser.ts';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, ProductProcess, ROOT } from '../support/product-process.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';

const SKIP_REASON = browserSkipReason('admin-privacy.browser.test.ts');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const POLL = { timeout: 20_000, interval: 100 };
const ZONE = 'Europe/Madrid';
const OWNER = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

interface PrivacyRequest {
  id: string;
  customer_id: string | null;
  kind: string;
  channel: string;
  status: string;
  received_at: string;
  due_at: string;
  overdue: boolean;
  outcome: string | null;
}

function madridDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

describe.skipIf(SKIP_REASON !== null)(`dashboard privacy requests, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  const sink = new SmtpSink();
  let browser: Browser;
  let token = '';
  let tenantId = '';
  let customerId = '';
  const run = Date.now().toString(36);
  const receptionist: AdminCredentials = { email: `recepcion.${run}@example.com`, password: `Recepcion-${run}-long-password` };

  const api = async <T>(path: string, init: RequestInit = {}, bearer = token): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = (await response.json().catch(() => ({}))) as { data: T; error?: unknown };
    return { status: response.status, data: body.data ?? (body.error as T) };
  };

  /** The invitation's token from the e-mail the receptionist received. */
  async function invitationToken(to: string): Promise<string> {
    const pattern = /accept-invitation\?token=([A-Za-z0-9_-]+)/;
    const message = await waitFor(() => sink.messages.filter((candidate) => candidate.envelopeTo.includes(to) && pattern.test(candidate.parsed.text ?? '')).at(-1), {
      timeoutMs: POLL.timeout,
      message: `the invitation e-mail to ${to}`,
    });
    return pattern.exec(message.parsed.text ?? '')?.[1] ?? '';
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(ARTIFACTS, { recursive: true });
    await sink.start();
    await product.start({ SMTP_URL: sink.url });
    token = await product.demoOwnerToken();
    tenantId = (await api<{ tenant: { id: string } }>('/auth/me')).data.tenant.id;
    const customer = await api<{ id: string }>('/customers', { method: 'POST', body: JSON.stringify({ first_name: 'Amparo', last_name: 'Acceso', email: `amparo.${run}@example.com` }) });
    if (customer.status !== 201) throw new Error(`customer answered ${customer.status}: ${JSON.stringify(customer.data)}`);
    customerId = customer.data.id;
    // A receptionist, as the owner invites one and they join from the e-mailed link.
    const invited = await api('/users/invitations', { method: 'POST', body: JSON.stringify({ email: receptionist.email, role: 'receptionist' }) });
    if (invited.status !== 201) throw new Error(`invitation answered ${invited.status}: ${JSON.stringify(invited.data)}`);
    const joined = await api('/users/invitations/accept', {
      method: 'POST',
      body: JSON.stringify({ token: await invitationToken(receptionist.email), password: receptionist.password, first_name: 'Rocío', last_name: 'Recepción' }),
    });
    if (joined.status !== 200) throw new Error(`accepting answered ${joined.status}: ${JSON.stringify(joined.data)}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await sink.close();
  }, 60_000);

  async function openPrivacy(page: Page): Promise<void> {
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-privacy"]', { ...POLL, state: 'visible' });
    await page.click('[data-testid="nav-privacy"]');
    await page.waitForSelector('[data-testid="privacy-figures"]', POLL);
    // Off the navigation: a hovered link is not what axe-core should judge.
    await page.mouse.move(900, 700);
  }

  /** Closes the confirmations shown bottom right, so a screenshot shows the screen beneath them. */
  async function dismissNotices(page: Page): Promise<void> {
    const notices = page.locator('.mantine-Notifications-root [role="alert"] button');
    // A notice may close on its own between the count and the click: then there is nothing left to do for it.
    while ((await notices.count()) > 0) await notices.first().click({ timeout: 2_000 }).catch(() => undefined);
  }

  const row = (page: Page, id: string) => page.locator(`[data-testid="privacy-request"][data-request-id="${id}"]`);

  /** The open request the form just logged, as the API has it. */
  async function loggedOpen(kind: string): Promise<PrivacyRequest> {
    let found: PrivacyRequest | undefined;
    await expect
      .poll(async () => {
        found = (await api<PrivacyRequest[]>(`/privacy-requests?status=open&kind=${kind}`)).data[0];
        return found?.kind;
      }, POLL)
      .toBe(kind);
    return found as PrivacyRequest;
  }

  it('the owner logs two requests, sees the overdue one flagged, answers one, refuses the other and keeps guests 12 months (es, 1280 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'es-ES', timezoneId: ZONE });
    const { page, problems } = await openWatchedPage(context);
    await openPrivacy(page);
    await expectAccessible(page, 'privacy es');

    // 1. An access request e-mailed 40 days ago, for a customer found by name: overdue already.
    await page.click('[data-testid="privacy-log-open"]');
    await page.waitForSelector('[data-testid="privacy-log-form"]', POLL);
    await page.selectOption('[data-testid="privacy-log-kind"]', 'access');
    await setChecked(page, page.locator('[data-testid="privacy-log-channel-email"] input, input[data-testid="privacy-log-channel-email"]').first(), true);
    await page.fill('[data-testid="privacy-log-search"]', 'Amparo');
    await page.click(`[data-testid="privacy-log-candidate"][data-customer-id="${customerId}"]`);
    await page.waitForSelector(`[data-testid="privacy-log-picked"][data-customer-id="${customerId}"]`, POLL);
    const fortyDaysAgo = madridDate(new Date(Date.now() - 40 * 86_400_000));
    await page.fill('[data-testid="privacy-log-received"]', fortyDaysAgo);
    await expectAccessible(page, 'log a request es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-log-es-1280.png') });
    await page.click('[data-testid="privacy-log-submit"]');
    await page.waitForSelector('[data-testid="privacy-log-form"]', { state: 'detached', ...POLL });
    const access = await loggedOpen('access');
    expect(access).toMatchObject({ customer_id: customerId, channel: 'email', status: 'open', overdue: true });
    expect(madridDate(new Date(access.received_at))).toBe(fortyDaysAgo);

    // 2. An erasure phoned in today, nobody linked.
    await page.click('[data-testid="privacy-log-open"]');
    await page.selectOption('[data-testid="privacy-log-kind"]', 'erasure');
    await setChecked(page, page.locator('[data-testid="privacy-log-channel-phone"] input, input[data-testid="privacy-log-channel-phone"]').first(), true);
    expect(await page.getAttribute('[data-testid="privacy-log-received"]', 'data-date')).toBe(madridDate(new Date()));
    await page.click('[data-testid="privacy-log-submit"]');
    await page.waitForSelector('[data-testid="privacy-log-form"]', { state: 'detached', ...POLL });
    const erasure = await loggedOpen('erasure');
    expect(erasure).toMatchObject({ customer_id: null, channel: 'phone', status: 'open', overdue: false });

    // 3. The overdue one comes first, flagged in words and colour, linking to its customer; the figures count it.
    await row(page, erasure.id).waitFor(POLL);
    const overdueRow = row(page, access.id);
    expect(await overdueRow.getAttribute('data-overdue')).toBe('true');
    expect(await overdueRow.locator('[data-testid="privacy-request-standing"]').textContent()).toMatch(/^Vencida hace \d+ días$/);
    expect(await overdueRow.locator('[data-testid="privacy-request-customer"]').textContent()).toBe('Amparo Acceso');
    expect(await overdueRow.locator('[data-testid="privacy-request-customer"]').getAttribute('href')).toBe(`/admin/customers/${customerId}`);
    expect(await row(page, erasure.id).locator('[data-testid="privacy-request-standing"]').textContent()).toMatch(/^Vence en \d+ días$/);
    const order = await page.locator('[data-testid="privacy-request"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-request-id')));
    expect(order.indexOf(access.id)).toBeLessThan(order.indexOf(erasure.id));
    const overdueCount = (await api<PrivacyRequest[]>('/privacy-requests?status=overdue&limit=100')).data.length;
    await expect.poll(() => page.textContent('[data-testid="privacy-figure-overdue"]'), POLL).toBe(String(overdueCount));
    await dismissNotices(page);
    await page.mouse.move(900, 700);
    await expectAccessible(page, 'privacy with requests es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-es-1280.png'), fullPage: true });

    // 4. The filters live in the address and survive a reload.
    await page.selectOption('[data-testid="privacy-filter-kind"]', 'erasure');
    await expect.poll(() => new URL(page.url()).searchParams.get('kind'), POLL).toBe('erasure');
    await page.reload();
    await row(page, erasure.id).waitFor(POLL);
    expect(await row(page, access.id).count()).toBe(0);
    await page.selectOption('[data-testid="privacy-filter-kind"]', '');
    await row(page, access.id).waitFor(POLL);

    // 5. The overdue access request: answered, in the business's words.
    const answer = 'Le enviamos por correo una copia de todos sus datos.';
    await overdueRow.locator('[data-testid="privacy-request-complete"]').click();
    await page.fill('[data-testid="privacy-outcome"]', answer);
    await page.click('[data-testid="privacy-close-confirm"]');
    await row(page, access.id).waitFor({ state: 'detached', ...POLL });
    const answered = (await api<PrivacyRequest[]>('/privacy-requests?kind=access&status=completed')).data.find((request) => request.id === access.id);
    expect(answered).toMatchObject({ status: 'completed', outcome: answer });

    // 6. The erasure refused: without words the screen refuses and nothing is sent; with words it goes.
    await dismissNotices(page);
    await row(page, erasure.id).locator('[data-testid="privacy-request-refuse"]').click();
    await page.click('[data-testid="privacy-close-confirm"]');
    await expect.poll(() => page.textContent('[data-testid="privacy-close-form"]'), POLL).toContain('Escribe por qué la rechazas');
    expect(await page.getAttribute('[data-testid="privacy-outcome"]', 'aria-invalid')).toBe('true');
    await expectAccessible(page, 'refusal without words es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-refuse-es-1280.png') });
    expect((await api<PrivacyRequest[]>('/privacy-requests?kind=erasure&status=open')).data.map((request) => request.id)).toContain(erasure.id);
    const reason = 'Ya la atendimos el mes pasado y la persona tiene reservas pendientes de pago.';
    await page.fill('[data-testid="privacy-outcome"]', reason);
    await page.click('[data-testid="privacy-close-confirm"]');
    await row(page, erasure.id).waitFor({ state: 'detached', ...POLL });
    const refused = (await api<PrivacyRequest[]>('/privacy-requests?kind=erasure&status=refused')).data.find((request) => request.id === erasure.id);
    expect(refused).toMatchObject({ status: 'refused', outcome: reason });

    // 7. Closed ones on demand: both, with how they ended and the words given.
    await page.click('[data-testid="privacy-show-closed"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('status'), POLL).toBe('all');
    await row(page, access.id).waitFor(POLL);
    expect(await row(page, access.id).locator('[data-testid="privacy-request-standing"]').textContent()).toBe('Respondida');
    expect(await row(page, erasure.id).locator('[data-testid="privacy-request-standing"]').textContent()).toBe('Rechazada');
    expect(await row(page, erasure.id).locator('[data-testid="privacy-request-outcome"]').textContent()).toBe(`Motivo: ${reason}`);
    expect(await row(page, access.id).locator('[data-testid="privacy-request-complete"]').count()).toBe(0);

    // 8. Guests kept 12 months: saved through the API, read back; the other period untouched.
    const before = (await api<{ settings: Record<string, unknown> }>(`/tenants/${tenantId}`)).data.settings;
    await page.fill('[data-testid="retention-guest-months"]', '3');
    await page.click('[data-testid="retention-save"]');
    await expect.poll(() => page.textContent('[data-testid="retention-card"]'), POLL).toContain('Escribe un número entero entre 6 y 120.');
    await page.fill('[data-testid="retention-guest-months"]', '12');
    await page.click('[data-testid="retention-save"]');
    await expect.poll(() => page.textContent('[data-testid="retention-saved"]'), POLL).toBe('Plazos guardados.');
    const after = (await api<{ settings: Record<string, unknown> }>(`/tenants/${tenantId}`)).data.settings;
    expect(after.guest_retention_months).toBe(12);
    expect(after.consent_evidence_retention_years ?? 3).toBe(before.consent_evidence_retention_years ?? 3);
    await page.reload();
    await expect.poll(() => page.inputValue('[data-testid="retention-guest-months"]'), POLL).toBe('12');
    await page.mouse.move(900, 700);
    await expectAccessible(page, 'privacy closed and retention es');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-closed-es-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('fits a phone at 360 px in English, the form included', async () => {
    // Something open to show: a rectification posted a week ago.
    const logged = await api<PrivacyRequest>('/privacy-requests', {
      method: 'POST',
      body: JSON.stringify({ kind: 'rectification', channel: 'post', customer_id: customerId, received_at: new Date(Date.now() - 7 * 86_400_000).toISOString() }),
    });
    expect(logged.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'en-GB', timezoneId: ZONE });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, OWNER, '[data-testid="nav-calendar"]', POLL);
    await page.goto(`${product.baseUrl}/admin/customers/privacy`);
    await row(page, logged.data.id).waitFor(POLL);
    await page.waitForSelector('[data-testid="retention-guest-months"]', POLL);
    expect(await row(page, logged.data.id).locator('[data-testid="privacy-request-standing"]').textContent()).toMatch(/^Due in \d+ days$/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'privacy en 360 px');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-en-360.png'), fullPage: true });

    await page.click('[data-testid="privacy-log-open"]');
    await page.waitForSelector('[data-testid="privacy-log-form"]', POLL);
    await page.fill('[data-testid="privacy-log-search"]', 'Amparo');
    await page.waitForSelector(`[data-testid="privacy-log-candidate"][data-customer-id="${customerId}"]`, POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(page, 'log a request en 360 px');
    // On a phone the form fills the screen: the viewport is what the person sees.
    await page.screenshot({ path: join(ARTIFACTS, 'admin-privacy-log-en-360.png') });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a receptionist is not offered the screen and the API refuses them', async () => {
    const login = await fetch(`${product.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...receptionist, tenant_slug: 'demo' }) });
    const receptionistToken = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    expect((await api('/privacy-requests', {}, receptionistToken)).status).toBe(403);
    expect((await api('/privacy-requests', { method: 'POST', body: JSON.stringify({ kind: 'access', channel: 'phone' }) }, receptionistToken)).status).toBe(403);
    expect((await api(`/tenants/${tenantId}`, { method: 'PATCH', body: JSON.stringify({ settings: { guest_retention_months: 6 } }) }, receptionistToken)).status).toBe(403);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: ZONE });
    const { page, problems } = await openWatchedPage(context);
    await signInToAdmin(page, product.baseUrl, receptionist, '[data-testid="nav-calendar"]', POLL);
    expect(await page.$('[data-testid="nav-privacy"]')).toBeNull();
    // At its address the screen says it is not theirs, and asks the API nothing.
    await page.goto(`${product.baseUrl}/admin/customers/privacy`);
    await page.waitForSelector('[data-testid="privacy-not-for-you"]', POLL);
    expect(await page.textContent('[data-testid="privacy-not-for-you"]')).toContain('Your role cannot see privacy requests');
    expect(await page.$('[data-testid="nav-privacy"]')).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
