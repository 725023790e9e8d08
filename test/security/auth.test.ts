/**
 * Attacks on sign-up and sign-in, over HTTP against the whole app: sign-up as a password oracle
 * and MFA bypass, switching business without the second factor, account e-mails that never left
 * the process or kept their token readable, MFA guesses spread over fresh sign-ins, a reset
 * request whose answer tells known from unknown addresses, write-impersonation minting lasting
 * credentials, and unlimited guessing of tokens and API keys.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { generate as totp } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOGIN_THROTTLE } from '../../src/modules/identity/index.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import {
  addBusiness,
  bearer,
  createPlatformAdminSession,
  lastCapturedMessage,
  login,
  runDueJobs,
  signupTenant,
  startTestApp,
  testPassword,
  type Actor,
  type TenantOwner,
  type TestApp,
} from '../support/factories.ts';
import { httpClient, request } from '../support/http.ts';

let t: TestApp;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await new SmtpSink().start();
  t = await startTestApp({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let addressCounter = 0;
/** A fresh client address per call, so the per-IP limits of one test do not spill into another. */
const nextIp = () => `198.18.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;

type Json = Record<string, unknown>;
const call = httpClient(() => t.server, { remoteAddress: nextIp });

const codeAt = (secret: string, steps = 0): Promise<string> => totp({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** Turns MFA on with the previous period's code, leaving the current and next ones unused. */
async function enableMfa(who: Actor): Promise<string> {
  const enroll = await call<{ secret: string }>('POST', '/api/v1/auth/mfa/enroll', { headers: who.headers });
  expect(enroll.status, enroll.text).toBe(200);
  const { secret } = enroll.body.data;
  const enable = await call('POST', '/api/v1/auth/mfa/enable', { headers: who.headers, body: { code: await codeAt(secret, -1) } });
  expect(enable.status, enable.text).toBe(200);
  return secret;
}

async function sessionCount(userId: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from sessions where user_id = ${userId}`.execute(t.db.db);
  return result.rows[0]?.n ?? 0;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** The e-mails the SMTP sink received for `address`. */
const mailTo = (address: string) => smtp.messages.filter((message) => message.envelopeTo.includes(address.toLowerCase()));

/** The token of the latest invitation to `email`: from the e-mail; if the SMTP send is still waiting for a retry (a loaded machine), from the outbox. */
async function invitationToken(email: string): Promise<string> {
  await runDueJobs(t);
  return (
    mailTo(email)
      .map((message) => /accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(String(message.parsed.text))?.[1])
      .findLast((token) => token !== undefined) ?? (await lastCapturedMessage(t, email, 'invitation')).token
  );
}

/** An existing person (no MFA) invited to `owner`'s business, accepting with their password: a session that never saw a second factor. */
async function invitedSession(owner: TenantOwner, invitee: Actor): Promise<{ headers: { authorization: string } }> {
  const invited = await call('POST', '/api/v1/users/invitations', { headers: owner.headers, body: { email: invitee.email, role: 'manager' } });
  expect(invited.status, invited.text).toBe(201);
  const link = await invitationToken(invitee.email);
  const accepted = await call<{ access_token: string }>('POST', '/api/v1/users/invitations/accept', { body: { token: link, password: invitee.password } });
  expect(accepted.status, accepted.text).toBe(200);
  return { headers: bearer(accepted.body.data.access_token) };
}

