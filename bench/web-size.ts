/**
 * What each web entry costs a phone on first load: the gzip size of the JavaScript
 * and CSS its HTML page pulls in (entry chunk, its static imports, its styles),
 * from the built web/dist (built here when stale).
 *
 *   node bench/web-size.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild } from '../scripts/build-web.ts';

const DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

ensureWebBuild();

const gzip = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** The files an entry's page loads before it can render: its scripts, module preloads and stylesheets. */
function filesOf(entry: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(DIST, `${entry}.html`), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
  return { js: refs.filter((ref) => ref.endsWith('.js')), css: refs.filter((ref) => ref.endsWith('.css')) };
}

const entries = readdirSync(DIST).filter((name) => name.endsWith('.html')).map((name) => name.replace(/\.html$/, ''));
const rows = entries.map((entry) => {
  const { js, css } = filesOf(entry);
  const jsGzip = js.reduce((sum, file) => sum + gzip(file), 0);
  const cssGzip = css.reduce((sum, file) => sum + gzip(file), 0);
  const jsRaw = js.reduce((sum, file) => sum + readFileSync(join(DIST, file)).length, 0);
  return { entry, files: js.length + css.length, 'js (raw)': kb(jsRaw), 'js (gzip)': kb(jsGzip), 'css (gzip)': kb(cssGzip), 'total (gzip)': kb(jsGzip + cssGzip) };
});
process.stdout.write('web entries, first load (gzip -9):\n');
console.table(rows); // eslint-disable-line no-console
