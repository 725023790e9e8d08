/**
 * Access-token signing keys kept in the database rotate without a restart: `rotateSigningKey`
 * stores a key ahead of its activation, every process learns it on refresh, the newest active key
 * signs and older ones keep verifying tokens already issued.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { withPlatform } from '../../src/platform/db/tenant-context.ts';
import { InvalidTokenError, SigningKeys, type AccessClaims } from '../../src/modules/identity/signing-keys.ts';
import { rotateSigningKey } from '../../src/modules/identity/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const claims: AccessClaims = {
  sub: '00000000-0000-4000-8000-000000000001',
  tenant_id: '00000000-0000-4000-8000-000000000002',
  role: 'business_admin',
  session_id: '00000000-0000-4000-8000-000000000003',
  permissions: [],
  mfa_verified: false,
};
const kidOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string }).kid;

describe('signing keys kept in the database', () => {
  it('a rotated key is learnt by every process before it signs; tokens of the old key stay valid', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const one = new SigningKeys({ config, db: db.db });
    const two = new SigningKeys({ config, db: db.db });
    await Promise.all([one.preload(), two.preload()]);
    const oldToken = await one.sign(claims, 300);
    const oldKid = kidOf(oldToken);
    expect(kidOf(await two.sign(claims, 300))).toBe(oldKid);

    const later = await rotateSigningKey(db.db, 3600);
    await Promise.all([one.refresh(), two.refresh()]);
    // Known everywhere, not signing yet.
    expect(kidOf(await one.sign(claims, 300))).toBe(oldKid);
    expect((await two.jwks()).keys.map((key) => key.kid)).toContain(later.kid);

    const now = await rotateSigningKey(db.db, 0);
    await one.refresh();
    const newToken = await one.sign(claims, 300);
    expect(kidOf(newToken)).toBe(now.kid);
    // The other process, before its refresh, does not know the key: after it, it accepts the token.
    await expect(two.verify(newToken)).rejects.toBeInstanceOf(InvalidTokenError);
    await two.refresh();
    expect((await two.verify(newToken)).sub).toBe(claims.sub);
    expect((await two.verify(oldToken)).sub).toBe(claims.sub);

    // A key superseded for more than a day is retired at the next rotation.
    await withPlatform(db.db, (trx) => sql`update signing_keys set active_from = active_from - interval '2 days' where kid <> ${later.kid}`.execute(trx));
    await rotateSigningKey(db.db, 3600);
    const retired = await withPlatform(db.db, (trx) => sql<{ kid: string }>`select kid from signing_keys where retired_at is not null`.execute(trx));
    expect(retired.rows.map((row) => row.kid)).toEqual([oldKid]);
  });
});
