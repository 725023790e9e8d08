import type { Config } from '../../platform/config.ts';
import { publicUrl } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext, Authenticator, PublicTenant } from '../../platform/http/access.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getTenantByDomain, getTenantBySlug, PLATFORM_TENANT_ID } from '../tenancy/index.ts';
import type { TenantSettings } from '../tenancy/index.ts';
import { findApiKeyByHash, touchApiKey } from './api-keys.repository.ts';
import type { CustomerAccountState } from './customer-sessions.ts';
import { customerSessionPrincipal } from './customer-sessions.repository.ts';
import type { LocationDirectoryPort } from './location-directory.ts';
import { storedLocationScope, toAuthContext, type PrincipalFacts, type StaffResourceResolver } from './principal.ts';
import { sha256 } from './secrets.ts';
import { sessionPrincipal } from './sessions.repository.ts';
import { InvalidTokenError, type SigningKeys } from './signing-keys.ts';
import { TtlCache } from './ttl-cache.ts';

/** How long a credential or tenant look-up is reused in this process (see TtlCache). */
export const CREDENTIAL_CACHE_TTL_MS = 5_000;
const TENANT_CACHE_TTL_MS = 10_000;

export const API_KEY_PATTERN = /^rh_(live|test)_[A-Za-z0-9_-]{32,}$/;

const unauthenticated = (message = 'The credential is not valid; sign in again'): AppError =>
  new AppError('UNAUTHENTICATED', message);

export interface IdentityAuthenticator extends Authenticator {
  /** Forget cached look-ups of a session or key at once (this process), after revoking it. */
  forgetSession(tenantId: string, sessionId: string): void;
  forgetApiKey(keyHash: string): void;
  /** After bulk revocations (password change, deactivation). */
  forgetAllSessions(): void;
}

/** What a session's look-up establishes (cached): the resources behind a scope are read per request, like staff's. */
type SessionFacts = Omit<PrincipalFacts, 'resourceIds' | 'locationReach'> & { locationIds?: readonly string[] | null };

