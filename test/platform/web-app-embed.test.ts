/**
 * The widget's framing policy per business: `/embed/{slug}` names the sites the business
 * listed in `embed_origins` (any site while the list is empty), one business's list never
 * applies to another, and a list that is not plain origins is refused whole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Application } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { cspOf } from '../support/csp.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { body, signupTenant, type TestApp } from '../support/factories.ts';

let db: TestDatabase;
let app: Application;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'reservehub-web-dist-'));
  for (const entry of ['booking', 'embed', 'admin']) writeFileSync(join(dist, `${entry}.html`), `<!doctype html><title>${entry} entry</title>`);
  writeFileSync(join(dist, 'widget.js'), '(function(){})();');
  db = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' });
  app = await buildApp({ config, handle: db, webDistDir: dist });
  await app.server.ready();
});
afterAll(async () => {
  await app?.server.close();
  await db?.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (url: string) => app.server.inject({ method: 'GET', url });

describe('the sites a business allows to embed its widget', () => {
  const asTestApp = () => ({ server: app.server }) as TestApp;
  const frameAncestors = async (slug: string) => cspOf((await get(`/embed/${slug}`)).headers['content-security-policy']).get('frame-ancestors');
  const setEmbedOrigins = (owner: Awaited<ReturnType<typeof signupTenant>>, origins: unknown) =>
    app.server.inject({
      method: 'PATCH',
      url: `/api/v1/businesses/${owner.business.id}`,
      headers: owner.headers,
      payload: { settings: { embed_origins: origins } },
    });

  it("names only the business's own sites, per business, and a change applies to the next load", async () => {
    const first = await signupTenant(asTestApp());
    const second = await signupTenant(asTestApp());
    expect(await frameAncestors(first.tenant.slug)).toBe('*');

    const saved = await setEmbedOrigins(first, ['https://www.first-salon.example', 'http://localhost:8080']);
    expect(saved.statusCode).toBe(200);
    expect(await frameAncestors(first.tenant.slug)).toBe('https://www.first-salon.example http://localhost:8080');
    // The other business's widget is untouched by the first one's list.
    expect(await frameAncestors(second.tenant.slug)).toBe('*');
    // The rest of the policy stays as strict as everywhere else.
    const csp = cspOf((await get(`/embed/${first.tenant.slug}/service/step`)).headers['content-security-policy']);
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe('https://www.first-salon.example http://localhost:8080');

    expect((await setEmbedOrigins(first, [])).statusCode).toBe(200);
    expect(await frameAncestors(first.tenant.slug)).toBe('*');
  });

  it('stores sites as browsers name them, so the widget page matches them with location.origin; never shows them to another business', async () => {
    const first = await signupTenant(asTestApp());
    const second = await signupTenant(asTestApp());
    const saved = await setEmbedOrigins(first, ['https://WWW.First-Salon.example:443', 'http://localhost:80', 'https://www.first-salon.example', 'http://localhost:8080']);
    expect(saved.statusCode, saved.body).toBe(200);
    const canonical = ['https://www.first-salon.example', 'http://localhost', 'http://localhost:8080'];
    expect(body<{ settings: { embed_origins: string[] } }>(saved).data.settings.embed_origins).toEqual(canonical);
    expect(await frameAncestors(first.tenant.slug)).toBe(canonical.join(' '));
    // The widget's page reads the list from the booking page, per business.
    const bookingPage = async (slug: string) =>
      body<{ business: { embed_origins: string[] } }>(await app.server.inject({ method: 'GET', url: '/api/v1/booking-page', headers: { 'x-tenant': slug } })).data.business
        .embed_origins;
    expect(await bookingPage(first.tenant.slug)).toEqual(canonical);
    expect(await bookingPage(second.tenant.slug)).toEqual([]);
    // Another business's owner cannot write the first one's list.
    const foreign = await app.server.inject({
      method: 'PATCH',
      url: `/api/v1/businesses/${first.business.id}`,
      headers: second.headers,
      payload: { settings: { embed_origins: ['https://evil.example'] } },
    });
    expect(foreign.statusCode).toBe(404);
    expect(await frameAncestors(first.tenant.slug)).toBe(canonical.join(' '));
  });

  it.each([
    ['a port out of range', ['https://a.example:70000']],
    ['a wildcard', ['https://*.example.com']],
    ['an empty host label', ['https://shop..example']],
    ['too many', Array.from({ length: 21 }, (_, index) => `https://site${index}.example`)],
    ['a path', ['https://www.example.com/booking']],
    ['a directive smuggled in', ["https://a.example 'unsafe-inline'"]],
    ['a policy separator', ['https://a.example; script-src *']],
    ['not a list', 'https://a.example'],
  ])('refuses %s with a 400 and keeps what was saved', async (_case, origins) => {
    const owner = await signupTenant(asTestApp());
    expect((await setEmbedOrigins(owner, ['https://kept.example'])).statusCode).toBe(200);
    const refused = await setEmbedOrigins(owner, origins);
    expect(refused.statusCode).toBe(400);
    expect(body(refused).error?.code).toBe('VALIDATION_ERROR');
    expect(await frameAncestors(owner.tenant.slug)).toBe('https://kept.example');
  });

  it('an unknown business or a malformed slug frames as before, without touching the database with it', async () => {
    expect(await frameAncestors('no-such-business')).toBe('*');
    expect((await get('/embed/%27none%27')).statusCode).toBe(200);
    expect(await frameAncestors('%27none%27')).toBe('*');
  });
});

describe('/widget.js, the loader businesses paste into their sites', () => {
  it('loads from other sites, is cached for minutes under a name that never changes, and is revalidated by its ETag', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/widget.js', headers: { origin: 'https://www.first-salon.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['cache-control']).toBe('public, max-age=600');
    const etag = response.headers.etag;
    expect(typeof etag).toBe('string');
    const again = await app.server.inject({ method: 'GET', url: '/widget.js', headers: { 'if-none-match': String(etag) } });
    expect(again.statusCode).toBe(304);
  });
});
