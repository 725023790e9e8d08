import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Field-level encryption of personal data (AES-256-GCM) and HMAC-SHA256 blind
 * indexes for equality lookups, under a ring of keys with ids.
 *
 * Ciphertext format (every part base64url, dot separated, ASCII only):
 *
 *     v1.<kid>.<iv>.<tag>.<data>
 *
 * - `kid` names the master key that encrypted the value, so values written
 *   under an older key stay readable while a background job re-encrypts them
 *   under the current key (rotation without downtime).
 * - Each value is bound to a context string (the "additional authenticated
 *   data", e.g. `customers.email:<tenant id>`): a ciphertext copied into
 *   another column or another tenant fails authentication instead of decrypting.
 *
 * Large binary values (`encryptBytes`) use the same scheme without base64:
 * `b1.<kid>.` in ASCII, then iv, tag and data as raw bytes.
 *
 * Master keys never encrypt directly: HKDF derives one AES key per master key
 * and a separate HMAC key for blind indexes, so a leaked index key reveals no
 * ciphertext and vice versa.
 */

/** A master key as configured: `kid:base64key` in ENCRYPTION_KEYS. */
export interface MasterKey {
  kid: string;
  /** 32 random bytes. */
  key: Buffer;
}

export interface KeyRingOptions {
  /** The first key is current: it encrypts every new value. */
  keys: readonly MasterKey[];
  /**
   * The key whose derivative computes blind indexes. Blind indexes must stay
   * stable when data keys rotate (the unique constraints and lookups depend on
   * them), so by default this is the *oldest* key (the last one listed): new
   * keys are added at the front, and the oldest one stays in the list, kept
   * for indexing after rotation re-encrypted everything it once encrypted.
   */
  blindIndexKid?: string;
}

/** Values that must be looked up by equality, each under its own derived key. */
export type BlindIndexPurpose = 'email' | 'phone' | 'name-token';

export const CIPHERTEXT_VERSION = 'v1';
/** The version of the binary format (`encryptBytes`). */
const BYTES_VERSION = 'b1';
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = Buffer.from('reservehub/field-encryption');

/** Thrown when a value cannot be decrypted: tampered, truncated, foreign context or unknown key. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * A derived key as a KeyObject: node:crypto turns a Buffer key into one on every
 * createCipheriv / createHmac call, which costs several times the operation itself.
 */
function derive(master: Buffer, info: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, 32)));
}

/**
 * The keys of one process, constructed explicitly from configuration and
 * passed to whoever encrypts (no global instance).
 */
export class KeyRing {
  #currentKid: string;
  readonly blindIndexKid: string;
  readonly #dataKeys: Map<string, KeyObject>;
  readonly #indexKeys: Map<BlindIndexPurpose, KeyObject>;

