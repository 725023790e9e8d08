import { reencrypted, writtenUnderOtherKey, type ReencryptionTarget } from '../../platform/crypto/key-rotation.ts';
import { contentContext } from './message-composer.ts';
import './notifications.tables.ts';
import './push-subscriptions.ts';
import { staffPushContext } from './staff-push-subscriptions.ts';

/*
 * These tables have no `key_id` column: a row is stale when any of its
 * ciphertexts names an older key. Selecting them reads the key id out of the
 * ciphertext itself (`writtenUnderOtherKey`), without an index, so each batch
 * scans the tenant's rows until it has found `limit` stale ones.
 */

const MESSAGE_COLUMNS = ['recipient_enc', 'subject_enc', 'body_enc', 'body_html_enc', 'secret_enc'] as const;

/**
 * Messages under an old key: every ciphertext of the row (address, subject,
 * bodies, one-time secret) is encrypted again under the current key, bound to
 * the same message. Blind indexes (`recipient_bidx`) do not depend on the data
 * key and stay as they are.
 */
export const notificationsReencryption: ReencryptionTarget = {
  name: 'notifications',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await trx
      .selectFrom('notifications')
      .select(['id', ...MESSAGE_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or(MESSAGE_COLUMNS.map((column) => writtenUnderOtherKey(column, keyRing.currentKid))))
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const context = contentContext(tenantId, row.id);
      await trx
        .updateTable('notifications')
        .set({
          recipient_enc: reencrypted(keyRing, row.recipient_enc, context),
          subject_enc: reencrypted(keyRing, row.subject_enc, context),
          body_enc: reencrypted(keyRing, row.body_enc, context),
          body_html_enc: reencrypted(keyRing, row.body_html_enc, context),
          secret_enc: reencrypted(keyRing, row.secret_enc, context),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  },
};

/**
 * The encryption context of a push subscription: bound to its customer. It
 * must stay equal to the one in push-subscriptions.ts (not exported there);
 * the key rotation coverage test decrypts rotated rows, so a drift fails it.
 */
const pushContext = (tenantId: string, customerId: string): string => `push_subscriptions:${tenantId}:${customerId}`;

const PUSH_COLUMNS = ['endpoint_enc', 'p256dh_enc', 'auth_enc'] as const;
type PushSecrets = Record<(typeof PUSH_COLUMNS)[number], string>;

/** A browser subscription's endpoint and keys (customers' or staff's), each encrypted again under the current key. */
const pushSecretsUnderCurrentKey = (keyRing: Parameters<ReencryptionTarget['reencryptBatch']>[1], row: PushSecrets, context: string): PushSecrets => ({
  endpoint_enc: reencrypted(keyRing, row.endpoint_enc, context) ?? row.endpoint_enc,
  p256dh_enc: reencrypted(keyRing, row.p256dh_enc, context) ?? row.p256dh_enc,
  auth_enc: reencrypted(keyRing, row.auth_enc, context) ?? row.auth_enc,
});

/**
 * Browsers' push subscriptions under an old key: endpoint and keys encrypted
 * again under the current key. `endpoint_bidx` (the lookup by endpoint) does
 * not depend on the data key.
 */
export const pushSubscriptionsReencryption: ReencryptionTarget = {
  name: 'push_subscriptions',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await trx
      .selectFrom('push_subscriptions')
      .select(['id', 'customer_id', ...PUSH_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or(PUSH_COLUMNS.map((column) => writtenUnderOtherKey(column, keyRing.currentKid))))
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const context = pushContext(tenantId, row.customer_id);
      await trx
        .updateTable('push_subscriptions')
        .set(pushSecretsUnderCurrentKey(keyRing, row, context))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  },
};

/**
 * Staff members' push subscriptions under an old key, like customers' above; bound to the member
 * (the context comes from staff-push-subscriptions.ts, so the two cannot drift).
 */
export const staffPushSubscriptionsReencryption: ReencryptionTarget = {
  name: 'staff_push_subscriptions',
  async reencryptBatch(trx, keyRing, tenantId, limit) {
    const rows = await trx
      .selectFrom('staff_push_subscriptions')
      .select(['id', 'user_id', ...PUSH_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or(PUSH_COLUMNS.map((column) => writtenUnderOtherKey(column, keyRing.currentKid))))
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const context = staffPushContext(tenantId, row.user_id);
      await trx
        .updateTable('staff_push_subscriptions')
        .set(pushSecretsUnderCurrentKey(keyRing, row, context))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  },
};
