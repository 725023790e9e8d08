/**
 * What a customer's browser pays for a booking, measured in Chromium against the real product
 * (`start` on a scratch embedded database, demo business):
 *
 * 1. JavaScript loaded for a COMPLETE guest booking (service → day → time → details → confirmed),
 *    on the booking page and on a host site that embeds the widget (loader + frame): every script
 *    response: bytes transferred (brotli), uncompressed, and gzip -9 (the budget is 100 KB gzip).
 * 2. Time from navigation to the booking page's first service card on screen, cold cache (a fresh
 *    browser context each run): median and p95 over RUNS runs (the target is 1 s).
 *
 *   node bench/web-journey.ts [runs=10]
 *
 * Prints figures; asserts nothing. Needs Debian's chromium (CHROMIUM_PATH overrides the path).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { chromium, type Frame, type Page } from 'playwright-core';
import { ensureWebBuild } from '../scripts/build-web.ts';
import { CHROMIUM, CHROMIUM_ARGS, ProductProcess } from '../test/support/product-process.ts';

const RUNS = Number(process.argv[2] ?? 10);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const print = (line: string) => process.stdout.write(`${line}\n`);

interface Script {
  url: string;
  /** Bytes over the wire (the server sends the build's brotli files). */
  transferred: number;
  raw: number;
  gzip: number;
}

/** Every script the page (and its frames) loads from now on. */
function recordScripts(page: Page): Script[] {
  const scripts: Script[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    void Promise.all([response.body(), response.request().sizes()]).then(
      ([body, sizes]) =>
        scripts.push({ url: new URL(response.url()).pathname, transferred: sizes.responseBodySize, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }),
      () => undefined,
    );
  });
  return scripts;
}

/** The guest journey through the flow's data-testids, in whichever frame holds it. */
async function bookAsGuest(flow: Page | Frame, tag: string): Promise<string> {
  await flow.waitForSelector('[data-testid="service-card"]');
  await flow.click('[data-testid="service-card"] >> nth=0');
  await flow.waitForSelector('[data-testid="date-picker"]');
  for (let month = 0; month < 3; month += 1) {
    await flow.waitForSelector('[data-testid="slots-loading"]', { state: 'detached' });
    if ((await flow.$$('[data-testid="date-day"]')).length > 0) break;
    await flow.click('.next-month');
  }
  await flow.click('[data-testid="date-day"] >> nth=0');
  await flow.click('[data-testid="available-slot"] >> nth=0');
  await flow.fill('[data-testid="first-name"]', 'Bench');
  await flow.fill('[data-testid="email"]', `bench.${tag}.${Date.now()}@example.com`);
  await flow.click('[data-testid="confirm-booking"]');
  await flow.waitForSelector('[data-testid="booking-number"]', { timeout: 20_000 });
  return (await flow.textContent('[data-testid="booking-number"]')) ?? '';
}

function report(title: string, scripts: Script[], number: string): void {
  print(`\n${title} (booking ${number}):`);
  // eslint-disable-next-line no-console -- a table is this bench's output
  console.table(scripts.map((script) => ({ script: script.url, transferred: kb(script.transferred), raw: kb(script.raw), gzip: kb(script.gzip) })));
  const total = scripts.reduce(
    (sum, script) => ({ transferred: sum.transferred + script.transferred, raw: sum.raw + script.raw, gzip: sum.gzip + script.gzip }),
    { transferred: 0, raw: 0, gzip: 0 },
  );
  print(`  total: ${scripts.length} scripts, ${kb(total.gzip)} gzip -9 (budget 100 kB), ${kb(total.transferred)} transferred (brotli), ${kb(total.raw)} uncompressed`);
}

ensureWebBuild();
const product = new ProductProcess();
await product.start({ LOG_LEVEL: 'error' });
const host = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(`<!doctype html><html lang="es"><meta charset="utf-8"><title>Host</title>
<body><h1>Host</h1><script src="${product.baseUrl}/widget.js" data-business="demo" async></script></body></html>`);
});
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
const hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    const scripts = recordScripts(page);
    await page.goto(`${product.baseUrl}/book/demo`);
    report('Booking page /book/demo, a complete guest booking', scripts, await bookAsGuest(page, 'page'));
    await context.close();
  }
  {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    const scripts = recordScripts(page);
    await page.goto(hostUrl);
    // The loader's frame lives in the widget's shadow root (Playwright's CSS selectors pierce it).
    const element = await page.waitForSelector('.reservehub-widget iframe', { state: 'attached' });
    let frame = await element.contentFrame();
    for (let attempt = 0; attempt < 50 && !frame?.url().includes('/embed/'); attempt += 1) {
      await page.waitForTimeout(100);
      frame = await element.contentFrame();
    }
    if (!frame) throw new Error('the widget has no frame');
    report('Widget on a host site (loader + frame), a complete guest booking', scripts, await bookAsGuest(frame, 'widget'));
    await context.close();
  }

  // Two clocks: the browser's own (from its navigation start, the budget's definition, read the frame
  // the cards become visible) and the wall clock seen from this script (adds the driver's round trips).
  const inPage: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${product.baseUrl}/book/demo`, { waitUntil: 'commit' });
    // Runs in the page (typed by hand: this script is compiled without the DOM's types).
    const visibleAt = await page.waitForFunction(
      () => {
        const { document: doc } = globalThis as unknown as { document: { querySelector(selector: string): { getBoundingClientRect(): { height: number } } | null } };
        const card = doc.querySelector('[data-testid="service-card"]');
        return card !== null && card.getBoundingClientRect().height > 0 ? performance.now() : null;
      },
      undefined,
      { polling: 'raf' },
    );
    wall.push(performance.now() - started);
    inPage.push(Number(await visibleAt.jsonValue()));
    await context.close();
  }
  const summary = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
    return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`;
  };
  print(`\nServices on screen after navigation, cold cache, ${RUNS} runs (target 1000 ms):`);
  print(`  browser's clock (navigation start → cards visible): ${summary(inPage)}`);
  print(`  wall clock from the driver (goto → cards seen):     ${summary(wall)}`);
} finally {
  await browser.close();
  host.close();
  await product.stop();
}