export function createAuthenticator(deps: {
  db: Db;
  config: Config;
  keys: SigningKeys;
  staffResources: StaffResourceResolver;
  locations: LocationDirectoryPort;
  customerAccountState: CustomerAccountState;
}): IdentityAuthenticator {
  const sessions = new TtlCache<SessionFacts | null>(CREDENTIAL_CACHE_TTL_MS);
  const apiKeys = new TtlCache<PrincipalFacts | null>(CREDENTIAL_CACHE_TTL_MS);
  const tenants = new TtlCache<PublicTenant | null>(TENANT_CACHE_TTL_MS);
  const keyTouchedAt = new TtlCache<true>(60_000);
  const ownHost = new URL(publicUrl(deps.config)).hostname.toLowerCase();

  async function loadSession(tenantId: string, sessionId: string): Promise<SessionFacts | null> {
    const row = await withPlatform(deps.db, (trx) => sessionPrincipal(trx, tenantId, sessionId));
    if (!row || row.user_id === null || row.revoked_at !== null || new Date(row.expires_at).getTime() <= Date.now()) return null;
    if (row.user_status !== 'active') return null;
    const base = {
      tenantId,
      actor: { type: 'user' as const, id: row.user_id },
      userId: row.user_id,
      sessionId: row.session_id,
      impersonatedBy: row.impersonated_by,
    };
    if (tenantId === PLATFORM_TENANT_ID) {
      const role = row.is_platform_admin ? 'platform_admin' : row.is_platform_auditor ? 'platform_auditor' : null;
      if (role === null) return null;
      // The platform's people work only with a second factor: a session that did not prove one can enrol, nothing more.
      return { ...base, role, permissions: null, readOnly: null, mfaEnrollmentRequired: !row.mfa_verified };
    }
    if (row.role === null || row.membership_status !== 'active' || row.tenant_status === null) return null;
    const settings: TenantSettings = row.tenant_settings ?? {};
    const readOnly = row.read_only ? 'impersonation' : row.tenant_status !== 'active' ? 'tenant_inactive' : null;
    const mfaEnrollmentRequired =
      settings.require_mfa_for_admins === true && row.role === 'business_admin' && !row.mfa_verified && row.impersonated_by === null;
    return {
      ...base,
      role: row.role,
      permissions: row.role === 'custom' ? (row.custom_permissions ?? []) : null,
      customRoleId: row.custom_role_id,
      locationIds: storedLocationScope(row.role, row.location_ids),
      readOnly,
      mfaEnrollmentRequired,
    };
  }

  /** A customer account's session (migration 0060): live, of an existing tenant, and the customer still allowed. */
  async function loadCustomerSession(tenantId: string, sessionId: string): Promise<SessionFacts | null> {
    return withPlatform(deps.db, async (trx) => {
      const row = await customerSessionPrincipal(trx, tenantId, sessionId);
      if (!row || row.customer_id === null || row.revoked_at !== null || new Date(row.expires_at).getTime() <= Date.now()) return null;
      if (row.tenant_status === null || !(await deps.customerAccountState(trx, tenantId, row.customer_id))) return null;
      return {
        tenantId,
        actor: { type: 'customer' as const, id: row.customer_id },
        userId: null,
        role: 'customer',
        permissions: null,
        sessionId: row.session_id,
        impersonatedBy: null,
        readOnly: row.tenant_status !== 'active' ? 'tenant_inactive' : null,
        mfaEnrollmentRequired: false,
        customerId: row.customer_id,
      };
    });
  }

  async function fromAccessToken(token: string): Promise<AuthContext> {
    let claims;
    try {
      claims = await deps.keys.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw unauthenticated(error.message === 'token expired' ? 'The access token has expired; refresh it' : undefined);
      }
      throw error;
    }
    const cacheKey = `${claims.tenant_id}:${claims.session_id}`;
    let facts = sessions.get(cacheKey);
    if (facts === undefined) {
      facts =
        claims.user_type === 'customer'
          ? await loadCustomerSession(claims.tenant_id, claims.session_id)
          : await loadSession(claims.tenant_id, claims.session_id);
      sessions.set(cacheKey, facts);
    }
    // The token's kind must be its session's: a person's token never opens a customer's session, nor the reverse.
    const customerToken = claims.user_type === 'customer';
    if (facts === null || facts.actor.id !== claims.sub || (facts.actor.type === 'customer') !== customerToken) {
      throw unauthenticated('The session has ended; sign in again');
    }
    const resourceIds =
      facts.role === 'staff' && facts.userId !== null ? await deps.staffResources(facts.tenantId, facts.userId) : [];
    // A scoped member reaches the resources at their locations as they are now (a resource moved to
    // another location leaves their reach with the move).
    const { locationIds, ...principal } = facts;
    const locationReach =
      locationIds !== undefined && locationIds !== null
        ? { locationIds, resourceIds: await deps.locations.resourcesAt(facts.tenantId, locationIds) }
        : null;
    return toAuthContext({ ...principal, resourceIds, locationReach });
  }

  async function fromApiKey(key: string): Promise<AuthContext> {
    const keyHash = sha256(key);
    let facts = apiKeys.get(keyHash);
    if (facts === undefined) {
      const row = await withPlatform(deps.db, (trx) => findApiKeyByHash(trx, keyHash));
      facts =
        !row || row.revoked_at !== null
          ? null
          : {
              tenantId: row.tenant_id,
              actor: { type: 'api_key', id: row.id },
              userId: row.created_by,
              role: 'api_key',
              permissions: row.permissions,
              sessionId: null,
              resourceIds: [],
              readOnly: row.tenant_status === 'active' ? null : 'tenant_inactive',
              impersonatedBy: null,
              mfaEnrollmentRequired: false,
            };
      apiKeys.set(keyHash, facts);
    }
    if (facts === null) throw unauthenticated('The API key is not valid or was revoked');
    if (keyTouchedAt.get(facts.actor.id) === undefined) {
      keyTouchedAt.set(facts.actor.id, true);
      const { tenantId, actor } = facts;
      await withPlatform(deps.db, (trx) => touchApiKey(trx, tenantId, actor.id));
    }
    return toAuthContext(facts);
  }

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') return null;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const credential = match?.[1];
      if (credential === undefined) throw unauthenticated('Send the credential as "Authorization: Bearer <token>"');
      if (credential.startsWith('rh_')) {
        if (!API_KEY_PATTERN.test(credential)) throw unauthenticated('The API key is not valid or was revoked');
        return fromApiKey(credential);
      }
      return fromAccessToken(credential);
    },

    async resolvePublicTenant(hint) {
      const slug = hint.slug?.trim().toLowerCase();
      const host = hint.host?.split(':')[0]?.toLowerCase();
      if (slug === undefined && (host === undefined || host === ownHost || host === 'localhost' || /^[\d.]+$/.test(host))) {
        return null;
      }
      const cacheKey = slug !== undefined ? `slug:${slug}` : `host:${host}`;
      const cached = tenants.get(cacheKey);
      if (cached !== undefined) return cached;
      const tenant = await withPlatform(deps.db, (trx) =>
        slug !== undefined ? getTenantBySlug(trx, slug) : getTenantByDomain(trx, host ?? ''),
      );
      const resolved = tenant ? { id: tenant.id, slug: tenant.slug, status: tenant.status } : null;
      tenants.set(cacheKey, resolved);
      return resolved;
    },

    forgetSession(tenantId, sessionId) {
      sessions.delete(`${tenantId}:${sessionId}`);
    },
    forgetApiKey(keyHash) {
      apiKeys.delete(keyHash);
    },
    forgetAllSessions() {
      sessions.clear();
    },
  };
}
