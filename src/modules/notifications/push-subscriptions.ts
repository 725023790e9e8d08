import { sql, type Generated } from 'kysely';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import type { PushTarget } from './channels/webpush-sender.ts';

/** `push_subscriptions` (migration 0053): a customer's browser, endpoint and keys encrypted. */
export interface PushSubscriptionsTable {
  tenant_id: string;
  id: Generated<string>;
  customer_id: string;
  endpoint_enc: string;
  endpoint_bidx: string;
  p256dh_enc: string;
  auth_enc: string;
  user_agent: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    push_subscriptions: PushSubscriptionsTable;
  }
}

export interface StoredPushTarget extends PushTarget {
  id: string;
}

const context = (tenantId: string, customerId: string): string => `push_subscriptions:${tenantId}:${customerId}`;
/** One row per endpoint across the tenant, found without decrypting. */
const endpointIndex = (keyRing: KeyRing, endpoint: string): string => keyRing.blindIndex('name-token', `push-endpoint:${endpoint}`);

/** Registers (or re-assigns to this customer, with fresh keys) a browser's subscription; returns its id. */
export async function savePushSubscription(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerId: string,
  subscription: PushTarget & { userAgent: string | null },
): Promise<string> {
  const ctx = context(tenantId, customerId);
  const values = {
    customer_id: customerId,
    endpoint_enc: keyRing.encrypt(subscription.endpoint, ctx),
    p256dh_enc: keyRing.encrypt(subscription.keys.p256dh, ctx),
    auth_enc: keyRing.encrypt(subscription.keys.auth, ctx),
    user_agent: subscription.userAgent,
  };
  const row = await trx
    .insertInto('push_subscriptions')
    .values({ tenant_id: tenantId, endpoint_bidx: endpointIndex(keyRing, subscription.endpoint), ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'endpoint_bidx']).doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Removes a customer's subscription by endpoint; true when one was removed. */
export async function deletePushSubscriptionByEndpoint(trx: Trx, keyRing: KeyRing, tenantId: string, customerId: string, endpoint: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('push_subscriptions')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('endpoint_bidx', '=', endpointIndex(keyRing, endpoint))
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deletePushSubscription(trx: Trx, tenantId: string, id: string): Promise<void> {
  await trx.deleteFrom('push_subscriptions').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function hasPushSubscription(trx: Trx, tenantId: string, customerId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('push_subscriptions')
    .select(sql<number>`1`.as('one'))
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A customer's subscriptions, decrypted for sending. */
export async function pushTargetsOf(trx: Trx, keyRing: KeyRing, tenantId: string, customerId: string): Promise<StoredPushTarget[]> {
  const rows = await trx
    .selectFrom('push_subscriptions')
    .select(['id', 'endpoint_enc', 'p256dh_enc', 'auth_enc'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
  const ctx = context(tenantId, customerId);
  return rows.map((row) => ({
    id: row.id,
    endpoint: keyRing.decrypt(row.endpoint_enc, ctx),
    keys: { p256dh: keyRing.decrypt(row.p256dh_enc, ctx), auth: keyRing.decrypt(row.auth_enc, ctx) },
  }));
}

export async function markPushUsed(trx: Trx, tenantId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('push_subscriptions').set({ last_used_at: new Date() }).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
}

/** A customer's subscriptions as the export shows them: which push service, which browser, when used. */
export async function pushSubscriptionsForExport(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  customerId: string,
): Promise<Array<{ id: string; push_service: string; user_agent: string | null; created_at: string; last_used_at: string | null }>> {
  const rows = await trx
    .selectFrom('push_subscriptions')
    .select(['id', 'endpoint_enc', 'user_agent', 'created_at', 'last_used_at'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
  const ctx = context(tenantId, customerId);
  return rows.map((row) => {
    const endpoint = keyRing.decrypt(row.endpoint_enc, ctx);
    let origin = endpoint;
    try {
      origin = new URL(endpoint).origin;
    } catch {
      // Stored as given; shown as is.
    }
    return {
      id: row.id,
      // The service, not the endpoint: the endpoint itself is a credential for sending to the browser.
      push_service: origin,
      user_agent: row.user_agent,
      created_at: row.created_at.toISOString(),
      last_used_at: row.last_used_at?.toISOString() ?? null,
    };
  });
}

/** Erasure: every subscription of the customer goes. */
export async function deletePushSubscriptionsOf(trx: Trx, tenantId: string, customerId: string): Promise<number> {
  const result = await trx.deleteFrom('push_subscriptions').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Merge: the duplicate's browsers now belong to the surviving customer. The
 * ciphertexts are bound to their customer, so they are encrypted again for
 * the survivor.
 */
export async function reassignPushSubscriptions(trx: Trx, keyRing: KeyRing, tenantId: string, fromId: string, toId: string): Promise<number> {
  const rows = await trx
    .selectFrom('push_subscriptions')
    .select(['id', 'endpoint_enc', 'p256dh_enc', 'auth_enc'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', fromId)
    .execute();
  const from = context(tenantId, fromId);
  const to = context(tenantId, toId);
  for (const row of rows) {
    await trx
      .updateTable('push_subscriptions')
      .set({
        customer_id: toId,
        endpoint_enc: keyRing.encrypt(keyRing.decrypt(row.endpoint_enc, from), to),
        p256dh_enc: keyRing.encrypt(keyRing.decrypt(row.p256dh_enc, from), to),
        auth_enc: keyRing.encrypt(keyRing.decrypt(row.auth_enc, from), to),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', row.id)
      .execute();
  }
  return rows.length;
}