describe('sign-up with an address that has an account', () => {
  test('answers the same for the right and a wrong password, in similar time, and signs nobody in (no MFA bypass)', async () => {
    const owner = await signupTenant(t);
    await enableMfa(owner);
    const before = await sessionCount(owner.userId);
    const answers: Record<'right' | 'wrong', { status: number; body: unknown; ms: number[] }> = {
      right: { status: 0, body: null, ms: [] },
      wrong: { status: 0, body: null, ms: [] },
    };
    // 5 rounds: 10 attempts, the most the account's failed sign-in budget allows in 15 minutes.
    for (let round = 0; round < 5; round += 1) {
      for (const which of round % 2 === 0 ? (['right', 'wrong'] as const) : (['wrong', 'right'] as const)) {
        const started = performance.now();
        const response = await call('POST', '/api/v1/auth/signup', { body: {
          tenant_name: `Try ${round}`,
          email: owner.email,
          password: which === 'right' ? owner.password : testPassword(),
        } });
        answers[which].ms.push(performance.now() - started);
        answers[which].status = response.status;
        answers[which].body = response.body.data;
      }
    }
    expect(answers.right.status).toBe(202);
    expect(answers.wrong.status).toBe(202);
    expect(answers.right.body).toEqual(answers.wrong.body);
    expect(JSON.stringify(answers.right.body)).not.toMatch(/token/);
    // Tolerant (a shared 2-core machine is noisy): the same work on both paths, medians within a factor of 3.
    const ratio = median(answers.right.ms) / median(answers.wrong.ms);
    expect(ratio, `medians ${median(answers.right.ms)} vs ${median(answers.wrong.ms)} ms`).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
    expect(await sessionCount(owner.userId)).toBe(before);
    const memberships = await sql<{ n: number }>`select count(*)::int as n from memberships where user_id = ${owner.userId}`.execute(t.db.db);
    expect(memberships.rows[0]?.n).toBe(1);
    // The owner of the address hears of it, by e-mail.
    await runDueJobs(t);
    expect(mailTo(owner.email).some((message) => /tried to create a business/.test(String(message.parsed.text)))).toBe(true);
  });

  test('each attempt counts on the failed sign-in throttle of the account', async () => {
    const owner = await signupTenant(t);
    for (let attempt = 0; attempt < LOGIN_THROTTLE.perAccount; attempt += 1) {
      const response = await call('POST', '/api/v1/auth/signup', { body: { tenant_name: 'Guess', email: owner.email, password: testPassword() } });
      expect(response.status).toBe(202);
    }
    const signIn = await login(t, { email: owner.email, password: owner.password }, nextIp());
    expect(signIn.status).toBe(429);
    const again = await call('POST', '/api/v1/auth/signup', { body: { tenant_name: 'Guess', email: owner.email, password: owner.password } });
    expect(again.status).toBe(429);
  });

  test('adding a business is a signed-in action that needs the second factor the person has on', async () => {
    const host = await signupTenant(t);
    const person = await signupTenant(t);
    const unverified = await invitedSession(host, person);
    await enableMfa(person);
    const refused = await call('POST', '/api/v1/auth/businesses', { headers: unverified.headers, body: { tenant_name: 'Mine' } });
    expect(refused.status, refused.text).toBe(401);
    expect(refused.body.error?.code).toBe('MFA_REQUIRED');
    expect((await call('POST', '/api/v1/auth/businesses', { body: { tenant_name: 'Anonymous' } })).status).toBe(401);
  });
});

describe('switch-tenant', () => {
  test('refuses a session that did not pass the second factor of a person with MFA on', async () => {
    const host = await signupTenant(t);
    const person = await signupTenant(t);
    const unverified = await invitedSession(host, person);
    await enableMfa(person);
    const switched = await call('POST', '/api/v1/auth/switch-tenant', { headers: unverified.headers, body: { tenant_id: person.tenant.id } });
    expect(switched.status, switched.text).toBe(401);
    expect(switched.body.error?.code).toBe('MFA_REQUIRED');
  });

  test('refuses to enter, without a second factor, a business that requires it of its admins', async () => {
    const owner = await signupTenant(t);
    const second = await addBusiness(t, owner);
    const set = await call('PATCH', `/api/v1/tenants/${second.tenant.id}`, { headers: second.headers, body: { settings: { require_mfa_for_admins: true } } });
    expect(set.status, set.text).toBe(200);
    const switched = await call('POST', '/api/v1/auth/switch-tenant', { headers: owner.headers, body: { tenant_id: second.tenant.id } });
    expect(switched.status, switched.text).toBe(401);
    expect(switched.body.error?.code).toBe('MFA_REQUIRED');
  });
});

