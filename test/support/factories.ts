/**
 * Test factories for the real application (identity, tenancy, audit and every other
 * module wired by `buildApp`), driven over HTTP with `server.inject`.
 *
 *   const t = await startTestApp();                 // fresh migrated database + app
 *   const owner = await signupTenant(t);            // tenant + business + business_admin
 *   const staff = await createUserWithRole(t, owner, 'staff');
 *   await t.server.inject({ method: 'GET', url: '/api/v1/users', headers: owner.headers });
 *   await t.close();
 *
 * Tenants are created on the `business` plan (25 users) unless `plan_id` is given, so
 * creating a few members never trips the starter plan's 3-user limit by accident.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { generate as totp } from 'otplib';
import { pino } from 'pino';
import { buildApp, type Application } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { createPlatformAdmin, createPlatformAuditor, type TenantRole } from '../../src/modules/identity/index.ts';
import { contentContext } from '../../src/modules/notifications/message-composer.ts';
import { addressIndex } from '../../src/modules/notifications/message-content.ts';
import { revealSecret } from '../../src/modules/notifications/one-time-secret.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: Application;
  server: HttpServer;
  db: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** A fresh migrated database (PGlite, or PostgreSQL with DATABASE_URL) and the whole app on it. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const app = await buildApp({ config, handle: db });
  await app.server.ready();
  return {
    app,
    server: app.server,
    db,
    config,
    async close() {
      await app.server.close();
      await db.close();
    },
  };
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/** A password that passes the policy (12+ characters, not breached). */
export const testPassword = (): string => `Pw-${randomUUID()}`;

export interface Actor {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  headers: { authorization: string };
}

export interface TenantOwner extends Actor {
  tenant: { id: string; slug: string; name: string; plan_id: string; status: string };
  business: { id: string; timezone: string; currency: string };
  /** Raw signup response `data`. */
  signup: Record<string, unknown>;
}

interface Envelope<T> {
  success: boolean;
  data: T;
  error?: { code: string; message: string; details?: unknown };
}

/** Parses an injected response's JSON envelope. */
export function body<T = Record<string, unknown>>(response: { body: string }): Envelope<T> {
  return JSON.parse(response.body) as Envelope<T>;
}

function expectStatus(response: { statusCode: number; body: string }, status: number, what: string): void {
  if (response.statusCode !== status) throw new Error(`${what} answered ${response.statusCode}: ${response.body}`);
}

export interface SignupOverrides {
  tenant_name?: string;
  tenant_slug?: string;
  email?: string;
  password?: string;
  plan_id?: string;
  timezone?: string;
  currency?: string;
}

/** POST /api/v1/auth/signup: a tenant, its first business and its owner (business_admin), signed in. */
export async function signupTenant(t: TestApp, overrides: SignupOverrides = {}): Promise<TenantOwner> {
  const suffix = randomUUID().slice(0, 8);
  const password = overrides.password ?? testPassword();
  const email = overrides.email ?? `owner-${suffix}@example.test`;
  const response = await t.server.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      tenant_name: overrides.tenant_name ?? `Salon ${suffix}`,
      tenant_slug: overrides.tenant_slug ?? `salon-${suffix}`,
      email,
      password,
      plan_id: overrides.plan_id ?? 'business',
      timezone: overrides.timezone ?? 'Europe/Madrid',
      currency: overrides.currency ?? 'EUR',
    },
  });
  expectStatus(response, 201, 'signup');
  const data = body<{
    tenant: TenantOwner['tenant'];
    business: TenantOwner['business'];
    user: { id: string };
    access_token: string;
    refresh_token: string;
    session_id: string;
  }>(response).data;
  return {
    tenant: data.tenant,
    business: data.business,
    userId: data.user.id,
    email,
    password,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    sessionId: data.session_id,
    headers: bearer(data.access_token),
    signup: body(response).data,
  };
}

/** POST /api/v1/auth/businesses: `who` (signed in) opens another business and gets a session in it. */
export async function addBusiness(t: TestApp, who: Actor, overrides: Omit<SignupOverrides, 'email' | 'password'> = {}): Promise<TenantOwner> {
  const suffix = randomUUID().slice(0, 8);
  const response = await t.server.inject({
    method: 'POST',
    url: '/api/v1/auth/businesses',
    headers: who.headers,
    payload: {
      tenant_name: overrides.tenant_name ?? `Salon ${suffix}`,
      tenant_slug: overrides.tenant_slug ?? `salon-${suffix}`,
      plan_id: overrides.plan_id ?? 'business',
      timezone: overrides.timezone ?? 'Europe/Madrid',
      currency: overrides.currency ?? 'EUR',
    },
  });
  expectStatus(response, 201, 'add business');
  const data = body<{
    tenant: TenantOwner['tenant'];
    business: TenantOwner['business'];
    user: { id: string };
    access_token: string;
    refresh_token: string;
    session_id: string;
  }>(response).data;
  return {
    ...who,
    tenant: data.tenant,
    business: data.business,
    userId: data.user.id,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    sessionId: data.session_id,
    headers: bearer(data.access_token),
    signup: body(response).data,
  };
}

/** Runs every due job (message delivery, password-reset requests...) of the test app now. */
export async function runDueJobs(t: TestApp): Promise<void> {
  await t.app.createWorker(pino({ level: 'silent' })).drain();
}

