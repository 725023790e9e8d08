import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from './payment-provider.ts';

/** Oldest signature timestamp accepted, in seconds: limits replay of a captured request. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Signs `payload` the way Stripe does (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`).
 * The sandbox provider uses the same scheme with its own secret, so both go
 * through one kind of verification on the raw body.
 */
export function signPayload(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}

/**
 * Verifies a `t=...,v1=...` header against the raw body. Several `v1` entries
 * are allowed (secret rotation). Throws `WebhookSignatureError` for a missing
 * or malformed header, a mismatch, or a timestamp outside the tolerance.
 */
export function verifySignature(
  payload: string,
  header: string | undefined,
  secret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS,
): void {
  if (header === undefined || header === '') throw new WebhookSignatureError('Missing signature header');
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2).map((item) => item.trim());
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === null || candidates.length === 0) throw new WebhookSignatureError('Malformed signature header');
  const expected = Buffer.from(signPayload(payload, secret, timestamp).slice(`t=${timestamp},v1=`.length), 'hex');
  const matches = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  if (!matches) throw new WebhookSignatureError('Signature does not match the payload');
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError('Signature timestamp is outside the tolerance');
  }
}
