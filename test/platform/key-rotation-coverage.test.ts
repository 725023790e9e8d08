/**
 * Key rotation covers every encrypted column: data written through the API
 * under one key (a customer, consents, messages with a one-time code, a push
 * subscription, a staff member's push subscription, a webhook endpoint with a rotated secret) is re-encrypted by
 * the application's own rotation job once a new key is current, and still
 * reads back the same. The encrypted columns are enumerated from the schema
 * (`*_enc`), so a table added later with encrypted columns and no rotation
 * target fails here until it gets one (or a commented exclusion below).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Application } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { generateMasterKey, KeyRing, type MasterKey } from '../../src/platform/crypto/field-encryption.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { maskRecipient } from '../../src/modules/notifications/message-content.ts';
import { pushTargetsOf } from '../../src/modules/notifications/push-subscriptions.ts';
import { findStaffPushTarget } from '../../src/modules/notifications/staff-push-subscriptions.ts';
import { signingSecrets } from '../../src/modules/webhooks/webhook-secrets.ts';
import { BrowserSubscription } from '../notifications/push-service-fake.ts';
import { bearer, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient, type HttpResponse } from '../support/http.ts';

/**
 * Tables with `_enc` columns that the tenant-scoped rotation job does not
 * cover, each with its reason (keep in step with the comment at the job's
 * registration in src/app.ts).
 */
const EXCLUDED_TABLES: ReadonlyMap<string, string> = new Map([
  // People are global (one person, several tenants) and the app role cannot read this table, so a
  // job running inside one tenant's transaction cannot reach it: identity rotates its TOTP secrets.
  ['user_credentials', 'platform table owned by identity'],
]);

/**
 * Key ring ciphertexts in columns not named `_enc`, left to expire instead of
 * being rotated (none of them is written by this test; listed so the scan of
 * every text column below knows them).
 */
const EXCLUDED_OTHER_COLUMNS: ReadonlySet<string> = new Set([
  // Stored idempotent answers live 48 h (KEY_TTL_HOURS): an old key is retired later than that.
  'idempotency_keys.response_body',
]);

// Distinctive key ids, so a scan of every text column for "v1.<kid>." finds only ciphertexts.
const oldKey = generateMasterKey('rotation-old');
const newKey = generateMasterKey('rotation-new');
const keySpec = (keys: MasterKey[]) => keys.map((key) => `${key.kid}:${key.key.toString('base64')}`).join(',');
const ENV = { WEBHOOKS_ALLOW_PRIVATE: 'true', PUSH_ALLOW_PRIVATE: 'true' };

type Json = Record<string, unknown>;
type Headers = Record<string, string>;

let t: TestApp;
let rotated: Application;
let owner: TenantOwner;
let addressCounter = 0;
const nextAddress = () => `198.51.100.${(addressCounter++ % 250) + 1}`;

/** Requests on `app` as the rotation probe, each from its own client address. */
const on = (app: Application | TestApp) => httpClient(app.server, { headers: { 'user-agent': 'RotationProbe/1.0' }, remoteAddress: nextAddress });

async function ok<T = Json>(response: HttpResponse, status = 200): Promise<T> {
  expect(response.status, response.text).toBe(status);
  return response.body.data;
}

/** Signs a customer in on the tenant's booking page with the code the outbox captured. */
async function signInCustomer(email: string): Promise<{ customerId: string; headers: Headers; code: string }> {
  const page = { 'x-tenant': owner.tenant.slug };
  expect((await on(t)('POST', '/api/v1/customer-auth/code', { headers: page, body: { email } })).status).toBe(202);
  await t.app.createWorker(pino({ level: 'silent' })).drain();
  const messages = await ok<Array<{ event_type: string; recipient: string | null; body: string }>>(
    await on(t)('GET', '/api/v1/notifications?channel=email&limit=100', { headers: owner.headers }),
  );
  const message = messages.find((item) => item.event_type === 'verification.code' && item.recipient === maskRecipient(email));
  const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
  if (code === undefined) throw new Error(`no code captured for ${email}`);
  const session = await ok<{ access_token: string; customer: { id: string } }>(
    await on(t)('POST', '/api/v1/customer-auth/verify', { headers: page, body: { email, code, first_name: 'Rosa' } }),
  );
  return { customerId: session.customer.id, headers: bearer(session.access_token), code };
}

