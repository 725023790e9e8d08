import { sql } from 'kysely';
import { DecryptionError, KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import { archiveContext } from './business-exports.ts';

/**
 * Export archives under an old key: decrypted and encrypted again under the current key, whole (an archive is
 * one value; a business keeps a few at most, each for a week). The column is `bytea`, so a stale row is found by
 * the ciphertext's `b1.<kid>.` prefix. An archive that does not authenticate (a row moved to another business,
 * or damaged) is dropped and its export marked failed instead of stopping the business's rotation: it is a copy
 * of data the owner can export again, not the data itself.
 */
export const businessExportsReencryption: ReencryptionTarget = {
  name: 'business_exports',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const current = KeyRing.bytesPrefix(keyRing.currentKid);
    const rows = await trx
      .selectFrom('business_exports')
      .select(['id', 'archive'])
      .where('tenant_id', '=', tenantId)
      .where('archive', 'is not', null)
      .where(sql<boolean>`substring(archive from 1 for ${current.length}) <> ${current}`)
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      if (row.archive === null) continue;
      const context = archiveContext(tenantId, row.id);
      let archive: Buffer | null;
      try {
        archive = keyRing.encryptBytes(keyRing.decryptBytes(row.archive, context), context);
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        archive = null;
      }
      await trx
        .updateTable('business_exports')
        .set(archive === null ? { status: 'failed', archive: null, failure_reason: 'the archive could not be decrypted' } : { archive })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  },
};
