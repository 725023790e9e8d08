import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { generate as totp, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { acceptTimeStep } from '../../src/modules/identity/mfa.repository.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { onPostgres } from '../support/database.ts';
import { body, signupTenant, startTestApp, type TenantOwner, type TestApp } from '../support/factories.ts';
import { waitFor } from '../support/wait.ts';

// Explicit keys (not the embedded keys file), so a test can start the app again under a rotated ring.
const oldKey = `k1:${randomBytes(32).toString('base64')}`;
const newKey = `k2:${randomBytes(32).toString('base64')}`;
const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ ENCRYPTION_KEYS: oldKey });
});
afterAll(async () => t.close());

/** The code of the TOTP period `steps` periods from now (within the verifier's ±1 period tolerance). */
const codeAt = (secret: string, steps = 0): Promise<string> => totp({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** Enables MFA with the previous period's code (still accepted), leaving the current period's code for sign-in. */
async function enableMfa(owner: TenantOwner): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enroll = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: owner.headers });
  expect(enroll.statusCode, enroll.body).toBe(200);
  const { secret } = body<{ secret: string }>(enroll).data;
  const enable = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers: owner.headers, payload: { code: await codeAt(secret, -1) } });
  expect(enable.statusCode, enable.body).toBe(200);
  return { secret, recoveryCodes: body<{ recovery_codes: string[] }>(enable).data.recovery_codes };
}

/** First sign-in step; answers the mfa_token of the second. */
async function passwordStep(app: TestApp['server'], owner: TenantOwner): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: owner.email, password: owner.password } });
  expect(response.statusCode, response.body).toBe(200);
  const data = body<{ mfa_required: boolean; mfa_token: string }>(response).data;
  expect(data.mfa_required).toBe(true);
  return data.mfa_token;
}

const secondStep = (app: TestApp['server'], mfaToken: string, code: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload: { mfa_token: mfaToken, code } });

interface CredentialsRow {
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  mfa_secret_enc: string | null;
  mfa_pending_secret_enc: string | null;
  mfa_last_step: number | null;
}

/** The whole credentials row, as JSON text (to scan every column) and parsed. */
async function credentialsRow(userId: string): Promise<{ text: string; row: CredentialsRow }> {
  const result = await sql<{ text: string }>`select to_jsonb(c)::text as text from user_credentials c where user_id = ${userId}`.execute(t.db.db);
  const text = result.rows[0]?.text;
  if (text === undefined) throw new Error('no credentials row');
  return { text, row: JSON.parse(text) as CredentialsRow };
}

/** True when the row holds the base32 secret in clear, in any column, in any letter case. */
const holdsInClear = (rowText: string, secret: string): boolean => rowText.toUpperCase().includes(secret.toUpperCase());

async function lastMfaFailureReason(userId: string): Promise<unknown> {
  const result = await sql<{ metadata: Record<string, unknown> }>`
    select metadata from audit_logs where user_id = ${userId} and action = 'auth.mfa_failed' order by created_at desc limit 1`.execute(t.db.db);
  return result.rows[0]?.metadata.reason;
}

