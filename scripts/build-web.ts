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
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.build-stamp');
/** One Vite build per configuration, in order, into the same dist/: the app's pages, then the widget loader. */
const CONFIGS = ['vite.config.ts', 'vite.widget.config.ts'];
/** Everything the build reads besides node_modules. */
const SOURCES = ['web/src', 'web/public', 'web/booking.html', 'web/embed.html', 'web/vite.config.ts', 'web/vite.widget.config.ts', 'web/package.json', 'web/tsconfig.json', 'packages/api-client/src', 'package-lock.json'];

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

/** Builds unless current; returns what it did. */
export function ensureWebBuild(force = false): 'current' | 'built' | 'skipped' {
  if (!force && isWebBuildCurrent()) return 'current';
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
    const result = spawnSync(process.execPath, [viteBin, 'build', '--config', config, '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`web app build failed (${config}: exit ${result.status ?? result.signal})`);
  }
  writeFileSync(STAMP, `${hash}\n`);
  process.stdout.write(`web app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = ensureWebBuild(process.argv.includes('--force'));
  if (outcome === 'current') process.stdout.write('web app: web/dist is current\n');
}
