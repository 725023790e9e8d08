/**
 * The product as an operator starts it (`node src/main.ts start`) on a free port,
 * with its output captured, for end-to-end tests in a real browser. On the embedded
 * database in a scratch DATA_DIR, or on this run's PostgreSQL (+ Redis) database.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, onPostgres, type TestDatabase } from './database.ts';
import { request } from './http.ts';
import { waitFor } from './wait.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** As root, without the network: no sandbox, and none of Chromium's own background connections. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Throws in CI (REQUIRE_BROWSER=1) when Chromium is missing; otherwise says why the file is skipped. */
export function browserSkipReason(file: string): string | null {
  // Web journeys do not depend on the database kind: they run once, in the embedded pass
  // (`.ci/run` runs the suite on both). The payment page's browser test, where it matters, runs in both.
  if (process.env.DATABASE_URL) {
    process.stderr.write(`${file} skipped: web journeys run in the embedded database pass\n`);
    return 'web journeys run in the embedded database pass';
  }
  if (hasChromium) return null;
  const reason = `Chromium is not installed at ${CHROMIUM} (Debian package chromium; CHROMIUM_PATH overrides the path)`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER is set but ${reason}`);
  process.stderr.write(`${file} skipped: ${reason}\n`);
  return reason;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export class ProductProcess {
  readonly output: string[] = [];
  baseUrl = '';
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);
  #database: TestDatabase | null = null;
  #dataDir: string | null = null;
  #env: Record<string, string> = {};

  /** Starts `start` (migrate, seed the demo business, serve, work) and waits until /ready answers. */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: this.baseUrl,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
      ...extraEnv,
    };
    if (onPostgres()) {
      this.#database = await openTestDatabase();
      env.DATABASE_URL = this.#database.url ?? '';
      if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
    } else {
      this.#dataDir = mkdtempSync(join(tmpdir(), 'reservehub-e2e-'));
      env.DATA_DIR = this.#dataDir;
    }
    this.#env = env;
    await this.#spawn(timeoutMs);
  }

  /**
   * Stops the product, runs `statements` on its embedded database (as an operator would with psql while
   * it is down: for what no API may do, such as a booking whose time has come), runs the product's
   * `commands` on that data (`['analytics:rebuild']` after raw rows were written), and starts it again
   * on the same data and port. Embedded database only.
   */
  async restartAfterSql(statements: readonly string[], timeoutMs = 120_000, commands: ReadonlyArray<readonly string[]> = []): Promise<void> {
    if (!this.#dataDir) throw new Error('restartAfterSql needs the embedded database');
    await this.#terminate();
    const { openPglite } = await import('../../src/platform/db/database.ts');
    const handle = await openPglite({ dataDir: join(this.#dataDir, 'pglite') });
    try {
      for (const statement of statements) await handle.pglite.exec(statement);
    } finally {
      await handle.close();
    }
    for (const command of commands) {
      const run = spawnSync(process.execPath, ['src/main.ts', ...command], { cwd: ROOT, env: this.#env, encoding: 'utf8', timeout: timeoutMs });
      if (run.status !== 0) throw new Error(`${command.join(' ')} exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
    }
    await this.#spawn(timeoutMs);
  }

  async #spawn(timeoutMs: number): Promise<void> {
    const env = this.#env;
    const child = spawn(process.execPath, ['src/main.ts', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.#child = child;

    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the product exited early:\n${this.output.join('')}`);
        return fetch(`${this.baseUrl}/ready`).then((response) => response.ok, () => false);
      },
      { timeoutMs, intervalMs: 250, message: () => `the product to be ready:\n${this.output.join('')}` },
    );
  }

  /**
   * The demo business's owner changes its settings through the business-settings API (signed in with
   * the embedded mode's well-known demo password), as they would from the dashboard.
   */
  async setDemoBusinessSettings(settings: Record<string, unknown>): Promise<void> {
    const token = await this.demoOwnerToken();
    const list = await request<Array<{ id: string }>>(this.baseUrl, 'GET', '/api/v1/businesses', { token });
    const saved = await request(this.baseUrl, 'PATCH', `/api/v1/businesses/${list.body.data[0]?.id ?? ''}`, { token, body: { settings } });
    if (saved.status !== 200) throw new Error(`saving the demo business's settings answered ${saved.status}: ${saved.text}`);
  }

  /** The demo business owner's access token (the embedded mode's well-known demo password). */
  async demoOwnerToken(): Promise<string> {
    const login = await request<{ access_token: string }>(this.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { email: 'owner@demo.reservehub.test', password: 'ReserveHub-demo-salon', tenant_slug: 'demo' },
    });
    if (login.status !== 200) throw new Error(`demo owner sign-in answered ${login.status}: ${login.text}`);
    return login.body.data.access_token;
  }

  async #terminate(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await this.#exited;
      clearTimeout(timer);
    }
  }

  /** SIGTERM, as an orchestrator stops it; then its scratch database goes. */
  async stop(): Promise<void> {
    await this.#terminate();
    await this.#database?.close();
    if (this.#dataDir) rmSync(this.#dataDir, { recursive: true, force: true });
  }
}

/**
 * A page whose console errors (CSP violations included), page errors and, unless told otherwise, failed
 * requests (other than those aborted by leaving the page) are kept in `problems`. `expectedStatus`: an API answer the scenario causes on purpose (Chromium
 * logs every non-2xx fetch as a console error).
 */
export async function openWatchedPage(
  context: BrowserContext,
  options: { expectedStatus?: number; watchRequests?: boolean } = {},
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  // As people who ask their system for less motion: screens settle at once, so axe-core judges finished
  // screens rather than a drawer halfway through its fade (the dashboard honours the setting).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const problems: string[] = [];
  const expected = options.expectedStatus === undefined ? null : String(options.expectedStatus);
  page.on('console', (message) => {
    if (message.type() === 'error' && (expected === null || !message.text().includes(expected))) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  if (options.watchRequests !== false) {
    page.on('requestfailed', (request) => {
      // A request the browser gave up because the test moved to another page (or the screen cancelled it on
      // leaving) is not a fault of the product; any other failure (refused, reset, blocked) is.
      const reason = request.failure()?.errorText ?? '';
      if (reason === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${request.url()} ${reason}`.trimEnd());
    });
  }
  return { page, problems };
}

/** Where browser tests keep their screenshots (CI keeps `test-artifacts/` as the run's artifacts). */
export const WEB_ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

/**
 * axe-core's WCAG 2.x A/AA rules over the page as it stands; fails with each serious or critical
 * violation named (rule, impact, the first offending elements) so the message says what to fix.
 */
export async function expectAccessible(page: Page, step: string): Promise<void> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (blocking.length === 0) return;
  const lines = blocking.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
  throw new Error(`accessibility at "${step}":\n${lines.join('\n')}`);
}
