import type { Config } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/database.ts';
import { compactPermissions, permissionsOf, toAuthContext } from './principal.ts';
import { randomToken, sha256 } from './secrets.ts';
import { insertRefreshToken, insertSession } from './sessions.repository.ts';
import type { SigningKeys } from './signing-keys.ts';

/** Refresh tokens live 30 days; each use rotates it and extends the session by as much. */
export const REFRESH_TTL_MS = 30 * 86_400_000;

export interface TokenIssuer {
  config: Config;
  keys: SigningKeys;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  session_id: string;
}

export interface TokenSubject {
  tenantId: string;
  userId: string;
  role: string;
  customPermissions: readonly string[] | null;
  mfaVerified: boolean;
  impersonatedBy?: string | null;
  readOnly?: boolean;
}

function claimPermissions(subject: TokenSubject): string[] {
  const context = toAuthContext({
    tenantId: subject.tenantId,
    actor: { type: 'user', id: subject.userId },
    userId: subject.userId,
    role: subject.role,
    permissions: subject.customPermissions,
    sessionId: null,
    resourceIds: [],
    readOnly: null,
    impersonatedBy: null,
    mfaEnrollmentRequired: false,
  });
  return compactPermissions(permissionsOf(context));
}

/** Signs an access token for a session (claims of spec §7.2.1; the server re-checks the session). */
export async function signAccessToken(
  issuer: TokenIssuer,
  subject: TokenSubject,
  sessionId: string,
  ttlSeconds = issuer.config.JWT_ACCESS_TTL_SECONDS,
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = Math.max(1, Math.min(ttlSeconds, issuer.config.JWT_ACCESS_TTL_SECONDS));
  const token = await issuer.keys.sign(
    {
      sub: subject.userId,
      tenant_id: subject.tenantId,
      role: subject.role,
      session_id: sessionId,
      permissions: claimPermissions(subject),
      mfa_verified: subject.mfaVerified,
      ...(subject.impersonatedBy ? { impersonated_by: subject.impersonatedBy } : {}),
      ...(subject.readOnly ? { read_only: true } : {}),
    },
    expiresIn,
  );
  return { token, expiresIn };
}

export async function addRefreshToken(executor: Executor, tenantId: string, sessionId: string, expiresAt: Date): Promise<string> {
  const refreshToken = `rt_${randomToken(32)}`;
  await insertRefreshToken(executor, { tenantId, sessionId, tokenHash: sha256(refreshToken), expiresAt });
  return refreshToken;
}

/** Starts a session (a refresh-token family) and returns its first token pair. */
export async function startSession(
  executor: Executor,
  issuer: TokenIssuer,
  subject: TokenSubject,
  meta: { ip: string | null; userAgent: string | null; lifetimeMs?: number; impersonationReason?: string | null },
): Promise<IssuedTokens> {
  const lifetimeMs = meta.lifetimeMs ?? REFRESH_TTL_MS;
  const expiresAt = new Date(Date.now() + lifetimeMs);
  const session = await insertSession(executor, {
    tenantId: subject.tenantId,
    userId: subject.userId,
    mfaVerified: subject.mfaVerified,
    impersonatedBy: subject.impersonatedBy ?? null,
    impersonationReason: meta.impersonationReason ?? null,
    readOnly: subject.readOnly ?? false,
    ip: meta.ip,
    userAgent: meta.userAgent,
    expiresAt,
  });
  const refreshToken = await addRefreshToken(executor, subject.tenantId, session.id, expiresAt);
  const access = await signAccessToken(issuer, subject, session.id, Math.floor(lifetimeMs / 1000));
  return {
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    session_id: session.id,
  };
}
