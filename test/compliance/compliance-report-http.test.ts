/**
 * A business's compliance report (RF1.8): every figure is caused here and read back — the record of processing,
 * the retention the business chose, customers and GDPR requests, who can reach the data, the platform's
 * impersonations — and only the platform's auditors and administrators can ask for it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

interface Report {
  period: { from: string; to: string };
  tenant: { id: string; slug: string };
  processing: Array<{ category: string; purposes: string[]; recipients: string[]; retention: string }>;
  retention: { guest_customers_months: number; consent_evidence_years: number };
  customers: { current: number; registered: number; guests: number; with_marketing_consent: number; erased_in_period: number };
  privacy_requests: { received_in_period: number; completed_in_period: number; refused_in_period: number; open: number; overdue: number; median_days_to_close: number | null };
  access: { members_by_role: Record<string, number>; owners: number; owners_with_two_factor: number; two_factor_required_for_owners: boolean; active_api_keys: number };
  platform_access: { impersonations: Array<{ at: string; by: string | null; read_only: boolean; reason: string | null }> };
  audit: { entries_in_period: number; customer_data_exports: number; customer_erasures: number };
}

let t: TestApp;
let owner: TenantOwner;
const call = httpClient(() => t.server);

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
});
afterAll(async () => t.close());

async function customer(name: string, type: 'registered' | 'guest', marketing = false): Promise<string> {
  const created = await call<{ id: string }>('POST', '/api/v1/customers', {
    headers: owner.headers,
    body: { first_name: name, type, email: `${name.toLowerCase()}-${owner.tenant.slug}@example.test`, ...(marketing ? { marketing_consent: true } : {}) },
  });
  expect(created.status, created.text).toBe(201);
  return created.body.data.id;
}

describe('a business’s compliance report', () => {
  test('reads back what the business did: retention, customers, requests, access, impersonations, audit counts', async () => {
    expect((await call('PATCH', `/api/v1/tenants/${owner.tenant.id}`, { headers: owner.headers, body: { settings: { guest_retention_months: 12 } } })).status).toBe(200);
    const ana = await customer('Ana', 'registered', true);
    await customer('Bea', 'guest');
    const carla = await customer('Carla', 'guest');
    expect((await call('GET', `/api/v1/customers/${ana}/export`, { headers: owner.headers })).status).toBe(200);
    expect((await call('DELETE', `/api/v1/customers/${carla}`, { headers: owner.headers })).status).toBe(200);
    expect((await call('POST', '/api/v1/privacy-requests', { headers: owner.headers, body: { kind: 'rectification', channel: 'email' } })).status).toBe(201);
    await createUserWithRole(t, owner, 'staff');
    expect((await call('POST', '/api/v1/api-keys', { headers: owner.headers, body: { name: 'till' } })).status).toBe(201);
    const admin = await createPlatformAdminSession(t);
    const reason = 'Checking a reported calendar problem (ticket 4411)';
    const impersonated = await call('POST', '/api/v1/platform/impersonations', { headers: admin.headers, body: { tenant_id: owner.tenant.id, reason } });
    expect(impersonated.status, impersonated.text).toBe(201);

    const auditor = await createPlatformAdminSession(t, { auditor: true });
    const answer = await call<Report>('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: auditor.headers });
    expect(answer.status, answer.text).toBe(200);
    const report = answer.body.data;
    const today = new Date().toISOString().slice(0, 10);
    expect(report.period.to).toBe(today);
    expect(report.tenant).toMatchObject({ id: owner.tenant.id, slug: owner.tenant.slug });
    expect(report.processing.map((activity) => activity.category)).toEqual(expect.arrayContaining(['personal_info', 'bookings', 'payments', 'communications']));
    expect(report.processing.every((activity) => activity.purposes.length > 0 && activity.retention.length > 0)).toBe(true);
    expect(report.retention).toEqual({ guest_customers_months: 12, consent_evidence_years: 3 });
    // The record of processing states the retention the business chose, as does a customer's own export.
    expect(report.processing.find((activity) => activity.category === 'personal_info')?.retention).toContain('erased after 12 months without a booking');
    const own = await call<{ retention_policy: { categories: Array<{ category: string; retention: string }> } }>('GET', `/api/v1/customers/${ana}/export`, { headers: owner.headers });
    expect(own.body.data.retention_policy.categories.find((category) => category.category === 'personal_info')?.retention).toContain('after 12 months');
    expect(report.customers).toEqual({ current: 2, registered: 1, guests: 1, with_marketing_consent: 1, erased_in_period: 1 });
    // Ana's export and Carla's erasure recorded themselves (closed at once); the e-mailed rectification is open.
    expect(report.privacy_requests).toEqual({ received_in_period: 3, completed_in_period: 2, refused_in_period: 0, open: 1, overdue: 0, median_days_to_close: 0 });
    expect(report.access).toEqual({
      members_by_role: { business_admin: 1, staff: 1 },
      owners: 1,
      owners_with_two_factor: 0,
      two_factor_required_for_owners: false,
      active_api_keys: 1,
    });
    expect(report.platform_access.impersonations).toEqual([{ at: expect.stringMatching(new RegExp(`^${today}T`)), by: admin.email, read_only: true, reason }]);
    expect(report.audit).toMatchObject({ customer_data_exports: 1, customer_erasures: 1 });
    expect(report.audit.entries_in_period).toBeGreaterThanOrEqual(5);

    // The platform's administrators may read it too.
    expect((await call('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: admin.headers })).status).toBe(200);
  });

  test('a period before the business existed has nothing in it; periods are checked', async () => {
    const auditor = await createPlatformAdminSession(t, { auditor: true });
    const url = `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`;
    const past = await call<Report>('GET', `${url}?from=2024-01-01&to=2024-12-31`, { headers: auditor.headers });
    expect(past.body.data.period).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(past.body.data.customers.erased_in_period).toBe(0);
    expect(past.body.data.privacy_requests).toMatchObject({ received_in_period: 0, completed_in_period: 0, median_days_to_close: null });
    expect(past.body.data.platform_access.impersonations).toEqual([]);
    expect(past.body.data.audit).toEqual({ entries_in_period: 0, customer_data_exports: 0, customer_erasures: 0 });

    const reversed = await call('GET', `${url}?from=2026-05-01&to=2026-04-01`, { headers: auditor.headers });
    expect([reversed.status, reversed.body.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    const tooLong = await call('GET', `${url}?from=2020-01-01&to=2026-01-01`, { headers: auditor.headers });
    expect(tooLong.status).toBe(400);
    expect((await call('GET', `${url}?from=yesterday`, { headers: auditor.headers })).status).toBe(400);
    expect((await call('GET', '/api/v1/platform/tenants/00000000-0000-0000-0000-000000000000/compliance-report', { headers: auditor.headers })).status).toBe(404);
    expect((await call('GET', `/api/v1/platform/tenants/${crypto.randomUUID()}/compliance-report`, { headers: auditor.headers })).status).toBe(404);
  });

  test('a business cannot ask for its own or another’s', async () => {
    const other = await signupTenant(t);
    expect((await call('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: other.headers })).status).toBe(403);
    expect((await call('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: owner.headers })).status).toBe(403);
  });
});
