/**
 * Who is calling, as established from the credential. Identity builds it; the
 * platform only carries it and checks the route's declared access.
 */
export interface AuthContext {
  tenantId: string;
  /** The user, API key or customer that acts. */
  actor: { type: 'user' | 'api_key' | 'customer'; id: string };
  /** The user behind an API key or session, if any (for audit). */
  userId: string | null;
  role: string;
  sessionId: string | null;
  /** Permission check, conditions included (staff limited to their own resources, ...). */
  can(action: string, subject: string, object?: Record<string, unknown>): boolean;
  /** Extra facts for domain rules: resources a staff member is assigned to, impersonation, ... */
  attributes: Readonly<Record<string, unknown>>;
}

/** A tenant named by an unauthenticated request (X-Tenant header or custom domain). */
export interface PublicTenant {
  id: string;
  slug: string;
  status: string;
}

/**
 * What a route needs. Every route declares one; a test fails if a route
 * declares nothing.
 * - `public`: anyone; `tenant: 'required'` demands a tenant from X-Tenant or a credential.
 * - `authenticated`: any valid credential.
 * - `permission`: a valid credential whose role grants the action on the subject.
 */
export type RouteAccess =
  | { public: true; tenant?: 'required' | 'optional' | 'none' }
  | { authenticated: true }
  | { permission: readonly [action: string, subject: string] };

export interface Authenticator {
  /** Null when the request carries no credential; throws UNAUTHENTICATED for a bad one. */
  authenticate(authorization: string | undefined): Promise<AuthContext | null>;
  /** The tenant named by slug or host; null when none matches. */
  resolvePublicTenant(hint: { slug?: string; host?: string }): Promise<PublicTenant | null>;
}

/**
 * Refusals that depend on who the caller is rather than on what the route declares (an
 * impersonation that is read-only, a customer credential on the business's API, an admin who must
 * enrol a second factor first). Identity supplies them; the server runs them after the credential
 * and before validation and the declared access, so a refusal names its real reason.
 */
export interface AccessGuard {
  /** Throws an `AppError` to refuse; `route` is the matched URL pattern, `access` what it declared. */
  (caller: AuthContext, call: { method: string; route: string; access: RouteAccess | undefined }): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    publicTenant: PublicTenant | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Counts each request to this route in an SLO counter (`booking_attempts_total`). */
    attempt?: 'booking';
  }
}

/** The tenant a request acts for: the credential's, else the one named publicly. */
export function tenantOf(request: { auth: AuthContext | null; publicTenant: PublicTenant | null }): string | null {
  return request.auth?.tenantId ?? request.publicTenant?.id ?? null;
}

/**
 * The credential of a request whose route demands one: the access guard has already refused an
 * anonymous caller, so a missing credential here is a wiring fault, not a client error.
 */
export function callerOf(request: { auth: AuthContext | null }): AuthContext {
  if (!request.auth) throw new Error('access check let an anonymous request through');
  return request.auth;
}