/** Every `_enc` column of the schema, by table. */
async function encryptedColumns(): Promise<Map<string, string[]>> {
  const rows = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and right(column_name, 4) = '_enc'
    order by table_name, column_name`.execute(t.db.db);
  const byTable = new Map<string, string[]>();
  for (const row of rows.rows) byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row.column_name]);
  return byTable;
}

/** How many values of each `table.column` were written under `kid`, over every text and JSON column of the schema. */
async function valuesUnder(kid: string): Promise<Map<string, number>> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json')`.execute(t.db.db);
  const found = new Map<string, number>();
  for (const { table_name: table, column_name: column } of columns.rows) {
    const result = await sql<{ count: number }>`
      select count(*)::int as count from ${sql.table(table)} where ${sql.ref(column)}::text like ${`%v1.${kid}.%`}`.execute(t.db.db);
    const count = result.rows[0]?.count ?? 0;
    if (count > 0) found.set(`${table}.${column}`, count);
  }
  return found;
}

/** Rows of each table holding at least one ciphertext under `kid` in an `_enc` column. */
async function staleRowsByTable(kid: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [table, columns] of await encryptedColumns()) {
    const anyUnderKid = sql.join(
      columns.map((column) => sql`split_part(${sql.ref(column)}, '.', 2) = ${kid}`),
      sql` or `,
    );
    const result = await sql<{ count: number }>`select count(*)::int as count from ${sql.table(table)} where ${anyUnderKid}`.execute(t.db.db);
    counts.set(table, result.rows[0]?.count ?? 0);
  }
  return counts;
}

interface Written {
  customerId: string;
  accountCustomer: { customerId: string; headers: Headers; code: string };
  browser: BrowserSubscription;
  endpointId: string;
  secrets: { first: string; second: string };
}

let written: Written;
let ownerPhoneJson: ReturnType<BrowserSubscription['toJSON']>;
/** What the API answered before the rotation, to compare with after. */
let before: { customer: Json; notifications: Json[]; export: Json; consents: Json[]; staffDevices: Json[] };

async function readBack(app: Application | TestApp) {
  const exported = await ok<{ data: Json }>(await on(app)('GET', '/api/v1/me/export', { headers: written.accountCustomer.headers }));
  return {
    customer: await ok(await on(app)('GET', `/api/v1/customers/${written.customerId}`, { headers: owner.headers })),
    notifications: await ok<Json[]>(await on(app)('GET', '/api/v1/notifications?limit=100', { headers: owner.headers })),
    export: exported.data,
    consents: await ok<Json[]>(await on(app)('GET', '/api/v1/me/consents', { headers: written.accountCustomer.headers })),
    staffDevices: await ok<Json[]>(await on(app)('GET', '/api/v1/me/push-subscriptions', { headers: owner.headers })),
  };
}

