import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Executor } from '../db/database.ts';
import type { KeyRing } from '../crypto/field-encryption.ts';
import { AppError } from './errors.ts';
import { tenantOf } from './access.ts';

/** How long a stored answer is kept (and replayed); the purge job removes older ones. */
export const KEY_TTL_HOURS = 48;
/** How long a request may run before another attempt with its key may take over (a crashed process). */
const IN_FLIGHT_LEASE_SECONDS = 60;

interface StoredKey {
  fingerprint: string;
  status: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_content_type: string | null;
  lease_expired: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

/**
 * The request's `Idempotency-Key`, for handlers that pass it on (to a payment provider, or to
 * make a booking's own writes replay-safe); null when absent. The hook below has already refused
 * a key that is empty or too long on POST and PATCH.
 */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return typeof key === 'string' && key !== '' ? key : null;
}

/** The credential a key belongs to: keys are per tenant and per credential. */
function scopeOf(request: FastifyRequest): string {
  return `${tenantOf(request) ?? 'platform'}:${request.auth?.actor.id ?? 'anonymous'}`;
}

function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * Idempotency-Key for POST and PATCH, as the API contract describes: a retry
 * with the same key and body gets the stored answer with
 * `Idempotent-Replayed: true`; another body or path answers 422; a retry while
 * the first is still running answers 409. Answers of 5xx are not stored, so
 * the client may retry them. Stored answers can hold personal data (a guest's
 * name and email in a booking), so they are kept encrypted.
 */
const encryptionContext = (scope: string, key: string) => `idempotency:${scope}:${key}`;

export function registerIdempotency(app: FastifyInstance, db: Db, keyRing: KeyRing): void {
  const context = encryptionContext;
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' && request.method !== 'PATCH') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key.length < 1 || key.length > 255) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1 to 255 characters', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
      ]);
    }
    const scope = scopeOf(request);
    const fingerprint = fingerprintOf(request);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const claimed = await sql<{ key: string }>`
        insert into idempotency_keys (scope, key, fingerprint, method, path, locked_until, expires_at)
        values (${scope}, ${key}, ${fingerprint}, ${request.method}, ${request.url},
                now() + make_interval(secs => ${IN_FLIGHT_LEASE_SECONDS}), now() + make_interval(hours => ${KEY_TTL_HOURS}))
        on conflict (scope, key) do update
          set fingerprint = excluded.fingerprint, method = excluded.method, path = excluded.path,
              status = 'in_progress', response_status = null, response_body = null,
              locked_until = excluded.locked_until, created_at = now(), expires_at = excluded.expires_at
          where idempotency_keys.expires_at < now()
        returning key`.execute(db);
      if (claimed.rows.length > 0) {
        request.idempotency = { scope, key };
        return;
      }
      const existing = await sql<StoredKey>`
        select fingerprint, status, response_status, response_body, response_content_type,
               locked_until < now() as lease_expired
        from idempotency_keys where scope = ${scope} and key = ${key}`.execute(db);
      const stored = existing.rows[0];
      if (!stored) continue;
      if (stored.fingerprint !== fingerprint) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request; use a new key for a new request',
        );
      }
      if (stored.status === 'done' && stored.response_status !== null) {
        reply.header('idempotent-replayed', 'true');
        reply.header('content-type', stored.response_content_type ?? 'application/json; charset=utf-8');
        reply.code(stored.response_status);
        request.idempotency = null;
        return reply.send(stored.response_body === null ? '' : keyRing.decrypt(stored.response_body, context(scope, key)));
      }
      if (!stored.lease_expired) {
        throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed', undefined, {
          'retry-after': '1',
        });
      }
      // The first attempt died without answering: take its place.
      const taken = await sql`
        update idempotency_keys set locked_until = now() + make_interval(secs => ${IN_FLIGHT_LEASE_SECONDS})
        where scope = ${scope} and key = ${key} and status = 'in_progress' and locked_until < now()`.execute(db);
      if (Number(taken.numAffectedRows ?? 0) > 0) {
        request.idempotency = { scope, key };
        return;
      }
    }
    throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      await sql`delete from idempotency_keys where scope = ${claim.scope} and key = ${claim.key}`.execute(db);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    await sql`
      update idempotency_keys
      set status = 'done', response_status = ${reply.statusCode},
          response_body = ${keyRing.encrypt(body, context(claim.scope, claim.key))},
          response_content_type = ${contentType}
      where scope = ${claim.scope} and key = ${claim.key}`.execute(db);
    return payload;
  });
}

/** One stored answer of a tenant, decrypted (null when this key ring cannot read it). */
export interface StoredResponse {
  scope: string;
  key: string;
  method: string;
  path: string;
  status: 'in_progress' | 'done';
  responseStatus: number | null;
  body: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The stored answers of a tenant's requests (at most `KEY_TTL_HOURS` old once the purge
 * job has run), for the privacy rights of the people they concern. Runs in the tenant's
 * transaction: Row-Level Security limits it to that tenant's keys (migration 0076).
 */
export async function storedResponsesOfTenant(executor: Executor, keyRing: KeyRing, tenantId: string): Promise<StoredResponse[]> {
  const rows = await sql<{
    scope: string;
    key: string;
    method: string;
    path: string;
    status: 'in_progress' | 'done';
    response_status: number | null;
    response_body: string | null;
    created_at: Date;
    expires_at: Date;
  }>`
    select scope, key, method, path, status, response_status, response_body, created_at, expires_at
    from idempotency_keys where tenant_id = ${tenantId} order by created_at, scope, key`.execute(executor);
  return rows.rows.map((row) => ({
    scope: row.scope,
    key: row.key,
    method: row.method,
    path: row.path,
    status: row.status,
    responseStatus: row.response_status,
    body: decryptOrNull(keyRing, row.response_body, encryptionContext(row.scope, row.key)),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  }));
}

function decryptOrNull(keyRing: KeyRing, ciphertext: string | null, context: string): string | null {
  if (ciphertext === null) return null;
  try {
    return keyRing.decrypt(ciphertext, context);
  } catch {
    return null;
  }
}

/** Deletes some of a tenant's stored answers (a replay then runs the request again). */
export async function deleteStoredResponses(executor: Executor, tenantId: string, keys: ReadonlyArray<{ scope: string; key: string }>): Promise<number> {
  let deleted = 0;
  for (const { scope, key } of keys) {
    const result = await sql`delete from idempotency_keys where tenant_id = ${tenantId} and scope = ${scope} and key = ${key}`.execute(executor);
    deleted += Number(result.numAffectedRows ?? 0);
  }
  return deleted;
}

/** Removes keys past their retention; run by the hourly `platform.idempotency_purge` job. */
export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  const result = await sql`delete from idempotency_keys where expires_at < now()`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
