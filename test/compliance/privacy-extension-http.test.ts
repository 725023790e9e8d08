/**
 * GDPR Art. 12(3) lets a business extend its answer to a data-subject request once, by up to two further months,
 * telling the person why: the due date moves (so the business's register and the platform's overdue figures
 * follow it), the first one is kept, and the extension is audited. The platform's compliance report then comes
 * out entirely in Spanish when asked in Spanish: the record of processing and the card-data sentence included.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPlatformAdminSession, createUserWithRole, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type Json } from '../support/http.ts';

interface PrivacyRequest {
  id: string;
  status: string;
  due_at: string;
  overdue: boolean;
  extension: { extended_at: string; reason: string; original_due_at: string } | null;
}

interface Report {
  language: string;
  processing: Array<{ category: string; purposes: string[]; recipients: string[]; retention: string }>;
  card_data: string;
}

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
let auditor: Actor;
const call = httpClient(() => t.server);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const REASON = 'Three linked requests from the same person, each covering six years of bookings';

async function logRequest(who: TenantOwner, receivedAt: string): Promise<PrivacyRequest> {
  const logged = await call<PrivacyRequest>('POST', '/api/v1/privacy-requests', { headers: who.headers, body: { kind: 'access', channel: 'email', received_at: receivedAt } });
  expect(logged.status, logged.text).toBe(201);
  return logged.body.data;
}

const summary = async () =>
  (await call<{ open: number; overdue: number }>('GET', `/api/v1/platform/privacy-requests/summary?tenant_id=${owner.tenant.id}`, { headers: auditor.headers })).body.data;

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  other = await signupTenant(t);
  auditor = await createPlatformAdminSession(t, { auditor: true });
});
afterAll(async () => t?.close());

describe('extending the deadline of a GDPR request', () => {
  test('an overdue request extended by two months is due two months after its first due date, no longer overdue anywhere', async () => {
    const request = await logRequest(owner, daysAgo(40));
    expect(request.overdue).toBe(true);
    expect(await summary()).toMatchObject({ open: 1, overdue: 1 });

    const extended = await call<PrivacyRequest>('POST', `/api/v1/privacy-requests/${request.id}/extend`, { headers: owner.headers, body: { months: 2, reason: REASON } });
    expect(extended.status, extended.text).toBe(200);
    const firstDue = new Date(request.due_at);
    const expected = new Date(firstDue);
    expected.setUTCMonth(expected.getUTCMonth() + 2);
    // PostgreSQL's month arithmetic: the same day two months on unless that month is shorter.
    expect(Math.abs(Date.parse(extended.body.data.due_at) - expected.getTime())).toBeLessThanOrEqual(3 * 86_400_000);
    expect(extended.body.data).toMatchObject({ status: 'open', overdue: false, extension: { reason: REASON, original_due_at: request.due_at } });

    expect(await summary()).toMatchObject({ open: 1, overdue: 0 });
    const overdueList = await call<PrivacyRequest[]>('GET', '/api/v1/privacy-requests?status=overdue', { headers: owner.headers });
    expect(overdueList.body.data).toEqual([]);
    const report = await call<{ privacy_requests: { overdue: number } }>('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: auditor.headers });
    expect(report.body.data.privacy_requests.overdue).toBe(0);

    const audit = await call<Json[]>('GET', '/api/v1/audit-logs?action=privacy_request.extended', { headers: owner.headers });
    expect(audit.body.data).toEqual([expect.objectContaining({ entity_id: request.id, new_values: expect.objectContaining({ months: 2, original_due_at: request.due_at }) })]);
  });

  test('only once, only while open, at most two months, always with a reason', async () => {
    const request = await logRequest(owner, daysAgo(5));
    const path = `/api/v1/privacy-requests/${request.id}/extend`;
    for (const body of [{ months: 3, reason: REASON }, { months: 0, reason: REASON }, { months: 1 }, { months: 1, reason: '   ' }, { months: 1.5, reason: REASON }]) {
      const refused = await call('POST', path, { headers: owner.headers, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await call('POST', path, { headers: owner.headers, body: { months: 1, reason: REASON } })).status).toBe(200);
    const twice = await call('POST', path, { headers: owner.headers, body: { months: 1, reason: REASON } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('INVALID_TRANSITION');

    const closed = await logRequest(owner, daysAgo(1));
    expect((await call('POST', `/api/v1/privacy-requests/${closed.id}/complete`, { headers: owner.headers, body: {} })).status).toBe(200);
    expect((await call('POST', `/api/v1/privacy-requests/${closed.id}/extend`, { headers: owner.headers, body: { months: 1, reason: REASON } })).body.error.code).toBe('INVALID_TRANSITION');
  });

  test('another business’s request is 404; a member who cannot export customers is refused with 403', async () => {
    const request = await logRequest(owner, daysAgo(2));
    const crossed = await call('POST', `/api/v1/privacy-requests/${request.id}/extend`, { headers: other.headers, body: { months: 1, reason: REASON } });
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe('NOT_FOUND');
    const staff = await createUserWithRole(t, owner, 'staff');
    expect((await call('POST', `/api/v1/privacy-requests/${request.id}/extend`, { headers: staff.headers, body: { months: 1, reason: REASON } })).status).toBe(403);
    expect((await call('POST', `/api/v1/privacy-requests/${randomUUID()}/extend`, { headers: owner.headers, body: { months: 1, reason: REASON } })).status).toBe(404);
  });
});

describe('the compliance report in Spanish', () => {
  const reportIn = async (lang: 'es' | 'en') => {
    const answer = await call<Report>('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report?lang=${lang}`, { headers: auditor.headers });
    expect(answer.status, answer.text).toBe(200);
    return answer.body.data;
  };

  test('every sentence of the record of processing and the card data come out in Spanish, figures kept', async () => {
    const english = await reportIn('en');
    const spanish = await reportIn('es');
    expect([english.language, spanish.language]).toEqual(['en', 'es']);
    expect(spanish.processing.map((activity) => activity.category)).toEqual(english.processing.map((activity) => activity.category));
    spanish.processing.forEach((activity, index) => {
      const source = english.processing[index];
      if (!source) throw new Error('categories differ');
      const pairs = [...activity.purposes.map((text, at) => [text, source.purposes[at]]), ...activity.recipients.map((text, at) => [text, source.recipients[at]]), [activity.retention, source.retention]];
      for (const [es, en] of pairs) {
        expect(es, `${activity.category}: "${en}" has no Spanish version`).not.toBe(en);
        // The figures (months, years, hours, articles) are the same, in the same order.
        expect(es?.match(/\d+/g) ?? [], String(en)).toEqual(en?.match(/\d+/g) ?? []);
      }
    });
    const profile = spanish.processing.find((activity) => activity.category === 'personal_info');
    expect(profile?.purposes).toContain('Gestionar las citas del cliente');
    expect(profile?.retention).toMatch(/^Mientras dure la relación con el cliente; .* tras \d+ meses sin reservar$/);
    expect(spanish.card_data).toMatch(/^Los datos de la tarjeta se escriben en el propio formulario del proveedor de pagos/);
    expect(english.card_data).toMatch(/^Card details are typed into the payment provider’s own form/);
  });

  test('English by default; another language is a 400', async () => {
    const plain = await call<Report>('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report`, { headers: auditor.headers });
    expect(plain.body.data.language).toBe('en');
    expect((await call('GET', `/api/v1/platform/tenants/${owner.tenant.id}/compliance-report?lang=fr`, { headers: auditor.headers })).body.error.code).toBe('VALIDATION_ERROR');
  });
});
