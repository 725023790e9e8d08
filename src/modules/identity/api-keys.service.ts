import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './api-keys.repository.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { assertMayGrant, heldPermissions } from './grants.ts';
import { isPermissionString, isPlatformPower, type PermissionString } from './permissions.ts';
import { randomToken, sha256 } from './secrets.ts';
import type { RequestMeta } from './auth.service.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

const toView = (row: repo.ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  permissions: row.permissions,
  created_by: row.created_by,
  last_used_at: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  created_at: new Date(row.created_at).toISOString(),
});

/**
 * The permissions a key may carry: a subset of what its creator holds unconditionally (grants.ts).
 * Without a list the key gets all of that except managing credentials (keys, roles, users).
 */
export function scopeForKey(creator: AuthContext, requested: readonly string[] | undefined): PermissionString[] {
  if (requested === undefined) {
    return [...heldPermissions(creator)].filter((permission) => !/:(ApiKey|Role|User|Platform)$/.test(permission) && !isPlatformPower(permission));
  }
  const invalid = requested.filter((permission) => !isPermissionString(permission));
  if (invalid.length > 0) {
    throw new AppError(
      'VALIDATION_ERROR',
      'Unknown permissions',
      invalid.map((permission) => ({ field: 'permissions', message: `unknown permission "${permission}"` })),
    );
  }
  const scoped = [...new Set(requested.filter(isPermissionString))];
  // A key is the creator's own powers delegated, not a person: the subset rule, not the owner-level one.
  assertMayGrant(creator, { what: 'an API key', permissions: scoped, ownerLevelRule: false });
  return scoped;
}

export function createApiKeyService(deps: { db: Db; config: Config; authenticator: IdentityAuthenticator }) {
  const { db } = deps;
  const mode = deps.config.NODE_ENV === 'production' ? 'live' : 'test';

  return {
    async create(auth: AuthContext, input: { name: string; permissions?: string[] | undefined }, request: RequestMeta) {
      const permissions = scopeForKey(auth, input.permissions);
      const key = `rh_${mode}_${randomToken(32)}`;
      const row = await withTenant(db, auth.tenantId, async (trx) => {
        const created = await repo.insertApiKey(trx, {
          tenantId: auth.tenantId,
          name: input.name,
          prefix: key.slice(0, 16),
          keyHash: sha256(key),
          permissions,
          createdBy: auth.userId,
        });
        await recordAudit(trx, {
          tenantId: auth.tenantId,
          action: 'api_key.created',
          actor: { type: auth.actor.type, id: auth.actor.id },
          userId: auth.userId,
          entityType: 'api_key',
          entityId: created.id,
          newValues: { name: created.name, prefix: created.prefix, permissions },
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
        });
        return created;
      });
      return { ...toView(row), key };
    },

    async list(auth: AuthContext): Promise<ApiKeyView[]> {
      return (await withTenant(db, auth.tenantId, (trx) => repo.listApiKeys(trx, auth.tenantId))).map(toView);
    },

    async revoke(auth: AuthContext, keyId: string, request: RequestMeta): Promise<void> {
      const revoked = await withTenant(db, auth.tenantId, async (trx) => {
        const row = await repo.revokeApiKey(trx, auth.tenantId, keyId);
        if (!row) throw notFound('API key');
        await recordAudit(trx, {
          tenantId: auth.tenantId,
          action: 'api_key.revoked',
          actor: { type: auth.actor.type, id: auth.actor.id },
          userId: auth.userId,
          entityType: 'api_key',
          entityId: row.id,
          oldValues: { name: row.name, prefix: row.prefix },
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
        });
        return row;
      });
      deps.authenticator.forgetApiKey(revoked.key_hash);
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
