import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DecryptionError, generateMasterKey, KeyRing, parseMasterKeys } from './field-encryption.ts';
import { embeddedKeysPath, loadKeyRing, loadOrCreateEmbeddedKeys } from './key-store.ts';
import { namePrefixes, normalizeEmail, normalizePhone, searchPrefixes } from './pii-normalization.ts';

const k1 = generateMasterKey('k1');
const k2 = generateMasterKey('k2');

function flip(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('KeyRing encryption', () => {
  const ring = new KeyRing({ keys: [k1] });

  it('round-trips text, including non-ASCII, in the v1.<kid>.<iv>.<tag>.<data> format', () => {
    const ciphertext = ring.encrypt('José Núñez ✓', 'customers.first_name:t1');
    expect(ciphertext).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(ciphertext).not.toContain('Jos');
    expect(ring.decrypt(ciphertext, 'customers.first_name:t1')).toBe('José Núñez ✓');
  });

  it('uses a fresh IV each time, so equal values do not look equal', () => {
    expect(ring.encrypt('same', 'c')).not.toBe(ring.encrypt('same', 'c'));
  });

  it.each([
    ['the data', 4],
    ['the tag', 3],
    ['the iv', 2],
  ])('detects tampering with %s', (_label, index) => {
    const parts = ring.encrypt('ana@example.com', 'ctx').split('.');
    parts[index] = flip(parts[index] ?? '');
    expect(() => ring.decrypt(parts.join('.'), 'ctx')).toThrow(DecryptionError);
  });

  it('refuses a ciphertext moved to another context (column or tenant)', () => {
    const ciphertext = ring.encrypt('ana@example.com', 'customers.email:tenant-a');
    expect(() => ring.decrypt(ciphertext, 'customers.email:tenant-b')).toThrow(DecryptionError);
    expect(() => ring.decrypt(ciphertext, 'customers.phone:tenant-a')).toThrow(DecryptionError);
  });

  it('refuses a relabelled key id, truncated values and unknown formats', () => {
    const other = new KeyRing({ keys: [k2, k1] });
    const parts = ring.encrypt('x', 'ctx').split('.');
    parts[1] = 'k2';
    expect(() => other.decrypt(parts.join('.'), 'ctx')).toThrow(DecryptionError);
    expect(() => ring.decrypt('v1.k1.abc', 'ctx')).toThrow(DecryptionError);
    expect(() => ring.decrypt('v2.k1.a.b.c', 'ctx')).toThrow(DecryptionError);
    expect(() => ring.decrypt(ring.encrypt('x', 'ctx').replace('v1.k1.', 'v1.k9.'), 'ctx')).toThrow(/Unknown key id/);
  });

  it('rejects bad key material', () => {
    expect(() => new KeyRing({ keys: [] })).toThrow();
    expect(() => new KeyRing({ keys: [{ kid: 'k1', key: Buffer.alloc(16) }] })).toThrow(/32 bytes/);
    expect(() => new KeyRing({ keys: [{ kid: 'bad.kid', key: Buffer.alloc(32) }] })).toThrow(/Key id/);
    expect(() => new KeyRing({ keys: [k1, k1] })).toThrow(/twice/);
  });
});

describe('KeyRing bytes encryption', () => {
  const ring = new KeyRing({ keys: [k1] });
  const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from('Lucía Ibáñez'), Buffer.from([0, 255, 128])]);

  it('round-trips raw bytes behind a b1.<kid>. prefix, with no plaintext in the ciphertext', () => {
    const ciphertext = ring.encryptBytes(zip, 'business_exports:t1:e1');
    expect(ciphertext.subarray(0, 6).toString('ascii')).toBe('b1.k1.');
    expect(ciphertext.length).toBe(6 + 12 + 16 + zip.length);
    expect(ciphertext.includes('PK')).toBe(false);
    expect(ciphertext.includes('Lucía')).toBe(false);
    expect(KeyRing.kidOfBytes(ciphertext)).toBe('k1');
    expect(ring.decryptBytes(new Uint8Array(ciphertext), 'business_exports:t1:e1')).toEqual(zip);
  });

  it('refuses another context, tampering, truncation, a foreign format and a text ciphertext', () => {
    const ciphertext = ring.encryptBytes(zip, 'business_exports:t1:e1');
    expect(() => ring.decryptBytes(ciphertext, 'business_exports:t2:e1')).toThrow(DecryptionError);
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    expect(() => ring.decryptBytes(tampered, 'business_exports:t1:e1')).toThrow(DecryptionError);
    expect(() => ring.decryptBytes(ciphertext.subarray(0, 20), 'business_exports:t1:e1')).toThrow(/Malformed/);
    expect(() => ring.decryptBytes(zip, 'business_exports:t1:e1')).toThrow(/Unknown ciphertext format/);
    expect(() => ring.decryptBytes(Buffer.from(ring.encrypt('x', 'ctx')), 'ctx')).toThrow(DecryptionError);
    expect(KeyRing.kidOfBytes(zip)).toBeNull();
  });

  it('decrypts under an older key of the ring; the prefix tells which key wrote it', () => {
    const old = ring.encryptBytes(zip, 'ctx');
    const after = new KeyRing({ keys: [k2, k1] });
    expect(after.decryptBytes(old, 'ctx')).toEqual(zip);
    const rewritten = after.encryptBytes(after.decryptBytes(old, 'ctx'), 'ctx');
    expect(rewritten.subarray(0, KeyRing.bytesPrefix('k2').length)).toEqual(KeyRing.bytesPrefix('k2'));
    expect(() => new KeyRing({ keys: [k2] }).decryptBytes(old, 'ctx')).toThrow(/Unknown key id/);
  });
});

