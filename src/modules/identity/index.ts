/**
 * Identity module: users, memberships and roles, sessions and tokens, MFA, API keys,
 * platform administration. Other modules import from here only.
 *
 * Exported for other modules:
 * - the permission catalogue (`ACTIONS`, `SUBJECTS`, `PermissionString`, role names):
 *   routes declare `config: { access: { permission: ['read', 'Booking'] } }` and
 *   services call `request.auth.can('update', 'Booking', { resource_id })`;
 * - `StaffResourceResolver`: the composition root hands identity, at construction, catalog's
 *   answer to which resources a staff member is assigned to (staff see only those bookings);
 * - `memberAbilities`: a business's active members with the `can` their credential would carry
 *   (who among them may read a booking, for notices sent on their behalf);
 * - `LocationDirectoryPort`: catalog's answers about the business's locations, for members an
 *   owner scoped to some locations (migration 0096; platform/http/location-scope.ts reads the scope);
 * - `createPlatformAdmin` and `createPlatformAuditor` for seeds, scripts and tests;
 * - customer accounts' credentials: the module's `customerSessions` (sessions and tokens of
 *   customers, failed-login throttling), the password helpers, and the `CustomerAccountState`
 *   the composition root supplies (the customers module answers it).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.ts';
import type { KeyRing } from '../../platform/crypto/field-encryption.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import type { AccessGuard, Authenticator, RouteAccess } from '../../platform/http/access.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import type { EventSubscriber } from '../../platform/events/outbox.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import { identityAccessGuard } from './access-guards.ts';
import { createAccountRecoveryService } from './account-recovery.service.ts';
import { createApiKeyService } from './api-keys.service.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { createAuthService } from './auth.service.ts';
import { createAuthenticator } from './authenticator.ts';
import { createCustomerSessionService, type CustomerAccountState, type CustomerSessionService } from './customer-sessions.ts';
import { identityPurgeJob } from './identity-maintenance.job.ts';
import type { IdentityMessagesPort } from './messages.ts';
import { createMfaService } from './mfa.service.ts';
import { OneTimeTokenHasher } from './one-time-token-hash.ts';
import { registerPlatformAdminRoutes } from './platform-admin.routes.ts';
import { createPlatformAdminService } from './platform-admin.service.ts';
import { NO_LOCATIONS, type LocationDirectoryPort } from './location-directory.ts';
import type { StaffResourceResolver } from './principal.ts';
import { createRoleService } from './roles.service.ts';
import { SigningKeys } from './signing-keys.ts';
import { createSignupService } from './signup.service.ts';
import { registerTeamRoutes } from './team.routes.ts';
import { registerInvitationRoutes } from './invitations.routes.ts';
import { createInvitationsService } from './invitations.service.ts';
import { countActiveUsers, createUserService } from './users.service.ts';

export {
  ACTIONS,
  SUBJECTS,
  SYSTEM_ROLES,
  TENANT_ROLES,
  ALL_PERMISSIONS,
  ROLE_RULES,
  isPermissionString,
  type Action,
  type Subject,
  type PermissionString,
  type SystemRole,
  type TenantRole,
} from './permissions.ts';
export type { StaffResourceResolver } from './principal.ts';
export type { LocationDirectoryPort } from './location-directory.ts';
export { createPlatformAdmin, createPlatformAuditor, MAX_IMPERSONATION_MINUTES } from './platform-admin.service.ts';
export { seedDemoMembers, type DemoMember } from './identity.seed.ts';
export { countActiveUsers } from './users.service.ts';
export { adminActivityByTenant, type AdminActivity } from './admin-activity.ts';
export { accessFigures, figuresReaders, peopleByIds, type FiguresReader } from './team-directory.ts';
export { businessPeople, type BusinessMember } from './tenant-people.ts';
export { memberAbilities, type MemberAbility, type MemberReach } from './member-abilities.ts';
export { LOGIN_THROTTLE } from './login-throttle.ts';
export { rotateSigningKey } from './signing-keys.ts';
export { CREDENTIAL_CACHE_TTL_MS } from './authenticator.ts';
export { assertAcceptablePassword, burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
export type { CustomerAccountState, CustomerSessionService, CustomerTokenSubject } from './customer-sessions.ts';
export type { IssuedTokens } from './session-tokens.ts';
export type { IdentityMessage, IdentityMessageKind, IdentityMessagesPort } from './messages.ts';

export interface IdentityModule {
  authenticator: Authenticator;
  /** Routes under /api/v1: auth, team, roles, API keys, platform administration. */
  registerRoutes(api: ApiRouter): void;
  /**
   * Refusals by who the caller is (read-only impersonation, customer credentials on the business's
   * API, MFA enrolment required): the composition root hands them to the HTTP server, which runs
   * them in its request pipeline (see access-guards.ts).
   */
  accessGuard: AccessGuard;
  /**
   * GET /.well-known/jwks.json. When the server gets ready: preloads the signing keys and
   * encrypts TOTP secrets still stored in clear (migration 0063's data step).
   */
  registerWellKnown(server: FastifyInstance): void;
  /**
   * Records the access every route declares (`server.declaredAccess`), so a test can prove
   * that no /api/v1 route declares nothing. Register before the routes.
   */
  registerAccessRegistry(server: FastifyInstance): void;
  /** Active members taking a seat of the plan (tenancy's usage and limits use it). */
  countActiveUsers(executor: Executor, tenantId: string): Promise<number>;
  /** Sessions and tokens of customer accounts, for the customers module (composition root). */
  customerSessions: CustomerSessionService;
  subscribers: EventSubscriber[];
  jobs: JobDefinition[];
  /** Re-reads the access-token signing keys kept in the database (a key rotated in by another process). */
  refreshSigningKeys(): Promise<void>;
}

