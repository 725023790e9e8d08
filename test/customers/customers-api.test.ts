import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import type { CustomerMergeParticipant } from '../../src/modules/customers/index.ts';
import { customerSchema } from '../../src/modules/customers/customers.schemas.ts';
import { bearer, createCustomersTestApp, createTenant, uniqueSuffix, type CustomersTestApp } from './support/customers-app.ts';

let app: CustomersTestApp;
let tenantA: string;
let tenantB: string;
const mergeCalls: Array<{ survivorId: string; duplicateId: string }> = [];

const envelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

beforeAll(async () => {
  const bookingsParticipant: CustomerMergeParticipant = {
    name: 'bookings',
    async reassign(_trx, _tenantId, ids) {
      mergeCalls.push(ids);
      return 3;
    },
  };
  app = await createCustomersTestApp({ dataHolders: [{ mergeParticipants: [bookingsParticipant] }] });
  tenantA = await createTenant(app.database, 'Salon A');
  tenantB = await createTenant(app.database, 'Salon B');
});

afterAll(async () => {
  await app?.close();
});

async function createCustomer(tenantId: string, body: Record<string, unknown>) {
  const response = await app.server.inject({ method: 'POST', url: '/api/v1/customers', headers: bearer(tenantId), payload: body });
  return { response, customer: response.statusCode === 201 ? envelope(customerSchema).parse(response.json()).data : null };
}

async function newCustomer(tenantId: string, overrides: Record<string, unknown> = {}) {
  const suffix = uniqueSuffix();
  const { response, customer } = await createCustomer(tenantId, {
    first_name: 'Lucía',
    last_name: `Fernández${suffix}`,
    email: `lucia.${suffix}@example.com`,
    phone: `+3460${randomInt(1_000_000, 9_999_999)}`,
    ...overrides,
  });
  if (!customer) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return customer;
}

describe('creating and reading customers', () => {
  it('creates a registered customer and returns it decrypted, normalized', async () => {
    const { response, customer } = await createCustomer(tenantA, {
      first_name: 'Ana',
      last_name: 'García',
      email: '  Ana.Garcia@Example.COM ',
      phone: '+34 600 123 456',
      date_of_birth: '1990-04-01',
      notes: 'Prefers mornings',
      preferences: { language: 'es', favourite_service_ids: [randomUUID()] },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(customer).toMatchObject({
      type: 'registered',
      status: 'active',
      first_name: 'Ana',
      last_name: 'García',
      email: 'ana.garcia@example.com',
      phone: '+34600123456',
      date_of_birth: '1990-04-01',
      notes: 'Prefers mornings',
      marketing_consent: false,
    });
    const read = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${customer?.id}`, headers: bearer(tenantA) });
    expect(read.statusCode).toBe(200);
    expect(envelope(customerSchema).parse(read.json()).data).toEqual(customer);
  });

  it('defaults to a guest without email and enforces the contact rule', async () => {
    const guest = await newCustomer(tenantA, { email: undefined });
    expect(guest.type).toBe('guest');
    const registeredWithoutEmail = await createCustomer(tenantA, { type: 'registered', first_name: 'X', phone: '+34600999111' });
    expect(registeredWithoutEmail.response.statusCode).toBe(400);
    expect(registeredWithoutEmail.response.json().error.code).toBe('VALIDATION_ERROR');
    const guestWithoutContact = await createCustomer(tenantA, { type: 'guest', first_name: 'X' });
    expect(guestWithoutContact.response.statusCode).toBe(400);
    const badPhone = await createCustomer(tenantA, { first_name: 'X', phone: '600111222' });
    expect(badPhone.response.statusCode).toBe(400);
    expect(JSON.stringify(badPhone.response.json().error.details)).toContain('phone');
  });

  it('answers 409 CONFLICT for an email or phone already used in the tenant, however it is written', async () => {
    const existing = await newCustomer(tenantA);
    const sameEmail = await createCustomer(tenantA, { first_name: 'Other', email: existing.email?.toUpperCase() });
    expect(sameEmail.response.statusCode).toBe(409);
    expect(sameEmail.response.json().error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'email', customer_id: existing.id }] });
    const spacedPhone = `${existing.phone?.slice(0, 3)} ${existing.phone?.slice(3)}`;
    const samePhone = await createCustomer(tenantA, { first_name: 'Other', phone: spacedPhone });
    expect(samePhone.response.statusCode).toBe(409);
    expect(samePhone.response.json().error.details[0].field).toBe('phone');
    // Another tenant may hold the same contact data.
    const elsewhere = await createCustomer(tenantB, { first_name: 'Other', email: existing.email, phone: existing.phone });
    expect(elsewhere.response.statusCode).toBe(201);
    // PATCH into someone else's email is the same conflict.
    const other = await newCustomer(tenantA);
    const patch = await app.server.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${other.id}`,
      headers: bearer(tenantA),
      payload: { email: existing.email },
    });
    expect(patch.statusCode).toBe(409);
  });

  it('updates fields, clears verification of a changed email, and keeps the rest', async () => {
    const customer = await newCustomer(tenantA);
    const response = await app.server.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${customer.id}`,
      headers: bearer(tenantA),
      payload: { last_name: null, status: 'banned', preferences: { language: 'en' } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const updated = envelope(customerSchema).parse(response.json()).data;
    expect(updated).toMatchObject({ last_name: null, status: 'banned', email: customer.email, preferences: { language: 'en' } });
    const badRule = await app.server.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${customer.id}`,
      headers: bearer(tenantA),
      payload: { email: null },
    });
    expect(badRule.statusCode).toBe(400);
  });
});