describe('key rotation', () => {
  it('reads values written under an older key and writes new ones under the current key', () => {
    const before = new KeyRing({ keys: [k1] });
    const after = new KeyRing({ keys: [k2, k1] });
    const old = before.encrypt('+34600111222', 'ctx');
    expect(after.decrypt(old, 'ctx')).toBe('+34600111222');
    expect(after.needsRotation(old)).toBe(true);
    const rewritten = after.encrypt(after.decrypt(old, 'ctx'), 'ctx');
    expect(KeyRing.kidOf(rewritten)).toBe('k2');
    expect(after.needsRotation(rewritten)).toBe(false);
    // Once the old key is gone, only rotated values stay readable.
    const retired = new KeyRing({ keys: [k2] });
    expect(retired.decrypt(rewritten, 'ctx')).toBe('+34600111222');
    expect(() => retired.decrypt(old, 'ctx')).toThrow(DecryptionError);
  });

  it('keeps blind indexes stable across rotation (they derive from the oldest key)', () => {
    const before = new KeyRing({ keys: [k1] });
    const after = new KeyRing({ keys: [k2, k1] });
    expect(after.blindIndexKid).toBe('k1');
    expect(after.blindIndex('email', 'ana@example.com')).toBe(before.blindIndex('email', 'ana@example.com'));
  });
});

describe('blind indexes', () => {
  const ring = new KeyRing({ keys: [k1] });

  it('are deterministic per purpose and differ between purposes and keys', () => {
    const email = ring.blindIndex('email', 'ana@example.com');
    expect(email).toBe(ring.blindIndex('email', 'ana@example.com'));
    expect(email).not.toBe(ring.blindIndex('name-token', 'ana@example.com'));
    expect(email).not.toBe(new KeyRing({ keys: [k2] }).blindIndex('email', 'ana@example.com'));
    expect(email).not.toContain('ana');
  });

  it('match the same email written differently once normalized', () => {
    expect(ring.blindIndex('email', normalizeEmail('  Ana@Example.COM '))).toBe(
      ring.blindIndex('email', normalizeEmail('ana@example.com')),
    );
  });
});

describe('normalization', () => {
  it.each([
    ['+34 600 111 222', '+34600111222'],
    ['0034-600-111-222', '+34600111222'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['600111222', null],
    ['+0 600', null],
    ['+34abc', null],
  ])('phone %s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('indexes name prefixes of three or more characters without diacritics', () => {
    expect(namePrefixes('José', 'Núñez')).toEqual(['jos', 'jose', 'nun', 'nune', 'nunez']);
    expect(searchPrefixes('NÚÑ jo')).toEqual(['nun']);
  });
});

describe('key configuration', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('parses ENCRYPTION_KEYS with the first key current', () => {
    const spec = `k2:${k2.key.toString('base64')}, k1:${k1.key.toString('base64url')}`;
    const keys = parseMasterKeys(spec);
    expect(keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    const ring = loadKeyRing({ ENCRYPTION_KEYS: spec, DATA_DIR: '/nonexistent', NODE_ENV: 'production' });
    expect(ring.currentKid).toBe('k2');
    expect(() => parseMasterKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseMasterKeys('nokey')).toThrow(/kid:base64key/);
  });

  it('refuses to invent a key in production', () => {
    expect(() => loadKeyRing({ ENCRYPTION_KEYS: undefined, DATA_DIR: '/nonexistent', NODE_ENV: 'production' })).toThrow(
      /ENCRYPTION_KEYS/,
    );
  });

  it('embedded mode generates one key, stores it 0600 and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-keys-'));
    dirs.push(dir);
    const first = loadKeyRing({ ENCRYPTION_KEYS: undefined, DATA_DIR: dir, NODE_ENV: 'development' });
    const ciphertext = first.encrypt('persisted', 'ctx');
    expect(statSync(embeddedKeysPath(dir)).mode & 0o777).toBe(0o600);
    const second = loadKeyRing({ ENCRYPTION_KEYS: undefined, DATA_DIR: dir, NODE_ENV: 'development' });
    expect(second.decrypt(ciphertext, 'ctx')).toBe('persisted');
    expect(loadOrCreateEmbeddedKeys(dir)).toHaveLength(1);
    expect(readFileSync(embeddedKeysPath(dir), 'utf8')).toContain('"version": 1');
  });
});