/** A route and the access it declared (undefined: none). */
export interface DeclaredAccess {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    declaredAccess: DeclaredAccess[];
  }
}

export function createIdentityModule(deps: {
  config: Config;
  db: Db;
  /** Whether a customer may hold a customer-account session (the customers module answers). */
  customerAccountState: CustomerAccountState;
  /**
   * Encrypts TOTP secrets at rest. user_credentials is a platform table (people are global), so
   * the per-tenant key-rotation job does not cover it: identity exposes no re-encryption target;
   * a secret under an older key is re-encrypted when its owner next signs in with a code.
   */
  keyRing: KeyRing;
  /** Account e-mails (reset, verification, invitations, sign-up notices): the notifications module sends them. */
  messages: IdentityMessagesPort;
  /** Which resources a staff member is assigned to (catalog answers); without it, none — staff see no bookings. */
  staffResources?: StaffResourceResolver;
  /** The business's locations and the resources at them (catalog answers): members scoped to locations. */
  locations?: LocationDirectoryPort;
}): IdentityModule {
  const { config, db, customerAccountState, keyRing, messages } = deps;
  const staffResources: StaffResourceResolver = deps.staffResources ?? (async () => []);
  const locations = deps.locations ?? NO_LOCATIONS;
  const keys = new SigningKeys({ config, db });
  const authenticator = createAuthenticator({ db, config, keys, staffResources, locations, customerAccountState });
  const issuer = { config, keys };
  const mfa = createMfaService({ db, authenticator, keyRing });
  const hasher = new OneTimeTokenHasher(keyRing);
  const auth = createAuthService({ db, config, keys, authenticator, customerAccountState, secondFactor: mfa.verifySecondFactor, hasher });
  const signup = createSignupService({ db, config, issuer, hasher, messages });
  const recovery = createAccountRecoveryService({ db, config, keyRing, authenticator, hasher, messages });
  const users = createUserService({ db, config, issuer, authenticator, hasher, messages, locations });
  const roles = createRoleService({ db, authenticator });
  const apiKeys = createApiKeyService({ db, config, authenticator });
  const platformAdmin = createPlatformAdminService({ db, issuer, authenticator });

  return {
    authenticator,
    accessGuard: identityAccessGuard,
    registerRoutes(api) {
      registerAuthRoutes(api, { auth, mfa, signup, recovery });
      registerTeamRoutes(api, { users, roles, apiKeys });
      registerInvitationRoutes(api, createInvitationsService({ db, config, hasher, messages }));
      registerPlatformAdminRoutes(api, platformAdmin);
    },
    registerWellKnown(server) {
      server.addHook('onReady', async () => {
        await keys.preload();
        const changed = await mfa.refreshStoredSecrets();
        if (changed > 0) server.log.info({ changed }, 'TOTP secrets encrypted under the current key');
      });
      server.get(
        '/.well-known/jwks.json',
        { schema: { hide: true }, config: { access: { public: true, tenant: 'none' } } },
        async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(await keys.jwks()),
      );
    },
    registerAccessRegistry(server) {
      const declared: DeclaredAccess[] = [];
      server.decorate('declaredAccess', declared);
      server.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method === 'HEAD') continue;
          declared.push({ method: String(method), url: route.url, access: route.config?.access });
        }
      });
    },
    countActiveUsers,
    customerSessions: createCustomerSessionService({ db, issuer, authenticator }),
    subscribers: [],
    jobs: [identityPurgeJob, ...recovery.jobs],
    refreshSigningKeys: () => keys.refresh(),
  };
}
