/**
 * The whole-business export (issue 18): an owner asks, the worker builds a ZIP archive, the owner downloads it.
 * The archive is unzipped here and read file by file against what the test created over the API (and a payment
 * written the way the provider flow writes one), secrets included so their absence is proven: the webhook
 * signing secret, the API key, the payment's client secret, the owner's password. The archive is kept encrypted
 * under the key ring, bound to the business: the stored bytes, a row moved to another business and a key
 * rotation by the application's own job are checked too.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { strFromU8, unzipSync } from 'fflate';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp, type Application } from '../../src/app.ts';
import { archiveContext } from '../../src/modules/portability/business-exports.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { DecryptionError, generateMasterKey, KeyRing, type MasterKey } from '../../src/platform/crypto/field-encryption.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { createUserWithRole, login, runDueJobs, signupTenant, startTestApp, type Actor, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type Json } from '../support/http.ts';

interface ExportView {
  id: string;
  status: string;
  language: string;
  expires_at: string | null;
  row_counts: Record<string, number> | null;
  download_path: string | null;
}

let t: TestApp;
/** The same database served with a new current key (the old one still listed), once a test rotates. */
let rotated: Application | undefined;
const oldKey = generateMasterKey('export-old');
const newKey = generateMasterKey('export-new');
const keySpec = (keys: MasterKey[]) => keys.map((key) => `${key.kid}:${key.key.toString('base64')}`).join(',');
let owner: TenantOwner;
let other: TenantOwner;
let receptionist: Actor;
const call = httpClient(() => t.server);
const created = { customerEmail: `lucia.${randomUUID().slice(0, 8)}@example.test`, webhookSecret: '', apiKey: '', clientSecret: `pi_123_secret_${randomUUID()}`, bookingNumber: '', locationId: '', serviceId: '' };

async function post<T = Json>(who: { headers: Record<string, string> }, path: string, body: Json): Promise<T> {
  const response = await call<T>('POST', path, { headers: who.headers, body });
  expect(response.status, `${path}: ${response.text}`).toBeLessThan(300);
  return response.body.data;
}

