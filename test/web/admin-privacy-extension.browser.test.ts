/**
 * Extending a GDPR request's deadline on the dashboard's register (Art. 12(3)), in a real browser against the real
 * product process: the owner opens an overdue request's "Ampliar plazo", is stopped without a reason, extends it
 * by two months with one; the row then says when it was due and why it moved, no longer offers the extension,
 * and the API reads the new due date back. Checked at 1280 px in Spanish and 360 px in English, axe-clean.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectCleanClose, expectScreenReads, openAdminAt, setUpProductAndChromium } from '../support/admin-browser.ts';
import { browserSkipReason, expectAccessible, ProductProcess, WEB_ARTIFACTS } from '../support/product-process.ts';

const SKIP_REASON = browserSkipReason('admin-privacy-extension.browser.test.ts');
const POLL = { timeout: 20_000, interval: 100 };

interface PrivacyRequest {
  id: string;
  due_at: string;
  overdue: boolean;
  extension: { reason: string; original_due_at: string } | null;
}

describe.skipIf(SKIP_REASON !== null)(`extending a GDPR request's deadline, in Chromium${SKIP_REASON ? ` — skipped: ${SKIP_REASON}` : ''}`, () => {
  const product = new ProductProcess();
  let token = '';
  let requestId = '';

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${product.baseUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    return ((await response.json()) as { data: T }).data;
  };
  const row = (page: Page) => page.locator(`[data-testid="privacy-request"][data-request-id="${requestId}"]`);

  const chromium = setUpProductAndChromium(product, {
    prepare: async () => {
      token = await product.demoOwnerToken();
      const receivedAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
      requestId = (await api<PrivacyRequest>('/privacy-requests', { method: 'POST', body: JSON.stringify({ kind: 'access', channel: 'email', received_at: receivedAt }) })).id;
    },
  });

  it('extends an overdue request by two months, with a reason', async () => {
    const before = (await api<PrivacyRequest[]>('/privacy-requests?status=overdue')).find((request) => request.id === requestId);
    expect(before).toMatchObject({ overdue: true, extension: null });
    const screen = await openAdminAt(chromium.browser, product, { width: 1280, locale: 'es-ES', path: '/admin/customers/privacy?lang=es', wait: POLL });
    const { page } = screen;
    await row(page).waitFor(POLL);
    await row(page).locator('[data-testid="privacy-request-extend"]').click();
    await page.waitForSelector('[data-testid="privacy-extend-form"]', POLL);
    await page.click('[data-testid="privacy-extend-confirm"]');
    await page.waitForSelector('text=Escribe por qué necesitas más tiempo: hay que decírselo a la persona.', POLL);
    await expectAccessible(page, 'extend a request es 1280');
    const reason = 'Pide seis años de reservas en tres locales.';
    await page.fill('[data-testid="privacy-extend-reason"]', reason);
    await page.click('[data-testid="privacy-extend-confirm"]');
    await page.waitForSelector('[data-testid="privacy-extend-form"]', { state: 'detached', ...POLL });
    await expect.poll(() => row(page).locator('[data-testid="privacy-request-extension"]').textContent(), POLL).toMatch(new RegExp(`^Plazo ampliado \\(vencía el .+\\): ${reason}$`));
    expect(await row(page).getAttribute('data-overdue')).toBe('false');
    expect(await row(page).locator('[data-testid="privacy-request-extend"]').count()).toBe(0);
    await page.screenshot({ path: join(WEB_ARTIFACTS, 'admin-privacy-extension-es-1280.png'), fullPage: true });

    const after = (await api<PrivacyRequest[]>('/privacy-requests')).find((request) => request.id === requestId);
    expect(after).toMatchObject({ overdue: false, extension: { reason, original_due_at: before?.due_at } });
    expect(Date.parse(after?.due_at ?? '')).toBeGreaterThan(Date.parse(before?.due_at ?? '') + 58 * 86_400_000);
    await expectCleanClose(screen);
  }, 120_000);

  it('reads well on a phone in English', async () => {
    const screen = await openAdminAt(chromium.browser, product, { width: 360, locale: 'en-GB', path: '/admin/customers/privacy?lang=en', wait: POLL });
    const { page } = screen;
    await row(page).waitFor(POLL);
    expect(await row(page).locator('[data-testid="privacy-request-extension"]').textContent()).toMatch(/^Deadline extended \(it was .+\): /);
    await expectScreenReads(page, { width: 360, label: 'privacy with an extension en 360', screenshot: 'admin-privacy-extension-en-360.png' });
    await expectCleanClose(screen);
  }, 120_000);
});
