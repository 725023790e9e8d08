/**
 * The web app served by the API process: each entry's HTML on its routes with a
 * strict Content-Security-Policy and no caching, hashed assets cached for good,
 * and none of it touching credentials, tenants or the API's rate limits.
 * Uses a small stand-in build, so it does not depend on `npm run build:web`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Application } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { cspOf } from '../support/csp.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let app: Application;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'reservehub-web-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'booking.html'), '<!doctype html><title>booking entry</title>');
  writeFileSync(join(dist, 'embed.html'), '<!doctype html><title>embed entry</title>');
  writeFileSync(join(dist, 'admin.html'), '<!doctype html><title>admin entry</title>');
  writeFileSync(join(dist, 'assets', 'booking-Ab12Cd.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'booking-Ab12Cd.js.br'), brotliCompressSync('console.log(1)'));
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  db = await openTestDatabase();
  // A public limit of 2 per minute: page and asset loads must not count against it.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_RATE_LIMIT_PER_MINUTE: '2' });
  app = await buildApp({ config, handle: db, webDistDir: dist });
  await app.server.ready();
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.server.inject({ method: 'GET', url, headers });


describe('web app pages', () => {
  it.each(['/', '/book/demo', '/book/demo/some/step', '/manage/abc.def', '/waitlist/xyz', '/unsubscribe', '/payments/return'])('%s answers the booking entry', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('booking entry');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('the public pages carry a CSP without inline script and refuse to be framed', async () => {
    const response = await get('/book/demo');
    const csp = cspOf(response.headers['content-security-policy']);
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(String(response.headers['content-security-policy'])).not.toContain('unsafe-inline');
    expect(String(response.headers['content-security-policy'])).not.toContain('unsafe-eval');
  });

  it('/embed/* answers the widget entry, which other sites may frame', async () => {
    const response = await get('/embed/demo');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('embed entry');
    expect(cspOf(response.headers['content-security-policy']).get('frame-ancestors')).toBe('*');
    expect(cspOf(response.headers['content-security-policy']).get('script-src')).toBe("'self'");
    expect(response.headers['x-frame-options']).toBeUndefined();
  });

  it.each(['/admin', '/admin/login', '/admin/bookings'])('%s answers the dashboard entry, which nobody may frame', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('admin entry');
    const csp = cspOf(response.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(String(response.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });

  it('a browser that accepts brotli gets the build\'s precompressed file, others the plain one', async () => {
    const compressed = await get('/assets/booking-Ab12Cd.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.equals(brotliCompressSync('console.log(1)'))).toBe(true);
    const plain = await get('/assets/booking-Ab12Cd.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log(1)');
  });

  it('hashed assets are immutable for a year; a missing one is a 404', async () => {
    const asset = await get('/assets/booking-Ab12Cd.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/missing-0000.js')).statusCode).toBe(404);
    expect((await get('/assets/..%2Fbooking.html')).statusCode).toBe(404);
    const icon = await get('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('pages ignore X-Tenant and credentials and do not count against the API rate limit', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await get('/', { 'x-tenant': 'no-such-business', authorization: 'Bearer not-a-token' });
      expect(response.statusCode).toBe(200);
    }
    const api = await get('/api/v1/plans');
    expect(api.statusCode).toBe(200);
    expect(api.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('API paths keep their JSON 404, and the pages stay out of the OpenAPI document', async () => {
    const missing = await get('/api/v1/no-such-thing');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    const document = JSON.parse((await get('/api/v1/openapi.json')).body) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/v1/'))).toEqual([]);
  });
});

