import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { OneTimePurpose, OneTimeTokensTable } from './identity.tables.ts';
import './identity.tables.ts';

export type OneTimeTokenRow = Selectable<OneTimeTokensTable>;

export async function insertOneTimeToken(
  executor: Executor,
  values: {
    purpose: OneTimePurpose;
    tokenHash: string;
    userId: string | null;
    tenantId: string | null;
    email: string | null;
    payload: Record<string, unknown>;
    expiresAt: Date;
  },
): Promise<OneTimeTokenRow> {
  return executor
    .insertInto('one_time_tokens')
    .values({
      purpose: values.purpose,
      token_hash: values.tokenHash,
      user_id: values.userId,
      tenant_id: values.tenantId,
      email: values.email,
      payload: JSON.stringify(values.payload),
      expires_at: values.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live (unused, unexpired) token of that purpose stored as one of `tokenHashes`, locked for the caller's transaction. */
export async function findLiveToken(executor: Executor, purpose: OneTimePurpose, tokenHashes: readonly string[]): Promise<OneTimeTokenRow | undefined> {
  return executor
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('token_hash', 'in', tokenHashes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .forUpdate()
    .executeTakeFirst();
}

export async function markTokenUsed(executor: Executor, tokenId: string): Promise<void> {
  await executor.updateTable('one_time_tokens').set({ used_at: new Date() }).where('id', '=', tokenId).execute();
}

export async function countTokenAttempt(executor: Executor, tokenId: string): Promise<number> {
  const row = await executor
    .updateTable('one_time_tokens')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', tokenId)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

/** Voids earlier live tokens of the same purpose for a user (a new reset link replaces the old). */
export async function voidUserTokens(executor: Executor, purpose: OneTimePurpose, userId: string): Promise<void> {
  await executor
    .updateTable('one_time_tokens')
    .set({ used_at: new Date() })
    .where('purpose', '=', purpose)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

export async function recordLoginFailure(executor: Executor, account: string, ip: string): Promise<void> {
  await executor.insertInto('login_failures').values({ account, ip }).execute();
}

/** Failures and the oldest one's time inside the window, for an account or an IP. */
export async function loginFailuresSince(executor: Executor, column: 'account' | 'ip', value: string, since: Date) {
  const row = await executor
    .selectFrom('login_failures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where(column, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return { count: Number(row?.count ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

export async function clearAccountFailures(executor: Executor, account: string): Promise<void> {
  await executor.deleteFrom('login_failures').where('account', '=', account).execute();
}

export async function purgeExpired(executor: Executor, before: Date): Promise<number> {
  const failures = await executor.deleteFrom('login_failures').where('created_at', '<', before).executeTakeFirst();
  const tokens = await executor.deleteFrom('one_time_tokens').where('expires_at', '<', before).executeTakeFirst();
  return Number(failures.numDeletedRows) + Number(tokens.numDeletedRows);
}
