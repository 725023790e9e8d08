import { createPublicKey, randomUUID } from 'node:crypto';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { sql } from 'kysely';
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOGIN_THROTTLE } from '../../src/modules/identity/index.ts';
import {
  addBusiness,
  bearer,
  body,
  createUserWithRole,
  lastCapturedMessage,
  login,
  signupTenant,
  startTestApp,
  testPassword,
  type TestApp,
} from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const me = (headers: { authorization: string }) => t.server.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

describe('signup', () => {
  test('creates tenant, owner and first business with the given zone and currency, atomically', async () => {
    const owner = await signupTenant(t, { plan_id: undefined, timezone: 'Europe/Madrid', currency: 'EUR' });
    expect(owner.tenant.status).toBe('active');
    expect(owner.business.timezone).toBe('Europe/Madrid');
    expect(owner.business.currency).toBe('EUR');
    const who = body<{ role: string; tenant: { id: string } }>(await me(owner.headers)).data;
    expect(who.role).toBe('business_admin');
    expect(who.tenant.id).toBe(owner.tenant.id);
    const hash = await sql<{ password_hash: string }>`select password_hash from user_credentials where user_id = ${owner.userId}`.execute(t.db.db);
    expect(hash.rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  test('defaults: plan starter, UTC, USD, slug from the name', async () => {
    const response = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenant_name: 'Peluquería Ñandú', email: `d-${randomUUID()}@example.test`, password: testPassword() },
    });
    expect(response.statusCode, response.body).toBe(201);
    const data = body<{ tenant: { slug: string; plan_id: string }; business: { timezone: string; currency: string } }>(response).data;
    expect(data.tenant.slug).toMatch(/^peluqueria-nandu/);
    expect(data.tenant.plan_id).toBe('starter');
    expect(data.business).toMatchObject({ timezone: 'UTC', currency: 'USD' });
  });

  test('taken slug answers 409 and creates nothing', async () => {
    const first = await signupTenant(t);
    const email = `x-${randomUUID()}@example.test`;
    const response = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenant_name: 'Other', tenant_slug: first.tenant.slug, email, password: testPassword() },
    });
    expect(response.statusCode).toBe(409);
    expect(body(response).error?.code).toBe('CONFLICT');
    const users = await sql<{ n: number }>`select count(*)::int as n from users where email = ${email}`.execute(t.db.db);
    expect(users.rows[0]?.n).toBe(0);
  });

  test('an existing e-mail gets 202 whatever the password and nothing is created; a second business is added signed in', async () => {
    const owner = await signupTenant(t);
    for (const password of [testPassword(), owner.password]) {
      const attempt = await t.server.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { tenant_name: 'Second', email: owner.email, password },
      });
      expect(attempt.statusCode, attempt.body).toBe(202);
      expect(body(attempt).data).toEqual({ status: 'check_email' });
    }
    const second = await addBusiness(t, owner);
    expect(second.userId).toBe(owner.userId);
    expect(second.tenant.id).not.toBe(owner.tenant.id);
  });

  test.each([
    ['too short', 'short-pw-1', 'password_length'],
    ['breached', 'passwordpassword', 'password_breached'],
    ['breached, any case', 'PasswordPassword', 'password_breached'],
  ])('refuses a %s password with 400', async (_label, password, code) => {
    const response = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenant_name: 'Pw', email: `p-${randomUUID()}@example.test`, password },
    });
    expect(response.statusCode).toBe(400);
    const error = body(response).error;
    expect(error?.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(error?.details)).toContain(code);
  });
});

