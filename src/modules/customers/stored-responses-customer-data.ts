/**
 * Answers the API stored for `Idempotency-Key` retries (platform table
 * `idempotency_keys`, encrypted, kept 48 hours) can hold a customer's personal
 * data: a guest's booking answer carries their name, email and phone. They
 * take part in the customer's rights like any other category:
 *
 * - the answers that concern the customer are those of the customer's own
 *   session (scope `<tenant>:<customer id>`) and those that name the customer's
 *   id (a public booking answer, staff creating or changing the customer);
 * - export lists them, decrypted;
 * - erasure deletes them (a retry with such a key then runs again instead of
 *   replaying the old answer: the data is gone, nothing is replayed).
 */
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import { deleteStoredResponses, KEY_TTL_HOURS, storedResponsesOfTenant, type StoredResponse } from '../../platform/http/idempotency.ts';
import type { ErasureParticipant, PersonalDataContributor } from './customer-data-registry.ts';

function concernsCustomer(tenantId: string, customerId: string, response: StoredResponse): boolean {
  return response.scope === `${tenantId}:${customerId}` || (response.body?.includes(customerId) ?? false);
}

function parsedBody(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

export function storedResponsesContributor(keyRing: KeyRing): PersonalDataContributor {
  return {
    name: 'stored_api_responses',
    purposes: ['Answering a retried request the same way (Idempotency-Key), so a retry never books or charges twice'],
    recipients: ['The client application that sent the request'],
    retention: `${KEY_TTL_HOURS} hours after the request`,
    async collect(trx, tenantId, customerId) {
      const responses = await storedResponsesOfTenant(trx, keyRing, tenantId);
      return responses
        .filter((response) => concernsCustomer(tenantId, customerId, response))
        .map((response) => ({
          method: response.method,
          path: response.path,
          status: response.responseStatus,
          response: parsedBody(response.body),
          created_at: response.createdAt.toISOString(),
          expires_at: response.expiresAt.toISOString(),
        }));
    },
  };
}

export function storedResponsesErasureParticipant(keyRing: KeyRing): ErasureParticipant {
  return {
    name: 'stored_api_responses',
    async erase(trx, tenantId, customerId) {
      const responses = await storedResponsesOfTenant(trx, keyRing, tenantId);
      const count = await deleteStoredResponses(
        trx,
        tenantId,
        responses.filter((response) => concernsCustomer(tenantId, customerId, response)),
      );
      return { deleted: [{ table: 'idempotency_keys', count, anonymized: false }], retained: [] };
    },
  };
}
