/**
 * Issue 15, configuration: the business profile and its look (logo, accent colour), a second
 * business under the same account, and a custom domain verified through an injected resolver.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { createTenancyModule, getTenantByDomain, type DnsResolver } from '../../src/modules/tenancy/index.ts';
import { addBusiness, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { httpClient } from '../support/http.ts';
import { composeTestModules, makeTenant, startModuleServer, testToken, type ModuleServer, type TestTenant } from '../support/module-server.ts';
import type { Modules } from '../../src/composition.ts';

/** A PNG's signature and header chunk: enough for the type check, which reads the first bytes. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000dIHDR-logo-bytes')]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');

interface BusinessView {
  id: string;
  name: string;
  logo_url: string | null;
  timezone: string;
  settings: Record<string, unknown>;
}

describe('business profile, logo and look', () => {
  let t: TestApp;
  let owner: TenantOwner;
  let other: TenantOwner;
  const call = httpClient(() => t.server);
  beforeAll(async () => {
    t = await startTestApp();
    owner = await signupTenant(t);
    other = await signupTenant(t);
  });
  afterAll(async () => t.close());

  const businessUrl = () => `/api/v1/businesses/${owner.business.id}`;

  it('saves the profile and an accent colour white text can be read on; refuses one it cannot', async () => {
    const profile = {
      name: 'Salón Lucía',
      description: 'Cortes y color',
      email: 'hola@salon.example',
      phone: '+34 600 111 222',
      address: { line1: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013' },
      timezone: 'Atlantic/Canary',
      settings: { accent_color: '#0b7285' },
    };
    const saved = await call<BusinessView>('PATCH', businessUrl(), { headers: owner.headers, body: profile });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.data).toMatchObject({ name: 'Salón Lucía', timezone: 'Atlantic/Canary', settings: { accent_color: '#0b7285' } });

    // Yellow under white text is 1.5:1: refused, and what was saved stays.
    const pale = await call('PATCH', businessUrl(), { headers: owner.headers, body: { settings: { accent_color: '#ffcc00' } } });
    expect(pale.status).toBe(400);
    expect(pale.body.error.code).toBe('VALIDATION_ERROR');
    const page = await call<{ business: { name: string; accent_color: string | null } }>('GET', '/api/v1/booking-page', { tenant: owner.tenant.slug });
    expect(page.status, page.text).toBe(200);
    expect(page.body.data.business).toMatchObject({ name: 'Salón Lucía', accent_color: '#0b7285' });
  });

  it('takes a PNG logo and serves it under a public URL cached for a year, shown on the booking page', async () => {
    const uploaded = await call<BusinessView>('PUT', `${businessUrl()}/logo`, { headers: owner.headers, body: { content_type: 'image/png', data: PNG.toString('base64') } });
    expect(uploaded.status, uploaded.text).toBe(200);
    const logoUrl = uploaded.body.data.logo_url ?? '';
    expect(logoUrl).toMatch(new RegExp(`^/api/v1/logos/${owner.tenant.id}/${owner.business.id}/[0-9a-f]{64}$`));

    const served = await t.server.inject({ method: 'GET', url: logoUrl });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.rawPayload.equals(PNG)).toBe(true);
    const page = await call<{ business: { logo_url: string | null } }>('GET', '/api/v1/booking-page', { tenant: owner.tenant.slug });
    expect(page.body.data.business.logo_url).toBe(logoUrl);

    // Another tenant's id in the URL finds nothing: the lookup runs in the named tenant only.
    const crossed = await t.server.inject({ method: 'GET', url: logoUrl.replace(owner.tenant.id, other.tenant.id) });
    expect(crossed.statusCode).toBe(404);
  });

  it('refuses an SVG however it is named, a file over 512 KB and a type the bytes do not match', async () => {
    const named = await call('PUT', `${businessUrl()}/logo`, { headers: owner.headers, body: { content_type: 'image/jpeg', data: SVG.toString('base64') } });
    expect(named.status).toBe(415);
    expect(named.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const declared = await call('PUT', `${businessUrl()}/logo`, { headers: owner.headers, body: { content_type: 'image/svg+xml', data: SVG.toString('base64') } });
    expect(declared.status).toBe(400);
    const mismatch = await call('PUT', `${businessUrl()}/logo`, { headers: owner.headers, body: { content_type: 'image/webp', data: PNG.toString('base64') } });
    expect(mismatch.status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(512 * 1024)]);
    const tooBig = await call('PUT', `${businessUrl()}/logo`, { headers: owner.headers, body: { content_type: 'image/png', data: big.toString('base64') } });
    expect(tooBig.status).toBe(413);
  });

  it('keeps another business out, refuses a receptionist and lets a manager edit', async () => {
    for (const [method, url, body] of [
      ['GET', businessUrl(), undefined],
      ['PATCH', businessUrl(), { name: 'Taken over' }],
      ['PUT', `${businessUrl()}/logo`, { content_type: 'image/png', data: PNG.toString('base64') }],
      ['DELETE', `${businessUrl()}/logo`, undefined],
    ] as const) {
      const answer = await call(method, url, { headers: other.headers, body });
      expect(answer.status, `${method} ${url}`).toBe(404);
    }
    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    expect((await call('PATCH', businessUrl(), { headers: receptionist.headers, body: { name: 'x' } })).status).toBe(403);
    expect((await call('PUT', `${businessUrl()}/logo`, { headers: receptionist.headers, body: { content_type: 'image/png', data: PNG.toString('base64') } })).status).toBe(403);
    const manager = await createUserWithRole(t, owner, 'manager');
    expect((await call('PATCH', businessUrl(), { headers: manager.headers, body: { description: 'Desde 1990' } })).status).toBe(200);
    const after = await call<BusinessView>('GET', businessUrl(), { headers: owner.headers });
    expect(after.body.data.name).toBe('Salón Lucía');
  });

  it('opens a second business on its own trial; each sees only its own data; the owner switches between them', async () => {
    const second = await addBusiness(t, owner, { tenant_name: 'Barbería Dos', plan_id: 'professional' });
    expect(second.tenant.id).not.toBe(owner.tenant.id);
    const subscription = await withPlatform(t.db.db, (trx) =>
      sql<{ status: string }>`select status from subscriptions where tenant_id = ${second.tenant.id}`.execute(trx),
    );
    expect(subscription.rows.map((row) => row.status)).toEqual(['trialing']);

    const listed = await call<BusinessView[]>('GET', '/api/v1/businesses', { headers: second.headers });
    expect(listed.body.data.map((business) => business.name)).toEqual(['Barbería Dos']);
    expect((await call('GET', businessUrl(), { headers: second.headers })).status).toBe(404);

    const me = await call<{ memberships: Array<{ tenant_id: string }> }>('GET', '/api/v1/auth/me', { headers: second.headers });
    expect(me.body.data.memberships.map((membership) => membership.tenant_id).sort()).toEqual([owner.tenant.id, second.tenant.id].sort());
    const back = await call<{ access_token: string }>('POST', '/api/v1/auth/switch-tenant', { headers: second.headers, body: { tenant_id: owner.tenant.id } });
    expect(back.status, back.text).toBe(200);
    const first = await call<BusinessView[]>('GET', '/api/v1/businesses', { token: back.body.data.access_token });
    expect(first.body.data.map((business) => business.id)).toEqual([owner.business.id]);
  });
});

/** DNS as the test says it is: TXT and CNAME answers by name; anything else does not exist. */
function fakeDns(): DnsResolver & { txt: Map<string, string[][]>; cname: Map<string, string[]> } {
  const missing = () => Object.assign(new Error('queryTxt ENOTFOUND'), { code: 'ENOTFOUND' });
  const txt = new Map<string, string[][]>();
  const cname = new Map<string, string[]>();
  return {
    txt,
    cname,
    resolveTxt: async (name) => txt.get(name) ?? Promise.reject(missing()),
    resolveCname: async (name) => cname.get(name) ?? Promise.reject(missing()),
  };
}