describe('TOTP replay', () => {
  test('a code accepted once is refused the second time within its window (400 INVALID_CODE, like a wrong code); the next period\'s code still works', async () => {
    const owner = await signupTenant(t);
    const { secret } = await enableMfa(owner);
    const code = await codeAt(secret);

    const first = await secondStep(t.server, await passwordStep(t.server, owner), code);
    expect(first.statusCode, first.body).toBe(200);

    const replay = await secondStep(t.server, await passwordStep(t.server, owner), code);
    expect(replay.statusCode).toBe(400);
    const wrong = await secondStep(t.server, await passwordStep(t.server, owner), code === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(400);
    expect(body(replay).error).toEqual(body(wrong).error);
    expect(body(replay).error?.code).toBe('INVALID_CODE');
    // Refused as a replay, not as a wrong code: the audit log tells them apart (the client cannot).
    const failures = await sql<{ reason: string }>`
      select metadata->>'reason' as reason from audit_logs
      where user_id = ${owner.userId} and action = 'auth.mfa_failed'`.execute(t.db.db);
    expect(failures.rows.map((row) => row.reason).sort()).toEqual(['code_reused', 'wrong_code']);

    const next = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret, 1));
    expect(next.statusCode, next.body).toBe(200);
    // And an older period's code, even one never used, is refused once a newer one was accepted.
    const older = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret, -1));
    expect(older.statusCode).toBe(400);
    expect(await lastMfaFailureReason(owner.userId)).toBe('code_reused');
  });

  test('two concurrent sign-ins with the same code: exactly one succeeds', async () => {
    const owner = await signupTenant(t);
    const { secret } = await enableMfa(owner);
    const [tokenA, tokenB] = [await passwordStep(t.server, owner), await passwordStep(t.server, owner)];
    const code = await codeAt(secret);

    const answers = await Promise.all([secondStep(t.server, tokenA, code), secondStep(t.server, tokenB, code)]);

    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 400]);
    const refused = answers.find((answer) => answer.statusCode === 400);
    expect(body(refused ?? { body: '{}' }).error?.code).toBe('INVALID_CODE');
    expect(await lastMfaFailureReason(owner.userId)).toBe('code_reused');
  });

  // PGlite has one connection, so it never holds two transactions open at once: there the HTTP race
  // above is serialised, and this interleaving can only be forced on PostgreSQL.
  test.skipIf(!onPostgres())('the step is taken by one conditional update: a transaction waiting on the row sees the committed step and is refused', async () => {
    const owner = await signupTenant(t);
    const step = Math.floor(Date.now() / 30_000);
    let second: Promise<boolean> | undefined;
    await t.db.db.transaction().execute(async (first) => {
      expect(await acceptTimeStep(first, owner.userId, step)).toBe(true);
      second = t.db.db.transaction().execute((trx) => acceptTimeStep(trx, owner.userId, step));
      // Commit only once the second transaction is blocked on the row this one updated.
      await waitFor(
        async () => {
          const waiting = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db.db);
          return (waiting.rows[0]?.n ?? 0) > 0;
        },
        { timeoutMs: 5_000, intervalMs: 10, message: 'the second transaction to wait on the row lock' },
      );
    });
    expect(await second).toBe(false);
    expect((await credentialsRow(owner.userId)).row.mfa_last_step).toBe(step);
  });

  test('recovery codes stay single use, also when two sign-ins race with the same one', async () => {
    const owner = await signupTenant(t);
    const { recoveryCodes } = await enableMfa(owner);
    const recovery = recoveryCodes[0] ?? '';
    const [tokenA, tokenB] = [await passwordStep(t.server, owner), await passwordStep(t.server, owner)];

    const answers = await Promise.all([secondStep(t.server, tokenA, recovery), secondStep(t.server, tokenB, recovery)]);

    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 400]);
    const again = await secondStep(t.server, await passwordStep(t.server, owner), recovery.toUpperCase());
    expect(again.statusCode).toBe(400);
    const another = await secondStep(t.server, await passwordStep(t.server, owner), recoveryCodes[1] ?? '');
    expect(another.statusCode, another.body).toBe(200);
  });
});

