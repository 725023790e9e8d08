/**
 * The hosted payment page in a real browser: playwright-core driving Debian's
 * Chromium against the real product process (`node src/main.ts start`: the
 * HTTP server, the job worker and the sandbox provider in one process, on the
 * embedded database or on this run's PostgreSQL database). Everything that
 * process logs is captured, to check that no card number ever reaches the logs.
 *
 * Skips only when Chromium is not installed (Debian package `chromium`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, onPostgres, type TestDatabase } from '../support/database.ts';
import { httpClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP_REASON = `Chromium is not installed at ${CHROMIUM} (Debian package chromium; CHROMIUM_PATH overrides the path)`;
if (!hasChromium && process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER is set but ${SKIP_REASON}`);
if (!hasChromium) process.stderr.write(`payment-page.browser.test.ts skipped: ${SKIP_REASON}\n`);

/** The test cards typed in the browser: none of them may appear in any log line, however separated. */
const CARDS = { pays: '4242424242424242', declined: '4000000000000002', secure: '4000002760003184', real: '4111111111111111' };
const spaced = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');
const anySeparators = (digits: string) => new RegExp(digits.split('').join('[\\s+%20-]*'));

async function freePort(): Promise<number> {
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

/** The product as an operator starts it, with its stdout and stderr kept whole. */
class ProductProcess {
  readonly output: string[] = [];
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);

  start(env: Record<string, string>): void {
    const child = spawn(process.execPath, ['src/main.ts', 'start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.#child = child;
  }

  async ready(baseUrl: string, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        if (this.#child?.exitCode !== null) throw new Error(`the product exited early:\n${this.output.join('')}`);
        return fetch(`${baseUrl}/ready`).then((response) => response.ok, () => false);
      },
      { timeoutMs, intervalMs: 250, message: () => `the product to be ready:\n${this.output.join('')}` },
    );
  }

  /** SIGTERM, as an orchestrator stops it: in-flight work finishes and the logs are flushed. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

describe.skipIf(!hasChromium)(
  `hosted payment page in Chromium${hasChromium ? '' : ` — skipped: ${SKIP_REASON}`}`,
  () => {
    const product = new ProductProcess();
    let database: TestDatabase | null = null;
    let dataDir: string | null = null;
    let baseUrl = '';
    let browser: Browser;
    let ownerToken = '';
    let tenantSlug = '';
    let serviceId = '';
    let resourceId = '';
    let nextSlotDay = 10;

    const api = httpClient(() => baseUrl);

    async function create(path: string, body: unknown): Promise<string> {
      const created = await api<{ id: string }>('POST', path, { body, headers: { authorization: `Bearer ${ownerToken}` } });
      if (created.status !== 201) throw new Error(`${path} answered ${created.status}: ${created.text}`);
      return created.body.data.id;
    }

    /** A guest books a service with a 30 % deposit and no card: pending_payment, and the intent's page. */
    async function pendingBooking(): Promise<{ bookingId: string; pageUrl: string }> {
      const date = new Date(Date.now() + nextSlotDay++ * 86_400_000).toISOString().slice(0, 10);
      const booked = await api<{ id: string; status: string; manage_url: string }>(
        'POST',
        '/api/v1/bookings',
        { body: {
          service_id: serviceId,
          resource_id: resourceId,
          start_time: `${date}T10:00:00+00:00`,
          customer: { first_name: 'Ana', last_name: 'Pago', email: `ana-${randomUUID().slice(0, 8)}@example.test` },
        }, tenant: tenantSlug },
      );
      expect(booked.status, booked.text).toBe(201);
      expect(booked.body.data.status).toBe('pending_payment');
      const intent = await api<{ payment_page_url: string }>('POST', '/api/v1/payments/intent', { tenant: tenantSlug, body: { booking_id: booked.body.data.id, manage_token: booked.body.data.manage_url.split('/').at(-1) } });
      expect(intent.status, intent.text).toBe(200);
      return { bookingId: booked.body.data.id, pageUrl: intent.body.data.payment_page_url };
    }

    async function bookingStatus(bookingId: string): Promise<string> {
      const booking = await api<{ status: string }>('GET', `/api/v1/bookings/${bookingId}`, { headers: { authorization: `Bearer ${ownerToken}` } });
      return booking.body.data.status;
    }

    /** The worker confirms the booking from the payment's event; polls the API until it has (or time runs out). */
    async function statusEventually(bookingId: string, wanted: string, timeoutMs = 20_000): Promise<string> {
      let status = '';
      await waitFor(async () => (status = await bookingStatus(bookingId)) === wanted, { timeoutMs, intervalMs: 200 }).catch(() => undefined);
      return status;
    }

    async function typeCard(page: Page, number: string): Promise<void> {
      await page.fill('#card-number', spaced(number));
      await page.fill('#card-exp', `12/${(new Date().getUTCFullYear() + 3) % 100}`);
      await page.fill('#card-cvc', '123');
      await Promise.all([page.waitForLoadState('load'), page.click('#pay')]);
    }

    beforeAll(async () => {
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      const env: Record<string, string> = {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: baseUrl,
        LOG_LEVEL: 'debug',
        WORKER_POLL_MS: '100',
        RATE_LIMIT_PER_MINUTE: '100000',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
      };
      if (onPostgres()) {
        database = await openTestDatabase();
        env.DATABASE_URL = database.url ?? '';
        if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
      } else {
        dataDir = mkdtempSync(join(tmpdir(), 'reservehub-browser-'));
        env.DATA_DIR = dataDir;
      }
      product.start(env);
      await product.ready(baseUrl, 120_000);

      const slug = `pay-${randomUUID().slice(0, 8)}`;
      const signup = await api<{ access_token: string; tenant: { slug: string } }>('POST', '/api/v1/auth/signup', { body: {
        tenant_name: 'Browser Salon',
        tenant_slug: slug,
        email: `owner-${slug}@example.test`,
        password: `Pw-${randomUUID()}`,
        plan_id: 'business',
        timezone: 'UTC',
        currency: 'EUR',
      } });
      expect(signup.status, signup.text).toBe(201);
      ownerToken = signup.body.data.access_token;
      tenantSlug = signup.body.data.tenant.slug;
      const locationId = await create('/api/v1/locations', { name: 'Centro', timezone: 'UTC', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } });
      resourceId = await create('/api/v1/resources', { location_id: locationId, name: 'Marta', type: 'staff' });
      await create('/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
      serviceId = await create('/api/v1/services', {
        name: 'Tinte',
        duration_minutes: 60,
        resource_ids: [resourceId],
        price: { amount: 5000, currency: 'EUR' },
        deposit: { type: 'percentage', value: 30 },
      });

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // As root, without the network: no sandbox, and none of Chromium's own background connections.
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await product.stop();
      await database?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('pays the deposit with the success card; the booking becomes confirmed', async () => {
      const { bookingId, pageUrl } = await pendingBooking();
      const page = await browser.newPage();
      await page.goto(pageUrl);
      await expect.poll(() => page.textContent('#amount')).toBe('€15.00');
      await typeCard(page, CARDS.pays);
      expect(new URL(page.url()).pathname).toBe(new URL(pageUrl).pathname);
      expect(await page.textContent('#payment-status')).toContain('Payment received');
      expect(await statusEventually(bookingId, 'confirmed')).toBe('confirmed');
      await page.close();
    }, 60_000);

    it('shows the decline on the page and keeps the booking waiting for payment', async () => {
      const { bookingId, pageUrl } = await pendingBooking();
      const page = await browser.newPage();
      await page.goto(pageUrl);
      await typeCard(page, CARDS.declined);
      expect(await page.textContent('#payment-error')).toBe('The card was declined. Try another card.');
      // The number typed is not put back into the page.
      expect(await page.inputValue('#card-number')).toBe('');
      expect(await bookingStatus(bookingId)).toBe('pending_payment');

      await typeCard(page, CARDS.real);
      expect(await page.textContent('#payment-error')).toContain('only the sandbox test cards are accepted');
      await page.close();
    }, 60_000);

    it('3-D Secure: the sandbox challenge, back to the page, confirmed by the signed webhook', async () => {
      const { bookingId, pageUrl } = await pendingBooking();
      const page = await browser.newPage();
      await page.goto(pageUrl);
      await typeCard(page, CARDS.secure);
      expect(new URL(page.url()).pathname).toMatch(/^\/api\/v1\/payments\/sandbox\/authorize\/pi_sbx_/);
      await Promise.all([page.waitForURL((url) => url.pathname === new URL(pageUrl).pathname), page.click('button[value="approve"]')]);
      // Only the sandbox's signed event, run by the worker through the webhook path, can settle this payment.
      await expect.poll(() => page.textContent('#payment-status'), { timeout: 20_000, interval: 500 }).toContain('Payment received');
      expect(await statusEventually(bookingId, 'confirmed')).toBe('confirmed');
      await page.close();
    }, 60_000);

    it('never writes a card number to the logs', async () => {
      await product.stop();
      const logs = product.output.join('');
      // The capture holds the requests that carried the card numbers (the page path itself is masked).
      expect(logs).toMatch(/"method":"POST","url":"\/pay\/\[redacted\]"/);
      for (const number of Object.values(CARDS)) {
        expect(logs, `card number ${number} in the logs`).not.toMatch(anySeparators(number));
      }
    }, 30_000);
  },
);