describe('access tokens', () => {
  async function signingKey() {
    const rows = await sql<{ kid: string; private_jwk: Record<string, string> }>`select kid, private_jwk from signing_keys`.execute(t.db.db);
    const row = rows.rows[0];
    if (!row) throw new Error('no signing key');
    return { kid: row.kid, key: await importJWK(row.private_jwk, 'ES256'), jwk: row.private_jwk };
  }

  test('JWKS publishes the public key with its kid, and no private part', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    const jwks = JSON.parse(response.body) as { keys: Array<Record<string, unknown>> };
    const { kid } = await signingKey();
    expect(jwks.keys.map((key) => key.kid)).toContain(kid);
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  });

  test('claims follow spec §7.2.1 and the lifetime is at most 30 minutes', async () => {
    const owner = await signupTenant(t);
    const [, payload = ''] = owner.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: owner.userId, tenant_id: owner.tenant.id, role: 'business_admin', session_id: owner.sessionId });
    expect(claims).toHaveProperty('jti');
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(1800);
  });

  test('expired, tampered, alg none, HS256 with the public key and unknown kid all answer 401', async () => {
    const owner = await signupTenant(t);
    const { kid, key, jwk } = await signingKey();
    const claims = { tenant_id: owner.tenant.id, role: 'business_admin', session_id: owner.sessionId, permissions: [], mfa_verified: false };
    const base = (alg: string, k: string) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid: k }).setSubject(owner.userId).setIssuer(t.config.JWT_ISSUER).setAudience('reservehub-api').setJti(randomUUID());

    const expired = await base('ES256', kid).setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    const [header = '', payload = '', signature = ''] = owner.accessToken.split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...forged, role: 'platform_admin' })).toString('base64url')}.${signature}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const { d: _d, ...publicJwk } = jwk;
    const publicPem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const hs256 = await base('HS256', kid).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(String(publicPem)));
    const { privateKey: strangerKey } = await generateKeyPair('ES256');
    const unknownKid = await base('ES256', randomUUID()).setIssuedAt().setExpirationTime('10m').sign(strangerKey);
    const ownKidForeignKey = await base('ES256', kid).setIssuedAt().setExpirationTime('10m').sign(strangerKey);

    expect((await me(owner.headers)).statusCode).toBe(200);
    for (const [label, token] of Object.entries({ expired, tampered, none, hs256, unknownKid, ownKidForeignKey, garbage: 'not-a-jwt' })) {
      const response = await me(bearer(token));
      expect(response.statusCode, label).toBe(401);
      expect(body(response).error?.code, label).toBe('UNAUTHENTICATED');
    }
  });

  test('a malformed Authorization header answers 401, none answers 401 on a protected route', async () => {
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });
});

