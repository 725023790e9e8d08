import { reencrypted, writtenUnderOtherKey, type ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import { secretContext } from './webhook-secrets.ts';
import './webhooks.tables.ts';

/**
 * Endpoints whose signing secret (or previous secret, during a secret
 * rotation's overlap) is under an old key: encrypted again under the current
 * key. Soft-deleted endpoints are included: they still hold their secrets.
 * The table has no `key_id` column; the key id is read from the ciphertexts.
 */
export const webhookEndpointsReencryption: ReencryptionTarget = {
  name: 'webhook_endpoints',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'secret_enc', 'previous_secret_enc'])
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([writtenUnderOtherKey('secret_enc', keyRing.currentKid), writtenUnderOtherKey('previous_secret_enc', keyRing.currentKid)]),
      )
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const context = secretContext(tenantId, row.id);
      await trx
        .updateTable('webhook_endpoints')
        .set({
          secret_enc: keyRing.encrypt(keyRing.decrypt(row.secret_enc, context), context),
          previous_secret_enc: reencrypted(keyRing, row.previous_secret_enc, context),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  },
};
