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
