import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import {
  findOrCreateGuestCustomer,
  STAFF_ENTERED,
  getCustomerForBooking,
  hasMarketingConsent,
  type ErasureParticipant,
  type PersonalDataContributor,
} from '../../src/modules/customers/index.ts';
import { deletionReportSchema, userDataExportSchema } from '../../src/modules/customers/privacy.schemas.ts';
import {
  bearer,
  captureLogs,
  createCustomersTestApp,
  createTenant,
  findPlaintext,
  uniqueSuffix,
  type CustomersTestApp,
} from './support/customers-app.ts';
import { httpClient } from '../support/http.ts';

let app: CustomersTestApp;
const api = httpClient(() => app.server);
let logs: ReturnType<typeof captureLogs>;
let tenant: string;
const erasureCalls: string[] = [];

/** What the booking and payment modules will register; here they only report. */
const bookingsContributor: PersonalDataContributor = {
  name: 'bookings',
  purposes: ['Providing the booked service'],
  recipients: ['The business'],
  retention: 'While the customer exists',
  async collect(_trx, _tenantId, customerId) {
    return [{ booking_number: 'BK-TEST', customer_id: customerId }];
  },
};
const paymentsParticipant: ErasureParticipant = {
  name: 'payments',
  async erase(_trx, _tenantId, customerId, context) {
    erasureCalls.push(customerId);
    const until = new Date(context.erasedAt);
    until.setUTCFullYear(until.getUTCFullYear() + 7);
    return {
      deleted: [{ table: 'payment_methods', count: 1, anonymized: false }],
      retained: [{ table: 'payments', count: 2, retention_reason: 'Tax law: invoices kept 7 years', deletion_scheduled: until }],
    };
  },
};

beforeAll(async () => {
  logs = captureLogs();
  app = await createCustomersTestApp({ logLevel: 'trace', dataHolders: [{ contributors: [bookingsContributor], erasureParticipants: [paymentsParticipant] }] });
  tenant = await createTenant(app.database);
});

afterAll(async () => {
  logs?.restore();
  await app?.close();
});

/** Values no table, log line or response may show in clear. */
function distinctivePerson() {
  // Letters only, so name search (which splits words at digits) sees one word.
  const tag = uniqueSuffix().replace(/\d/g, (digit) => 'ghijklmnop'.charAt(Number(digit)));
  return {
    first_name: `Wenceslao${tag}`,
    last_name: `Quetzalcoatl${tag}`,
    email: `wenceslao.${tag}@plaintext-probe.example`,
    phone: `+3469${randomInt(1_000_000, 9_999_999)}`,
  };
}

function needlesOf(person: ReturnType<typeof distinctivePerson>): string[] {
  return [person.first_name, person.last_name, person.email, person.email.split('@')[0] ?? '', person.phone, person.phone.slice(1)];
}

async function create(body: Record<string, unknown>) {
  const response = await api('POST', '/api/v1/customers', { headers: { ...bearer(tenant), 'user-agent': 'ProbeAgent/1.0' }, body });
  expect(response.status, response.text).toBe(201);
  return response.body.data as { id: string; email: string | null; phone: string | null };
}

describe('consent records', () => {
  it('records consent with encrypted proof and stops marketing at once when withdrawn', async () => {
    const customer = await create({ ...distinctivePerson(), marketing_consent: true });
    const list = await api('GET', `/api/v1/customers/${customer.id}/consents`, { headers: bearer(tenant) });
    const [marketing] = list.body.data;
    expect(marketing).toMatchObject({
      consent_type: 'marketing',
      legal_basis: 'consent',
      source: 'staff',
      user_agent: 'ProbeAgent/1.0',
      ip_address: '127.0.0.1',
      active: true,
    });
    expect(await withTenant(app.database.db, tenant, (trx) => hasMarketingConsent(trx, tenant, customer.id))).toBe(true);

    const stored = await withTenant(app.database.db, tenant, (trx) =>
      trx.selectFrom('consent_records').where('id', '=', marketing.id).select(['ip_address_enc', 'user_agent_enc']).executeTakeFirstOrThrow(),
    );
    expect(stored.user_agent_enc).toMatch(/^v1\./);
    expect(stored.ip_address_enc).not.toContain('127.0.0.1');

    const withdraw = await api('POST', `/api/v1/customers/${customer.id}/consents/${marketing.id}/withdraw`, { headers: bearer(tenant), body: { source: 'unsubscribe_link' } });
    expect(withdraw.status, withdraw.text).toBe(200);
    expect(withdraw.body.data).toMatchObject({ active: false, withdrawal_source: 'unsubscribe_link' });
    expect(await withTenant(app.database.db, tenant, (trx) => hasMarketingConsent(trx, tenant, customer.id))).toBe(false);
    const profile = await api('GET', `/api/v1/customers/${customer.id}`, { headers: bearer(tenant) });
    expect(profile.body.data.marketing_consent).toBe(false);
    const again = await api('POST', `/api/v1/customers/${customer.id}/consents/${marketing.id}/withdraw`, { headers: bearer(tenant), body: {} });
    expect(again.status).toBe(409);
  });

  it('keeps one standing grant per type: a new grant supersedes the old one', async () => {
    const customer = await create(distinctivePerson());
    for (const version of ['v1', 'v2']) {
      const response = await api('POST', `/api/v1/customers/${customer.id}/consents`, { headers: bearer(tenant), body: { consent_type: 'analytics', purpose: 'Improving the booking page', text_version: version, source: 'booking_flow' } });
      expect(response.status, response.text).toBe(201);
    }
    const list = await api('GET', `/api/v1/customers/${customer.id}/consents`, { headers: bearer(tenant) });
    const rows = list.body.data as Array<{ text_version: string; active: boolean; withdrawal_source: string | null }>;
    expect(rows.map((row) => [row.text_version, row.active, row.withdrawal_source])).toEqual([
      ['v2', true, null],
      ['v1', false, 'superseded'],
    ]);
  });
});

