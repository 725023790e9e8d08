import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { WebhookEndpointRow } from './webhook-endpoints.repository.ts';

/** Encryption context of an endpoint's secrets: a ciphertext moved to another row fails to decrypt. */
export function secretContext(tenantId: string, endpointId: string): string {
  return `webhook_endpoints.secret:${tenantId}:${endpointId}`;
}

/** The secrets that sign now: the current one, plus the previous one during its overlap window. */
export function signingSecrets(keyRing: KeyRing, endpoint: WebhookEndpointRow, now: Date = new Date()): string[] {
  const context = secretContext(endpoint.tenant_id, endpoint.id);
  const secrets = [keyRing.decrypt(endpoint.secret_enc, context)];
  if (
    endpoint.previous_secret_enc !== null &&
    endpoint.previous_secret_expires_at !== null &&
    endpoint.previous_secret_expires_at.getTime() > now.getTime()
  ) {
    secrets.push(keyRing.decrypt(endpoint.previous_secret_enc, context));
  }
  return secrets;
}
