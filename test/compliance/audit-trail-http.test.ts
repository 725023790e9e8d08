/**
 * The platform's compliance search (RF1.8, RF8.1): an auditor reads and exports the audit trail of every
 * business, and can change nothing; businesses cannot reach it, not even by a custom role or an API key.
 */
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PLATFORM_AUDIT_TENANT_ID } from '../../src/modules/audit/index.ts';
import { createPlatformAdminSession, login, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

interface TrailEntry {
  id: string;
  tenant_id: string;
  tenant: { id: string; slug: string; name: string } | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  actor: { type: string; id: string | null; user_id: string | null; email: string | null };
  metadata: Record<string, unknown>;
}

let t: TestApp;
let first: TenantOwner;
let second: TenantOwner;
let auditor: Awaited<ReturnType<typeof createPlatformAdminSession>>;
const call = httpClient(() => t.server);

/** A business renames itself; answers the action its own audit log recorded for it. */
async function rename(owner: TenantOwner, name: string): Promise<TrailEntry> {
  const renamed = await call('PATCH', `/api/v1/businesses/${owner.business.id}`, { headers: owner.headers, body: { name } });
  expect(renamed.status, renamed.text).toBe(200);
  const own = await call<TrailEntry[]>('GET', `/api/v1/audit-logs?entity_id=${owner.business.id}&limit=1`, { headers: owner.headers });
  const entry = own.body.data[0];
  if (!entry) throw new Error('the rename left no audit entry');
  return entry;
}

beforeAll(async () => {
  t = await startTestApp();
  first = await signupTenant(t);
  second = await signupTenant(t);
  auditor = await createPlatformAdminSession(t, { auditor: true });
});
afterAll(async () => t.close());

describe('the platform auditor', () => {
  test('signs in to the platform with a second factor, holds read and export of compliance records only, and never turns the factor off', async () => {
    const fresh = await createPlatformAdminSession(t, { auditor: true, withoutMfa: true });
    const refused = await call('GET', '/api/v1/platform/audit-logs', { headers: fresh.headers });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toEqual({ mfa_enrollment_required: true });
    const { secret } = (await call('POST', '/api/v1/auth/mfa/enroll', { headers: fresh.headers })).body.data as { secret: string };
    expect((await call('POST', '/api/v1/auth/mfa/enable', { headers: fresh.headers, body: { code: await totp({ secret }) } })).status).toBe(200);
    expect((await call('GET', '/api/v1/platform/audit-logs', { headers: fresh.headers })).status).toBe(200);

    const me = await call<{ role: string; tenant: unknown; permissions: string[] }>('GET', '/api/v1/auth/me', { headers: fresh.headers });
    expect(me.body.data.role).toBe('platform_auditor');
    expect(me.body.data.tenant).toBeNull();
    expect([...me.body.data.permissions].sort()).toEqual(['export:Compliance', 'read:Compliance']);
    expect((await call('POST', '/api/v1/auth/mfa/disable', { headers: fresh.headers, body: { password: fresh.password } })).status).toBe(403);
    // A new sign-in asks for the code, as an administrator's does.
    expect((await login(t, { email: fresh.email, password: fresh.password })).envelope.data).toMatchObject({ mfa_required: true });
  });

  test('can change nothing: platform tools, business endpoints and writes all answer 403', async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/platform/tenants'],
      ['GET', `/api/v1/platform/tenants/${first.tenant.id}`],
      ['POST', `/api/v1/platform/tenants/${first.tenant.id}/suspend`, { reason: 'auditor trying' }],
      ['PUT', '/api/v1/platform/maintenance', { enabled: true, message: 'no' }],
      ['POST', '/api/v1/platform/impersonations', { tenant_id: first.tenant.id, reason: 'look around' }],
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/audit-logs'],
      ['PATCH', `/api/v1/businesses/${first.business.id}`, { name: 'Audited away' }],
    ];
    for (const [method, url, body] of attempts) {
      const answer = await call(method as 'GET', url, { headers: auditor.headers, ...(body === undefined ? {} : { body }) });
      expect([method, url, answer.status]).toEqual([method, url, 403]);
    }
    const business = await call<{ name: string }>('GET', `/api/v1/businesses/${first.business.id}`, { headers: first.headers });
    expect(business.body.data.name).not.toBe('Audited away');
  });
});