describe('searching customers (blind indexes)', () => {
  it('finds by exact email, by phone in any format and by name prefixes, never across tenants', async () => {
    const suffix = uniqueSuffix().replace(/\d/g, 'q');
    const customer = await newCustomer(tenantA, { first_name: 'Maximiliano', last_name: `Zubizarreta${suffix}` });
    await newCustomer(tenantA, { first_name: 'Maxine', last_name: 'Other' });
    const search = async (tenantId: string, term: string) => {
      const response = await app.server.inject({
        method: 'GET',
        url: `/api/v1/customers?search=${encodeURIComponent(term)}`,
        headers: bearer(tenantId),
      });
      expect(response.statusCode, response.body).toBe(200);
      return z.object({ data: z.array(customerSchema) }).parse(response.json()).data.map((row) => row.id);
    };
    expect(await search(tenantA, customer.email?.toUpperCase() ?? '')).toEqual([customer.id]);
    expect(await search(tenantA, `00${customer.phone?.slice(1)}`)).toEqual([customer.id]);
    expect(await search(tenantA, `maximil zubiz`)).toEqual([customer.id]);
    expect(await search(tenantA, `ZUBIZARRETA${suffix}`)).toEqual([customer.id]);
    expect(await search(tenantA, 'max')).toContain(customer.id);
    expect(await search(tenantA, 'ubiz')).toEqual([]);
    expect(await search(tenantB, customer.email ?? '')).toEqual([]);
    const tooShort = await app.server.inject({ method: 'GET', url: '/api/v1/customers?search=ab', headers: bearer(tenantA) });
    expect(tooShort.statusCode).toBe(400);
  });

  it('paginates with a cursor', async () => {
    const tenant = await createTenant(app.database);
    for (let index = 0; index < 5; index += 1) await newCustomer(tenant);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await app.server.inject({ method: 'GET', url: `/api/v1/customers?limit=2${query}`, headers: bearer(tenant) });
      const body = response.json();
      seen.push(...body.data.map((row: { id: string }) => row.id));
      cursor = body.metadata.pagination.cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});

describe('access', () => {
  it('answers 404 for another tenant\'s customer on every endpoint', async () => {
    const foreign = await newCustomer(tenantB);
    const mine = await newCustomer(tenantA);
    const consent = await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${foreign.id}/consents`,
      headers: bearer(tenantB),
      payload: { consent_type: 'marketing', purpose: 'Newsletter' },
    });
    const consentId = consent.json().data.id;
    const attempts: Array<{ method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object }> = [
      { method: 'GET', url: `/api/v1/customers/${foreign.id}` },
      { method: 'PATCH', url: `/api/v1/customers/${foreign.id}`, payload: { first_name: 'Hacked' } },
      { method: 'DELETE', url: `/api/v1/customers/${foreign.id}` },
      { method: 'GET', url: `/api/v1/customers/${foreign.id}/export` },
      { method: 'GET', url: `/api/v1/customers/${foreign.id}/export?format=csv` },
      { method: 'GET', url: `/api/v1/customers/${foreign.id}/consents` },
      { method: 'POST', url: `/api/v1/customers/${foreign.id}/consents`, payload: { consent_type: 'marketing', purpose: 'Spam' } },
      { method: 'POST', url: `/api/v1/customers/${foreign.id}/consents/${consentId}/withdraw`, payload: {} },
      { method: 'POST', url: `/api/v1/customers/${mine.id}/consents/${consentId}/withdraw`, payload: {} },
      { method: 'POST', url: `/api/v1/customers/${foreign.id}/merge`, payload: { duplicate_id: mine.id } },
      { method: 'POST', url: `/api/v1/customers/${mine.id}/merge`, payload: { duplicate_id: foreign.id } },
    ];
    for (const attempt of attempts) {
      const response = await app.server.inject({ ...attempt, headers: bearer(tenantA) });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    // Nothing changed on the other side.
    const still = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${foreign.id}`, headers: bearer(tenantB) });
    expect(still.json().data.first_name).toBe(foreign.first_name);
    const consents = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${foreign.id}/consents`, headers: bearer(tenantB) });
    expect(consents.json().data[0].active).toBe(true);
  });

  it('follows the role table: staff read only, customers are refused, no credential is 401', async () => {
    const customer = await newCustomer(tenantA);
    const staffRead = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${customer.id}`, headers: bearer(tenantA, 'staff') });
    expect(staffRead.statusCode).toBe(200);
    const staffWrite = await app.server.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: bearer(tenantA, 'staff'),
      payload: { first_name: 'X', email: 'x@example.com' },
    });
    expect(staffWrite.statusCode).toBe(403);
    const staffErase = await app.server.inject({ method: 'DELETE', url: `/api/v1/customers/${customer.id}`, headers: bearer(tenantA, 'staff') });
    expect(staffErase.statusCode).toBe(403);
    const receptionistExport = await app.server.inject({
      method: 'GET',
      url: `/api/v1/customers/${customer.id}/export`,
      headers: bearer(tenantA, 'receptionist'),
    });
    expect(receptionistExport.statusCode).toBe(403);
    const customerList = await app.server.inject({ method: 'GET', url: '/api/v1/customers', headers: bearer(tenantA, 'customer') });
    expect(customerList.statusCode).toBe(403);
    const anonymous = await app.server.inject({ method: 'GET', url: '/api/v1/customers' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('merging duplicates', () => {
  it('moves data, consents and participants\' rows to the survivor and retires the duplicate', async () => {
    const survivor = await newCustomer(tenantA, { phone: undefined, notes: 'Allergic to latex' });
    const duplicate = await newCustomer(tenantA, { email: undefined, type: 'guest', notes: 'Left-handed' });
    await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${duplicate.id}/consents`,
      headers: bearer(tenantA),
      payload: { consent_type: 'marketing', purpose: 'Newsletter' },
    });
    const response = await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${survivor.id}/merge`,
      headers: bearer(tenantA),
      payload: { duplicate_id: duplicate.id },
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json().data;
    expect(result.customer).toMatchObject({
      id: survivor.id,
      email: survivor.email,
      phone: duplicate.phone,
      type: 'registered',
      marketing_consent: true,
      notes: 'Allergic to latex\n\nLeft-handed',
    });
    expect(result.merged).toMatchObject({
      duplicate_id: duplicate.id,
      consents_moved: 1,
      // The customers module's own participant (the GDPR request register) first, then the holders'.
      reassigned: [{ participant: 'privacy_requests', count: 0 }, { participant: 'bookings', count: 3 }],
      // Both had a (different) last name: the survivor's is kept and the loss is reported.
      discarded_fields: ['last_name'],
    });
    expect(mergeCalls).toContainEqual({ survivorId: survivor.id, duplicateId: duplicate.id });
    const gone = await app.server.inject({ method: 'GET', url: `/api/v1/customers/${duplicate.id}`, headers: bearer(tenantA) });
    expect(gone.statusCode).toBe(404);
    const byPhone = await app.server.inject({
      method: 'GET',
      url: `/api/v1/customers?search=${encodeURIComponent(duplicate.phone ?? '')}`,
      headers: bearer(tenantA),
    });
    expect(byPhone.json().data.map((row: { id: string }) => row.id)).toEqual([survivor.id]);
    const self = await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${survivor.id}/merge`,
      headers: bearer(tenantA),
      payload: { duplicate_id: survivor.id },
    });
    expect(self.statusCode).toBe(400);
  });

  it('keeps a ban from either record', async () => {
    const survivor = await newCustomer(tenantA);
    const duplicate = await newCustomer(tenantA);
    await app.server.inject({ method: 'PATCH', url: `/api/v1/customers/${duplicate.id}`, headers: bearer(tenantA), payload: { status: 'banned' } });
    const response = await app.server.inject({
      method: 'POST',
      url: `/api/v1/customers/${survivor.id}/merge`,
      headers: bearer(tenantA),
      payload: { duplicate_id: duplicate.id },
    });
    expect(response.json().data.customer.status).toBe('banned');
    expect(response.json().data.merged.discarded_fields).toEqual(expect.arrayContaining(['email', 'phone']));
  });
});

describe('audit of customer access', () => {
  it('records who read a profile and why, without personal data in the audit log', async () => {
    const customer = await newCustomer(tenantA);
    await app.server.inject({
      method: 'GET',
      url: `/api/v1/customers/${customer.id}`,
      headers: { ...bearer(tenantA, 'manager'), 'x-access-reason': 'ticket #4521' },
    });
    const rows = await withTenant(app.database.db, tenantA, (trx) =>
      trx
        .selectFrom('audit_logs')
        .where('tenant_id', '=', tenantA)
        .where('entity_id', '=', customer.id)
        .select(['action', 'actor_type', 'metadata', 'new_values'])
        .orderBy('created_at')
        .execute(),
    );
    expect(rows.map((row) => row.action)).toEqual(['customer.created', 'customer.viewed']);
    expect(rows[1]?.metadata).toMatchObject({ access_reason: 'ticket #4521' });
    expect(JSON.stringify(rows)).not.toContain(customer.email ?? '');
    expect(JSON.stringify(rows)).not.toContain(customer.last_name ?? '');
  });
});
