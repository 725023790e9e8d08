/**
 * Signing in to the dashboard in a browser test: the login form's test hooks (§10.2.3), then a
 * wait for a selector that proves the signed-in screen is there.
 */
import type { Page } from 'playwright-core';

export interface AdminCredentials {
  email: string;
  password: string;
}

/**
 * Fills and submits /admin/login, then waits for `landed`: attached by default (on a phone the
 * navigation is behind the menu button), or visible. Returns the milliseconds from the click to
 * that moment.
 */
export async function signInToAdmin(
  page: Page,
  baseUrl: string,
  who: AdminCredentials,
  landed: string,
  { timeout = 15_000, state = 'attached' }: { timeout?: number; interval?: number; state?: 'attached' | 'visible' } = {},
): Promise<number> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('[data-testid="email"]', who.email);
  await page.fill('[data-testid="password"]', who.password);
  const started = Date.now();
  await page.click('[data-testid="login-button"]');
  await page.waitForSelector(landed, { timeout, state });
  const elapsed = Date.now() - started;
  // The first screen's own requests finish before the caller moves on: a test that opens another page at once
  // would abort them, which its page watcher counts as failed requests (seen under CI load).
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  return elapsed;
}
