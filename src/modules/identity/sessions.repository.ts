import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { SessionsTable } from './identity.tables.ts';
import './identity.tables.ts';

export type SessionRow = Selectable<SessionsTable>;

export interface NewSession {
  tenantId: string;
  /** Exactly one of userId (a person) and customerId (a customer of `tenantId`). */
  userId: string | null;
  customerId?: string | null;
  mfaVerified: boolean;
  impersonatedBy?: string | null;
  impersonationReason?: string | null;
  readOnly?: boolean;
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
}

export async function insertSession(executor: Executor, session: NewSession): Promise<SessionRow> {
  return executor
    .insertInto('sessions')
    .values({
      tenant_id: session.tenantId,
      user_id: session.userId,
      customer_id: session.customerId ?? null,
      mfa_verified: session.mfaVerified,
      impersonated_by: session.impersonatedBy ?? null,
      impersonation_reason: session.impersonationReason ?? null,
      read_only: session.readOnly ?? false,
      ip: session.ip,
      user_agent: session.userAgent?.slice(0, 512) ?? null,
      expires_at: session.expiresAt,
      revoked_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertRefreshToken(
  executor: Executor,
  values: { tenantId: string; sessionId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await executor
    .insertInto('refresh_tokens')
    .values({ tenant_id: values.tenantId, session_id: values.sessionId, token_hash: values.tokenHash, expires_at: values.expiresAt })
    .execute();
}

/** A refresh token with its session, by hash (platform work: the tenant is not known yet). */
export async function findRefreshToken(executor: Executor, tokenHash: string) {
  return executor
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', (join) =>
      join.onRef('sessions.tenant_id', '=', 'refresh_tokens.tenant_id').onRef('sessions.id', '=', 'refresh_tokens.session_id'),
    )
    .select([
      'refresh_tokens.id as token_id',
      'refresh_tokens.rotated_at',
      'refresh_tokens.expires_at as token_expires_at',
      'sessions.tenant_id',
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.customer_id',
      'sessions.revoked_at',
      'sessions.expires_at as session_expires_at',
      'sessions.mfa_verified',
      'sessions.impersonated_by',
      'sessions.read_only',
    ])
    .where('refresh_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks a refresh token rotated; false when it already was (a reuse, or a lost race). */
export async function rotateRefreshToken(executor: Executor, tenantId: string, tokenId: string): Promise<boolean> {
  const result = await executor
    .updateTable('refresh_tokens')
    .set({ rotated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', tokenId)
    .where('rotated_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findSession(executor: Executor, tenantId: string, sessionId: string): Promise<SessionRow | undefined> {
  return executor
    .selectFrom('sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
}

export async function extendSession(executor: Executor, tenantId: string, sessionId: string, expiresAt: Date): Promise<void> {
  await executor
    .updateTable('sessions')
    .set({ last_used_at: new Date(), expires_at: expiresAt })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .execute();
}

export async function revokeSession(executor: Executor, tenantId: string, sessionId: string, reason: string): Promise<boolean> {
  const result = await executor
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Revokes every live session of a person (in every tenant) or of a customer account (in its
 * tenant), except `keepSessionId`. Returns the revoked ids.
 */
export async function revokeSessionsOf(
  executor: Executor,
  owner: { userId: string } | { tenantId: string; customerId: string },
  reason: string,
  keepSessionId: string | null,
): Promise<string[]> {
  const live = executor.updateTable('sessions').set({ revoked_at: new Date(), revoked_reason: reason }).where('revoked_at', 'is', null);
  const owned =
    'userId' in owner
      ? live.where('user_id', '=', owner.userId)
      : live.where('tenant_id', '=', owner.tenantId).where('customer_id', '=', owner.customerId);
  const rows = await owned
    .$if(keepSessionId !== null, (q) => q.where('id', '<>', keepSessionId ?? ''))
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function listLiveSessions(executor: Executor, tenantId: string, userId: string): Promise<SessionRow[]> {
  return executor
    .selectFrom('sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('last_used_at', 'desc')
    .execute();
}

/**
 * What authentication needs to trust an access token's session: the session, the user's
 * status and membership (role, custom role permissions) and the tenant's status and settings.
 */
export async function sessionPrincipal(executor: Executor, tenantId: string, sessionId: string) {
  return executor
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('memberships', (join) =>
      join.onRef('memberships.tenant_id', '=', 'sessions.tenant_id').onRef('memberships.user_id', '=', 'sessions.user_id'),
    )
    .leftJoin('roles', (join) =>
      join.onRef('roles.tenant_id', '=', 'memberships.tenant_id').onRef('roles.id', '=', 'memberships.custom_role_id'),
    )
    .leftJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .leftJoin('user_credentials', 'user_credentials.user_id', 'sessions.user_id')
    .select([
      'user_credentials.mfa_enabled_at',
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.revoked_at',
      'sessions.expires_at',
      'sessions.mfa_verified',
      'sessions.impersonated_by',
      'sessions.read_only',
      'users.status as user_status',
      'users.is_platform_admin',
      'users.is_platform_auditor',
      'memberships.role',
      'memberships.status as membership_status',
      'memberships.custom_role_id',
      'memberships.location_ids',
      'roles.permissions as custom_permissions',
      'tenants.status as tenant_status',
      'tenants.settings as tenant_settings',
    ])
    .where('sessions.tenant_id', '=', tenantId)
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
}
