/**
 * Sessions of customer accounts. A customer who signed in on a business's booking page holds the
 * same credential staff hold — an ES256 access token and a rotating refresh token of a session
 * family in `sessions` — with three differences: the session names a customer of that one
 * tenant (`customer_id`), the token says so (`user_type: "customer"`, `sub` = customer id,
 * `role: "customer"`), and the customers module decides whether the customer may still hold it
 * (erased, merged away or banned customers lose their sessions at the next check). Refresh
 * (`POST /auth/refresh`) and sign-out (`POST /auth/logout`) are the staff endpoints, unchanged.
 */
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { IdentityAuthenticator } from './authenticator.ts';
import { endCustomerSessionsForErasure } from './customer-sessions.repository.ts';
import { assertLoginAllowed, noteLoginFailure, noteLoginSuccess } from './login-throttle.ts';
import { compactPermissions, permissionsOf, toAuthContext } from './principal.ts';
import { addRefreshToken, REFRESH_TTL_MS, type IssuedTokens, type TokenIssuer } from './session-tokens.ts';
import { insertSession, revokeSessionsOf } from './sessions.repository.ts';

/**
 * Whether a customer may hold a session now: a live (not erased, not merged away), registered
 * customer with a verified email who is not banned. The customers module answers it; the
 * composition root wires it. Runs in the caller's transaction (platform work).
 */
export type CustomerAccountState = (executor: Executor, tenantId: string, customerId: string) => Promise<boolean>;

export interface CustomerTokenSubject {
  tenantId: string;
  customerId: string;
}

function customerPermissions(subject: CustomerTokenSubject): string[] {
  const context = toAuthContext({
    tenantId: subject.tenantId,
    actor: { type: 'customer', id: subject.customerId },
    userId: null,
    role: 'customer',
    permissions: null,
    sessionId: null,
    resourceIds: [],
    readOnly: null,
    impersonatedBy: null,
    mfaEnrollmentRequired: false,
    customerId: subject.customerId,
  });
  return compactPermissions(permissionsOf(context));
}

/** Signs a customer's access token for a session (the server re-checks the session on every use). */
export async function signCustomerAccessToken(
  issuer: TokenIssuer,
  subject: CustomerTokenSubject,
  sessionId: string,
  ttlSeconds = issuer.config.JWT_ACCESS_TTL_SECONDS,
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = Math.max(1, Math.min(ttlSeconds, issuer.config.JWT_ACCESS_TTL_SECONDS));
  const token = await issuer.keys.sign(
    {
      sub: subject.customerId,
      tenant_id: subject.tenantId,
      role: 'customer',
      user_type: 'customer',
      session_id: sessionId,
      permissions: customerPermissions(subject),
      mfa_verified: false,
    },
    expiresIn,
  );
  return { token, expiresIn };
}

/** Starts a customer's session (a refresh-token family) in the caller's transaction; its first token pair. */
export async function startCustomerSession(
  executor: Executor,
  issuer: TokenIssuer,
  subject: CustomerTokenSubject,
  meta: { ip: string | null; userAgent: string | null },
): Promise<IssuedTokens> {
  const expiresAt = new Date(Date.now() + REFRESH_TTL_MS);
  const session = await insertSession(executor, {
    tenantId: subject.tenantId,
    userId: null,
    customerId: subject.customerId,
    mfaVerified: false,
    ip: meta.ip,
    userAgent: meta.userAgent,
    expiresAt,
  });
  const refreshToken = await addRefreshToken(executor, subject.tenantId, session.id, expiresAt);
  const access = await signCustomerAccessToken(issuer, subject, session.id);
  return {
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    session_id: session.id,
  };
}

/**
 * What the customers module needs from identity to give customers a credential: sessions
 * (started and revoked in the caller's tenant transaction) and the shared failed-login throttle.
 */
export interface CustomerSessionService {
  start(executor: Executor, subject: CustomerTokenSubject, meta: { ip: string | null; userAgent: string | null }): Promise<IssuedTokens>;
  /** Revokes the customer's sessions except `keepSessionId`; call `forget` with the ids once committed. */
  revokeAll(executor: Executor, tenantId: string, customerId: string, reason: string, keepSessionId: string | null): Promise<string[]>;
  /** Erasure: ends every session of the customer and removes the IP address and user agent they kept; the ids ended now. */
  endForErasure(executor: Executor, tenantId: string, customerId: string): Promise<string[]>;
  /** Drops revoked sessions from this process's credential cache at once. */
  forget(tenantId: string, sessionIds: readonly string[]): void;
  /**
   * Failed-password throttling, shared with staff sign-in (10 failures per account and 50 per IP
   * in 15 minutes → 429). `account` must be stable and free of personal data (a blind index).
   */
  assertLoginAllowed(account: string, ip: string): Promise<void>;
  noteLoginFailure(account: string, ip: string): Promise<void>;
  noteLoginSuccess(account: string): Promise<void>;
}

export function createCustomerSessionService(deps: {
  db: Db;
  issuer: TokenIssuer;
  authenticator: IdentityAuthenticator;
}): CustomerSessionService {
  const { db, issuer, authenticator } = deps;
  return {
    start: (executor, subject, meta) => startCustomerSession(executor, issuer, subject, meta),
    revokeAll: (executor, tenantId, customerId, reason, keepSessionId) =>
      revokeSessionsOf(executor, { tenantId, customerId }, reason, keepSessionId),
    endForErasure: (executor, tenantId, customerId) => endCustomerSessionsForErasure(executor, tenantId, customerId),
    forget(tenantId, sessionIds) {
      for (const sessionId of sessionIds) authenticator.forgetSession(tenantId, sessionId);
    },
    assertLoginAllowed: (account, ip) => withPlatform(db, (trx) => assertLoginAllowed(trx, account, ip)),
    noteLoginFailure: (account, ip) => withPlatform(db, (trx) => noteLoginFailure(trx, account, ip)),
    noteLoginSuccess: (account) => withPlatform(db, (trx) => noteLoginSuccess(trx, account)),
  };
}