describe('account e-mails', () => {
  test('a password reset e-mail arrives over SMTP, its link works, and the database holds no usable token', async () => {
    const owner = await signupTenant(t);
    const requested = await call('POST', '/api/v1/auth/password-reset', { body: { email: owner.email } });
    expect(requested.status).toBe(202);
    await runDueJobs(t);
    const mail = mailTo(owner.email).find((message) => message.parsed.subject === 'Reset your ReserveHub password');
    expect(mail, 'no reset e-mail reached the SMTP server').toBeDefined();
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(String(mail?.parsed.text))?.[1] ?? '';
    expect(token.length).toBeGreaterThan(30);

    // Every table, every column (as text): neither the token nor its plain SHA-256 anywhere.
    const tables = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`.execute(t.db.db);
    const plainHash = createHash('sha256').update(token).digest('hex');
    for (const { name } of tables.rows) {
      const found = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(name)} as x
        where strpos(x::text, ${token}) > 0 or strpos(x::text, ${plainHash}) > 0`.execute(t.db.db);
      expect(found.rows[0]?.n, `table ${name} holds the token`).toBe(0);
    }

    const newPassword = testPassword();
    const reset = await call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, new_password: newPassword } });
    expect(reset.status, reset.text).toBe(200);
    expect((await login(t, { email: owner.email, password: newPassword }, nextIp())).status).toBe(200);
  });

  test('invitation and e-mail verification go out over SMTP too', async () => {
    const owner = await signupTenant(t);
    await runDueJobs(t);
    expect(mailTo(owner.email).some((message) => /verify-email\?token=/.test(String(message.parsed.text)))).toBe(true);
    const invitee = `invitee-${randomUUID().slice(0, 8)}@example.test`;
    expect((await call('POST', '/api/v1/users/invitations', { headers: owner.headers, body: { email: invitee, role: 'staff' } })).status).toBe(201);
    await runDueJobs(t);
    expect(mailTo(invitee).some((message) => /accept-invitation\?token=/.test(String(message.parsed.text)))).toBe(true);
  });

  test('a reset request does the same work for known and unknown addresses: it only queues, in similar time', async () => {
    const owner = await signupTenant(t);
    const tokensOf = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from one_time_tokens where user_id = ${owner.userId} and purpose = 'password_reset'`.execute(t.db.db)).rows[0]?.n;
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let round = 0; round < 15; round += 1) {
      for (const which of round % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
        const email = which === 'known' ? owner.email : `nobody-${randomUUID()}@example.test`;
        const started = performance.now();
        const response = await call('POST', '/api/v1/auth/password-reset', { body: { email } });
        times[which].push(performance.now() - started);
        expect(response.status).toBe(202);
      }
    }
    // The answer did none of the account's work: the link is made by the job, after answering.
    expect(await tokensOf()).toBe(0);
    // Tolerant (a shared 2-core machine is noisy): medians within a factor of 3 of each other.
    const ratio = median(times.known) / median(times.unknown);
    expect(ratio, `medians ${median(times.known)} vs ${median(times.unknown)} ms`).toBeLessThan(3);
    expect(ratio).toBeGreaterThan(1 / 3);
    await runDueJobs(t);
    expect(await tokensOf()).toBeGreaterThan(0);
  });
});

describe('second factor', () => {
  test('wrong codes are limited per person: a new sign-in does not give new attempts', async () => {
    const owner = await signupTenant(t);
    const secret = await enableMfa(owner);
    const passwordStep = async () => {
      const step = await login(t, { email: owner.email, password: owner.password }, nextIp());
      expect(step.status).toBe(200);
      return (step.envelope.data as { mfa_token: string }).mfa_token;
    };
    const first = await passwordStep();
    const good = await codeAt(secret, 1);
    const wrong = good === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await call('POST', '/api/v1/auth/mfa/verify', { body: { mfa_token: first, code: wrong } })).status).toBe(400);
    }
    const second = await passwordStep();
    const blocked = await call('POST', '/api/v1/auth/mfa/verify', { body: { mfa_token: second, code: good } });
    expect(blocked.status, blocked.text).toBe(429);
    expect(blocked.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('accepting an invitation', () => {
  test('a person with MFA on joins by password but gets no session until they pass the second factor', async () => {
    const inviter = await signupTenant(t);
    const invitee = await signupTenant(t);
    const secret = await enableMfa(invitee);
    const before = await sessionCount(invitee.userId);
    const invited = await call('POST', '/api/v1/users/invitations', { headers: inviter.headers, body: { email: invitee.email, role: 'manager' } });
    expect(invited.status, invited.text).toBe(201);
    const token = await invitationToken(invitee.email);
    const accepted = await call<Record<string, unknown>>('POST', '/api/v1/users/invitations/accept', { body: { token, password: invitee.password } });
    expect(accepted.status, accepted.text).toBe(200);
    const joined = accepted.body.data;
    expect(joined.mfa_required).toBe(true);
    expect(JSON.stringify(joined)).not.toMatch(/access_token|refresh_token/);
    expect(await sessionCount(invitee.userId)).toBe(before);
    // The way in is the ordinary sign-in, which asks for the code.
    const step = await login(t, { email: invitee.email, password: invitee.password, tenant_slug: inviter.tenant.slug }, nextIp());
    expect(step.status).toBe(200);
    const { mfa_token } = step.envelope.data as { mfa_token: string };
    const verified = await call<{ access_token: string }>('POST', '/api/v1/auth/mfa/verify', { body: { mfa_token, code: await codeAt(secret, 1) } });
    expect(verified.status, verified.text).toBe(200);
    const me = await call<{ tenant: { id: string } }>('GET', '/api/v1/auth/me', { headers: bearer(verified.body.data.access_token) });
    expect(me.body.data.tenant.id).toBe(inviter.tenant.id);
  });
});

describe('write-impersonation', () => {
  test('cannot create credentials or access that outlive it', async () => {
    const owner = await signupTenant(t);
    const admin = await createPlatformAdminSession(t);
    const started = await call<{ access_token: string }>('POST', '/api/v1/platform/impersonations', { headers: admin.headers, body: { tenant_id: owner.tenant.id, reason: 'support ticket 7', read_only: false } });
    expect(started.status, started.text).toBe(201);
    const headers = bearer(started.body.data.access_token);
    // A write that does not create access still works: the session is a write session.
    expect((await call('PATCH', `/api/v1/businesses/${owner.business.id}`, { headers, body: { name: 'Renamed by support' } })).status).toBe(200);
    const attempts: Array<[string, Json]> = [
      ['/api/v1/api-keys', { name: 'left behind' }],
      ['/api/v1/users/invitations', { email: `accomplice-${randomUUID().slice(0, 8)}@example.test`, role: 'business_admin' }],
      ['/api/v1/auth/password', { current_password: owner.password, new_password: testPassword() }],
      ['/api/v1/auth/mfa/enroll', {}],
      ['/api/v1/auth/businesses', { tenant_name: 'Side business' }],
      ['/api/v1/calendar/feeds', { kind: 'resource', resource_id: randomUUID() }],
    ];
    for (const [url, payload] of attempts) {
      const response = await call('POST', url, { headers, body: payload });
      expect(response.status, `${url}: ${response.text}`).toBe(403);
    }
    const keys = await sql<{ n: number }>`select count(*)::int as n from api_keys where tenant_id = ${owner.tenant.id}`.execute(t.db.db);
    expect(keys.rows[0]?.n).toBe(0);
    const feeds = await sql<{ n: number }>`select count(*)::int as n from calendar_feeds where tenant_id = ${owner.tenant.id}`.execute(t.db.db);
    expect(feeds.rows[0]?.n).toBe(0);
    expect((await login(t, { email: owner.email, password: owner.password }, nextIp())).status).toBe(200);
  });
});

describe('bad credentials and the public rate limit', () => {
  test('invalid access tokens and API keys count on the IP public limit (429), not only a 401 each time', async () => {
    const limited = await startTestApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      for (const credential of ['eyJhbGciOiJFUzI1NiJ9.e30.forged', `rh_test_${'A'.repeat(40)}`]) {
        const ip = `203.0.113.${credential.startsWith('rh_') ? 20 : 10}`;
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 7; attempt += 1) {
          const response = await request(limited.server, 'GET', '/api/v1/auth/me', { headers: bearer(credential), remoteAddress: ip });
          statuses.push(response.status);
        }
        expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
        expect(statuses.slice(5)).toEqual([429, 429]);
      }
    } finally {
      await limited.close();
    }
  });
});

test('the embedded mode without SMTP still captures account e-mails with their link, readable from the outbox', async () => {
  const capturing = await startTestApp();
  try {
    const owner = await signupTenant(capturing);
    const message = await lastCapturedMessage(capturing, owner.email, 'email_verification');
    expect(message.status).toBe('captured');
    const verified = await request(capturing.server, 'POST', '/api/v1/auth/verify-email', { body: { token: message.token } });
    expect(verified.status, verified.text).toBe(200);
  } finally {
    await capturing.close();
  }
});