/** The archive's files by name, as text. */
async function download(who: { headers: Record<string, string> }, path: string, server = t.server): Promise<Map<string, string>> {
  const response = await server.inject({ method: 'GET', url: path, headers: who.headers });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('application/zip');
  expect(response.headers['content-disposition']).toMatch(/^attachment; filename="reservehub-export-\d{4}-\d{2}-\d{2}\.zip"$/);
  const files = unzipSync(new Uint8Array(response.rawPayload));
  return new Map(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

const jsonLines = (text: string | undefined): Json[] => (text ?? '').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Json);

beforeAll(async () => {
  t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE: 'true', ENCRYPTION_KEYS: keySpec([oldKey]) });
  owner = await signupTenant(t, { tenant_name: 'Peluquería Lucía' });
  other = await signupTenant(t);
  receptionist = await createUserWithRole(t, owner, 'receptionist');

  created.locationId = (await post<{ id: string }>(owner, '/api/v1/locations', { name: 'Centro', timezone: 'Europe/Madrid', address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' } })).id;
  const resourceId = (await post<{ id: string }>(owner, '/api/v1/resources', { location_id: created.locationId, name: 'Marta', type: 'staff' })).id;
  await post(owner, '/api/v1/schedules', { resource_id: resourceId, name: 'Always', start_date: '2020-01-01', time_slots: [{ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] }] });
  created.serviceId = (await post<{ id: string }>(owner, '/api/v1/services', { name: 'Corte', duration_minutes: 30, price: { amount: 2000, currency: 'EUR' }, resource_ids: [resourceId] })).id;
  const customer = await post<{ id: string }>(owner, '/api/v1/customers', { first_name: 'Lucía', last_name: 'Ibáñez', email: created.customerEmail, phone: '+34600111222', marketing_consent: true });
  const start = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const booking = await post<{ id: string; booking_number: string }>(owner, '/api/v1/bookings', {
    service_id: created.serviceId,
    resource_id: resourceId,
    start_time: `${start}T10:00:00+01:00`,
    customer: { customer_id: customer.id },
  });
  created.bookingNumber = booking.booking_number;
  const endpoint = await post<{ secret: string }>(owner, '/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['booking.created'] });
  created.webhookSecret = endpoint.secret;
  created.apiKey = (await post<{ key: string }>(owner, '/api/v1/api-keys', { name: 'Zapier' })).key;
  // A payment as the provider flow stores it, with the client secret the payment page hands to the browser.
  await withTenant(t.db.db, owner.tenant.id, (trx) =>
    sql`insert into payments (tenant_id, booking_id, customer_id, type, status, amount, currency, provider, client_secret, idempotency_key)
        values (${owner.tenant.id}, ${booking.id}, ${customer.id}, 'deposit', 'succeeded', 500, 'EUR', 'sandbox', ${created.clientSecret}, ${`idem-${randomUUID()}`})`.execute(trx),
  );
  // The other business has data of its own, which must stay out of this one's archive.
  await post(other, '/api/v1/customers', { first_name: 'Otro', email: `otro.${randomUUID().slice(0, 8)}@example.test` });
});
afterAll(async () => {
  await rotated?.server.close();
  await t?.close();
});

/** The stored (encrypted) archive of an export, read past row security. */
async function storedArchive(exportId: string): Promise<Buffer> {
  const row = await sql<{ archive: Uint8Array | null }>`select archive from business_exports where id = ${exportId}`.execute(t.db.db);
  const archive = row.rows[0]?.archive;
  if (!archive) throw new Error(`export ${exportId} holds no archive`);
  return Buffer.from(archive);
}

describe('a whole-business export', () => {
  let exportId = '';
  /** The last ready export, kept for the key rotation (last: once rotated, `t`'s ring no longer reads the data). */
  let latest = { id: '', headers: {} as Record<string, string> };

  test('an owner starts one (202, audited); asking again while it is prepared answers 409 naming it', async () => {
    const started = await call<ExportView>('POST', '/api/v1/business/exports', { headers: owner.headers, body: { language: 'es' } });
    expect(started.status, started.text).toBe(202);
    expect(started.body.data).toMatchObject({ status: 'pending', language: 'es', download_path: null });
    exportId = started.body.data.id;

    const again = await call('POST', '/api/v1/business/exports', { headers: owner.headers, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { export_id: exportId } });

    const audit = await call<Json[]>('GET', '/api/v1/audit-logs?action=business.data_exported', { headers: owner.headers });
    expect(audit.body.data.map((entry: Json) => [entry.entity_id, entry.actor.user_id])).toEqual([[exportId, owner.userId]]);
  });

  test('the worker builds the archive; it is ready with rows per class and a link that expires in 7 days', async () => {
    await runDueJobs(t);
    const shown = await call<ExportView>('GET', `/api/v1/business/exports/${exportId}`, { headers: owner.headers });
    expect(shown.body.data).toMatchObject({ status: 'ready', download_path: `/api/v1/business/exports/${exportId}/download` });
    const days = (Date.parse(shown.body.data.expires_at ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(shown.body.data.row_counts).toMatchObject({ customers: 1, bookings: 1, payments: 1, webhook_endpoints: 1, locations: 1, services: 1, schedules: 1, team_members: 2 });
    const listed = await call<ExportView[]>('GET', '/api/v1/business/exports', { headers: owner.headers });
    expect(listed.body.data.map((view) => view.id)).toEqual([exportId]);
  });

  test('the archive holds a CSV and a JSON Lines file per class with what the business created, and a README in Spanish', async () => {
    const files = await download(owner, `/api/v1/business/exports/${exportId}/download`);
    for (const name of ['account', 'business', 'locations', 'services', 'service_categories', 'resources', 'schedules', 'schedule_exceptions', 'team_members', 'customers', 'consents', 'bookings', 'payments', 'refunds', 'invoices', 'notification_templates', 'webhook_endpoints']) {
      expect(files.has(`${name}.csv`), name).toBe(true);
      expect(files.has(`${name}.jsonl`), name).toBe(true);
    }
    const customers = jsonLines(files.get('customers.jsonl'));
    expect(customers).toEqual([expect.objectContaining({ first_name: 'Lucía', last_name: 'Ibáñez', email: created.customerEmail, phone: '+34600111222', marketing_consent: true })]);
    expect(jsonLines(files.get('consents.jsonl'))).toEqual([expect.objectContaining({ customer_id: customers[0]?.id, consent_type: 'marketing', active: true })]);
    expect(jsonLines(files.get('bookings.jsonl')).map((row) => [row.booking_number, row.service_id, row.customer_id])).toEqual([[created.bookingNumber, created.serviceId, customers[0]?.id]]);
    expect(jsonLines(files.get('payments.jsonl'))).toEqual([expect.objectContaining({ amount: 500, currency: 'EUR', status: 'succeeded' })]);
    expect(jsonLines(files.get('locations.jsonl')).map((row) => row.id)).toEqual([created.locationId]);
    expect(jsonLines(files.get('team_members.jsonl')).map((row) => [row.email, row.role]).sort()).toEqual(
      [[owner.email, 'business_admin'], [receptionist.email, 'receptionist']].sort(),
    );
    expect(jsonLines(files.get('webhook_endpoints.jsonl'))).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9/hooks', events: ['booking.created'] })]);

    // The CSV has the same rows, header first, accents intact, every cell quoted.
    const customerCsv = (files.get('customers.csv') ?? '').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(customerCsv).toHaveLength(2);
    expect(customerCsv[0]).toMatch(/^"id","type","status","first_name","last_name","email"/);
    expect(customerCsv[1]).toContain('"Lucía","Ibáñez"');

    expect(files.get('README.txt')).toContain('Exportación completa de los datos de Peluquería Lucía');
    expect(files.get('README.txt')).toContain('- customers.csv / customers.jsonl (filas: 1): Los clientes, con sus datos de contacto en claro.');
  });

  test('no secret is in the archive, and nothing of another business', async () => {
    const everything = [...(await download(owner, `/api/v1/business/exports/${exportId}/download`)).values()].join('\n');
    const apiKeyHash = createHash('sha256').update(created.apiKey).digest('hex');
    for (const secret of [created.webhookSecret, created.apiKey, apiKeyHash, created.clientSecret, owner.password]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/"v1\.[^"]*\.[^"]*"/); // no ciphertext of the key ring
    expect(everything).not.toContain('password');
    expect(everything).not.toContain('Otro');
  });

  test('the stored archive is a key ring ciphertext bound to the business and the export: no ZIP, no customer in it', async () => {
    const stored = await storedArchive(exportId);
    expect(stored.subarray(0, `b1.${oldKey.kid}.`.length).toString('ascii')).toBe(`b1.${oldKey.kid}.`);
    for (const plain of ['PK\u0003\u0004', 'PK\u0001\u0002', 'customers.csv', 'README.txt', 'Lucía', 'Ibáñez', created.customerEmail]) {
      expect(stored.includes(plain), plain).toBe(false);
    }
    // The ring opens it (a ZIP whose file names are in clear), only under this business and this export.
    const ring = new KeyRing({ keys: [oldKey] });
    const zip = ring.decryptBytes(stored, archiveContext(owner.tenant.id, exportId));
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\u0003\u0004'));
    expect(zip.includes('customers.csv')).toBe(true);
    expect(() => ring.decryptBytes(stored, archiveContext(other.tenant.id, exportId))).toThrow(DecryptionError);
    expect(() => ring.decryptBytes(stored, archiveContext(owner.tenant.id, randomUUID()))).toThrow(DecryptionError);
    // The database refuses a plain archive.
    await expect(sql`update business_exports set archive = ${zip} where id = ${exportId}`.execute(t.db.db)).rejects.toThrow(/business_exports_archive_encrypted/);
  });

  test('a row moved to another business does not decrypt there (410, never a 5xx); moved back, it downloads again', async () => {
    await sql`update business_exports set tenant_id = ${other.tenant.id} where id = ${exportId}`.execute(t.db.db);
    try {
      const elsewhere = await call('GET', `/api/v1/business/exports/${exportId}/download`, { headers: other.headers });
      expect(elsewhere.status, elsewhere.text).toBe(410);
      expect(elsewhere.body.error.code).toBe('LINK_EXPIRED');
      expect(elsewhere.text).not.toContain('Lucía');
      expect((await call('GET', `/api/v1/business/exports/${exportId}/download`, { headers: owner.headers })).status).toBe(404);
    } finally {
      await sql`update business_exports set tenant_id = ${owner.tenant.id} where id = ${exportId}`.execute(t.db.db);
    }
    const files = await download(owner, `/api/v1/business/exports/${exportId}/download`);
    expect(jsonLines(files.get('customers.jsonl'))).toEqual([expect.objectContaining({ first_name: 'Lucía', email: created.customerEmail })]);
  });

  test('another business’s export id is 404 everywhere; a receptionist is refused with 403', async () => {
    for (const path of [`/api/v1/business/exports/${exportId}`, `/api/v1/business/exports/${exportId}/download`]) {
      const response = await call('GET', path, { headers: other.headers });
      expect(response.status, path).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    expect((await call<ExportView[]>('GET', '/api/v1/business/exports', { headers: other.headers })).body.data).toEqual([]);
    for (const [method, path] of [['POST', '/api/v1/business/exports'], ['GET', '/api/v1/business/exports'], ['GET', `/api/v1/business/exports/${exportId}/download`]] as const) {
      const refused = await call(method, path, { headers: receptionist.headers, ...(method === 'POST' ? { body: {} } : {}) });
      expect(refused.status, `${method} ${path}`).toBe(403);
    }
  });

  test('bad input is a 400 with a code, never a 5xx', async () => {
    expect((await call('POST', '/api/v1/business/exports', { headers: owner.headers, body: { language: 'fr' } })).body.error.code).toBe('VALIDATION_ERROR');
    expect((await call('GET', '/api/v1/business/exports/not-a-uuid', { headers: owner.headers })).status).toBe(400);
    expect((await call('GET', `/api/v1/business/exports/${randomUUID()}/download`, { headers: owner.headers })).status).toBe(404);
  });

  test('once the week is over the link answers 410 and the archive bytes are gone', async () => {
    await sql`update business_exports set expires_at = now() - interval '1 minute' where id = ${exportId}`.execute(t.db.db);
    const expired = await call('GET', `/api/v1/business/exports/${exportId}/download`, { headers: owner.headers });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('LINK_EXPIRED');
    expect((await call<ExportView>('GET', `/api/v1/business/exports/${exportId}`, { headers: owner.headers })).body.data).toMatchObject({ status: 'expired', download_path: null });
    // The expiry job queued for the end of the week clears the bytes.
    await sql`update jobs set run_at = now() where name = 'portability.export_expiry'`.execute(t.db.db);
    await runDueJobs(t);
    const row = await sql<{ status: string; archive: unknown }>`select status, archive from business_exports where id = ${exportId}`.execute(t.db.db);
    expect(row.rows[0]).toEqual({ status: 'expired', archive: null });
  });

  test('a suspended business’s owner can still export, in the billing language by default', async () => {
    await sql`update tenants set status = 'suspended' where id = ${owner.tenant.id}`.execute(t.db.db);
    const signedIn = await login(t, { email: owner.email, password: owner.password, tenant_slug: owner.tenant.slug });
    const headers = { authorization: `Bearer ${String(signedIn.envelope.data.access_token)}` };
    const changeRefused = await call('POST', '/api/v1/customers', { headers, body: { first_name: 'Nadie', email: 'nadie@example.test' } });
    expect(changeRefused.body.error.code).toBe('TENANT_SUSPENDED');
    const started = await call<ExportView>('POST', '/api/v1/business/exports', { headers, body: {} });
    expect(started.status, started.text).toBe(202);
    expect(started.body.data.language).toBe('es');
    await runDueJobs(t);
    const files = await download({ headers }, `/api/v1/business/exports/${started.body.data.id}/download`);
    expect(jsonLines(files.get('customers.jsonl'))).toHaveLength(1);
    latest = { id: started.body.data.id, headers };
  });

  test('key rotation, as the application runs it, re-encrypts the archive; a copy that does not decrypt is dropped', async () => {
    const before = await download(latest, `/api/v1/business/exports/${latest.id}/download`);
    // A ready export of the other business holding a copy of this one's archive: it cannot be re-encrypted.
    const copyId = randomUUID();
    await sql`insert into business_exports (tenant_id, id, status, language, archive, size_bytes, completed_at, expires_at)
      values (${other.tenant.id}, ${copyId}, 'ready', 'es', ${await storedArchive(latest.id)}, 1, now(), now() + interval '1 day')`.execute(t.db.db);

    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', WEBHOOKS_ALLOW_PRIVATE: 'true', ENCRYPTION_KEYS: keySpec([newKey, oldKey]) });
    rotated = await buildApp({ config, handle: t.db });
    await rotated.server.ready();
    expect(await rotated.startKeyRotationForNewKey()).toBeGreaterThanOrEqual(2);
    await rotated.createWorker(pino({ level: 'silent' })).drain();
    const jobs = await sql<{ status: string; last_error: string | null }>`select status, last_error from jobs where name = 'crypto.rotate-keys'`.execute(t.db.db);
    expect(jobs.rows.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs.rows) expect(job, job.last_error ?? '').toMatchObject({ status: 'succeeded' });

    const stored = await storedArchive(latest.id);
    expect(stored.subarray(0, `b1.${newKey.kid}.`.length).toString('ascii')).toBe(`b1.${newKey.kid}.`);
    const newOnly = new KeyRing({ keys: [newKey] });
    expect(unzipSync(new Uint8Array(newOnly.decryptBytes(stored, archiveContext(owner.tenant.id, latest.id))))['customers.jsonl']).toBeDefined();
    expect(await download(latest, `/api/v1/business/exports/${latest.id}/download`, rotated.server)).toEqual(before);

    const copy = await sql<{ status: string; archive: unknown }>`select status, archive from business_exports where id = ${copyId}`.execute(t.db.db);
    expect(copy.rows[0]).toEqual({ status: 'failed', archive: null });
    // A process whose ring lacks the new key answers a clean 410, not a 5xx.
    const unknownKey = await call('GET', `/api/v1/business/exports/${latest.id}/download`, { headers: latest.headers });
    expect(unknownKey.status, unknownKey.text).toBe(410);
    expect(unknownKey.body.error.code).toBe('LINK_EXPIRED');
  });
});
