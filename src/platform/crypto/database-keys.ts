import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';
import { withPlatform } from '../db/tenant-context.ts';
import { generateMasterKey, KeyRing, parseMasterKeys, type MasterKey } from './field-encryption.ts';

/**
 * Field-encryption keys the platform generated for itself, kept once in the `encryption_keys`
 * table so every process on one database agrees (migration 0077). Each key is wrapped by the
 * first key-encryption key of KEY_ENCRYPTION_KEYS when one is configured (production requires
 * it unless ENCRYPTION_KEYS is set), or stored `plain:` outside production.
 *
 * A key rotated in is known to every process before it becomes current: it is stored with an
 * `active_from` in the future, processes re-read the table every ENCRYPTION_KEYS_REFRESH_MS, and from
 * `active_from` on each of them encrypts under it. Blind indexes stay on the oldest key.
 */

/** Advisory lock serialising the first key generation and rotations across processes. */
const ENCRYPTION_KEY_LOCK = 7_364_019_283;
const PLAIN_PREFIX = 'plain:';
/** How long a rotated key waits before it becomes current: several refresh periods (ENCRYPTION_KEYS_REFRESH_MS). */
export const DEFAULT_ACTIVATION_DELAY_SECONDS = 120;

export class KeyStoreError extends Error {}

interface StoredKeyRow {
  kid: string;
  wrapped_key: string;
  active: boolean;
}

const wrapContext = (kid: string): string => `encryption_keys:${kid}`;

/** The key-encryption keys of KEY_ENCRYPTION_KEYS (the first wraps, all unwrap), or null when unset. */
export function keyEncryptionRing(spec: string | undefined): KeyRing | null {
  return spec === undefined ? null : new KeyRing({ keys: parseMasterKeys(spec) });
}

function wrap(kek: KeyRing | null, key: MasterKey): string {
  const encoded = key.key.toString('base64');
  return kek ? kek.encrypt(encoded, wrapContext(key.kid)) : `${PLAIN_PREFIX}${encoded}`;
}

function unwrap(kek: KeyRing | null, row: StoredKeyRow): MasterKey {
  if (row.wrapped_key.startsWith(PLAIN_PREFIX)) {
    return { kid: row.kid, key: Buffer.from(row.wrapped_key.slice(PLAIN_PREFIX.length), 'base64') };
  }
  if (!kek) {
    throw new KeyStoreError(`Encryption key "${row.kid}" is wrapped by a key-encryption key: set KEY_ENCRYPTION_KEYS`);
  }
  try {
    return { kid: row.kid, key: Buffer.from(kek.decrypt(row.wrapped_key, wrapContext(row.kid)), 'base64') };
  } catch {
    throw new KeyStoreError(`Encryption key "${row.kid}" cannot be unwrapped with the keys of KEY_ENCRYPTION_KEYS`);
  }
}

/** True when the stored form is not under the current key-encryption key (plain, or an older one). */
function needsRewrap(kek: KeyRing | null, wrapped: string): boolean {
  if (!kek) return false;
  return wrapped.startsWith(PLAIN_PREFIX) || kek.needsRotation(wrapped);
}

async function storedKeys(executor: Executor): Promise<StoredKeyRow[]> {
  const result = await sql<StoredKeyRow>`
    select kid, wrapped_key, active_from <= now() as active
    from encryption_keys order by created_at desc, kid desc`.execute(executor);
  return result.rows;
}

/** The ring's shape: the current key first (the newest active one), blind indexes on the oldest. */
function ringShape(kek: KeyRing | null, rows: StoredKeyRow[]): { keys: MasterKey[]; currentKid: string; oldestKid: string } {
  const keys = rows.map((row) => unwrap(kek, row));
  const current = rows.find((row) => row.active) ?? rows.at(-1);
  const oldest = rows.at(-1);
  if (!current || !oldest) throw new KeyStoreError('No encryption key is stored');
  const ordered = [...keys.filter((key) => key.kid === current.kid), ...keys.filter((key) => key.kid !== current.kid)];
  return { keys: ordered, currentKid: current.kid, oldestKid: oldest.kid };
}

