import type { Generated } from 'kysely';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Trx } from '../../platform/db/database.ts';
import type { PushTarget } from './channels/webpush-sender.ts';

/** `staff_push_subscriptions` (migration 0097): a member's browser, endpoint and keys encrypted. */
export interface StaffPushSubscriptionsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  endpoint_enc: string;
  endpoint_bidx: string;
  p256dh_enc: string;
  auth_enc: string;
  user_agent: string | null;
  created_at: Generated<Date>;
  last_success_at: Date | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    staff_push_subscriptions: StaffPushSubscriptionsTable;
  }
}

/** A member's subscription as the API shows it: the push service, never the endpoint (a credential to reach the device). */
export interface StaffPushSubscriptionView {
  id: string;
  push_service: string;
  user_agent: string | null;
  created_at: string;
  last_success_at: string | null;
}

export interface StaffPushTarget extends PushTarget {
  id: string;
  userId: string;
}

/** Encryption context: bound to the member (keep in step with notifications-key-rotation.ts). */
export const staffPushContext = (tenantId: string, userId: string): string => `staff_push_subscriptions:${tenantId}:${userId}`;
const endpointIndex = (keyRing: KeyRing, endpoint: string): string => keyRing.blindIndex('name-token', `staff-push-endpoint:${endpoint}`);

function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return endpoint;
  }
}

type StoredRow = { id: string; user_agent: string | null; created_at: Date; last_success_at: Date | null };

const toView = (row: StoredRow, endpoint: string): StaffPushSubscriptionView => ({
  id: row.id,
  push_service: originOf(endpoint),
  user_agent: row.user_agent,
  created_at: row.created_at.toISOString(),
  last_success_at: row.last_success_at?.toISOString() ?? null,
});

/**
 * Registers a browser for a member, or hands it over with fresh keys when the same browser was
 * registered before (another member signed in on a shared tablet): one endpoint, one recipient.
 */
export async function saveStaffPushSubscription(
  trx: Trx,
  keyRing: KeyRing,
  tenantId: string,
  userId: string,
  subscription: PushTarget & { userAgent: string | null },
): Promise<StaffPushSubscriptionView> {
  const ctx = staffPushContext(tenantId, userId);
  const values = {
    user_id: userId,
    endpoint_enc: keyRing.encrypt(subscription.endpoint, ctx),
    p256dh_enc: keyRing.encrypt(subscription.keys.p256dh, ctx),
    auth_enc: keyRing.encrypt(subscription.keys.auth, ctx),
    user_agent: subscription.userAgent,
  };
  const row = await trx
    .insertInto('staff_push_subscriptions')
    .values({ tenant_id: tenantId, endpoint_bidx: endpointIndex(keyRing, subscription.endpoint), ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'endpoint_bidx']).doUpdateSet(values))
    .returning(['id', 'user_agent', 'created_at', 'last_success_at'])
    .executeTakeFirstOrThrow();
  return toView(row, subscription.endpoint);
}

/** A member's own subscriptions, newest last. */
export async function staffPushSubscriptionsOf(trx: Trx, keyRing: KeyRing, tenantId: string, userId: string): Promise<StaffPushSubscriptionView[]> {
  const rows = await trx
    .selectFrom('staff_push_subscriptions')
    .select(['id', 'endpoint_enc', 'user_agent', 'created_at', 'last_success_at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const ctx = staffPushContext(tenantId, userId);
  return rows.map((row) => toView(row, keyRing.decrypt(row.endpoint_enc, ctx)));
}

/** Removes one of the member's own subscriptions; false when they have none with that id. */
export async function deleteOwnStaffPushSubscription(trx: Trx, tenantId: string, userId: string, id: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('staff_push_subscriptions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The members with at least one subscription (most members have none: nothing to work out for them). */
export async function membersWithStaffPush(trx: Trx, tenantId: string): Promise<string[]> {
  const rows = await trx.selectFrom('staff_push_subscriptions').select('user_id').distinct().where('tenant_id', '=', tenantId).execute();
  return rows.map((row) => row.user_id);
}

/** The ids of these members' subscriptions: one notice each (decrypted only when it is sent). */
export async function staffPushSubscriptionIdsOf(trx: Trx, tenantId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await trx
    .selectFrom('staff_push_subscriptions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', userIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** One subscription by id, decrypted; undefined once it is gone (turned off, or removed after a 404/410). */
export async function findStaffPushTarget(trx: Trx, keyRing: KeyRing, tenantId: string, id: string): Promise<StaffPushTarget | undefined> {
  const row = await trx
    .selectFrom('staff_push_subscriptions')
    .select(['id', 'user_id', 'endpoint_enc', 'p256dh_enc', 'auth_enc'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const ctx = staffPushContext(tenantId, row.user_id);
  return {
    id: row.id,
    userId: row.user_id,
    endpoint: keyRing.decrypt(row.endpoint_enc, ctx),
    keys: { p256dh: keyRing.decrypt(row.p256dh_enc, ctx), auth: keyRing.decrypt(row.auth_enc, ctx) },
  };
}

export async function markStaffPushSucceeded(trx: Trx, tenantId: string, id: string): Promise<void> {
  await trx.updateTable('staff_push_subscriptions').set({ last_success_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteStaffPushSubscription(trx: Trx, tenantId: string, id: string): Promise<void> {
  await trx.deleteFrom('staff_push_subscriptions').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}
