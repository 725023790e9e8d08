import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { pendingInvitations } from './invitations.service.ts';

/** One member of a business's team, as the platform console shows it (no credentials, no secrets). */
export interface BusinessMember {
  user_id: string;
  email: string;
  name: string | null;
  role: string;
  /** The custom role's name when `role` is `custom`. */
  custom_role_name: string | null;
  /** The membership's status (`active`, `deactivated`); a disabled account reads as `disabled`. */
  status: 'active' | 'deactivated' | 'disabled';
  two_factor: boolean;
  /** The member's last request in this business. */
  last_active_at: Date | null;
  /** The last session they started themselves (support impersonation left out). */
  last_sign_in_at: Date | null;
}

/** At most this many members are listed; businesses this large are rare and the count says so. */
const MEMBER_LIMIT = 500;

/**
 * A business's people for the platform console: its members (customers left out) with their roles,
 * second factor and last activity, and how many invitations wait. Accounts and credentials are
 * platform rows, so this reads on the platform connection (`withPlatform`), filtered by the business.
 */
export async function businessPeople(
  executor: Executor,
  tenantId: string,
): Promise<{ members: BusinessMember[]; total: number; pending_invitations: number }> {
  const result = await sql<BusinessMember & { total: string | number }>`
    select u.id as user_id, u.email, nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') as name,
           m.role, r.name as custom_role_name,
           case when u.status = 'disabled' then 'disabled' else m.status end as status,
           (c.mfa_enabled_at is not null) as two_factor,
           m.last_used_at as last_active_at,
           (select max(s.created_at) from sessions s
             where s.tenant_id = m.tenant_id and s.user_id = m.user_id and s.impersonated_by is null) as last_sign_in_at,
           count(*) over () as total
    from memberships m
    join users u on u.id = m.user_id
    left join roles r on r.tenant_id = m.tenant_id and r.id = m.custom_role_id
    left join user_credentials c on c.user_id = u.id
    where m.tenant_id = ${tenantId} and m.role <> 'customer'
    order by (m.status = 'active' and u.status = 'active') desc, m.last_used_at desc nulls last, lower(u.email), u.id
    limit ${MEMBER_LIMIT}`.execute(executor);
  const invitations = await pendingInvitations(executor, tenantId);
  return {
    members: result.rows.map(({ total: _total, ...member }) => member),
    total: Number(result.rows[0]?.total ?? 0),
    pending_invitations: invitations.length,
  };
}
