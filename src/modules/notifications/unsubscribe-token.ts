import type { KeyRing } from '../../platform/crypto/field-encryption.ts';

const CONTEXT = 'notifications.unsubscribe';

/**
 * The one-click unsubscribe link of a marketing message: the tenant and
 * customer, encrypted and authenticated, so the link cannot be forged or
 * pointed at someone else.
 */
export function unsubscribeUrl(keyRing: KeyRing, publicUrl: string, tenantId: string, customerId: string): string {
  // In the query: the token is longer than a path parameter may be.
  return `${publicUrl}/api/v1/notifications/unsubscribe?token=${unsubscribeToken(keyRing, tenantId, customerId)}`;
}

/**
 * The visible "unsubscribe" link in a marketing message's text: the web page a person's click
 * opens (`/unsubscribe?token=…`), which asks once and then unsubscribes with the same token.
 */
export function unsubscribePageUrl(keyRing: KeyRing, publicUrl: string, tenantId: string, customerId: string): string {
  return `${publicUrl}/unsubscribe?token=${unsubscribeToken(keyRing, tenantId, customerId)}`;
}

function unsubscribeToken(keyRing: KeyRing, tenantId: string, customerId: string): string {
  return Buffer.from(keyRing.encrypt(`${tenantId}:${customerId}`, CONTEXT)).toString('base64url');
}

/** The tenant and customer of an unsubscribe token, or null when it is not one of ours. */
export function readUnsubscribeToken(keyRing: KeyRing, token: string): { tenantId: string; customerId: string } | null {
  try {
    const plain = keyRing.decrypt(Buffer.from(token, 'base64url').toString('utf8'), CONTEXT);
    const [tenantId, customerId] = plain.split(':');
    return tenantId && customerId ? { tenantId, customerId } : null;
  } catch {
    return null;
  }
}
