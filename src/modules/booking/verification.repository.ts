import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { BookingVerificationsTable } from './booking.tables.ts';

export type VerificationRow = Selectable<BookingVerificationsTable>;

/** SQL of guest verification codes. */
export class VerificationRepository {
  async insert(
    executor: Executor,
    tenantId: string,
    row: { id: string; channel: 'email' | 'sms'; destinationHash: string; codeHash: string; ip: string | null; expiresAt: Date },
  ): Promise<void> {
    await executor
      .insertInto('booking_verifications')
      .values({
        tenant_id: tenantId,
        id: row.id,
        channel: row.channel,
        destination_hash: row.destinationHash,
        code_hash: row.codeHash,
        requested_ip: row.ip,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  /** The newest code sent to the destination that is still open (not verified), locked. */
  async latestOpen(executor: Executor, tenantId: string, destinationHash: string): Promise<VerificationRow | undefined> {
    return executor
      .selectFrom('booking_verifications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('destination_hash', '=', destinationHash)
      .where('verified_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  async countAttempt(executor: Executor, tenantId: string, id: string): Promise<number> {
    const row = await executor
      .updateTable('booking_verifications')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning('attempts')
      .executeTakeFirstOrThrow();
    return row.attempts;
  }

  async markVerified(executor: Executor, tenantId: string, id: string, tokenHash: string, tokenExpiresAt: Date): Promise<void> {
    await executor
      .updateTable('booking_verifications')
      .set({ verified_at: sql<Date>`now()`, token_hash: tokenHash, token_expires_at: tokenExpiresAt })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  /** Consumes a verification token issued for one of the destinations; false when none matches. */
  async consumeToken(executor: Executor, tenantId: string, tokenHash: string, destinationHashes: readonly string[], now: Date): Promise<boolean> {
    if (destinationHashes.length === 0) return false;
    const row = await executor
      .updateTable('booking_verifications')
      .set({ consumed_at: now })
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', tokenHash)
      .where('destination_hash', 'in', [...destinationHashes])
      .where('consumed_at', 'is', null)
      .where('token_expires_at', '>', now)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }
}
