import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ApiKeysTable } from './identity.tables.ts';
import './identity.tables.ts';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertApiKey(
  executor: Executor,
  values: { tenantId: string; name: string; prefix: string; keyHash: string; permissions: string[]; createdBy: string | null },
): Promise<ApiKeyRow> {
  return executor
    .insertInto('api_keys')
    .values({
      tenant_id: values.tenantId,
      name: values.name,
      prefix: values.prefix,
      key_hash: values.keyHash,
      permissions: JSON.stringify(values.permissions),
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(executor: Executor, tenantId: string): Promise<ApiKeyRow[]> {
  return executor
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function findApiKey(executor: Executor, tenantId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return executor.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).where('id', '=', keyId).executeTakeFirst();
}

/** By hash, with the tenant's status (platform work: the key names the tenant). */
export async function findApiKeyByHash(executor: Executor, keyHash: string) {
  return executor
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .select([
      'api_keys.id',
      'api_keys.tenant_id',
      'api_keys.permissions',
      'api_keys.created_by',
      'api_keys.revoked_at',
      'api_keys.last_used_at',
      'tenants.status as tenant_status',
    ])
    .where('api_keys.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function revokeApiKey(executor: Executor, tenantId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return executor
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Records use at most once a minute per key: the condition makes other calls no-ops. */
export async function touchApiKey(executor: Executor, tenantId: string, keyId: string): Promise<void> {
  await executor
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - 60_000))]))
    .execute();
}
