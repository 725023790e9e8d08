import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * The dashboard as an installable app: the admin build (vite.admin.config.ts) writes, beside its
 * own files, `admin/manifest.webmanifest` and `admin/sw.js` into dist/, served at /admin/... by the
 * server (src/platform/http/web-app.ts). The worker's text is web/src/admin/offline/service-worker.js
 * with the build's precache list and version set above it, so the worker changes (and browsers
 * replace it) exactly when a deploy changes what it caches.
 *
 * Hand-written rather than vite-plugin-pwa: Workbox would bring a large dependency tree into the
 * install for a worker of a few dozen lines that caches one build's files and nothing at run time.
 */

/** The files of web/public the installed app shows (copied to dist/ by the public build). */
const PUBLIC_FILES = ['favicon.svg', 'admin-icon-192.png', 'admin-icon-512.png'] as const;
const PUBLIC_DIR = new URL('public/', import.meta.url);
const WORKER_SOURCE = new URL('src/admin/offline/service-worker.js', import.meta.url);

/** Where the server serves what this plugin writes (dist/admin/...). */
export const ADMIN_MANIFEST_PATH = '/admin/manifest.webmanifest';
export const ADMIN_WORKER_PATH = '/admin/sw.js';

/** The dashboard's colours: its header is the page's body colour (Mantine's white; #242424 in dark mode, set by admin.html). */
const BODY_LIGHT = '#ffffff';

/** The web app manifest (W3C Web App Manifest): Spanish first, as the dashboard's page. */
export const ADMIN_MANIFEST = {
  id: '/admin/',
  name: 'ReserveHub',
  short_name: 'ReserveHub',
  description: 'Panel de tu negocio: reservas, calendario y recepción. · Your business dashboard: bookings, calendar and front desk.',
  lang: 'es',
  dir: 'ltr',
  start_url: '/admin/',
  scope: '/admin/',
  display: 'standalone',
  theme_color: BODY_LIGHT,
  background_color: BODY_LIGHT,
  categories: ['business', 'productivity'],
  icons: [
    { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    { src: '/admin-icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/admin-icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/admin-icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

export function adminPwa(): Plugin {
  return {
    name: 'reservehub-admin-pwa',
    apply: 'build',
    // After Vite's own HTML plugin, so admin.html is in the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const publicFiles = Object.fromEntries(PUBLIC_FILES.map((name) => [name, readFileSync(new URL(name, PUBLIC_DIR))]));
      const { manifest, worker } = installableAppFiles(bundle, publicFiles, readFileSync(WORKER_SOURCE, 'utf8'));
      this.emitFile({ type: 'asset', fileName: ADMIN_MANIFEST_PATH.slice(1), source: manifest });
      this.emitFile({ type: 'asset', fileName: ADMIN_WORKER_PATH.slice(1), source: worker });
    },
  };
}

/** What this plugin reads of a built file (Rolldown's OutputChunk and OutputAsset carry these). */
export type BuiltFile =
  | { type: 'chunk'; fileName: string; name: string; isEntry: boolean; imports: readonly string[]; code: string; viteMetadata?: { importedCss: ReadonlySet<string> } }
  | { type: 'asset'; fileName: string; source: string | Uint8Array };

/**
 * The manifest's text and the worker's: `workerSource` with the build's VERSION and PRECACHE set above
 * it. VERSION hashes every precached file's name and content (and the manifest and worker text), so a
 * deploy that changes any of them is a new worker, and one that changes none is the same worker.
 */
export function installableAppFiles(
  bundle: Readonly<Record<string, BuiltFile>>,
  publicFiles: Readonly<Record<string, Uint8Array>>,
  workerSource: string,
): { manifest: string; worker: string; precache: string[] } {
  const manifest = `${JSON.stringify(ADMIN_MANIFEST, null, 2)}\n`;
  const built = shellFiles(bundle);
  const publicNames = Object.keys(publicFiles).sort();
  const version = createHash('sha256');
  for (const file of built) version.update(file.fileName).update('\0').update(file.type === 'chunk' ? file.code : file.source).update('\0');
  for (const name of publicNames) version.update(name).update('\0').update(publicFiles[name] ?? '').update('\0');
  version.update(manifest).update(workerSource);
  const precache = [
    ...built.map((file) => (file.fileName === 'admin.html' ? '/admin/' : `/${file.fileName}`)),
    ADMIN_MANIFEST_PATH,
    ...publicNames.map((name) => `/${name}`),
  ];
  const header = `const VERSION = ${JSON.stringify(version.digest('hex').slice(0, 16))};\nconst PRECACHE = ${JSON.stringify(precache, null, 2)};\n\n`;
  return { manifest, worker: header + workerSource, precache };
}

/**
 * The shell: admin.html and what it loads before the first screen — the entry chunk, the chunks it
 * imports statically (transitively) and their stylesheets, as Vite's manifest lists them. The screens
 * loaded on demand are left to the network and the browser's HTTP cache (immutable for a year): offline
 * the dashboard shows no screen of data anyway, and the console's chunks would double what a phone stores.
 */
function shellFiles(bundle: Readonly<Record<string, BuiltFile>>): BuiltFile[] {
  const chunks = new Map(Object.values(bundle).flatMap((file) => (file.type === 'chunk' ? [[file.fileName, file] as const] : [])));
  const entry = [...chunks.values()].find((chunk) => chunk.isEntry && chunk.name === 'admin');
  const page = bundle['admin.html'];
  if (!entry || !page) throw new Error('reservehub-admin-pwa: the admin entry or admin.html is not in the bundle');
  const shell = new Set<string>();
  const visit = (chunk: BuiltFile & { type: 'chunk' }) => {
    if (shell.has(chunk.fileName)) return;
    shell.add(chunk.fileName);
    for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(css);
    for (const imported of chunk.imports) {
      const next = chunks.get(imported);
      if (next) visit(next);
    }
  };
  visit(entry);
  const files = [...shell].sort().map((name) => {
    const file = bundle[name];
    if (!file) throw new Error(`reservehub-admin-pwa: ${name} is not in the bundle`);
    return file;
  });
  return [page, ...files];
}
