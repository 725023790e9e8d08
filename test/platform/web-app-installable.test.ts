/**
 * The dashboard as an installable app, as the server serves the real build (web/vite-admin-pwa.ts
 * writes the manifest and the worker): the manifest is valid JSON with the members an install needs
 * and icons that resolve; the worker is JavaScript that is always revalidated, runs under the
 * dashboard's policy and never lists the API among what it stores; the dashboard's page links the
 * manifest and its CSP names workers and manifests from this origin without loosening the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { buildApp, type Application } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { cspOf } from '../support/csp.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

let db: TestDatabase;
let app: Application;

beforeAll(async () => {
  ensureWebBuild();
  db = await openTestDatabase();
  app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), handle: db });
  await app.server.ready();
}, 180_000);
afterAll(async () => {
  await app?.server.close();
  await db?.close();
});

const get = (url: string) => app.server.inject({ method: 'GET', url });

describe('the dashboard installs as an app', () => {
  it('/admin/manifest.webmanifest is a manifest with the members an install needs, scoped to /admin/', async () => {
    const response = await get('/admin/manifest.webmanifest');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    const manifest = JSON.parse(response.body) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'ReserveHub', start_url: '/admin/', scope: '/admin/', display: 'standalone', lang: 'es' });
    expect(manifest.short_name).toEqual(expect.any(String));
    expect(String(manifest.short_name).length).toBeLessThanOrEqual(12);
    for (const colour of [manifest.theme_color, manifest.background_color]) expect(colour).toMatch(/^#[0-9a-f]{6}$/i);
    // Spanish and English in one description.
    expect(manifest.description).toMatch(/reservas/);
    expect(manifest.description).toMatch(/bookings/);
  });

  it('every icon of the manifest resolves to an image of its declared type, with SVG, 192 and 512 px PNGs among them', async () => {
    const { icons } = JSON.parse((await get('/admin/manifest.webmanifest')).body) as { icons: ManifestIcon[] };
    expect(icons.map((icon) => `${icon.type} ${icon.sizes}`)).toEqual(expect.arrayContaining(['image/svg+xml any', 'image/png 192x192', 'image/png 512x512']));
    for (const icon of icons) {
      const response = await get(icon.src);
      expect(response.statusCode, icon.src).toBe(200);
      expect(response.headers['content-type'], icon.src).toContain(icon.type);
      if (icon.type === 'image/png') {
        // The PNG's own header (IHDR width and height) says the size the manifest declares.
        const [width, height] = icon.sizes.split('x').map(Number);
        expect([response.rawPayload.readUInt32BE(16), response.rawPayload.readUInt32BE(20)], icon.src).toEqual([width, height]);
      }
    }
  });

  it('/admin/sw.js is JavaScript, revalidated on every check, under the dashboard\'s policy, and stores no API answer', async () => {
    const response = await get('/admin/sw.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(response.headers['cache-control']).toBe('no-cache');
    // Served at the scope it controls: no wider scope is asked for.
    expect(response.headers['service-worker-allowed']).toBeUndefined();
    expect(cspOf(response.headers['content-security-policy']).get('connect-src')).toBe("'self'");
    const precache = JSON.parse(/const PRECACHE = (\[[^\]]*\]);/.exec(response.body)?.[1] ?? 'null') as string[] | null;
    expect(precache).toContain('/admin/');
    expect(precache?.filter((url) => url.startsWith('/api/'))).toEqual([]);
    // Every file of the shell resolves, so the worker's install cannot fail on a missing one.
    for (const url of precache ?? []) expect((await get(url)).statusCode, url).toBe(200);
  });

  it('the dashboard\'s page links the manifest, and its CSP allows this origin\'s worker and manifest and nothing looser', async () => {
    const response = await get('/admin/login');
    expect(response.body).toContain('<link rel="manifest" href="/admin/manifest.webmanifest"');
    expect(response.body).toContain('name="theme-color"');
    expect(response.body).toContain('rel="apple-touch-icon"');
    const csp = cspOf(response.headers['content-security-policy']);
    expect(csp.get('worker-src')).toBe("'self'");
    expect(csp.get('manifest-src')).toBe("'self'");
    for (const directive of ['default-src', 'script-src', 'style-src', 'connect-src']) expect(csp.get(directive), directive).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
  });
});
