/**
 * Signing in to the dashboard in a browser test: the login form's test hooks (§10.2.3), then a
 * wait for a selector that proves the signed-in screen is there.
 */
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