describe('right of access (export)', () => {
  it('exports profile, consents and contributed categories with purposes and retention, audited', async () => {
    const person = distinctivePerson();
    const customer = await create({ ...person, marketing_consent: true });
    const response = await api('GET', `/api/v1/customers/${customer.id}/export`, { headers: { ...bearer(tenant), 'x-access-reason': 'customer asked by email' } });
    expect(response.status, response.text).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const exported = userDataExportSchema.parse(response.body.data);
    expect(exported.user_id).toBe(customer.id);
    expect(exported.data.personal_info).toMatchObject({ email: person.email, first_name: person.first_name });
    expect(exported.data.consents).toHaveLength(1);
    expect(exported.data.bookings).toEqual([{ booking_number: 'BK-TEST', customer_id: customer.id }]);
    expect(exported.data.payments).toEqual([]);
    expect(exported.data.communications).toEqual([]);
    expect(exported.retention_policy.categories.map((category) => category.category)).toEqual([
      'personal_info',
      'consents',
      // The customers module's own second category: stored Idempotency-Key answers about the customer.
      'stored_api_responses',
      'bookings',
    ]);
    const audit = await withTenant(app.database.db, tenant, (trx) =>
      trx
        .selectFrom('audit_logs')
        .where('entity_id', '=', customer.id)
        .where('action', '=', 'customer.exported')
        .select(['metadata'])
        .executeTakeFirst(),
    );
    expect(audit?.metadata).toMatchObject({ format: 'json', access_reason: 'customer asked by email' });
  });

  it('exports the same as CSV', async () => {
    const person = distinctivePerson();
    const customer = await create(person);
    const response = await api('GET', `/api/v1/customers/${customer.id}/export?format=csv`, { headers: bearer(tenant) });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain(`customer-${customer.id}.csv`);
    const lines = response.text.trim().split('\r\n');
    expect(lines[0]).toBe('category,record,field,value');
    expect(lines).toContain(`"personal_info",0,"email","${person.email}"`);
    expect(lines).toContain(`"bookings",0,"booking_number","BK-TEST"`);
  });
});

describe('PII at rest and in logs', () => {
  it('stores no plaintext name, email or phone in any table, and logs none', async () => {
    const person = distinctivePerson();
    const customer = await create({ ...person, notes: `Call ${person.first_name} back`, marketing_consent: true });
    await api('PATCH', `/api/v1/customers/${customer.id}`, { headers: bearer(tenant), body: { last_name: person.last_name, phone: person.phone } });
    await api('GET', `/api/v1/customers?search=${encodeURIComponent(person.email)}`, { headers: bearer(tenant) });
    await api('GET', `/api/v1/customers?search=${person.first_name.slice(0, 6)}`, { headers: bearer(tenant) });
    await api('GET', `/api/v1/customers/${customer.id}/export`, { headers: bearer(tenant) });
    // A rejected duplicate goes through the error path and its logging too.
    const duplicate = await api('POST', '/api/v1/customers', { headers: bearer(tenant), body: person });
    expect(duplicate.status).toBe(409);
    expect(duplicate.text).not.toContain(person.email);

    expect(await findPlaintext(app.database, needlesOf(person))).toEqual([]);
    // The scan does find clear text where it exists: the audit log keeps the caller's user agent.
    expect(await findPlaintext(app.database, ['ProbeAgent/1.0'])).toContain('audit_logs.user_agent contains "ProbeAgent/1.0"');
    const logText = logs.lines();
    expect(logText.length).toBeGreaterThan(0);
    for (const needle of needlesOf(person)) expect(logText, `log contains ${needle}`).not.toContain(needle);
  });
});

