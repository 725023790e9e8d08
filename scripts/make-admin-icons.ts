/**
 * Draws the dashboard's home-screen icons (web/public/admin-icon-192.png and -512.png) from
 * web/public/favicon.svg with Chromium, once: no dependency in the lock file rasterises SVG, so the
 * PNGs are committed and this script is run again only when the favicon changes
 * (`node scripts/make-admin-icons.ts`; Debian's chromium, CHROMIUM_PATH overrides).
 *
 * The favicon's square loses its rounded corners here: a phone rounds or masks the icon itself
 * (iOS fills transparent corners with black), and the glyph sits well inside the maskable safe zone
 * (the central circle of 80 %), so the same picture serves as `any` and as `maskable`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PUBLIC = new URL('../web/public/', import.meta.url);
const SIZES = [192, 512];

const favicon = readFileSync(new URL('favicon.svg', PUBLIC), 'utf8');
const fullBleed = favicon.replace(/ rx="[^"]*"/, '').replace('<svg ', '<svg width="100%" height="100%" ');
if (fullBleed === favicon) throw new Error('favicon.svg changed shape: check how this script draws it');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<!doctype html><style>html,body{margin:0;width:100%;height:100%}svg{display:block}</style>${fullBleed}`);
    const path = fileURLToPath(new URL(`admin-icon-${size}.png`, PUBLIC));
    writeFileSync(path, await page.screenshot({ type: 'png', omitBackground: true }));
    process.stdout.write(`wrote ${path}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
