import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { loadDatabaseKeyRing, refreshDatabaseKeyRing } from './database-keys.ts';
import { generateMasterKey, KeyRing, parseMasterKeys, type MasterKey } from './field-encryption.ts';

const keysFileSchema = z.object({
  version: z.literal(1),
  keys: z.array(z.object({ kid: z.string(), key: z.string() })).min(1),
});

/** Where the embedded mode keeps the key it generated for itself. */
export function embeddedKeysPath(dataDir: string): string {
  return join(resolve(dataDir), 'keys.json');
}

/**
 * Embedded mode only: reads `${DATA_DIR}/keys.json`, or creates it with one
 * fresh key (file mode 0600, created exclusively so two processes starting at
 * once cannot each write their own key).
 */
export function loadOrCreateEmbeddedKeys(dataDir: string): MasterKey[] {
  const path = embeddedKeysPath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
    const fresh = generateMasterKey(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
    const body = JSON.stringify({ version: 1, keys: [{ kid: fresh.kid, key: fresh.key.toString('base64') }] }, null, 2);
    try {
      writeFileSync(path, `${body}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Lost the race to another process: use the key it wrote.
      if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST')) throw error;
    }
  }
  chmodSync(path, 0o600);
  const parsed = keysFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return parseMasterKeys(parsed.keys.map((entry) => `${entry.kid}:${entry.key}`).join(','));
}

/**
 * The key ring of this process: ENCRYPTION_KEYS when set; otherwise, outside
 * production, the embedded mode's own key. Production without keys has
 * already been refused by `loadConfig`; this refuses it again rather than
 * silently inventing a key a second server would not share.
 */
export function loadKeyRing(config: Pick<Config, 'ENCRYPTION_KEYS' | 'DATA_DIR' | 'NODE_ENV'>): KeyRing {
  if (config.ENCRYPTION_KEYS !== undefined) return new KeyRing({ keys: parseMasterKeys(config.ENCRYPTION_KEYS) });
  if (config.NODE_ENV === 'production') throw new Error('ENCRYPTION_KEYS is required in production');
  return new KeyRing({ keys: loadOrCreateEmbeddedKeys(config.DATA_DIR) });
}

/** Where this process's field-encryption keys come from. */
export type KeySource = 'environment' | 'embedded' | 'database';

export interface OpenedKeyRing {
  keyRing: KeyRing;
  source: KeySource;
  /**
   * Re-reads keys another process rotated in (database source only; a no-op otherwise).
   * Returns true when the current key changed.
   */
  refresh(): Promise<boolean>;
}

/**
 * The key ring of this process: ENCRYPTION_KEYS when set; on PostgreSQL the keys kept once in the
 * database (generated on first start, wrapped by KEY_ENCRYPTION_KEYS), so every `serve` and
 * `work` process agrees; on the embedded database, the key file under DATA_DIR.
 */
export async function openKeyRing(
  config: Pick<Config, 'ENCRYPTION_KEYS' | 'KEY_ENCRYPTION_KEYS' | 'DATA_DIR' | 'NODE_ENV'>,
  handle: Pick<DatabaseHandle, 'kind' | 'db'>,
): Promise<OpenedKeyRing> {
  if (config.ENCRYPTION_KEYS !== undefined || handle.kind !== 'postgres') {
    return { keyRing: loadKeyRing(config), source: config.ENCRYPTION_KEYS !== undefined ? 'environment' : 'embedded', refresh: async () => false };
  }
  const keyRing = await loadDatabaseKeyRing(handle.db, {
    keyEncryptionKeys: config.KEY_ENCRYPTION_KEYS,
    previousKeys: () => (existsSync(embeddedKeysPath(config.DATA_DIR)) ? loadOrCreateEmbeddedKeys(config.DATA_DIR) : null),
  });
  return { keyRing, source: 'database', refresh: () => refreshDatabaseKeyRing(handle.db, keyRing, config.KEY_ENCRYPTION_KEYS) };
}