describe('the audit trail across businesses', () => {
  test('finds one action in every business, each entry named by its business; narrows to one business; pages with a cursor', async () => {
    const a = await rename(first, 'Peluquería Norte');
    const b = await rename(second, 'Peluquería Sur');
    expect(a.action).toBe(b.action);

    const everywhere = await call<TrailEntry[]>('GET', `/api/v1/platform/audit-logs?action=${a.action}&entity_type=${a.entity_type}&limit=100`, { headers: auditor.headers });
    expect(everywhere.status, everywhere.text).toBe(200);
    const ours = everywhere.body.data.filter((entry) => entry.id === a.id || entry.id === b.id);
    // Newest first: the second business renamed itself last.
    expect(ours.map((entry) => [entry.id, entry.tenant_id, entry.tenant?.slug])).toEqual([
      [b.id, second.tenant.id, second.tenant.slug],
      [a.id, first.tenant.id, first.tenant.slug],
    ]);
    expect(everywhere.body.data.every((entry) => entry.action === a.action)).toBe(true);
    // Who acted is named: the auditor cannot look people up otherwise.
    expect(ours.map((entry) => entry.actor.email)).toEqual([second.email, first.email]);

    const one = await call<TrailEntry[]>('GET', `/api/v1/platform/audit-logs?tenant_id=${first.tenant.id}&limit=100`, { headers: auditor.headers });
    expect(new Set(one.body.data.map((entry) => entry.tenant_id))).toEqual(new Set([first.tenant.id]));
    // The same entries the business sees in its own log.
    const own = await call<TrailEntry[]>('GET', '/api/v1/audit-logs?limit=100', { headers: first.headers });
    expect(one.body.data.map((entry) => entry.id)).toEqual(own.body.data.map((entry) => entry.id));

    const page1 = await call<TrailEntry[]>('GET', `/api/v1/platform/audit-logs?tenant_id=${first.tenant.id}&limit=1`, { headers: auditor.headers });
    expect(page1.body.metadata?.pagination).toMatchObject({ has_more: true });
    const cursor = page1.body.metadata?.pagination?.cursor ?? '';
    const page2 = await call<TrailEntry[]>('GET', `/api/v1/platform/audit-logs?tenant_id=${first.tenant.id}&limit=1&cursor=${encodeURIComponent(cursor)}`, {
      headers: auditor.headers,
    });
    expect([page1.body.data[0]?.id, page2.body.data[0]?.id]).toEqual(own.body.data.slice(0, 2).map((entry) => entry.id));
  });

  test('exports as CSV and JSON Lines with the filters, and the export is itself in the platform log', async () => {
    const renamed = await rename(first, '=Peluquería "Centro", S.L.');
    const query = `tenant_id=${first.tenant.id}&entity_id=${first.business.id}`;
    const csv = await call('GET', `/api/v1/platform/audit-logs/export?${query}&format=csv`, { headers: auditor.headers });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-trail-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'created_at,tenant_id,tenant_slug,tenant_name,action,entity_type,entity_id,actor_type,actor_id,user_id,actor_email,impersonated_by,ip,user_agent,request_id,old_values,new_values,metadata',
    );
    const newest = lines[1] ?? '';
    expect(newest).toContain(`,${first.tenant.id},${first.tenant.slug},`);
    expect(newest).toContain(`,${renamed.action},business,${first.business.id},user,${first.userId},${first.userId},${first.email},`);
    // Quotes inside JSON text are doubled, the cell quoted.
    expect(newest).toContain('""name"":""=Peluquería \\""Centro\\"", S.L.""');

    const jsonl = await call('GET', `/api/v1/platform/audit-logs/export?${query}&format=jsonl`, { headers: auditor.headers });
    expect(jsonl.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const entries = jsonl.text.trimEnd().split('\n').map((line) => JSON.parse(line) as TrailEntry);
    expect(entries.length).toBe(lines.length - 1);
    expect(entries[0]).toMatchObject({ id: renamed.id, tenant: { id: first.tenant.id, slug: first.tenant.slug }, entity_id: first.business.id });

    const exports = await call<TrailEntry[]>('GET', `/api/v1/platform/audit-logs?tenant_id=${PLATFORM_AUDIT_TENANT_ID}&action=compliance.audit_exported&limit=2`, {
      headers: auditor.headers,
    });
    expect(exports.body.data.map((entry) => [entry.tenant, entry.actor.user_id, entry.metadata.format, entry.metadata.entries])).toEqual([
      [null, auditor.userId, 'jsonl', entries.length],
      [null, auditor.userId, 'csv', entries.length],
    ]);
    expect(exports.body.data[0]?.metadata.filters).toEqual({ tenant_id: first.tenant.id, entity_id: first.business.id });
  });

  test('the businesses to pick from: searchable, the platform’s own left out; closed to businesses', async () => {
    const found = await call<Array<{ id: string; slug: string; name: string; status: string }>>(
      'GET',
      `/api/v1/platform/compliance/tenants?search=${second.tenant.slug}`,
      { headers: auditor.headers },
    );
    expect(found.status, found.text).toBe(200);
    expect(found.body.data).toEqual([{ id: second.tenant.id, slug: second.tenant.slug, name: second.tenant.name, status: 'active' }]);
    const all = await call<Array<{ id: string }>>('GET', '/api/v1/platform/compliance/tenants?limit=100', { headers: auditor.headers });
    expect(all.body.data.map((tenant) => tenant.id)).not.toContain(PLATFORM_AUDIT_TENANT_ID);
    expect((await call('GET', '/api/v1/platform/compliance/tenants', { headers: first.headers })).status).toBe(403);
  });

  test('bad filters are refused in words', async () => {
    const badTenant = await call('GET', '/api/v1/platform/audit-logs?tenant_id=north', { headers: auditor.headers });
    expect(badTenant.status).toBe(400);
    expect(badTenant.body.error.code).toBe('VALIDATION_ERROR');
    const badFormat = await call('GET', '/api/v1/platform/audit-logs/export?format=xlsx', { headers: auditor.headers });
    expect(badFormat.status).toBe(400);
  });
});

describe('businesses cannot reach it', () => {
  test('an owner, a custom role and an API key are refused; compliance powers cannot be granted', async () => {
    for (const url of ['/api/v1/platform/audit-logs', '/api/v1/platform/audit-logs/export']) {
      expect((await call('GET', url, { headers: first.headers })).status).toBe(403);
    }
    const role = await call('POST', '/api/v1/roles', { headers: first.headers, body: { name: 'Compliance reader', permissions: ['read:Compliance'] } });
    expect(role.status).toBe(403);
    const key = await call('POST', '/api/v1/api-keys', { headers: first.headers, body: { name: 'audit', permissions: ['read:Compliance'] } });
    expect(key.status).toBe(403);
    // A key made without a list carries no compliance power either.
    const plain = await call<{ permissions: string[] }>('POST', '/api/v1/api-keys', { headers: first.headers, body: { name: 'everything' } });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.data.permissions.filter((permission) => permission.endsWith(':Compliance'))).toEqual([]);
    // The platform's administrators hold it.
    const admin = await createPlatformAdminSession(t);
    expect((await call('GET', `/api/v1/platform/audit-logs?tenant_id=${second.tenant.id}`, { headers: admin.headers })).status).toBe(200);
  });
});
