import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  errors as joseErrors,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../platform/config.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import './identity.tables.ts';

/** The only algorithms accepted: asymmetric, so `alg: none` and HS/RS confusion fail by construction. */
const ALGORITHMS = ['ES256', 'EdDSA'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
export const ACCESS_TOKEN_AUDIENCE = 'reservehub-api';
/** Advisory lock key serialising the embedded mode's first key generation across processes. */
const SIGNING_KEY_LOCK = 7_364_019_282;

interface LoadedKey {
  kid: string;
  algorithm: Algorithm;
  privateKey: CryptoKey | undefined;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

const privateJwkSchema = z
  .object({ kid: z.string().min(1), alg: z.enum(ALGORITHMS), kty: z.string(), d: z.string() })
  .passthrough();

/** Claims of an access token (spec §7.2.1). */
export interface AccessClaims extends JWTPayload {
  sub: string;
  tenant_id: string;
  role: string;
  session_id: string;
  permissions: string[];
  mfa_verified: boolean;
  impersonated_by?: string;
  read_only?: boolean;
  /** Spec §7.2.1 `user_type`: 'customer' for a customer account's token (sub is the customer id); absent for people. */
  user_type?: 'customer';
}

export class InvalidTokenError extends Error {}

/**
 * Access-token signing keys. With JWT_PRIVATE_KEYS (a JSON array of private JWKs, each with
 * `kid` and `alg`, the first one signing) the keys come from configuration. Without it
 * (embedded mode) one ES256 key is generated on first start and kept in `signing_keys`, so
 * tokens survive restarts. All keys are published at /.well-known/jwks.json.
 */
export class SigningKeys {
  readonly #config: Config;
  readonly #db: Db;
  #loaded: Promise<LoadedKey[]> | undefined;

  constructor(deps: { config: Config; db: Db }) {
    this.#config = deps.config;
    this.#db = deps.db;
  }

  async #keys(): Promise<LoadedKey[]> {
    this.#loaded ??= this.#load().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async #load(): Promise<LoadedKey[]> {
    const configured = this.#config.JWT_PRIVATE_KEYS;
    if (configured !== undefined) {
      const parsed = z.array(privateJwkSchema).min(1).or(privateJwkSchema.transform((key) => [key])).parse(JSON.parse(configured));
      return Promise.all(parsed.map((jwk) => importPrivate(jwk.kid, jwk.alg, jwk)));
    }
    const rows = await withPlatform(this.#db, async (trx) => {
      // Two processes starting at once: the lock makes the second one find the first's key.
      await sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`.execute(trx);
      const existing = await storedSigningKeys(trx);
      if (existing.length > 0) return existing;
      await insertGeneratedKey(trx, 0);
      return storedSigningKeys(trx);
    });
    return importStored(rows);
  }

  /**
   * Re-reads keys kept in the database (JWT_PRIVATE_KEYS unset): a key another process rotated
   * in becomes known for verifying, and signs here once its activation time has come.
   */
  async refresh(): Promise<void> {
    if (this.#config.JWT_PRIVATE_KEYS !== undefined) return;
    const rows = await withPlatform(this.#db, (trx) => storedSigningKeys(trx));
    if (rows.length > 0) this.#loaded = importStored(rows);
  }

  /**
   * Loads (or, embedded, creates) the keys now. Called when the server starts: signing
   * happens inside sign-in transactions, and on PGlite's single connection a first lazy
   * load from inside one would wait for itself.
   */
  async preload(): Promise<void> {
    await this.#keys();
  }

  async sign(claims: AccessClaims, ttlSeconds: number): Promise<string> {
    const [signer] = await this.#keys();
    if (!signer?.privateKey) throw new Error('no signing key');
    const { sub, ...custom } = claims;
    return new SignJWT(custom)
      .setProtectedHeader({ alg: signer.algorithm, kid: signer.kid, typ: 'at+jwt' })
      .setSubject(sub)
      .setIssuer(this.#config.JWT_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .setJti(randomUUID())
      .sign(signer.privateKey);
  }

  /** Verifies signature (known kid, allowed algorithm), issuer, audience and expiry. */
  async verify(token: string): Promise<AccessClaims> {
    const keys = await this.#keys();
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = keys.find((candidate) => candidate.kid === header.kid);
          if (!key || header.alg !== key.algorithm) throw new InvalidTokenError('unknown signing key');
          return key.publicKey;
        },
        {
          algorithms: [...ALGORITHMS],
          issuer: this.#config.JWT_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          clockTolerance: 5,
        },
      );
      return accessClaimsSchema.parse(payload);
    } catch (error) {
      if (error instanceof InvalidTokenError || error instanceof joseErrors.JOSEError || error instanceof z.ZodError) {
        throw new InvalidTokenError(error instanceof joseErrors.JWTExpired ? 'token expired' : 'invalid token');
      }
      throw error;
    }
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.#keys()).map((key) => key.publicJwk) };
  }
}

const accessClaimsSchema = z
  .object({
    sub: z.string().uuid(),
    tenant_id: z.string().uuid(),
    role: z.string(),
    session_id: z.string().uuid(),
    permissions: z.array(z.string()),
    mfa_verified: z.boolean(),
    impersonated_by: z.string().uuid().optional(),
    read_only: z.boolean().optional(),
    user_type: z.literal('customer').optional(),
  })
  .passthrough();

async function importPrivate(kid: string, algorithm: Algorithm, jwk: JWK): Promise<LoadedKey> {
  const privateKey = await importJWK(jwk, algorithm);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ...publicPart } = jwk;
  const publicJwk: JWK = { ...publicPart, kid, alg: algorithm, use: 'sig' };
  const publicKey = await importJWK(publicJwk, algorithm);
  if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey)) throw new Error(`signing key ${kid} is not an asymmetric key`);
  return { kid, algorithm, privateKey, publicKey, publicJwk };
}

function isCryptoKey(key: CryptoKey | Uint8Array): key is CryptoKey {
  return !(key instanceof Uint8Array);
}

interface StoredSigningKey {
  kid: string;
  private_jwk: unknown;
  active: boolean;
}

/** Unretired keys, the signer first: the newest active one (or the oldest when none is active yet). */
async function storedSigningKeys(executor: Executor): Promise<StoredSigningKey[]> {
  const result = await sql<StoredSigningKey>`
    select kid, private_jwk, active_from <= now() as active from signing_keys
    where retired_at is null order by active_from desc, created_at desc`.execute(executor);
  const rows = result.rows;
  const signer = rows.find((row) => row.active) ?? rows.at(-1);
  return signer ? [signer, ...rows.filter((row) => row !== signer)] : [];
}

function importStored(rows: StoredSigningKey[]): Promise<LoadedKey[]> {
  return Promise.all(
    rows.map((row) => {
      const jwk = privateJwkSchema.parse(row.private_jwk);
      return importPrivate(row.kid, jwk.alg, jwk);
    }),
  );
}

async function insertGeneratedKey(executor: Executor, activateAfterSeconds: number): Promise<{ kid: string; activeFrom: Date }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = randomUUID();
  const { d: _d, ...publicJwk } = privateJwk;
  const inserted = await sql<{ active_from: Date }>`
    insert into signing_keys (kid, algorithm, public_jwk, private_jwk, active_from)
    values (${kid}, 'ES256', ${JSON.stringify({ ...publicJwk, kid, alg: 'ES256', use: 'sig' })}::jsonb,
            ${JSON.stringify({ ...privateJwk, kid, alg: 'ES256' })}::jsonb, now() + make_interval(secs => ${activateAfterSeconds}))
    returning active_from`.execute(executor);
  return { kid, activeFrom: new Date(inserted.rows[0]?.active_from ?? Date.now()) };
}

/** How long a superseded key keeps verifying: far longer than any access token lives (30 minutes at most). */
const SUPERSEDED_KEY_LIFETIME = '1 day';

/**
 * `rotate-keys` for access-token signing keys kept in the database: a new key that signs from
 * `activateAfterSeconds` on (every process learns it first, on its next key refresh). Keys
 * superseded for more than a day are retired.
 */
export async function rotateSigningKey(db: Db, activateAfterSeconds: number): Promise<{ kid: string; activeFrom: Date }> {
  return withPlatform(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`.execute(trx);
    await sql`
      update signing_keys old set retired_at = now()
      where old.retired_at is null and exists (
        select 1 from signing_keys newer
        where newer.active_from > old.active_from and newer.active_from < now() - ${SUPERSEDED_KEY_LIFETIME}::interval)`.execute(trx);
    return insertGeneratedKey(trx, activateAfterSeconds);
  });
}
