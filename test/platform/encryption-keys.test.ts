/**
 * Field-encryption keys kept once in the database (migration 0077): every process on one
 * PostgreSQL agrees on them, they are wrapped by the key-encryption key, and a key rotated in by
 * one process is learnt by the others before it becomes current.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { KeyStoreError, loadDatabaseKeyRing, refreshDatabaseKeyRing, rotateDatabaseKey } from '../../src/platform/crypto/database-keys.ts';
import { generateMasterKey, KeyRing } from '../../src/platform/crypto/field-encryption.ts';
import { loadOrCreateEmbeddedKeys, openKeyRing } from '../../src/platform/crypto/key-store.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { onPostgres, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { signupTenant, startTestApp, type TestApp } from '../support/factories.ts';
import { ROOT } from '../support/product-process.ts';

const spec = (...keys: Array<{ kid: string; key: Buffer }>): string => keys.map((k) => `${k.kid}:${k.key.toString('base64')}`).join(',');
const kek1 = generateMasterKey('kek1');
const kek2 = generateMasterKey('kek2');
const noPreviousKeys = () => null;

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});
afterEach(async () => {
  await withPlatform(db.db, (trx) => sql`delete from encryption_keys`.execute(trx));
});

const storedRows = () =>
  withPlatform(db.db, async (trx) => (await sql<{ kid: string; wrapped_key: string }>`select kid, wrapped_key from encryption_keys order by created_at`.execute(trx)).rows);

describe('encryption keys kept in the database', () => {
  it('processes starting together agree on one generated key', async () => {
    const rings = await Promise.all(
      Array.from({ length: 4 }, () => loadDatabaseKeyRing(db.db, { keyEncryptionKeys: undefined, previousKeys: noPreviousKeys })),
    );
    expect(await storedRows()).toHaveLength(1);
    expect(new Set(rings.map((ring) => ring.currentKid)).size).toBe(1);
    const secret = rings[0]?.encrypt('Ana García', 'customers.name:t1') ?? '';
    for (const ring of rings) expect(ring.decrypt(secret, 'customers.name:t1')).toBe('Ana García');
  });

  it('stores the key wrapped by the key-encryption key, never in clear, and refuses to start without it', async () => {
    const ring = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek1), previousKeys: noPreviousKeys });
    const [row] = await storedRows();
    expect(row?.wrapped_key.startsWith('v1.kek1.')).toBe(true);
    const ciphertext = ring.encrypt('+34600000000', 'customers.phone:t1');

    await expect(loadDatabaseKeyRing(db.db, { keyEncryptionKeys: undefined, previousKeys: noPreviousKeys })).rejects.toThrow(/KEY_ENCRYPTION_KEYS/);
    await expect(loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek2), previousKeys: noPreviousKeys })).rejects.toBeInstanceOf(KeyStoreError);
    const again = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek1), previousKeys: noPreviousKeys });
    expect(again.decrypt(ciphertext, 'customers.phone:t1')).toBe('+34600000000');
  });

  it('wraps a key stored in clear once a key-encryption key is configured, and re-wraps under a new one', async () => {
    const plain = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: undefined, previousKeys: noPreviousKeys });
    expect((await storedRows())[0]?.wrapped_key.startsWith('plain:')).toBe(true);
    const ciphertext = plain.encrypt('ana@example.com', 'customers.email:t1');

    await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek1), previousKeys: noPreviousKeys });
    expect((await storedRows())[0]?.wrapped_key.startsWith('v1.kek1.')).toBe(true);

    // Rotating the key-encryption key: the new one first, the old one still listed to unwrap.
    const rewrapped = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek2, kek1), previousKeys: noPreviousKeys });
    expect((await storedRows())[0]?.wrapped_key.startsWith('v1.kek2.')).toBe(true);
    expect(rewrapped.decrypt(ciphertext, 'customers.email:t1')).toBe('ana@example.com');
    const newOnly = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek2), previousKeys: noPreviousKeys });
    expect(newOnly.currentKid).toBe(plain.currentKid);
  });

  it('imports the key an earlier version generated under DATA_DIR, so data it encrypted stays readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-keys-'));
    try {
      const [fileKey] = loadOrCreateEmbeddedKeys(dir);
      const old = new KeyRing({ keys: fileKey ? [fileKey] : [] });
      const ciphertext = old.encrypt('written before', 'ctx');
      const ring = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: undefined, previousKeys: () => loadOrCreateEmbeddedKeys(dir) });
      expect(ring.currentKid).toBe(fileKey?.kid);
      expect(ring.decrypt(ciphertext, 'ctx')).toBe('written before');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a rotated key is known at once, current only from its activation time, and blind indexes do not move', async () => {
    const ring = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek1), previousKeys: noPreviousKeys });
    const first = ring.currentKid;
    const indexBefore = ring.blindIndex('email', 'ana@example.com');

    const later = await rotateDatabaseKey(db.db, { keyEncryptionKeys: spec(kek1), activateAfterSeconds: 3600 });
    expect(await refreshDatabaseKeyRing(db.db, ring, spec(kek1))).toBe(false);
    expect(ring.currentKid).toBe(first);
    expect(ring.kids).toContain(later.kid);
    // Another process for which the new key is already current (its clock ran ahead) is readable here.
    const ahead = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: spec(kek1), previousKeys: noPreviousKeys });
    ahead.adopt([], later.kid);
    expect(ring.decrypt(ahead.encrypt('from the future', 'ctx'), 'ctx')).toBe('from the future');

    const now = await rotateDatabaseKey(db.db, { keyEncryptionKeys: spec(kek1), activateAfterSeconds: 0 });
    expect(await refreshDatabaseKeyRing(db.db, ring, spec(kek1))).toBe(true);
    expect(ring.currentKid).toBe(now.kid);
    expect(ring.encrypt('x', 'ctx').split('.')[1]).toBe(now.kid);
    expect(ring.blindIndex('email', 'ana@example.com')).toBe(indexBefore);
  });

  it('keys from ENCRYPTION_KEYS win; the embedded database keeps its key file', async () => {
    const configured = generateMasterKey('env1');
    const fromEnv = await openKeyRing({ ENCRYPTION_KEYS: spec(configured), KEY_ENCRYPTION_KEYS: undefined, DATA_DIR: '/nonexistent', NODE_ENV: 'production' }, db);
    expect(fromEnv.source).toBe('environment');
    expect(fromEnv.keyRing.currentKid).toBe('env1');
    expect(await storedRows()).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), 'rh-keys-'));
    try {
      const opened = await openKeyRing({ ENCRYPTION_KEYS: undefined, KEY_ENCRYPTION_KEYS: undefined, DATA_DIR: dir, NODE_ENV: 'test' }, db);
      expect(opened.source).toBe(db.kind === 'postgres' ? 'database' : 'embedded');
      expect(await storedRows()).toHaveLength(db.kind === 'postgres' ? 1 : 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!onPostgres())('two API processes on one PostgreSQL without ENCRYPTION_KEYS', () => {
  let a: TestApp;
  const dirs: string[] = [];
  beforeAll(async () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'rh-a-')), mkdtempSync(join(tmpdir(), 'rh-b-')));
    a = await startTestApp({ DATA_DIR: dirs[0] ?? '' });
  });
  afterAll(async () => {
    await a.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a customer written through one is read through the other', async () => {
    const b = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', DATA_DIR: dirs[1] ?? '' }),
      handle: a.db,
    });
    try {
      expect(b.keySource).toBe('database');
      const owner = await signupTenant(a);
      const created = await a.server.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: owner.headers,
        payload: { first_name: 'Lucía', last_name: 'Martín', email: `lucia-${Date.now()}@example.com` },
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { data: { id: string } }).data.id;
      const read = await b.server.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: owner.headers });
      expect(read.statusCode).toBe(200);
      expect((read.json() as { data: { first_name: string } }).data.first_name).toBe('Lucía');
    } finally {
      await b.server.close();
    }
  });
});

describe.skipIf(!onPostgres())('the rotate-keys command', () => {
  it('adds a key that the running processes adopt; a bad delay is refused', async () => {
    const url = db.url ?? '';
    const ring = await loadDatabaseKeyRing(db.db, { keyEncryptionKeys: undefined, previousKeys: noPreviousKeys });
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['src/main.ts', 'rotate-keys', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent' },
      });
    const { stdout } = await run(['--activate-in', '0']);
    const kid = /New encryption key (\S+),/.exec(stdout)?.[1];
    expect(await refreshDatabaseKeyRing(db.db, ring, undefined)).toBe(true);
    expect(ring.currentKid).toBe(kid);
    await expect(run(['--activate-in', 'soon'])).rejects.toMatchObject({ code: 2 });
  });
});