interface DomainView {
  host: string;
  status: string;
  cname: { name: string; target: string };
  txt: { name: string; value: string };
  failure: string | null;
}

describe('custom domain', () => {
  let handle: TestDatabase;
  let module: ModuleServer<Modules>;
  let salon: TestTenant;
  let rival: TestTenant;
  const dns = fakeDns();
  const call = httpClient(() => module.server);
  const owner = (tenant: TestTenant) => ({ auth: testToken(tenant, 'business_admin') });
  const domainUrl = (tenant: TestTenant) => `/api/v1/tenants/${tenant.tenantId}/domain`;
  const resolves = (host: string) => module.modules.identity.authenticator.resolvePublicTenant({ host });

  beforeAll(async () => {
    handle = await openTestDatabase();
    module = await startModuleServer(handle, {
      env: { PUBLIC_URL: 'https://app.reservehub.test' },
      permissions: 'role-table',
      register(api, context) {
        const modules = composeTestModules(context);
        createTenancyModule({ db: handle.db, countActiveUsers: modules.identity.countActiveUsers, publicUrl: 'https://app.reservehub.test', dnsResolver: dns }).registerRoutes(api);
        return modules;
      },
    });
    salon = await makeTenant(handle);
    rival = await makeTenant(handle);
  });
  afterAll(async () => {
    await module.server.close();
    await handle.close();
  });

  it('refuses names that are not host names, IP addresses and the platform own domain (422)', async () => {
    for (const [host, reason] of [
      ['not a domain', 'domain_invalid'],
      ['localhost', 'domain_invalid'],
      ['-bad-.example.com', 'domain_invalid'],
      ['192.0.2.10', 'domain_ip'],
      ['[2001:db8::1]', 'domain_ip'],
      ['app.reservehub.test', 'domain_platform'],
      ['evil.reservehub.test', 'domain_platform'],
    ]) {
      const answer = await call('PUT', domainUrl(salon), { ...owner(salon), body: { host } });
      expect(answer.status, host).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'DOMAIN_NOT_ALLOWED', details: { reason } });
    }
  });

  it('stays pending and resolves nothing until DNS has both records; then the host serves the tenant', async () => {
    const asked = await call<DomainView>('PUT', domainUrl(salon), { ...owner(salon), body: { host: 'Book.Salon-Example.com.' } });
    expect(asked.status, asked.text).toBe(200);
    const domain = asked.body.data;
    expect(domain).toMatchObject({ host: 'book.salon-example.com', status: 'pending', cname: { name: 'book.salon-example.com', target: 'app.reservehub.test' } });
    expect(domain.txt.name).toBe('_reservehub-challenge.book.salon-example.com');
    expect(await withPlatform(handle.db, (trx) => getTenantByDomain(trx, 'book.salon-example.com'))).toBeNull();

    // Only the CNAME: the TXT proof is missing, so it fails and still resolves nothing.
    dns.cname.set('book.salon-example.com', ['app.reservehub.test']);
    const failed = await call<DomainView>('POST', `${domainUrl(salon)}/verify`, owner(salon));
    expect(failed.body.data).toMatchObject({ status: 'failed', failure: 'txt_missing' });
    expect(await withPlatform(handle.db, (trx) => getTenantByDomain(trx, 'book.salon-example.com'))).toBeNull();

    dns.txt.set(domain.txt.name, [['unrelated'], [domain.txt.value.slice(0, 10), domain.txt.value.slice(10)]]);
    const verified = await call<DomainView>('POST', `${domainUrl(salon)}/verify`, owner(salon));
    expect(verified.body.data).toMatchObject({ status: 'verified', failure: null });
    expect(await resolves('book.salon-example.com:443')).toMatchObject({ id: salon.tenantId });
    expect((await call<DomainView>('GET', domainUrl(salon), owner(salon))).body.data.status).toBe('verified');
  });

  it('refuses a domain another tenant uses (409); a rival cannot read or change ours', async () => {
    const taken = await call('PUT', domainUrl(rival), { ...owner(rival), body: { host: 'book.salon-example.com' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toMatchObject({ reason: 'domain_taken' });
    for (const [method, url] of [
      ['GET', domainUrl(salon)],
      ['PUT', domainUrl(salon)],
      ['POST', `${domainUrl(salon)}/verify`],
      ['DELETE', domainUrl(salon)],
    ] as const) {
      const answer = await call(method, url, { ...owner(rival), body: method === 'PUT' ? { host: 'x.rival.example' } : undefined });
      expect(answer.status, `${method} ${url}`).toBe(404);
    }
    const manager = await call('PUT', domainUrl(salon), { auth: testToken(salon, 'manager'), body: { host: 'other.salon-example.com' } });
    expect(manager.status).toBe(403);
  });

  it('a rival claiming the host first never takes it: only the TXT token of the asking tenant verifies', async () => {
    // The rival asks for a host nobody verified yet and copies the salon's CNAME; DNS holds the salon's token only.
    const asked = await call<DomainView>('PUT', domainUrl(salon), { ...owner(salon), body: { host: 'citas.salon-example.com' } });
    // Replacing the verified host stops it resolving at once.
    expect(await withPlatform(handle.db, (trx) => getTenantByDomain(trx, 'book.salon-example.com'))).toBeNull();
    const rivalAsked = await call<DomainView>('PUT', domainUrl(rival), { ...owner(rival), body: { host: 'citas.salon-example.com' } });
    expect(rivalAsked.status).toBe(200);
    dns.cname.set('citas.salon-example.com', ['app.reservehub.test.']);
    dns.txt.set(asked.body.data.txt.name, [[asked.body.data.txt.value]]);
    const rivalCheck = await call<DomainView>('POST', `${domainUrl(rival)}/verify`, owner(rival));
    expect(rivalCheck.body.data).toMatchObject({ status: 'failed', failure: 'txt_missing' });
    const salonCheck = await call<DomainView>('POST', `${domainUrl(salon)}/verify`, owner(salon));
    expect(salonCheck.body.data.status).toBe('verified');
    expect(await resolves('citas.salon-example.com')).toMatchObject({ id: salon.tenantId });

    expect((await call('DELETE', domainUrl(salon), owner(salon))).status).toBe(200);
    expect(await withPlatform(handle.db, (trx) => getTenantByDomain(trx, 'citas.salon-example.com'))).toBeNull();
  });
});
