/**
 * Serves the built web app (web/dist, built by `npm run build:web`) outside /api:
 * each entry's routes answer with that entry's HTML (the client router takes it
 * from there), hashed assets are cached for a year, HTML is never cached, and the
 * HTML carries a Content-Security-Policy without inline script.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { notFound } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page or asset of the web app: no credential, tenant or API rate limit applies. */
    webApp?: boolean;
  }
}

export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Which HTML page answers which paths (web/vite.config.ts builds one page per entry). */
export const WEB_ENTRIES = {
  booking: ['/', '/book', '/book/*', '/manage/*', '/waitlist/*', '/unsubscribe', '/unsubscribe/*', '/payments/return'],
  embed: ['/embed/*'],
  // The business dashboard and the platform console (web/vite.admin.config.ts, its own build on React).
  admin: ['/admin', '/admin/*', '/platform', '/platform/*'],
} as const;
export type WebEntry = keyof typeof WEB_ENTRIES;

/**
 * The policy of the app's HTML: scripts, styles and connections only from this origin
 * (no inline script, no eval), images also from https (business logos), and framing
 * only where the entry allows it. Workers and the web app manifest (the dashboard's
 * installable app) only from this origin too: named rather than left to default-src.
 */
export function webCsp(frameAncestors: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'https:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': [...frameAncestors],
  };
}

/**
 * Who may frame each entry. The widget is made to sit in a business's own site; until the
 * business names its sites (`embed_origins`, see `WebAppOptions.embedAncestors`), any site
 * may frame it. Every other page: nobody.
 */
export const FRAME_ANCESTORS: Record<WebEntry, readonly string[]> = {
  booking: ["'none'"],
  embed: ['*'],
  admin: ["'none'"],
};

const ASSET_NAME = /^[A-Za-z0-9._-]+$/;
/**
 * The dashboard's installable app (web/vite-admin-pwa.ts writes both into dist/admin/): the worker's
 * script must be revalidated on every check, so a deploy's new worker (and its new shell) is found at
 * once; the manifest is cached briefly, as the other unhashed files.
 */
const ADMIN_WORKER = 'admin/sw.js';
const ADMIN_MANIFEST = 'admin/manifest.webmanifest';
/** The script businesses paste into their sites (web/vite.widget.config.ts builds it). */
const WIDGET_LOADER = 'widget.js';

export interface WebAppOptions {
  distDir?: string;
  /**
   * The sites allowed to frame the widget of the business at a slug (`/embed/{slug}`), or null
   * for any site. Answered per request, so a business's change applies to the next page load.
   */
  embedAncestors?: (slug: string) => Promise<readonly string[] | null>;
}

function cspHeader(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/**
 * Registers the web app's routes when web/dist holds a build; returns false (and the API
 * runs alone) when it does not.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<boolean> {
  const { distDir = WEB_DIST_DIR, embedAncestors } = options;
  const entries = Object.keys(WEB_ENTRIES) as WebEntry[];
  if (!entries.every((entry) => existsSync(join(distDir, `${entry}.html`)))) {
    app.log.warn({ distDir }, 'the web app is not built (run `npm run build:web`); serving the API only');
    return false;
  }
  // The build writes .br and .gz beside each text file (scripts/build-web.ts); they go to browsers that accept them.
  await app.register(fastifyStatic, { root: distDir, serve: false, preCompressed: true });
  const hidden = { schema: { hide: true }, config: { webApp: true } } as const;

  // Vite names every asset by its content hash: a name never changes meaning, so it is cached for good.
  app.get('/assets/*', hidden, (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    // Checked here: the not-found handler would call a known path with a wrong file a 405.
    if (!ASSET_NAME.test(name) || !existsSync(join(distDir, 'assets', name))) throw notFound('Asset');
    return reply.sendFile(`assets/${name}`, { immutable: true, maxAge: '365d' });
  });
  if (existsSync(join(distDir, ADMIN_WORKER)) && existsSync(join(distDir, ADMIN_MANIFEST))) {
    // The worker runs under the dashboard's policy (a worker's own CSP governs what it fetches). Its scope is
    // /admin/, where it is served, so it needs no Service-Worker-Allowed header.
    const helmet = { contentSecurityPolicy: { useDefaults: false, directives: webCsp(FRAME_ANCESTORS.admin) } } as const;
    app.get(`/${ADMIN_WORKER}`, { ...hidden, helmet }, (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile(ADMIN_WORKER, { cacheControl: false }),
    );
    app.get(`/${ADMIN_MANIFEST}`, hidden, (_request, reply) => reply.sendFile(ADMIN_MANIFEST, { maxAge: '1h' }));
  }
  // Unhashed files of web/public (favicon.svg, ...): cached briefly.
  for (const name of readdirSync(distDir)) {
    if (name.endsWith('.html') || name.startsWith('.') || !statSync(join(distDir, name)).isFile()) continue;
    // .br/.gz twins are sent in place of their file, never asked for by name.
    if (name === WIDGET_LOADER || /\.(br|gz)$/.test(name)) continue;
    app.get(`/${name}`, hidden, (_request, reply) => reply.sendFile(name, { maxAge: '1h' }));
  }
  // The widget's loader runs on businesses' own sites: other origins may load it, and a new
  // version reaches them within minutes (revalidated by ETag after that).
  if (existsSync(join(distDir, WIDGET_LOADER))) {
    app.get(`/${WIDGET_LOADER}`, hidden, (_request, reply) =>
      reply.header('cross-origin-resource-policy', 'cross-origin').sendFile(WIDGET_LOADER, { maxAge: '10m' }),
    );
  }

  for (const entry of entries) {
    const perBusiness = entry === 'embed' && embedAncestors !== undefined;
    const helmet = {
      // The widget's policy names the business's sites, so it is written per request below.
      contentSecurityPolicy: perBusiness ? false : { useDefaults: false, directives: webCsp(FRAME_ANCESTORS[entry]) },
      // X-Frame-Options cannot name other sites; frame-ancestors decides for the widget.
      ...(entry === 'embed' ? { xFrameOptions: false } : {}),
    } as const;
    for (const url of WEB_ENTRIES[entry]) {
      app.get(url, { ...hidden, helmet }, async (request, reply) => {
        if (perBusiness) {
          const slug = (request.params as { '*'?: string })['*']?.split('/')[0] ?? '';
          const sites = SLUG.test(slug) ? await embedAncestors(slug) : null;
          reply.header('content-security-policy', cspHeader(webCsp(sites ?? FRAME_ANCESTORS.embed)));
        }
        // Always revalidated, so a deploy's new asset names reach browsers at once.
        return reply.header('cache-control', 'no-cache').sendFile(`${entry}.html`, { cacheControl: false });
      });
    }
  }
  return true;
}