export interface DatabaseKeyOptions {
  keyEncryptionKeys: string | undefined;
  /** Keys an earlier version generated under DATA_DIR, if any: imported on first use so existing data stays readable. */
  previousKeys: () => MasterKey[] | null;
}

/**
 * Reads the stored keys, creating the first one when the table is empty (under an advisory lock,
 * so processes starting together agree on one key). A key stored plain or under an older
 * key-encryption key is re-wrapped under the current one on the way.
 */
export async function loadDatabaseKeyRing(db: Db, options: DatabaseKeyOptions): Promise<KeyRing> {
  const kek = keyEncryptionRing(options.keyEncryptionKeys);
  const rows = await withPlatform(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${ENCRYPTION_KEY_LOCK})`.execute(trx);
    let current = await storedKeys(trx);
    if (current.length === 0) {
      const previous = options.previousKeys() ?? [generateFreshKey()];
      // Oldest first, so created_at keeps the file's order (its last key is the blind-index key).
      for (const [index, key] of [...previous].reverse().entries()) {
        await sql`
          insert into encryption_keys (kid, wrapped_key, active_from, created_at)
          values (${key.kid}, ${wrap(kek, key)}, now(), now() + make_interval(secs => ${index / 1000}))`.execute(trx);
      }
      current = await storedKeys(trx);
    }
    for (const row of current) {
      if (!needsRewrap(kek, row.wrapped_key)) continue;
      const rewrapped = wrap(kek, unwrap(kek, row));
      await sql`update encryption_keys set wrapped_key = ${rewrapped} where kid = ${row.kid}`.execute(trx);
      row.wrapped_key = rewrapped;
    }
    return current;
  });
  const shape = ringShape(kek, rows);
  return new KeyRing({ keys: shape.keys, blindIndexKid: shape.oldestKid });
}

/**
 * Re-reads the stored keys into `keyRing`: keys rotated in by another process become known, and
 * current once their activation time has come. Returns true when the current key changed.
 */
export async function refreshDatabaseKeyRing(db: Db, keyRing: KeyRing, keyEncryptionKeys: string | undefined): Promise<boolean> {
  const kek = keyEncryptionRing(keyEncryptionKeys);
  const rows = await withPlatform(db, (trx) => storedKeys(trx));
  const shape = ringShape(kek, rows);
  const before = keyRing.currentKid;
  keyRing.adopt(shape.keys, shape.currentKid);
  return keyRing.currentKid !== before;
}

function generateFreshKey(): MasterKey {
  return generateMasterKey(`k${new Date().toISOString().replaceAll(/[-:T]/g, '').slice(0, 14)}`);
}

/**
 * Adds a new generated key that becomes current after `activateAfterSeconds` (long enough for
 * every running process to learn it first). Re-encryption of existing data starts when a
 * worker sees the new key become current. Returns the new key's id and activation time.
 */
export async function rotateDatabaseKey(
  db: Db,
  options: { keyEncryptionKeys: string | undefined; activateAfterSeconds: number },
): Promise<{ kid: string; activeFrom: Date }> {
  const kek = keyEncryptionRing(options.keyEncryptionKeys);
  return withPlatform(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${ENCRYPTION_KEY_LOCK})`.execute(trx);
    const existing = await storedKeys(trx);
    if (existing.length === 0) throw new KeyStoreError('No encryption key is stored yet: start the product once first');
    let key = generateFreshKey();
    while (existing.some((row) => row.kid === key.kid)) key = generateMasterKey(`${key.kid.slice(0, 28)}${Math.floor(Math.random() * 1000)}`);
    const inserted = await sql<{ active_from: Date }>`
      insert into encryption_keys (kid, wrapped_key, active_from)
      values (${key.kid}, ${wrap(kek, key)}, now() + make_interval(secs => ${options.activateAfterSeconds}))
      returning active_from`.execute(trx);
    const activeFrom = inserted.rows[0]?.active_from;
    if (!activeFrom) throw new KeyStoreError('The new key was not stored');
    return { kid: key.kid, activeFrom: new Date(activeFrom) };
  });
}
