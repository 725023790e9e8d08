import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** How recently and how often a tenant's business admins signed in (sessions started or refreshed). */
export interface AdminActivity {
  tenant_id: string;
  last_active_at: Date | null;
  /** Sessions admins started in the last 30 days. */
  sign_ins_30d: number;
}

/** Admin sign-in activity of every tenant that has admins; on the platform connection (`withPlatform`). */
export async function adminActivityByTenant(executor: Executor, now: Date): Promise<AdminActivity[]> {
  const result = await sql<{ tenant_id: string; last_active_at: Date | null; sign_ins_30d: string | number }>`
    select m.tenant_id, max(s.last_used_at) as last_active_at,
           count(s.id) filter (where s.created_at >= ${now}::timestamptz - interval '30 days') as sign_ins_30d
    from memberships m
    left join sessions s on s.tenant_id = m.tenant_id and s.user_id = m.user_id and s.impersonated_by is null
    where m.role = 'business_admin' and m.status = 'active'
    group by m.tenant_id`.execute(executor);
  return result.rows.map((row) => ({ tenant_id: row.tenant_id, last_active_at: row.last_active_at, sign_ins_30d: Number(row.sign_ins_30d) }));
}
