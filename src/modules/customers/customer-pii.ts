import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { namePrefixes, normalizeEmail, searchPrefixes } from '../../platform/crypto/pii-normalization.ts';
import type { CustomerRow } from './customers.tables.ts';

/** A customer's personal data in clear, as the service handles it (never stored like this). */
export interface CustomerPii {
  first_name: string | null;
  last_name: string | null;
  /** Normalized: trimmed, lower-case. */
  email: string | null;
  /** E.164. */
  phone: string | null;
  date_of_birth: string | null;
  notes: string | null;
}

/** The columns that carry a customer's personal data, encrypted and indexed. */
export interface EncryptedCustomerColumns {
  first_name_enc: string | null;
  last_name_enc: string | null;
  email_enc: string | null;
  phone_enc: string | null;
  date_of_birth_enc: string | null;
  notes_enc: string | null;
  email_bidx: string | null;
  phone_bidx: string | null;
  name_tokens: string[];
  key_id: string | null;
}

type PiiField = keyof CustomerPii;

/**
 * Each ciphertext is bound to its column and tenant: a value copied into
 * another column or tenant does not decrypt.
 */
function contextOf(tenantId: string, field: PiiField): string {
  return `customers.${field}:${tenantId}`;
}

/**
 * Name search over encrypted names. Each lower-cased, accent-free word prefix
 * of 3 to 20 characters of the first and last name is stored as a keyed HMAC
 * (`name_tokens`, GIN-indexed); a search word matches when its HMAC is among
 * them. Trade-offs, chosen knowingly:
 * - prefix matching only: no infix, no fuzzy or typo-tolerant search, words
 *   under 3 characters are ignored;
 * - equality leaks: someone with database access (not the keys) can see
 *   which customers share a name prefix and count frequencies within a
 *   tenant; they cannot read the names, and tokens differ per key ring;
 * - about 10-20 tokens per customer make the row and index larger.
 * Email and phone are exact-match only (blind index of the normalized value).
 *
 * Name-token indexes are cut to 96 bits: plenty to keep false matches rare
 * within a tenant, and shorter values make the GIN index smaller.
 */
const NAME_TOKEN_LENGTH = 16;

export function emailIndex(keyRing: KeyRing, email: string): string {
  return keyRing.blindIndex('email', normalizeEmail(email));
}

/** `phone` must already be E.164 (`normalizePhone`). */
export function phoneIndex(keyRing: KeyRing, phone: string): string {
  return keyRing.blindIndex('phone', phone);
}

export function nameTokenIndexes(keyRing: KeyRing, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => keyRing.blindIndex('name-token', prefix).slice(0, NAME_TOKEN_LENGTH));
}

/** The name tokens a search text asks for; empty when no word is long enough. */
export function searchTokenIndexes(keyRing: KeyRing, text: string): string[] {
  return nameTokenIndexes(keyRing, searchPrefixes(text));
}

/** Encrypts every personal field of a customer under the current key (the whole row moves to one key id). */
export function encryptCustomerPii(keyRing: KeyRing, tenantId: string, pii: CustomerPii): EncryptedCustomerColumns {
  const email = pii.email === null ? null : normalizeEmail(pii.email);
  return {
    first_name_enc: keyRing.encryptNullable(pii.first_name, contextOf(tenantId, 'first_name')),
    last_name_enc: keyRing.encryptNullable(pii.last_name, contextOf(tenantId, 'last_name')),
    email_enc: keyRing.encryptNullable(email, contextOf(tenantId, 'email')),
    phone_enc: keyRing.encryptNullable(pii.phone, contextOf(tenantId, 'phone')),
    date_of_birth_enc: keyRing.encryptNullable(pii.date_of_birth, contextOf(tenantId, 'date_of_birth')),
    notes_enc: keyRing.encryptNullable(pii.notes, contextOf(tenantId, 'notes')),
    email_bidx: email === null ? null : emailIndex(keyRing, email),
    phone_bidx: pii.phone === null ? null : phoneIndex(keyRing, pii.phone),
    name_tokens: nameTokenIndexes(keyRing, namePrefixes(pii.first_name, pii.last_name)),
    key_id: keyRing.currentKid,
  };
}

export function decryptCustomerPii(keyRing: KeyRing, row: CustomerRow): CustomerPii {
  const open = (field: PiiField, value: string | null) =>
    keyRing.decryptNullable(value, contextOf(row.tenant_id, field));
  return {
    first_name: open('first_name', row.first_name_enc),
    last_name: open('last_name', row.last_name_enc),
    email: open('email', row.email_enc),
    phone: open('phone', row.phone_enc),
    date_of_birth: open('date_of_birth', row.date_of_birth_enc),
    notes: open('notes', row.notes_enc),
  };
}

/** The columns of a row that no longer holds anyone's data (erased or merged away). */
export const EMPTY_PII_COLUMNS: EncryptedCustomerColumns = {
  first_name_enc: null,
  last_name_enc: null,
  email_enc: null,
  phone_enc: null,
  date_of_birth_enc: null,
  notes_enc: null,
  email_bidx: null,
  phone_bidx: null,
  name_tokens: [],
  key_id: null,
};

/** Consent proof (IP address, user agent) is personal data too. */
export function consentContext(tenantId: string, field: 'ip_address' | 'user_agent'): string {
  return `consent_records.${field}:${tenantId}`;
}
