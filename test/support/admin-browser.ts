/**
 * Signing in to the dashboard in a browser test: the login form's test hooks (§10.2.3), then a
 * wait for a selector that proves the signed-in screen is there.
 */
import { generate as totp } from 'otplib';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

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
  return Date.now() - started;
}

/**
 * Turns a switch or checkbox on or off the way a person does, by clicking its label (Mantine's switch input is a
 * zero-size element under its drawn track, so a click at the input's centre can land on a neighbour), then waits
 * for the control to show it (a switch that saves first shows its new state when the server has answered).
 */
export async function setChecked(page: Page, input: Locator, on: boolean): Promise<void> {
  if ((await input.isChecked()) === on) return;
  const id = await input.getAttribute('id');
  await page.locator(`label[for="${id}"]`).first().click();
  await expect.poll(() => input.isChecked(), { timeout: 15_000, interval: 100 }).toBe(on);
}

/**
 * A platform person signing in to the console in browser tests: the first time enrols the second factor in the
 * console's gate (keeping the recovery codes in `codes`), later times use one recovery code each. Waits for `landed`.
 */
export async function signInToPlatform(page: Page, baseUrl: string, who: AdminCredentials, codes: string[], landed: string): Promise<void> {
  const wait = { timeout: 15_000 };
  if (codes.length === 0) {
    await signInToAdmin(page, baseUrl, who, '[data-testid="platform-mfa-gate"]');
    await page.click('[data-testid="mfa-start"]');
    await page.waitForSelector('[data-testid="mfa-qr"]', wait);
    const secret = (await page.textContent('[data-testid="mfa-secret"]')) ?? '';
    await page.fill('[data-testid="mfa-enable-code"]', await totp({ secret }));
    await page.click('[data-testid="mfa-enable"]');
    await page.waitForSelector('[data-testid="recovery-codes"]', wait);
    codes.push(...(await page.$$eval('[data-testid="recovery-codes"] code', (nodes) => nodes.map((node) => node.textContent ?? ''))));
    await page.click('[data-testid="mfa-continue"]');
  } else {
    await signInToAdmin(page, baseUrl, who, '[data-testid="mfa-code"]');
    await page.fill('[data-testid="mfa-code"]', codes.shift() ?? '');
    await page.click('[data-testid="verify-button"]');
  }
  await page.waitForSelector(landed, wait);
}