describe('TOTP secret at rest', () => {
  test('the pending and the active secret are stored only as key-ring ciphertext', async () => {
    const owner = await signupTenant(t);
    const enroll = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: owner.headers });
    const { secret } = body<{ secret: string }>(enroll).data;
    expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);

    const pending = await credentialsRow(owner.userId);
    expect(holdsInClear(pending.text, secret)).toBe(false);
    expect(pending.row).toMatchObject({ mfa_pending_secret: null, mfa_secret: null, mfa_secret_enc: null });
    expect(pending.row.mfa_pending_secret_enc).toMatch(/^v1\.k1\./);

    const enable = await t.server.inject({ method: 'POST', url: '/api/v1/auth/mfa/enable', headers: owner.headers, payload: { code: await codeAt(secret, -1) } });
    expect(enable.statusCode, enable.body).toBe(200);
    const active = await credentialsRow(owner.userId);
    expect(holdsInClear(active.text, secret)).toBe(false);
    expect(active.row).toMatchObject({ mfa_pending_secret: null, mfa_pending_secret_enc: null, mfa_secret: null });
    // The enrolment code's period is used up.
    expect(active.row.mfa_last_step).not.toBeNull();
    expect(active.row.mfa_secret_enc).toMatch(/^v1\.k1\./);

    // The ciphertext works: sign-in with the app's code.
    const signIn = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret));
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(holdsInClear((await credentialsRow(owner.userId)).text, secret)).toBe(false);
  });

  test('a secret stored in clear before migration 0063 still verifies, then ends up encrypted with the plaintext cleared', async () => {
    const owner = await signupTenant(t);
    const secret = generateSecret();
    await sql`update user_credentials set mfa_secret = ${secret}, mfa_enabled_at = now() where user_id = ${owner.userId}`.execute(t.db.db);

    const signIn = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret));
    expect(signIn.statusCode, signIn.body).toBe(200);

    const after = await credentialsRow(owner.userId);
    expect(after.row.mfa_secret).toBeNull();
    expect(after.row.mfa_secret_enc).toMatch(/^v1\.k1\./);
    expect(holdsInClear(after.text, secret)).toBe(false);
    // The ciphertext holds that same secret.
    const next = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret, 1));
    expect(next.statusCode, next.body).toBe(200);
  });

  test('at start-up, every secret still in clear is encrypted and its plaintext cleared, without waiting for a sign-in', async () => {
    const owners = [await signupTenant(t), await signupTenant(t)];
    const secrets = owners.map(() => generateSecret());
    for (const [index, owner] of owners.entries()) {
      await sql`update user_credentials set mfa_secret = ${secrets[index]}, mfa_enabled_at = now() where user_id = ${owner.userId}`.execute(t.db.db);
    }

    // Another process starting on the same database.
    const restarted = await buildApp({ config: t.config, handle: t.db });
    await restarted.server.ready();
    try {
      for (const [index, owner] of owners.entries()) {
        const secret = secrets[index] ?? '';
        const { text, row } = await credentialsRow(owner.userId);
        expect(row.mfa_secret).toBeNull();
        expect(row.mfa_secret_enc).toMatch(/^v1\.k1\./);
        expect(holdsInClear(text, secret)).toBe(false);
        const signIn = await secondStep(t.server, await passwordStep(t.server, owner), await codeAt(secret));
        expect(signIn.statusCode, signIn.body).toBe(200);
      }
      const left = await sql<{ n: number }>`select count(*)::int as n from user_credentials where mfa_secret is not null`.execute(t.db.db);
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      await restarted.server.close();
    }
  });

  test('after a key rotation, start-up re-encrypts a secret under the old key without waiting for a sign-in, and it still verifies', async () => {
    const owner = await signupTenant(t);
    const { secret } = await enableMfa(owner);
    expect((await credentialsRow(owner.userId)).row.mfa_secret_enc).toMatch(/^v1\.k1\./);

    const rotated = await buildApp({ config: loadConfig({ ...env, ENCRYPTION_KEYS: `${newKey},${oldKey}` }), handle: t.db });
    await rotated.server.ready();
    try {
      // The start-up pass already moved it: the old key could be retired now.
      expect((await credentialsRow(owner.userId)).row.mfa_secret_enc).toMatch(/^v1\.k2\./);
      const signIn = await secondStep(rotated.server, await passwordStep(rotated.server, owner), await codeAt(secret));
      expect(signIn.statusCode, signIn.body).toBe(200);
      const { text, row } = await credentialsRow(owner.userId);
      expect(row.mfa_secret_enc).toMatch(/^v1\.k2\./);
      expect(holdsInClear(text, secret)).toBe(false);
      const next = await secondStep(rotated.server, await passwordStep(rotated.server, owner), await codeAt(secret, 1));
      expect(next.statusCode, next.body).toBe(200);
    } finally {
      await rotated.server.close();
    }
  });
});
