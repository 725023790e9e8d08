import { describe, expect, it } from 'vitest';
import { installableAppFiles, type BuiltFile } from '../../../vite-admin-pwa.ts';

const chunk = (fileName: string, name: string, code: string, imports: string[] = [], css: string[] = [], isEntry = false): BuiltFile => ({
  type: 'chunk',
  fileName,
  name,
  isEntry,
  imports,
  code,
  viteMetadata: { importedCss: new Set(css) },
});
const asset = (fileName: string, source: string): BuiltFile => ({ type: 'asset', fileName, source });

/**
 * A dashboard build in small: the entry imports the framework statically and the calendar on demand,
 * by the calendar chunk's hashed name (`calendarHash`, which Vite derives from its content).
 */
function build(calendarHash = 'c1'): Record<string, BuiltFile> {
  const files = [
    asset('admin.html', '<script src="/assets/admin-a1.js"></script>'),
    chunk('assets/admin-a1.js', 'admin', `import('./calendar-${calendarHash}.js')`, ['assets/admin-framework-f1.js'], ['assets/admin-s1.css'], true),
    chunk('assets/admin-framework-f1.js', 'admin-framework', 'react()', [], ['assets/admin-framework-s2.css']),
    chunk(`assets/calendar-${calendarHash}.js`, 'calendar-page', 'calendar()', ['assets/admin-framework-f1.js'], ['assets/calendar-s3.css']),
    asset('assets/admin-s1.css', 'body{}'),
    asset('assets/admin-framework-s2.css', ':root{}'),
    asset('assets/calendar-s3.css', '.grid{}'),
  ];
  return Object.fromEntries(files.map((file) => [file.fileName, file]));
}
const PUBLIC = { 'favicon.svg': new TextEncoder().encode('<svg/>'), 'admin-icon-192.png': new Uint8Array([1, 2, 3]) };
const WORKER = 'self.addEventListener("fetch", () => {});\n';
const versionOf = (worker: string) => /const VERSION = "([0-9a-f]{16})";/.exec(worker)?.[1];

describe('the dashboard worker the admin build writes', () => {
  it('precaches the page, its statically imported chunks and their stylesheets, the manifest and icons, and no screen loaded on demand', () => {
    const { precache, worker } = installableAppFiles(build(), PUBLIC, WORKER);
    expect(precache).toEqual([
      '/admin/',
      '/assets/admin-a1.js',
      '/assets/admin-framework-f1.js',
      '/assets/admin-framework-s2.css',
      '/assets/admin-s1.css',
      '/admin/manifest.webmanifest',
      '/admin-icon-192.png',
      '/favicon.svg',
    ]);
    expect(precache.filter((url) => url.startsWith('/api/'))).toEqual([]);
    expect(worker).toContain(`const PRECACHE = ${JSON.stringify(precache, null, 2)};`);
    expect(worker.endsWith(WORKER)).toBe(true);
  });

  it('is a new worker when a deploy changes the shell, and the same worker when it changes nothing', () => {
    const first = versionOf(installableAppFiles(build(), PUBLIC, WORKER).worker);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(versionOf(installableAppFiles(build(), PUBLIC, WORKER).worker)).toBe(first);
    // A new calendar is a new chunk name, which the entry (in the shell) imports on demand: the entry changes.
    expect(versionOf(installableAppFiles(build('c2'), PUBLIC, WORKER).worker)).not.toBe(first);
    expect(versionOf(installableAppFiles(build(), { ...PUBLIC, 'favicon.svg': new TextEncoder().encode('<svg></svg>') }, WORKER).worker)).not.toBe(first);
    expect(versionOf(installableAppFiles(build(), PUBLIC, `${WORKER}// changed\n`).worker)).not.toBe(first);
  });

  it('writes a manifest scoped to the dashboard', () => {
    const manifest = JSON.parse(installableAppFiles(build(), PUBLIC, WORKER).manifest) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'ReserveHub', start_url: '/admin/', scope: '/admin/', display: 'standalone' });
  });

  it('refuses a build without the dashboard\'s page or entry', () => {
    const { 'admin.html': _page, ...withoutPage } = build();
    expect(() => installableAppFiles(withoutPage, PUBLIC, WORKER)).toThrow(/admin\.html/);
  });
});
