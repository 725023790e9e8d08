/**
 * Links to the hosted payment page (`{PUBLIC_URL}/pay/{token}`): the customer
 * opens the page of one pending payment without an account. The token carries
 * the tenant and payment ids and an HMAC-SHA256 (truncated to 128 bits) under
 * the page key, so it cannot be forged or pointed at another payment; nothing
 * is stored. It only lets its holder see the amount and pay that payment, so
 * it needs no expiry of its own: the page refuses once the payment is no
 * longer open (paid, or cancelled when the booking's hold expired).
 *
 * Not the intent's client secret: Stripe asks that it never be put in a URL
 * (URLs end up in histories, logs and referrers); the page hands it to
 * Stripe.js in its body instead.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isOpen } from './payment-status.ts';
import { paymentsOfBooking } from './payments.repository.ts';

const MAC_BYTES = 16;
const UUID_BYTES = 16;
const PURPOSE = 'payment-page-link:v1';
const TOKEN = /^[A-Za-z0-9_-]{64}$/;

const uuidToBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex');

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const mac = (key: Buffer, payload: Buffer): Buffer =>
  createHmac('sha256', key).update(PURPOSE).update(payload).digest().subarray(0, MAC_BYTES);

/**
 * The deployment's page key, derived (HKDF) from its key ring, so every process
 * signs and checks the same links without another secret to configure.
 */
export function paymentPageKeyFrom(keyRing: KeyRing): Buffer {
  const master = Buffer.from(keyRing.blindIndex('name-token', 'reservehub.payments.page.v1'), 'utf8');
  return Buffer.from(hkdfSync('sha256', master, 'reservehub', PURPOSE, 32));
}

export function signPaymentPageToken(key: Buffer, tenantId: string, paymentId: string): string {
  const payload = Buffer.concat([uuidToBytes(tenantId), uuidToBytes(paymentId)]);
  return Buffer.concat([payload, mac(key, payload)]).toString('base64url');
}

/** The ids a token names, or null when it is malformed or its signature does not match. */
export function verifyPaymentPageToken(key: Buffer, token: string): { tenantId: string; paymentId: string } | null {
  if (!TOKEN.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 2 * UUID_BYTES + MAC_BYTES) return null;
  const payload = raw.subarray(0, 2 * UUID_BYTES);
  if (!timingSafeEqual(raw.subarray(2 * UUID_BYTES), mac(key, payload))) return null;
  return { tenantId: bytesToUuid(payload.subarray(0, UUID_BYTES)), paymentId: bytesToUuid(payload.subarray(UUID_BYTES)) };
}

export function paymentPageUrl(publicUrl: string, key: Buffer, tenantId: string, paymentId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/pay/${signPaymentPageToken(key, tenantId, paymentId)}`;
}

/**
 * The hosted payment page of a booking's open payment (its deposit, waiting for the customer), or
 * null when nothing is due: what a "complete your payment" message links to.
 */
export async function openPaymentPageUrlOfBooking(
  executor: Executor,
  link: { publicUrl: string; pageKey: Buffer },
  tenantId: string,
  bookingId: string,
): Promise<string | null> {
  const open = (await paymentsOfBooking(executor, tenantId, bookingId)).findLast((payment) => isOpen(payment.status));
  return open ? paymentPageUrl(link.publicUrl, link.pageKey, tenantId, open.id) : null;
}
