/**
 * A business's pending invitations: who was asked to join with which role, until when; sending one again (a fresh
 * link, the old one stops working) and taking one back. Invitations are one-time tokens (platform rows, looked up
 * by hash), always filtered here by the caller's business.
 */
import { publicUrl, type Config } from '../../platform/config.ts';
import type { Db, Executor, Trx } from '../../platform/db/database.ts';
import { withPlatform } from '../../platform/db/tenant-context.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { RequestMeta } from './auth.service.ts';
import type { IdentityMessagesPort } from './messages.ts';
import type { OneTimeTokenHasher } from './one-time-token-hash.ts';
import { randomToken } from './secrets.ts';
import { INVITATION_TTL_MS, invitedLocations } from './users.service.ts';

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  custom_role_id: string | null;
  location_ids: string[] | null;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

const text = (payload: unknown, key: string): string | null => {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
};

/**
 * A business's invitations not yet accepted and not expired, newest first (at most 200). One-time tokens are
 * platform rows: read on the platform connection, filtered here by the business's id.
 */
export async function pendingInvitations(executor: Executor, tenantId: string): Promise<PendingInvitation[]> {
  const rows = await executor
    .selectFrom('one_time_tokens')
    .select(['id', 'email', 'payload', 'created_at', 'expires_at'])
    .where('purpose', '=', 'invitation')
    .where('tenant_id', '=', tenantId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    email: row.email ?? '',
    role: text(row.payload, 'role') ?? 'staff',
    custom_role_id: text(row.payload, 'custom_role_id'),
    location_ids: invitedLocations(row.payload),
    invited_by: text(row.payload, 'invited_by'),
    created_at: new Date(row.created_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
  }));
}

export function createInvitationsService(deps: { db: Db; config: Config; hasher: OneTimeTokenHasher; messages: IdentityMessagesPort }) {
  const { db } = deps;

  /** The caller's business's live invitation, locked; 404 for anything else (another business's, used, expired). */
  async function pending(trx: Trx, auth: AuthContext, id: string) {
    const row = await trx
      .selectFrom('one_time_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('purpose', '=', 'invitation')
      .where('tenant_id', '=', auth.tenantId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Invitation');
    return row;
  }

  async function audit(trx: Trx, auth: AuthContext, request: RequestMeta, action: string, id: string, values: Record<string, unknown>) {
    await recordAudit(trx, {
      tenantId: auth.tenantId,
      action,
      actor: { type: auth.actor.type, id: auth.actor.id },
      userId: auth.userId,
      entityType: 'invitation',
      entityId: id,
      newValues: values,
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
    });
  }

  return {
    /** Invitations not yet accepted and not expired, newest first. */
    async list(auth: AuthContext): Promise<PendingInvitation[]> {
      return withPlatform(db, (trx) => pendingInvitations(trx, auth.tenantId));
    },

    /** A fresh link by e-mail, valid for the full period again; the previous link stops working. */
    async resend(auth: AuthContext, id: string, request: RequestMeta): Promise<{ id: string; email: string; expires_at: string }> {
      return withPlatform(db, async (trx) => {
        const row = await pending(trx, auth, id);
        const secret = randomToken(32);
        const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
        await trx
          .updateTable('one_time_tokens')
          .set({ token_hash: deps.hasher.hash('invitation', secret), expires_at: expiresAt, attempts: 0 })
          .where('id', '=', row.id)
          .execute();
        const email = row.email ?? '';
        await deps.messages.queue(trx, {
          kind: 'invitation',
          tenantId: auth.tenantId,
          reference: `invitation:${row.id}:${expiresAt.getTime()}`,
          to: email,
          link: { urlBase: `${publicUrl(deps.config)}/admin/accept-invitation?token=`, token: secret, expiresHours: INVITATION_TTL_MS / 3_600_000 },
          role: text(row.payload, 'role') ?? 'staff',
        });
        await audit(trx, auth, request, 'user.invitation_resent', row.id, { email, expires_at: expiresAt.toISOString() });
        return { id: row.id, email, expires_at: expiresAt.toISOString() };
      });
    },

    /** Takes the invitation back: its link stops working at once. */
    async revoke(auth: AuthContext, id: string, request: RequestMeta): Promise<void> {
      await withPlatform(db, async (trx) => {
        const row = await pending(trx, auth, id);
        await trx.deleteFrom('one_time_tokens').where('id', '=', row.id).execute();
        await audit(trx, auth, request, 'user.invitation_revoked', row.id, { email: row.email, role: text(row.payload, 'role') });
      });
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