describe('right to erasure', () => {
  it('erases the customer everywhere, keeps what the law requires and reports it', async () => {
    const person = distinctivePerson();
    const customer = await create({ ...person, date_of_birth: '1985-02-03', notes: 'VIP', marketing_consent: true });
    const responses: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const response = await api(method, url, { headers: bearer(tenant), body: payload });
      responses.push(response.text);
      return response;
    };

    const erased = await call('DELETE', `/api/v1/customers/${customer.id}`);
    expect(erased.status, erased.text).toBe(200);
    const report = deletionReportSchema.parse(erased.body.data);
    expect(report.user_id).toBe(customer.id);
    expect(report.deleted_records).toEqual(
      expect.arrayContaining([
        { table: 'customers', count: 1, anonymized: true },
        { table: 'consent_records', count: 1, anonymized: true },
        { table: 'payment_methods', count: 1, anonymized: false },
      ]),
    );
    expect(report.retained_records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'payments', count: 2, retention_reason: 'Tax law: invoices kept 7 years' }),
        expect.objectContaining({ table: 'consent_records', count: 1 }),
      ]),
    );
    expect(erasureCalls).toContain(customer.id);

    for (const [method, url] of [
      ['GET', `/api/v1/customers/${customer.id}`],
      ['PATCH', `/api/v1/customers/${customer.id}`],
      ['DELETE', `/api/v1/customers/${customer.id}`],
      ['GET', `/api/v1/customers/${customer.id}/export`],
      ['GET', `/api/v1/customers/${customer.id}/consents`],
    ] as const) {
      const response = await call(method, url, method === 'PATCH' ? { first_name: 'Back' } : undefined);
      expect(response.status, `${method} ${url}`).toBe(404);
    }
    for (const term of [person.email, person.phone, person.first_name, person.last_name]) {
      const response = await call('GET', `/api/v1/customers?search=${encodeURIComponent(term)}`);
      expect(response.body.data, term).toEqual([]);
    }
    const everyone = await call('GET', '/api/v1/customers?limit=100');
    expect(everyone.body.data.map((row: { id: string }) => row.id)).not.toContain(customer.id);

    await withTenant(app.database.db, tenant, async (trx) => {
      expect(await hasMarketingConsent(trx, tenant, customer.id)).toBe(false);
      await expect(getCustomerForBooking(trx, app.keyRing, tenant, customer.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    // The tombstone holds nothing personal; the blind indexes are gone, so a new guest with the same email is a new customer.
    const tombstone = await withTenant(app.database.db, tenant, (trx) =>
      trx.selectFrom('customers').where('id', '=', customer.id).selectAll().executeTakeFirstOrThrow(),
    );
    expect(tombstone).toMatchObject({
      first_name_enc: null,
      email_enc: null,
      phone_enc: null,
      date_of_birth_enc: null,
      notes_enc: null,
      email_bidx: null,
      phone_bidx: null,
      name_tokens: [],
      preferences: {},
      status: 'inactive',
    });
    expect(tombstone.erased_at).not.toBeNull();

    expect(await findPlaintext(app.database, needlesOf(person))).toEqual([]);
    for (const body of responses) for (const needle of needlesOf(person)) expect(body).not.toContain(needle);

    const again = await withTenant(app.database.db, tenant, (trx) =>
      findOrCreateGuestCustomer(trx, app.keyRing, tenant, { first_name: 'New', email: person.email }, STAFF_ENTERED),
    );
    expect(again.created).toBe(true);
    expect(again.id).not.toBe(customer.id);
  });

  it('leaves no consent proof behind', async () => {
    const customer = await create({ ...distinctivePerson(), marketing_consent: true });
    await api('DELETE', `/api/v1/customers/${customer.id}?reason=account_closed`, { headers: bearer(tenant) });
    const proof = await withTenant(app.database.db, tenant, (trx) =>
      sql<{ ip: string | null; agent: string | null; withdrawn: Date | null }>`
        select ip_address_enc as ip, user_agent_enc as agent, withdrawn_at as withdrawn
        from consent_records where customer_id = ${customer.id}`.execute(trx),
    );
    expect(proof.rows).toHaveLength(1);
    expect(proof.rows[0]).toMatchObject({ ip: null, agent: null });
    expect(proof.rows[0]?.withdrawn).not.toBeNull();
  });
});

describe('OpenAPI', () => {
  it('documents the customer endpoints from the same schemas', async () => {
    const document = app.server.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/customers',
        '/api/v1/customers/{id}',
        '/api/v1/customers/{id}/export',
        '/api/v1/customers/{id}/merge',
        '/api/v1/customers/{id}/consents',
        '/api/v1/customers/{id}/consents/{consent_id}/withdraw',
      ]),
    );
  });
});