  constructor(options: KeyRingOptions) {
    const [current] = options.keys;
    if (!current) throw new Error('A key ring needs at least one key');
    this.#dataKeys = new Map();
    for (const { kid, key } of options.keys) {
      if (!KID_PATTERN.test(kid)) throw new Error(`Key id "${kid}" must be 1-32 letters, digits, "_" or "-"`);
      if (key.length !== 32) throw new Error(`Key "${kid}" must be 32 bytes (256 bits), got ${key.length}`);
      if (this.#dataKeys.has(kid)) throw new Error(`Key id "${kid}" appears twice`);
      this.#dataKeys.set(kid, derive(key, 'aes-256-gcm:v1'));
    }
    this.#currentKid = current.kid;
    const indexMaster = options.blindIndexKid
      ? options.keys.find((candidate) => candidate.kid === options.blindIndexKid)
      : options.keys.at(-1);
    if (!indexMaster) throw new Error(`Blind-index key "${options.blindIndexKid}" is not in the key ring`);
    this.blindIndexKid = indexMaster.kid;
    const purposes: BlindIndexPurpose[] = ['email', 'phone', 'name-token'];
    this.#indexKeys = new Map(purposes.map((purpose) => [purpose, derive(indexMaster.key, `blind-index:${purpose}:v1`)]));
  }

  /** The key every new value is encrypted under. */
  get currentKid(): string {
    return this.#currentKid;
  }

  /**
   * Learns keys another process added (keys are never forgotten while the process runs) and makes
   * `currentKid` current. The blind-index key does not change: lookups must stay stable.
   */
  adopt(keys: readonly MasterKey[], currentKid: string): void {
    for (const { kid, key } of keys) {
      if (this.#dataKeys.has(kid)) continue;
      if (!KID_PATTERN.test(kid) || key.length !== 32) throw new Error(`Key "${kid}" is not a 32-byte key with a valid id`);
      this.#dataKeys.set(kid, derive(key, 'aes-256-gcm:v1'));
    }
    if (!this.#dataKeys.has(currentKid)) throw new Error(`Key "${currentKid}" is not in the key ring`);
    this.#currentKid = currentKid;
  }

  /** Key ids known to this ring, current first. */
  get kids(): string[] {
    return [this.#currentKid, ...[...this.#dataKeys.keys()].filter((kid) => kid !== this.#currentKid)];
  }

  /** Encrypts under the current key, bound to `context` (same context needed to decrypt). */
  encrypt(plaintext: string, context: string): string {
    const kid = this.#currentKid;
    const key = this.#dataKeys.get(kid);
    if (!key) throw new Error('current key missing');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${CIPHERTEXT_VERSION}.${kid}.${context}`, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [CIPHERTEXT_VERSION, kid, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Decrypts a value written under any key of the ring; throws DecryptionError when it does not authenticate. */
  decrypt(ciphertext: string, context: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== CIPHERTEXT_VERSION) throw new DecryptionError('Unknown ciphertext format');
    const [, kid = '', ivText = '', tagText = '', dataText = ''] = parts;
    const key = this.#dataKeys.get(kid);
    if (!key) throw new DecryptionError(`Unknown key id "${kid}"`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('Malformed ciphertext');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${CIPHERTEXT_VERSION}.${kid}.${context}`, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError('Ciphertext does not authenticate');
    }
  }

  /**
   * Encrypts bytes under the current key, bound to `context`, without base64 (for large values such as
   * archives): ASCII `b1.<kid>.` (`bytesPrefix`), then iv, tag and data as raw bytes. A distinct version
   * in the authenticated data keeps the two formats from being passed off as each other.
   */
  encryptBytes(plaintext: Uint8Array, context: string): Buffer {
    const kid = this.#currentKid;
    const key = this.#dataKeys.get(kid);
    if (!key) throw new Error('current key missing');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${BYTES_VERSION}.${kid}.${context}`, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([KeyRing.bytesPrefix(kid), iv, cipher.getAuthTag(), data]);
  }

  /** Decrypts what `encryptBytes` wrote under any key of the ring; throws DecryptionError when it does not authenticate. */
  decryptBytes(ciphertext: Uint8Array, context: string): Buffer {
    const kid = KeyRing.kidOfBytes(ciphertext);
    if (kid === null) throw new DecryptionError('Unknown ciphertext format');
    const key = this.#dataKeys.get(kid);
    if (!key) throw new DecryptionError(`Unknown key id "${kid}"`);
    const body = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength).subarray(KeyRing.bytesPrefix(kid).length);
    if (body.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('Malformed ciphertext');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${BYTES_VERSION}.${kid}.${context}`, 'utf8'));
      decipher.setAuthTag(body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError('Ciphertext does not authenticate');
    }
  }

  /** How every `encryptBytes` ciphertext under `kid` begins: a `bytea` column is selected by it in SQL. */
  static bytesPrefix(kid: string): Buffer {
    return Buffer.from(`${BYTES_VERSION}.${kid}.`, 'ascii');
  }

  /** The key id a bytes ciphertext was written under, or null when it is not one of ours. */
  static kidOfBytes(ciphertext: Uint8Array): string | null {
    const head = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, Math.min(ciphertext.byteLength, BYTES_VERSION.length + 34)).toString('latin1');
    const match = /^b1\.([A-Za-z0-9_-]{1,32})\./.exec(head);
    return match?.[1] ?? null;
  }

  encryptNullable(plaintext: string | null | undefined, context: string): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(plaintext, context);
  }

  decryptNullable(ciphertext: string | null, context: string): string | null {
    return ciphertext === null ? null : this.decrypt(ciphertext, context);
  }

  /** The key id a ciphertext was written under, or null when it is not one of ours. */
  static kidOf(ciphertext: string): string | null {
    const parts = ciphertext.split('.');
    return parts.length === 5 && parts[0] === CIPHERTEXT_VERSION ? (parts[1] ?? null) : null;
  }

  /** True when the value should be re-encrypted under the current key. */
  needsRotation(ciphertext: string): boolean {
    return KeyRing.kidOf(ciphertext) !== this.currentKid;
  }

  /**
   * Keyed hash of an already normalized value, for equality lookups and
   * unique constraints without storing the value. Callers normalize first
   * (`normalizeEmail`, `normalizePhone`) so equal values index equally.
   */
  blindIndex(purpose: BlindIndexPurpose, normalized: string): string {
    const key = this.#indexKeys.get(purpose);
    if (!key) throw new Error(`no blind-index key for ${purpose}`);
    return createHmac('sha256', key).update(normalized, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of two blind indexes. */
  static sameIndex(left: string, right: string): boolean {
    const a = Buffer.from(left);
    const b = Buffer.from(right);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** Parses `kid:base64key,kid:base64key` (first is current); base64 or base64url keys of 32 bytes. */
export function parseMasterKeys(spec: string): MasterKey[] {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('ENCRYPTION_KEYS lists no key');
  return entries.map((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new Error(`ENCRYPTION_KEYS entry ${index + 1} must look like kid:base64key`);
    const kid = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    const key = Buffer.from(encoded.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length !== 32) {
      throw new Error(`ENCRYPTION_KEYS key "${kid}" must be 32 bytes of base64 (got ${key.length} bytes)`);
    }
    return { kid, key };
  });
}

/** A new random master key, e.g. for `kid:base64` in ENCRYPTION_KEYS. */
export function generateMasterKey(kid: string): MasterKey {
  return { kid, key: randomBytes(32) };
}
