/**
 * Builds the web app (web/dist) when its sources changed since the last build:
 * `npm install` (postinstall) and `npm start` (prestart) run it, so a fresh clone
 * needs no third command. `--force` builds regardless. The stamp is a hash of the
 * sources, not their times, so a checkout that touches files without changing
 * them does not rebuild.
 *
 * Without Vite (an install that omitted dev dependencies) it leaves an existing
 * build alone, and the server then serves the API only if there is none.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** Held (a directory, made atomically) while one process builds: test files that start together build once. */
const LOCK = join(WEB, '.build-lock');
const STALE_LOCK_MS = 10 * 60_000;
/** One Vite build per configuration, in order, into the same dist/: the public pages (Preact), the dashboard (React), then the widget loader. */
const CONFIGS = ['vite.config.ts', 'vite.admin.config.ts', 'vite.widget.config.ts'];
/** Everything the build reads besides node_modules. */
const SOURCES = ['web/src', 'web/public', 'web/booking.html', 'web/embed.html', 'web/admin.html', 'web/vite.config.ts', 'web/vite.admin.config.ts', 'web/vite-admin-pwa.ts', 'web/vite.widget.config.ts', 'web/package.json', 'web/tsconfig.json', 'packages/api-client/src', 'package-lock.json'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name === 'node_modules' || name.endsWith('.test.ts') ? [] : files(join(path, name))));
}

/** A hash of every source file's path and content. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((source) => files(join(ROOT, source)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isWebBuildCurrent(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

const COMPRESSIBLE = /\.(js|css|svg|html)$/;

/**
 * Writes `.br` and `.gz` beside each text file of the build, once, at their highest levels: the
 * server sends them to browsers that accept them (@fastify/static `preCompressed`), so no request
 * spends CPU compressing and a phone downloads a third of the bytes.
 */
function precompress(directory: string): void {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      precompress(path);
      continue;
    }
    if (!COMPRESSIBLE.test(name)) continue;
    const content = readFileSync(path);
    writeFileSync(`${path}.br`, brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } }));
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the build lock, waiting while another process holds it (a lock older than a build can take is left over, and taken). */
function acquireLock(): void {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Released between the two calls: try again.
    }
    sleep(250);
  }
}

/** Builds unless current; returns what it did. Concurrent callers wait for one build instead of writing web/dist together. */
export function ensureWebBuild(force = false): 'current' | 'built' | 'skipped' {
  if (!force && isWebBuildCurrent()) return 'current';
  acquireLock();
  try {
    if (!force && isWebBuildCurrent()) return 'current';
    return build();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function build(): 'built' | 'skipped' {
  let viteBin: string;
  try {
    viteBin = join(createRequire(join(WEB, 'package.json')).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  } catch {
    process.stderr.write('web app: Vite is not installed (dev dependencies omitted?); not building web/dist\n');
    return 'skipped';
  }
  const hash = sourceHash();
  const started = Date.now();
  for (const config of CONFIGS) {
    // Always the production bundle: under the test runner NODE_ENV is `test`, which would keep the UI libraries'
    // development code in what the tests serve (over the booking page's 100 kB budget).
    const env = { ...process.env, NODE_ENV: 'production' };
    const result = spawnSync(process.execPath, [viteBin, 'build', '--config', config, '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`web app build failed (${config}: exit ${result.status ?? result.signal})`);
  }
  precompress(DIST);
  writeFileSync(STAMP, `${hash}\n`);
  process.stdout.write(`web app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = ensureWebBuild(process.argv.includes('--force'));
  if (outcome === 'current') process.stdout.write('web app: web/dist is current\n');
}