export type AccountMessageKind = 'invitation' | 'password_reset' | 'email_verification' | 'signup_attempt';

/**
 * The newest account e-mail of `kind` to `recipient`, read where the embedded mode (no SMTP) keeps
 * it: the notifications outbox, once the worker has "delivered" (captured) it. The link's token is
 * kept apart from the stored text, encrypted; this puts it back as the delivery does. `token` is
 * the link's token ('' for a message without a link).
 */
export async function lastCapturedMessage(t: TestApp, recipient: string, kind: AccountMessageKind): Promise<{ token: string; body: string; status: string }> {
  await runDueJobs(t);
  const keyRing = t.app.keyRing;
  const rows = await sql<{ tenant_id: string; id: string; body_enc: string | null; secret_enc: string | null; status: string }>`
    select tenant_id, id, body_enc, secret_enc, status from notifications
    where event_type = ${`account.${kind}`} and recipient_bidx = ${addressIndex(keyRing, recipient)}
    order by created_at desc limit 1`.execute(t.db.db);
  const row = rows.rows[0];
  if (!row?.body_enc) throw new Error(`no ${kind} message captured for ${recipient}`);
  const context = contentContext(row.tenant_id, row.id);
  const secret = keyRing.decryptNullable(row.secret_enc, context);
  const text = keyRing.decrypt(row.body_enc, context);
  const bodyText = secret === null ? text : revealSecret(text, secret);
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(bodyText)?.[1] ?? '';
  if (kind !== 'signup_attempt' && token === '') throw new Error(`the ${kind} message to ${recipient} has no usable link (status ${row.status})`);
  return { token, body: bodyText, status: row.status };
}

/** Invites a member with `role` (as `owner`), accepts the invitation and returns them signed in. */
export async function createUserWithRole(
  t: TestApp,
  owner: Pick<TenantOwner, 'headers'>,
  role: TenantRole | 'custom',
  options: { customRoleId?: string; email?: string; locationIds?: string[] } = {},
): Promise<Actor> {
  const email = options.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const invited = await t.server.inject({
    method: 'POST',
    url: '/api/v1/users/invitations',
    headers: owner.headers,
    payload: {
      email,
      role,
      ...(options.customRoleId ? { custom_role_id: options.customRoleId } : {}),
      ...(options.locationIds ? { location_ids: options.locationIds } : {}),
    },
  });
  expectStatus(invited, 201, 'invitation');
  const { token } = await lastCapturedMessage(t, email, 'invitation');
  const password = testPassword();
  const accepted = await t.server.inject({
    method: 'POST',
    url: '/api/v1/users/invitations/accept',
    payload: { token, password },
  });
  expectStatus(accepted, 200, 'accept invitation');
  const data = body<{ user_id: string; access_token: string; refresh_token: string; session_id: string }>(accepted).data;
  return {
    userId: data.user_id,
    email,
    password,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    sessionId: data.session_id,
    headers: bearer(data.access_token),
  };
}

/** POST /api/v1/auth/login; returns the parsed response (tokens or mfa_required) and status. */
export async function login(t: TestApp, credentials: { email: string; password: string; tenant_slug?: string }, ip = '203.0.113.10') {
  const response = await t.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: credentials, remoteAddress: ip });
  return { status: response.statusCode, response, envelope: body<Record<string, unknown>>(response) };
}

/**
 * A platform administrator (user flag), signed in with a platform token. Platform administrators
 * work only with a second factor: unless `withoutMfa`, the session enrols one (as the console's
 * first sign-in does), which also marks it as having proved it.
 */
export async function createPlatformAdminSession(
  t: TestApp,
  options: { withoutMfa?: boolean; auditor?: boolean } = {},
): Promise<Actor & { mfaSecret: string | null }> {
  const email = `${options.auditor ? 'auditor' : 'admin'}-${randomUUID().slice(0, 8)}@platform.test`;
  const password = testPassword();
  const admin = await (options.auditor ? createPlatformAuditor : createPlatformAdmin)(t.db.db, { email, password });
  const signedIn = await login(t, { email, password });
  if (signedIn.status !== 200) throw new Error(`platform admin login answered ${signedIn.status}: ${signedIn.response.body}`);
  const data = signedIn.envelope.data as { access_token: string; refresh_token: string; session_id: string };
  let mfaSecret: string | null = null;
  if (!options.withoutMfa) {
    const enroll = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: bearer(data.access_token) });
    mfaSecret = (body<{ secret: string }>(enroll).data as { secret: string }).secret;
    const enable = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers: bearer(data.access_token), payload: { code: await totp({ secret: mfaSecret }) } });
    if (enable.statusCode !== 200) throw new Error(`platform admin MFA enable answered ${enable.statusCode}: ${enable.body}`);
  }
  return {
    mfaSecret,
    userId: admin.id,
    email,
    password,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    sessionId: data.session_id,
    headers: bearer(data.access_token),
  };
}

/** Runs `work` as platform work (bypasses RLS): for assertions on raw rows. */
export const asPlatform = <T>(t: TestApp, work: Parameters<typeof withPlatform<T>>[1]): Promise<T> => withPlatform(t.db.db, work);
