import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import { consentContext, decryptCustomerPii, encryptCustomerPii } from './customer-pii.ts';
import * as consents from './consents.repository.ts';
import * as repo from './customers.repository.ts';

/**
 * Customers under an old key: decrypt, re-encrypt everything under the
 * current key. Blind indexes and name tokens come out identical (they do not
 * depend on the data key), so lookups and unique constraints are untouched.
 */
export const customersReencryption: ReencryptionTarget = {
  name: 'customers',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await repo.lockStaleKeyCustomers(trx, tenantId, keyRing.currentKid, limit);
    for (const row of rows) {
      await repo.rewriteCustomerCiphertexts(trx, tenantId, row.id, encryptCustomerPii(keyRing, tenantId, decryptCustomerPii(keyRing, row)));
    }
    return rows.length;
  },
};

export const consentRecordsReencryption: ReencryptionTarget = {
  name: 'consent_records',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await consents.lockStaleKeyConsents(trx, tenantId, keyRing.currentKid, limit);
    for (const row of rows) {
      const ipContext = consentContext(tenantId, 'ip_address');
      const agentContext = consentContext(tenantId, 'user_agent');
      await consents.updateConsentProof(trx, tenantId, row.id, {
        ip_address_enc: keyRing.encryptNullable(keyRing.decryptNullable(row.ip_address_enc, ipContext), ipContext),
        user_agent_enc: keyRing.encryptNullable(keyRing.decryptNullable(row.user_agent_enc, agentContext), agentContext),
        key_id: keyRing.currentKid,
      });
    }
    return rows.length;
  },
};