describe('sessions', () => {
  test('refresh rotates; reusing a rotated refresh token revokes the whole family', async () => {
    const owner = await signupTenant(t);
    const first = await t.server.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: owner.refreshToken } });
    expect(first.statusCode, first.body).toBe(200);
    const rotated = body<{ refresh_token: string; access_token: string }>(first).data;
    expect(rotated.refresh_token).not.toBe(owner.refreshToken);

    const reuse = await t.server.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: owner.refreshToken } });
    expect(reuse.statusCode).toBe(401);
    // The legitimate newer token is dead too, and so is the session's access token.
    const next = await t.server.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: rotated.refresh_token } });
    expect(next.statusCode).toBe(401);
    expect((await me(bearer(rotated.access_token))).statusCode).toBe(401);
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_logs where action = 'auth.refresh_token_reused' and tenant_id = ${owner.tenant.id}`.execute(t.db.db);
    expect(audit.rows[0]?.n).toBe(1);
  });

  test('logout ends the session; sessions are listed and revocable, and not across users', async () => {
    const owner = await signupTenant(t);
    const second = await login(t, { email: owner.email, password: owner.password });
    const secondTokens = second.envelope.data as { access_token: string; session_id: string };
    const list = await t.server.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: owner.headers });
    expect(body<Array<{ id: string }>>(list).data.map((s) => s.id).sort()).toEqual([owner.sessionId, secondTokens.session_id].sort());

    const stranger = await createUserWithRole(t, owner, 'manager');
    const foreign = await t.server.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${secondTokens.session_id}`, headers: stranger.headers });
    expect(foreign.statusCode).toBe(404);

    const revoke = await t.server.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${secondTokens.session_id}`, headers: owner.headers });
    expect(revoke.statusCode).toBe(204);
    expect((await me(bearer(secondTokens.access_token))).statusCode).toBe(401);

    expect((await t.server.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: owner.headers })).statusCode).toBe(204);
    expect((await me(owner.headers)).statusCode).toBe(401);
  });

  test('a password change revokes the other sessions and keeps this one', async () => {
    const owner = await signupTenant(t);
    const other = await login(t, { email: owner.email, password: owner.password });
    const otherToken = (other.envelope.data as { access_token: string }).access_token;
    const newPassword = testPassword();
    const change = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: owner.headers,
      payload: { current_password: owner.password, new_password: newPassword },
    });
    expect(change.statusCode, change.body).toBe(200);
    expect(body<{ other_sessions_revoked: number }>(change).data.other_sessions_revoked).toBe(1);
    expect((await me(bearer(otherToken))).statusCode).toBe(401);
    expect((await me(owner.headers)).statusCode).toBe(200);
    expect((await login(t, { email: owner.email, password: owner.password })).status).toBe(401);
    expect((await login(t, { email: owner.email, password: newPassword })).status).toBe(200);
  });

  test('switch-tenant issues a token for another membership; a non-member business is 404', async () => {
    const owner = await signupTenant(t);
    const second = await addBusiness(t, owner);
    const stranger = await signupTenant(t);
    const switched = await t.server.inject({ method: 'POST', url: '/api/v1/auth/switch-tenant', headers: owner.headers, payload: { tenant_slug: second.tenant.slug } });
    expect(switched.statusCode, switched.body).toBe(200);
    const token = body<{ access_token: string }>(switched).data.access_token;
    expect(body<{ tenant: { id: string } }>(await me(bearer(token))).data.tenant.id).toBe(second.tenant.id);
    const refused = await t.server.inject({ method: 'POST', url: '/api/v1/auth/switch-tenant', headers: owner.headers, payload: { tenant_id: stranger.tenant.id } });
    expect(refused.statusCode).toBe(404);
  });

  test('login without tenant_slug picks the most recently used membership; with one, that business', async () => {
    const owner = await signupTenant(t);
    const second = await addBusiness(t, owner);
    const latest = await login(t, { email: owner.email, password: owner.password });
    expect(JSON.parse(Buffer.from(String((latest.envelope.data as { access_token: string }).access_token.split('.')[1]), 'base64url').toString()).tenant_id).toBe(second.tenant.id);
    const named = await login(t, { email: owner.email, password: owner.password, tenant_slug: owner.tenant.slug });
    expect(JSON.parse(Buffer.from(String((named.envelope.data as { access_token: string }).access_token.split('.')[1]), 'base64url').toString()).tenant_id).toBe(owner.tenant.id);
  });
});

describe('brute force', () => {
  test('failed logins per account reach 429 with Retry-After, even with the right password then', async () => {
    const owner = await signupTenant(t);
    for (let attempt = 0; attempt < LOGIN_THROTTLE.perAccount; attempt += 1) {
      const failed = await login(t, { email: owner.email, password: 'wrong-password-123' }, `198.51.100.${attempt}`);
      expect(failed.status).toBe(401);
    }
    const blocked = await login(t, { email: owner.email, password: owner.password }, '198.51.100.200');
    expect(blocked.status).toBe(429);
    expect(blocked.envelope.error?.code).toBe('RATE_LIMITED');
    expect(Number(blocked.response.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('failed logins per IP reach 429 across accounts', async () => {
    const ip = '192.0.2.77';
    for (let attempt = 0; attempt < LOGIN_THROTTLE.perIp; attempt += 1) {
      await login(t, { email: `nobody-${attempt}@example.test`, password: 'wrong-password-123' }, ip);
    }
    const blocked = await login(t, { email: 'someone@example.test', password: 'wrong-password-123' }, ip);
    expect(blocked.status).toBe(429);
  });
});

describe('e-mail verification and password reset', () => {
  test('verification link marks the address verified, once', async () => {
    const owner = await signupTenant(t);
    const { token } = await lastCapturedMessage(t, owner.email, 'email_verification');
    const verify = await t.server.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } });
    expect(verify.statusCode).toBe(200);
    expect(body<{ email_verified: boolean }>(verify).data.email_verified).toBe(true);
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } })).statusCode).toBe(400);
  });

  test('reset: same answer for unknown accounts; the link sets a new password and ends every session', async () => {
    const owner = await signupTenant(t);
    const unknown = await t.server.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'nobody@example.test' } });
    const known = await t.server.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: owner.email } });
    expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
    const { token } = await lastCapturedMessage(t, owner.email, 'password_reset');
    const weak = await t.server.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, new_password: 'password1234' } });
    expect(weak.statusCode).toBe(400);
    const newPassword = testPassword();
    const reset = await t.server.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, new_password: newPassword } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await me(owner.headers)).statusCode).toBe(401);
    expect((await login(t, { email: owner.email, password: newPassword })).status).toBe(200);
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, new_password: testPassword() } })).statusCode).toBe(400);
  });
});

describe('MFA', () => {
  test('enrol, enable, sign in with TOTP, recovery codes are single use, disable needs the password', async () => {
    const owner = await signupTenant(t);
    const enroll = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: owner.headers });
    expect(enroll.statusCode, enroll.body).toBe(200);
    const { secret, otpauth_uri } = body<{ secret: string; otpauth_uri: string }>(enroll).data;
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers: owner.headers, payload: { code: '000000' } });
    expect(wrong.statusCode).toBe(400);
    const enable = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers: owner.headers, payload: { code: await totp({ secret }) } });
    expect(enable.statusCode, enable.body).toBe(200);
    const recovery = body<{ recovery_codes: string[] }>(enable).data.recovery_codes;
    expect(recovery).toHaveLength(10);

    const step = await login(t, { email: owner.email, password: owner.password });
    expect(step.envelope.data).toMatchObject({ mfa_required: true });
    const mfaToken = (step.envelope.data as { mfa_token: string }).mfa_token;
    const bad = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: mfaToken, code: '123456' } });
    expect(bad.statusCode).toBe(400);
    // The enrolment code is used up: signing in needs the app's next code.
    const enrolmentCode = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: mfaToken, code: await totp({ secret }) } });
    expect(enrolmentCode.statusCode).toBe(400);
    const nextCode = await totp({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const good = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: mfaToken, code: nextCode } });
    expect(good.statusCode, good.body).toBe(200);

    const code = recovery[0] ?? '';
    const viaRecovery = async () => {
      const again = await login(t, { email: owner.email, password: owner.password });
      const tokenValue = (again.envelope.data as { mfa_token: string }).mfa_token;
      return t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: tokenValue, code } });
    };
    expect((await viaRecovery()).statusCode).toBe(200);
    expect((await viaRecovery()).statusCode).toBe(400);

    const noPassword = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/disable', headers: owner.headers, payload: { password: 'not-the-password' } });
    expect(noPassword.statusCode).toBe(400);
    const disable = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/disable', headers: owner.headers, payload: { password: owner.password } });
    expect(disable.statusCode).toBe(200);
    expect((await login(t, { email: owner.email, password: owner.password })).envelope.data).toMatchObject({ mfa_required: false });
  });

  test('a tenant requiring MFA for admins limits an admin without it to enrolment', async () => {
    const owner = await signupTenant(t);
    const set = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${owner.tenant.id}`,
      headers: owner.headers,
      payload: { settings: { require_mfa_for_admins: true } },
    });
    expect(set.statusCode, set.body).toBe(200);
    const fresh = await login(t, { email: owner.email, password: owner.password });
    const headers = bearer((fresh.envelope.data as { access_token: string }).access_token);
    const blocked = await t.server.inject({ method: 'GET', url: '/api/v1/users', headers });
    expect(blocked.statusCode).toBe(403);
    const enroll = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers });
    const { secret } = body<{ secret: string }>(enroll).data;
    await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers, payload: { code: await totp({ secret }) } });
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/users', headers })).statusCode).toBe(200);
  });
});
