/**
 * Signed self-service links (`{PUBLIC_URL}/manage/{token}`): the customer opens
 * their booking without an account. The token carries the tenant and booking
 * ids and an HMAC-SHA256 (truncated to 128 bits) under the link key, so it
 * cannot be forged or pointed at another booking; nothing is stored. It is
 * honoured until the booking ends (checked against the booking's current end,
 * so a reschedule extends it), and rotating the link key revokes every link.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';

const MAC_BYTES = 16;
const UUID_BYTES = 16;
const PURPOSE = 'booking-manage-link:v1';

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(PURPOSE).update(payload).digest().subarray(0, MAC_BYTES);
}

/** Derives the link key from a master secret (HKDF), so it is never the encryption key itself. */
export function deriveLinkKey(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'reservehub', PURPOSE, 32));
}

/**
 * The deployment's link key, derived from its key ring (ENCRYPTION_KEYS, or the
 * embedded mode's stored key), so every process signs and checks the same links
 * without another secret to configure.
 */
export function linkKeyFrom(keyRing: KeyRing): Buffer {
  return deriveLinkKey(Buffer.from(keyRing.blindIndex('name-token', 'reservehub.booking.links.v1'), 'utf8'));
}

export function signManageToken(key: Buffer, tenantId: string, bookingId: string): string {
  const payload = Buffer.concat([uuidToBytes(tenantId), uuidToBytes(bookingId)]);
  return Buffer.concat([payload, mac(key, payload)]).toString('base64url');
}

/** The ids a token names, or null when it is malformed or its signature does not match. */
export function verifyManageToken(key: Buffer, token: string): { tenantId: string; bookingId: string } | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 2 * UUID_BYTES + MAC_BYTES) return null;
  const payload = raw.subarray(0, 2 * UUID_BYTES);
  if (!timingSafeEqual(raw.subarray(2 * UUID_BYTES), mac(key, payload))) return null;
  return { tenantId: bytesToUuid(payload.subarray(0, UUID_BYTES)), bookingId: bytesToUuid(payload.subarray(UUID_BYTES)) };
}

export function manageUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/manage/${token}`;
}
