import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Db, Executor, Trx } from '../db/database.ts';
import { withPlatform, withTenant } from '../db/tenant-context.ts';
import { defineJob, type JobDefinition, type JobKind } from '../jobs/job-definition.ts';
import { enqueue } from '../jobs/queue.ts';
import type { KeyRing } from './field-encryption.ts';

/**
 * A table whose encrypted columns follow key rotation. Its module implements
 * it (the platform never knows the tables): re-encrypt, under the current
 * key, up to `limit` rows of the tenant still written under an older key, and
 * say how many were rewritten. Rows are locked `FOR UPDATE SKIP LOCKED`, so
 * requests keep reading and writing while rotation runs (a request that
 * writes a row writes it under the current key anyway).
 */
export interface ReencryptionTarget {
  name: string;
  reencryptBatch(trx: Trx, keyRing: KeyRing, tenantId: string, limit: number): Promise<number>;
}

/**
 * SQL condition for tables without a `key_id` column: the ciphertext in
 * `column` was written under another key than `currentKid` (the key id is the
 * second dot-separated part of a `v1.<kid>.…` value). NULL is never selected.
 */
export function writtenUnderOtherKey(column: string, currentKid: string): RawBuilder<boolean> {
  return sql<boolean>`split_part(${sql.ref(column)}, '.', 2) <> ${currentKid}`;
}

/**
 * The value under the current key, bound to the same context; unchanged when
 * it already is (or is NULL). Throws `DecryptionError` for a value that does
 * not authenticate: rotation stops rather than overwrite data it cannot read.
 */
export function reencrypted(keyRing: KeyRing, ciphertext: string | null, context: string): string | null {
  if (ciphertext === null || !keyRing.needsRotation(ciphertext)) return ciphertext;
  return keyRing.encrypt(keyRing.decrypt(ciphertext, context), context);
}

const rotationPayload = z.object({ batch: z.number().int().min(0) });

const keyRotationJob: JobKind<typeof rotationPayload> = { name: 'crypto.rotate-keys', version: 1, payload: rotationPayload };

export interface KeyRotationJobDeps {
  keyRing: KeyRing;
  targets: readonly ReencryptionTarget[];
  /** Rows per target per transaction: small, so locks are short. */
  batchSize?: number;
}

/**
 * Re-encrypts one tenant's data under the current key, one short transaction
 * per batch; while rows remain, each run enqueues the next batch. Idempotent:
 * a row already under the current key is not selected again.
 */
export function createKeyRotationJob(deps: KeyRotationJobDeps): JobDefinition<typeof rotationPayload> {
  const batchSize = deps.batchSize ?? 200;
  return defineJob({
    ...keyRotationJob,
    async handle(payload, context) {
      const tenantId = context.tenantId;
      if (tenantId === null) return { outcome: 'discard', reason: 'key rotation runs per tenant' };
      const rewritten = await withTenant(context.db, tenantId, async (trx) => {
        let total = 0;
        let more = false;
        for (const target of deps.targets) {
          const count = await target.reencryptBatch(trx, deps.keyRing, tenantId, batchSize);
          total += count;
          more ||= count >= batchSize;
        }
        if (more) await enqueueKeyRotation(trx, deps.keyRing, tenantId, payload.batch + 1);
        return total;
      });
      return { outcome: 'done', note: `re-encrypted ${rewritten} rows` };
    },
  });
}

/**
 * Starts (or continues) the re-encryption of one tenant's data. Starting it
 * twice for the same current key is a no-op.
 */
export async function enqueueKeyRotation(
  executor: Executor,
  keyRing: KeyRing,
  tenantId: string,
  batch = 0,
): Promise<string | null> {
  return enqueue(executor, keyRotationJob, { batch }, { tenantId, dedupeKey: `${tenantId}:${keyRing.currentKid}:${batch}` });
}

/** platform_settings key: the key id every tenant's rotation was last started for. */
const ROTATION_SETTING = 'crypto.rotation_started_for_kid';

/**
 * Starts the rotation of every tenant once per new current key (run by the worker at start):
 * data that only some tenants hold (webhook secrets, push subscriptions, messages) is
 * re-encrypted even where no customer row is stale. A no-op while the current key is the
 * one recorded; per tenant, `enqueueKeyRotation`'s dedupe key makes a second start harmless.
 * Returns how many tenants' rotations were started.
 */
export async function startKeyRotationForNewKey(db: Db, keyRing: KeyRing): Promise<number> {
  return withPlatform(db, async (trx) => {
    const recorded = await sql<{ kid: string | null }>`
      select value->>'kid' as kid from platform_settings where key = ${ROTATION_SETTING} for update`.execute(trx);
    if (recorded.rows[0]?.kid === keyRing.currentKid) return 0;
    const tenants = await sql<{ id: string }>`select id from tenants`.execute(trx);
    for (const tenant of tenants.rows) await enqueueKeyRotation(trx, keyRing, tenant.id);
    await sql`
      insert into platform_settings (key, value) values (${ROTATION_SETTING}, jsonb_build_object('kid', ${keyRing.currentKid}::text))
      on conflict (key) do update set value = excluded.value, updated_at = now()`.execute(trx);
    return tenants.rows.length;
  });
}
