import type { Executor } from '../../platform/db/database.ts';
import './identity.tables.ts';

/**
 * What authentication needs to trust a customer account's access token: the session (it must
 * be a customer's) and its tenant's status. Platform work, like `sessionPrincipal`: the token is
 * checked before any tenant context exists.
 */
export async function customerSessionPrincipal(executor: Executor, tenantId: string, sessionId: string) {
  return executor
    .selectFrom('sessions')
    .leftJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .select([
      'sessions.id as session_id',
      'sessions.customer_id',
      'sessions.revoked_at',
      'sessions.expires_at',
      'tenants.status as tenant_status',
    ])
    .where('sessions.tenant_id', '=', tenantId)
    .where('sessions.id', '=', sessionId)
    .where('sessions.customer_id', 'is not', null)
    .executeTakeFirst();
}

/**
 * Erasure of the customer: every session ends (live or not) and loses the IP address and user
 * agent it recorded, which are personal data. Returns the ids of the sessions that were live.
 */
export async function endCustomerSessionsForErasure(executor: Executor, tenantId: string, customerId: string): Promise<string[]> {
  const rows = await executor
    .updateTable('sessions')
    .set((eb) => ({
      revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())),
      revoked_reason: eb.fn.coalesce('revoked_reason', eb.val('customer_erased')),
      ip: null,
      user_agent: null,
    }))
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .returning(['id', 'revoked_reason'])
    .execute();
  return rows.filter((row) => row.revoked_reason === 'customer_erased').map((row) => row.id);
}
