/**
 * Browser tests' shared steps: a file's product and Chromium, a watched page at a viewport and locale, signing in
 * to the dashboard (the login form's test hooks, §10.2.3) and to the platform console, the checks every screen
 * ends with, and switches clicked the way a person does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate as totp } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { CHROMIUM, CHROMIUM_ARGS, expectAccessible, openWatchedPage, WEB_ARTIFACTS, type ProductProcess } from './product-process.ts';

export interface AdminCredentials {
  email: string;
  password: string;
}

/** The demo business's owner (the embedded mode's well-known demo password). */
export const DEMO_OWNER: AdminCredentials = { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon' };

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

/** A browser test file's Chromium, launched by `setUpProductAndChromium`'s `beforeAll`: read it inside tests. */
export interface ChromiumRun {
  readonly browser: Browser;
}

export interface ProductAndChromiumOptions {
  /** The product's environment; a function when it depends on what `before` started (a fake's URL). */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Runs before the product starts: the fakes and sinks it talks to. */
  before?: () => Promise<void>;
  /** Runs once the product is up, before Chromium: the file's own data through the API. */
  prepare?: () => Promise<void>;
  /** Runs after the product has stopped: what `before` started. */
  after?: () => Promise<void>;
  /** The whole set-up's time limit. */
  timeout?: number;
}

/**
 * Registers the set-up and tear-down every browser test file shares: the dashboard built, the screenshots' folder
 * made, `product` started, the file's own `prepare`, then Chromium (headless, CHROMIUM_ARGS); afterwards Chromium
 * closed and the product stopped. Call it inside the file's `describe`, so that a skipped file starts nothing.
 */
export function setUpProductAndChromium(product: ProductProcess, options: ProductAndChromiumOptions = {}): ChromiumRun {
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(WEB_ARTIFACTS, { recursive: true });
    await options.before?.();
    await product.start(typeof options.env === 'function' ? options.env() : options.env);
    await options.prepare?.();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, options.timeout ?? 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
    await options.after?.();
  }, 60_000);
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is launched in beforeAll: read it inside a test');
      return browser;
    },
  };
}

export interface ScreenOptions {
  /** The viewport's width; its height is 800 px at a phone's width (under 600 px) and 900 px wider, unless given. */
  width: number;
  height?: number;
  /** A full locale, as Chromium takes it: 'es-ES', 'en-GB'. */
  locale: string;
  /** A phone's touch screen (isMobile and hasTouch), not only its width. */
  touch?: boolean;
  acceptDownloads?: boolean;
  /** An API answer the scenario causes on purpose (see `openWatchedPage`). */
  expectedStatus?: number;
}

/** A browser context and the page a test watches (see `openWatchedPage`), closed by `expectCleanClose`. */
export interface WatchedScreen {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** A new context at the viewport and locale of `options`, with one watched page in it. */
export async function openWatchedContext(browser: Browser, options: ScreenOptions): Promise<WatchedScreen> {
  const { width, height = width < 600 ? 800 : 900, locale, touch = false, acceptDownloads, expectedStatus } = options;
  const context = await browser.newContext({
    viewport: { width, height },
    locale,
    ...(touch ? { isMobile: true, hasTouch: true } : {}),
    ...(acceptDownloads === undefined ? {} : { acceptDownloads }),
  });
  const { page, problems } = await openWatchedPage(context, expectedStatus === undefined ? {} : { expectedStatus });
  return { context, page, problems };
}

export interface AdminScreenOptions extends ScreenOptions {
  /** Who signs in; the demo owner unless told. */
  who?: AdminCredentials;
  /** What proves the dashboard is there after signing in (attached, as on a phone it is behind the menu). */
  landed?: string;
  /** A dashboard path to go to next, such as '/admin/settings/billing?lang=es'. */
  path?: string;
  /** A selector to wait for (visible) once there. */
  ready?: string;
  /** The time limit of each of those waits. */
  wait?: { timeout: number };
}

/**
 * A watched page in a new context (see `openWatchedContext`) signed in to the dashboard, at `path` when given,
 * once `ready` shows.
 */
export async function openAdminAt(browser: Browser, product: ProductProcess, options: AdminScreenOptions): Promise<WatchedScreen> {
  const { who = DEMO_OWNER, landed = '[data-testid="nav-calendar"]', path, ready, wait = { timeout: 15_000 } } = options;
  const screen = await openWatchedContext(browser, options);
  await signInToAdmin(screen.page, product.baseUrl, who, landed, wait);
  if (path !== undefined) await screen.page.goto(`${product.baseUrl}${path}`);
  if (ready !== undefined) await screen.page.waitForSelector(ready, wait);
  return screen;
}

/**
 * The checks a screen ends with: nothing wider than the viewport (with `width`: no sideways scrolling on a
 * phone), axe-core clean (`label` names the step in its failure), and the page kept as `screenshot` under
 * test-artifacts/web/ (the whole page unless `fullPage` is false).
 */
export async function expectScreenReads(
  page: Page,
  { width, label, screenshot, fullPage = true }: { width?: number; label: string; screenshot?: string; fullPage?: boolean },
): Promise<void> {
  if (width !== undefined) expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
  await expectAccessible(page, label);
  if (screenshot !== undefined) await page.screenshot({ path: join(WEB_ARTIFACTS, screenshot), fullPage });
}

/** The end of a browser test: no console error, page error or failed request on the way, then the context closed. */
export async function expectCleanClose({ context, problems }: WatchedScreen): Promise<void> {
  expect(problems).toEqual([]);
  await context.close();
}
