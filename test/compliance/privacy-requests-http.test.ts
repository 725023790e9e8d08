/**
 * The register of GDPR requests (RF8.2): a business logs requests that came in by e-mail or phone, due one month
 * after receipt; exports and erasures made in the product record themselves (completing an open request of that
 * kind); refusals need reasons; the platform's auditors see every business's register with what is overdue.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

interface PrivacyRequest {
  id: string;
  tenant_id: string;
  tenant?: { id: string; slug: string; name: string } | null;
  customer_id: string | null;
  kind: string;
  channel: string;
  status: string;
  received_at: string;
  due_at: string;
  completed_at: string | null;
  overdue: boolean;
  outcome: string | null;
}

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
const call = httpClient(() => t.server);

async function newCustomer(who: TenantOwner, name: string): Promise<string> {
  const created = await call<{ id: string }>('POST', '/api/v1/customers', {
    headers: who.headers,
    body: { first_name: name, email: `${name.toLowerCase()}-${Date.now()}@example.test` },
  });
  expect(created.status, created.text).toBe(201);
  return created.body.data.id;
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  other = await signupTenant(t);
});
afterAll(async () => t.close());

describe('a business’s register of GDPR requests', () => {
  let overdueId = '';

  test('logs an e-mailed request due one calendar month after receipt; an old one is overdue', async () => {
    const xavier = await newCustomer(owner, 'Xavier');
    const receivedAt = daysAgo(40);
    const logged = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', {
      headers: owner.headers,
      body: { kind: 'erasure', channel: 'email', customer_id: xavier, received_at: receivedAt },
    });
    expect(logged.status, logged.text).toBe(201);
    const expectedDue = new Date(receivedAt);
    expectedDue.setUTCMonth(expectedDue.getUTCMonth() + 1);
    expect(logged.body.data).toMatchObject({ kind: 'erasure', channel: 'email', status: 'open', customer_id: xavier, overdue: true, completed_at: null });
    // PostgreSQL's month arithmetic in UTC; the day matches unless receipt fell on a day the next month lacks.
    expect(Math.abs(new Date(logged.body.data.due_at).getTime() - expectedDue.getTime())).toBeLessThanOrEqual(3 * 86_400_000);
    overdueId = logged.body.data.id;

    const fresh = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'rectification', channel: 'phone' } });
    expect(fresh.body.data).toMatchObject({ status: 'open', overdue: false, customer_id: null });

    const overdue = await call<PrivacyRequest[]>('GET', '/api/v1/privacy-requests?status=overdue', { headers: owner.headers });
    expect(overdue.body.data.map((request) => request.id)).toEqual([overdueId]);
  });

  test('an export answers the open access request; an erasure without one is recorded as made by staff', async () => {
    const yolanda = await newCustomer(owner, 'Yolanda');
    const asked = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'access', channel: 'email', customer_id: yolanda } });
    const exported = await call('GET', `/api/v1/customers/${yolanda}/export`, { headers: owner.headers });
    expect(exported.status, exported.text).toBe(200);
    const afterExport = await call<PrivacyRequest[]>(`GET`, '/api/v1/privacy-requests?kind=access', { headers: owner.headers });
    expect(afterExport.body.data.map((request) => [request.id, request.status, request.channel])).toEqual([[asked.body.data.id, 'completed', 'email']]);

    const zoe = await newCustomer(owner, 'Zoe');
    const erased = await call('DELETE', `/api/v1/customers/${zoe}`, { headers: owner.headers });
    expect(erased.status, erased.text).toBe(200);
    const erasures = await call<PrivacyRequest[]>('GET', '/api/v1/privacy-requests?kind=erasure&status=completed', { headers: owner.headers });
    expect(erasures.body.data.map((request) => [request.customer_id, request.channel, request.overdue])).toEqual([[zoe, 'staff', false]]);
  });

  test('a merge moves the duplicate’s requests to the surviving customer', async () => {
    const survivor = await newCustomer(owner, 'Ursula');
    const duplicate = await newCustomer(owner, 'Ursula2');
    const asked = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'restriction', channel: 'email', customer_id: duplicate } });
    const merged = await call<{ merged: { reassigned: Array<{ participant: string; count: number }> } }>('POST', `/api/v1/customers/${survivor}/merge`, {
      headers: owner.headers,
      body: { duplicate_id: duplicate },
    });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body.data.merged.reassigned).toContainEqual({ participant: 'privacy_requests', count: 1 });
    const kept = await call<PrivacyRequest[]>('GET', '/api/v1/privacy-requests?kind=restriction', { headers: owner.headers });
    expect(kept.body.data.map((request) => [request.id, request.customer_id])).toEqual([[asked.body.data.id, survivor]]);
  });

  test('a refusal needs its reasons, and a closed request stays closed', async () => {
    const asked = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'objection', channel: 'post' } });
    const id = asked.body.data.id;
    const bare = await call('POST', `/api/v1/privacy-requests/${id}/refuse`, { headers: owner.headers, body: {} });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('VALIDATION_ERROR');
    const refused = await call<PrivacyRequest>('POST', `/api/v1/privacy-requests/${id}/refuse`, {
      headers: owner.headers,
      body: { outcome: 'No processing for direct marketing takes place; explained by letter' },
    });
    expect(refused.body.data).toMatchObject({ status: 'refused', outcome: 'No processing for direct marketing takes place; explained by letter' });
    const again = await call('POST', `/api/v1/privacy-requests/${id}/complete`, { headers: owner.headers, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
    const audit = await call<Array<{ action: string; entity_id: string }>>('GET', `/api/v1/audit-logs?entity_id=${id}`, { headers: owner.headers });
    expect(audit.body.data.map((entry) => entry.action)).toEqual(['privacy_request.refused', 'privacy_request.logged']);
  });

  test('bad input is refused in words: a future receipt, an unknown kind, another business’s customer', async () => {
    const future = await call('POST', '/api/v1/privacy-requests', {
      headers: owner.headers,
      body: { kind: 'access', channel: 'email', received_at: new Date(Date.now() + 3 * 86_400_000).toISOString() },
    });
    expect(future.status).toBe(400);
    expect((await call('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'forget-me', channel: 'email' } })).status).toBe(400);
    const theirs = await newCustomer(other, 'Otro');
    const crossed = await call('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'access', channel: 'email', customer_id: theirs } });
    expect(crossed.status).toBe(404);
  });

  test('another business neither sees nor closes them; a receptionist is refused', async () => {
    const theirs = await call<PrivacyRequest[]>('GET', '/api/v1/privacy-requests?limit=100', { headers: other.headers });
    expect(theirs.body.data.filter((request) => request.tenant_id === owner.tenant.id)).toEqual([]);
    expect((await call('POST', `/api/v1/privacy-requests/${overdueId}/complete`, { headers: other.headers, body: {} })).status).toBe(404);
    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    expect((await call('GET', '/api/v1/privacy-requests', { headers: receptionist.headers })).status).toBe(403);
  });
});

describe('the platform’s view', () => {
  test('an auditor sees every business’s register with its name, what is overdue, and the figures', async () => {
    const auditor = await createPlatformAdminSession(t, { auditor: true });
    const overdue = await call<PrivacyRequest[]>('GET', '/api/v1/platform/privacy-requests?status=overdue&limit=100', { headers: auditor.headers });
    expect(overdue.status, overdue.text).toBe(200);
    const ours = overdue.body.data.filter((request) => request.tenant_id === owner.tenant.id);
    expect(ours.map((request) => [request.kind, request.channel, request.tenant?.slug])).toEqual([['erasure', 'email', owner.tenant.slug]]);

    const figures = await call('GET', `/api/v1/platform/privacy-requests/summary?tenant_id=${owner.tenant.id}`, { headers: auditor.headers });
    // Open: the overdue erasure, the phoned rectification and the merged customer's restriction; completed: the
    // export and the erasure; refused: the objection.
    expect(figures.body.data).toEqual({ open: 3, overdue: 1, completed_30d: 2, refused_30d: 1 });
    const one = await call<PrivacyRequest[]>('GET', `/api/v1/platform/privacy-requests?tenant_id=${other.tenant.id}`, { headers: auditor.headers });
    expect(one.body.data).toEqual([]);

    expect((await call('GET', '/api/v1/platform/privacy-requests', { headers: owner.headers })).status).toBe(403);
    expect((await call('POST', `/api/v1/privacy-requests/${ours[0]?.id}/complete`, { headers: auditor.headers, body: {} })).status).toBe(403);
  });
});