beforeAll(async () => {
  t = await startTestApp({ ...ENV, ENCRYPTION_KEYS: keySpec([oldKey]) });
  owner = await signupTenant(t);

  // A customer created by staff, with every personal field and a marketing consent (IP, user agent).
  const customer = await ok<{ id: string }>(
    await on(t)('POST', '/api/v1/customers', { headers: owner.headers, body: {
      first_name: 'Marta',
      last_name: 'Ibáñez',
      email: `marta.${randomUUID().slice(0, 8)}@example.test`,
      phone: '+34600111222',
      date_of_birth: '1990-04-02',
      notes: 'Prefers mornings',
      marketing_consent: true,
    } }),
    201,
  );

  // A customer account: its sign-in code is a message with an address, a body and a one-time secret.
  const accountCustomer = await signInCustomer(`rosa.${randomUUID().slice(0, 8)}@example.test`);
  await ok(await on(t)('PATCH', '/api/v1/me', { headers: accountCustomer.headers, body: { marketing_consent: true } }));

  // Its browser subscribes to Web Push.
  const browser = new BrowserSubscription(`http://127.0.0.1:9/push/${randomUUID()}`);
  await ok(await on(t)('POST', '/api/v1/push-subscriptions', { headers: accountCustomer.headers, body: { ...browser.toJSON(), expirationTime: null } }), 201);

  // The owner's phone subscribes to booking notices.
  const ownerPhone = new BrowserSubscription(`http://127.0.0.1:9/staff-push/${randomUUID()}`);
  await ok(await on(t)('POST', '/api/v1/me/push-subscriptions', { headers: owner.headers, body: ownerPhone.toJSON() }), 201);
  ownerPhoneJson = ownerPhone.toJSON();

  // A webhook endpoint whose secret was rotated: current and previous secret both encrypted.
  const endpoint = await ok<{ id: string; secret: string }>(
    await on(t)('POST', '/api/v1/webhook-endpoints', { headers: owner.headers, body: { url: 'http://127.0.0.1:9/hooks', events: ['booking.created'] } }),
    201,
  );
  const rotatedSecret = await ok<{ secret: string }>(
    await on(t)('POST', `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { headers: owner.headers, body: { overlap_hours: 24 } }),
  );
  written = {
    customerId: customer.id,
    accountCustomer,
    browser,
    endpointId: endpoint.id,
    secrets: { first: endpoint.secret, second: rotatedSecret.secret },
  };
  before = await readBack(t);

  // The same database, served by a process whose ring has a new current key (the old one still listed).
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', ...ENV, ENCRYPTION_KEYS: keySpec([newKey, oldKey]) });
  rotated = await buildApp({ config, handle: t.db });
  await rotated.server.ready();
});

afterAll(async () => {
  await rotated?.server.close();
  await t?.close();
});

describe('key rotation coverage', () => {
  it('re-encrypts every encrypted column of every tenant table, and the API reads the same data back', async () => {
    const tenantId = owner.tenant.id;
    const tablesWithCiphertexts = [...(await encryptedColumns()).keys()].filter((table) => !EXCLUDED_TABLES.has(table));

    // Every encrypted table has data under the old key, or this test would prove nothing for it.
    const staleBefore = await staleRowsByTable(oldKey.kid);
    for (const table of tablesWithCiphertexts) {
      expect(staleBefore.get(table), `no row of ${table} under the old key: create some through the API in this test`).toBeGreaterThan(0);
    }

    // The rotation as production starts it: the new process's worker, seeing a new current key, starts every
    // tenant's rotation once (a second start is a no-op), then runs it.
    expect(await rotated.startKeyRotationForNewKey()).toBeGreaterThanOrEqual(1);
    expect(await rotated.startKeyRotationForNewKey()).toBe(0);
    await rotated.createWorker(pino({ level: 'silent' })).drain();
    const jobs = await sql<{ status: string; last_error: string | null }>`
      select status, last_error from jobs where name = 'crypto.rotate-keys' and tenant_id = ${tenantId}`.execute(t.db.db);
    expect(jobs.rows.length).toBeGreaterThan(0);
    for (const job of jobs.rows) expect(job, job.last_error ?? '').toMatchObject({ status: 'succeeded' });

    // No `_enc` column of any covered table holds a value under the old key any more...
    const staleAfter = await staleRowsByTable(oldKey.kid);
    for (const table of tablesWithCiphertexts) expect(staleAfter.get(table), `${table} still has rows under the old key`).toBe(0);
    const customerKeys = await sql<{ key_id: string | null }>`select distinct key_id from customers where tenant_id = ${tenantId}`.execute(t.db.db);
    expect(customerKeys.rows).toEqual([{ key_id: newKey.kid }]);
    // ...nor does any other text column, but the listed exclusions.
    const leftovers = [...(await valuesUnder(oldKey.kid)).keys()].filter(
      (column) => !EXCLUDED_OTHER_COLUMNS.has(column) && !EXCLUDED_TABLES.has(column.split('.')[0] ?? ''),
    );
    expect(leftovers).toEqual([]);
    const underNew = [...(await valuesUnder(newKey.kid)).keys()].map((column) => column.split('.')[0]);
    for (const table of tablesWithCiphertexts) expect(underNew, `${table} holds nothing under the new key`).toContain(table);

    // The API answers exactly as before, from data now under the new key.
    expect(await readBack(rotated)).toEqual(before);
    expect(JSON.stringify(before.notifications)).toContain(written.accountCustomer.code);
    expect(before.customer).toMatchObject({ first_name: 'Marta', notes: 'Prefers mornings', phone: '+34600111222' });

    // What only the workers read (push keys, webhook signing secrets) decrypts with the new key alone.
    const newOnly = new KeyRing({ keys: [newKey] });
    const targets = await withTenant(t.db.db, tenantId, (trx) => pushTargetsOf(trx, newOnly, tenantId, written.accountCustomer.customerId));
    expect(targets.map(({ endpoint, keys }) => ({ endpoint, keys }))).toEqual([written.browser.toJSON()]);
    const [ownerDevice] = before.staffDevices;
    const staffTarget = await withTenant(t.db.db, tenantId, (trx) => findStaffPushTarget(trx, newOnly, tenantId, String(ownerDevice?.id)));
    expect(staffTarget && { endpoint: staffTarget.endpoint, keys: staffTarget.keys }).toEqual(ownerPhoneJson);
    const endpoint = await withTenant(t.db.db, tenantId, (trx) =>
      trx.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', written.endpointId).executeTakeFirstOrThrow(),
    );
    expect(signingSecrets(newOnly, endpoint)).toEqual([written.secrets.second, written.secrets.first]);
  });
});
