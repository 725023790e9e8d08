import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { UserCredentialsTable } from './identity.tables.ts';
import './identity.tables.ts';
import { writtenUnderOtherKey } from '../../platform/crypto/key-rotation.ts';

/**
 * The TOTP columns of `user_credentials` (a platform table: people are global). Secrets are
 * stored only as key-ring ciphertext; `mfa_secret` is the plaintext column of rows written
 * before migration 0063, read until the start-up pass has encrypted and cleared it.
 */
export type MfaState = Pick<
  Selectable<UserCredentialsTable>,
  'user_id' | 'mfa_secret' | 'mfa_secret_enc' | 'mfa_pending_secret_enc' | 'mfa_last_step' | 'mfa_enabled_at'
>;

export async function findMfaState(executor: Executor, userId: string): Promise<MfaState | undefined> {
  return executor
    .selectFrom('user_credentials')
    .select(['user_id', 'mfa_secret', 'mfa_secret_enc', 'mfa_pending_secret_enc', 'mfa_last_step', 'mfa_enabled_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Locks the person's credentials row until the caller's transaction ends (serialises their MFA attempts). */
export async function lockMfaState(executor: Executor, userId: string): Promise<void> {
  await executor.selectFrom('user_credentials').select('user_id').where('user_id', '=', userId).forUpdate().execute();
}

export async function setPendingSecret(executor: Executor, userId: string, encryptedSecret: string): Promise<void> {
  await executor
    .updateTable('user_credentials')
    .set({ mfa_pending_secret_enc: encryptedSecret, mfa_pending_secret: null })
    .where('user_id', '=', userId)
    .execute();
}

/** Turns TOTP on with a new secret: no step of it has been used at sign-in yet. */
export async function enableMfa(executor: Executor, userId: string, encryptedSecret: string): Promise<void> {
  await executor
    .updateTable('user_credentials')
    .set({
      mfa_secret_enc: encryptedSecret,
      mfa_secret: null,
      mfa_pending_secret_enc: null,
      mfa_pending_secret: null,
      mfa_last_step: null,
      mfa_enabled_at: new Date(),
    })
    .where('user_id', '=', userId)
    .execute();
}

export async function disableMfa(executor: Executor, userId: string): Promise<void> {
  await executor
    .updateTable('user_credentials')
    .set({
      mfa_secret_enc: null,
      mfa_secret: null,
      mfa_pending_secret_enc: null,
      mfa_pending_secret: null,
      mfa_last_step: null,
      mfa_enabled_at: null,
    })
    .where('user_id', '=', userId)
    .execute();
  await executor.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
}

/**
 * Records `step` as the user's last accepted TOTP time step, only if it is newer than the
 * one recorded: true when it was. One conditional statement, no read before it, so of two
 * transactions accepting the same step the second waits on the row lock, re-checks the
 * condition against the committed row and gets false.
 */
export async function acceptTimeStep(executor: Executor, userId: string, step: number): Promise<boolean> {
  const row = await executor
    .updateTable('user_credentials')
    .set({ mfa_last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Replaces a legacy plaintext secret by its ciphertext, if the row still holds that plaintext. */
export async function encryptLegacySecret(executor: Executor, userId: string, plaintext: string, encryptedSecret: string): Promise<boolean> {
  const result = await executor
    .updateTable('user_credentials')
    .set({ mfa_secret_enc: encryptedSecret, mfa_secret: null })
    .where('user_id', '=', userId)
    .where('mfa_secret', '=', plaintext)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Re-encrypts a secret under the current key, if the row still holds the `previous` ciphertext. */
export async function replaceSecretCiphertext(executor: Executor, userId: string, previous: string, next: string): Promise<boolean> {
  const result = await executor
    .updateTable('user_credentials')
    .set({ mfa_secret_enc: next })
    .where('user_id', '=', userId)
    .where('mfa_secret_enc', '=', previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Rows still holding a plaintext secret, in user id order after `afterUserId` (keyset pages). */
export async function plaintextSecrets(executor: Executor, afterUserId: string | null, limit: number) {
  const rows = await executor
    .selectFrom('user_credentials')
    .select(['user_id', 'mfa_secret'])
    .where('mfa_secret', 'is not', null)
    .$if(afterUserId !== null, (q) => q.where('user_id', '>', afterUserId ?? ''))
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.mfa_secret === null ? [] : [{ user_id: row.user_id, mfa_secret: row.mfa_secret }]));
}

/** Rows whose secret ciphertext was written under another key than `currentKid`, in user id order after `afterUserId`. */
export async function secretsUnderOtherKey(executor: Executor, currentKid: string, afterUserId: string | null, limit: number) {
  const rows = await executor
    .selectFrom('user_credentials')
    .select(['user_id', 'mfa_secret_enc'])
    .where('mfa_secret_enc', 'is not', null)
    .where(writtenUnderOtherKey('mfa_secret_enc', currentKid))
    .$if(afterUserId !== null, (q) => q.where('user_id', '>', afterUserId ?? ''))
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.mfa_secret_enc === null ? [] : [{ user_id: row.user_id, mfa_secret_enc: row.mfa_secret_enc }]));
}
