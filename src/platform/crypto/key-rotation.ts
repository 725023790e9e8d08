import { z } from 'zod';
import type { Executor, Trx } from '../db/database.ts';
import { withTenant } from '../db/tenant-context.ts';
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
