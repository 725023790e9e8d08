import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** A member of a business who may read its figures: an active owner or manager with an active account. */
export interface FiguresReader {
  user_id: string;
  email: string;
  first_name: string | null;
}

/** Of `userIds`, those who may read the business's figures today (removed or demoted people drop out). */
export async function figuresReaders(executor: Executor, tenantId: string, userIds: readonly string[]): Promise<FiguresReader[]> {
  if (userIds.length === 0) return [];
  const result = await sql<FiguresReader>`
    select u.id as user_id, u.email, u.first_name
    from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.status = 'active' and m.role in ('business_admin', 'manager')
      and u.status = 'active' and u.id = any(${[...userIds]}::uuid[])
    order by u.email`.execute(executor);
  return result.rows;
}

/** Who acted, for the platform's compliance views: the e-mail and name of each account id given (missing ids drop out). */
export async function peopleByIds(
  executor: Executor,
  userIds: readonly string[],
): Promise<Map<string, { email: string; name: string | null }>> {
  if (userIds.length === 0) return new Map();
  const result = await sql<{ id: string; email: string; first_name: string | null; last_name: string | null }>`
    select id, email, first_name, last_name from users where id = any(${[...userIds]}::uuid[])`.execute(executor);
  return new Map(
    result.rows.map((row) => [row.id, { email: row.email, name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null }]),
  );
}

/** Who can reach a business's data, for its compliance report: active members per role, owners' second factors, live API keys. */
export async function accessFigures(
  executor: Executor,
  tenantId: string,
): Promise<{ members_by_role: Record<string, number>; owners: number; owners_with_two_factor: number; active_api_keys: number }> {
  const roles = await sql<{ role: string; count: number }>`
    select m.role, count(*)::int as count
    from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.status = 'active' and u.status = 'active'
    group by m.role order by m.role`.execute(executor);
  const owners = await sql<{ owners: number; with_mfa: number }>`
    select count(*)::int as owners, count(c.mfa_enabled_at)::int as with_mfa
    from memberships m join users u on u.id = m.user_id left join user_credentials c on c.user_id = u.id
    where m.tenant_id = ${tenantId} and m.status = 'active' and u.status = 'active' and m.role = 'business_admin'`.execute(executor);
  const keys = await sql<{ count: number }>`
    select count(*)::int as count from api_keys where tenant_id = ${tenantId} and revoked_at is null`.execute(executor);
  return {
    members_by_role: Object.fromEntries(roles.rows.map((row) => [row.role, row.count])),
    owners: owners.rows[0]?.owners ?? 0,
    owners_with_two_factor: owners.rows[0]?.with_mfa ?? 0,
    active_api_keys: keys.rows[0]?.count ?? 0,
  };
}
