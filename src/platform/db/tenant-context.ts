import { sql } from 'kysely';
import { APP_ROLE, type Db, type Trx } from './database.ts';

/**
 * Runs a unit of work for one tenant: a transaction in which `app.tenant_id`
 * is set locally and the session role is switched to the application role,
 * so Row-Level Security policies see the tenant and cannot be bypassed even
 * when the connection itself belongs to a superuser (PGlite's default user).
 * Both settings vanish at commit or rollback, so a pooled connection never
 * carries one tenant's context into another's work.
 */
export async function withTenant<T>(db: Db, tenantId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`.execute(
      trx,
    );
    return work(trx);
  });
}

/**
 * Runs platform work that legitimately spans tenants (sign-up before a tenant
 * exists, job pick-up, platform administration) as the connection's own role.
 * Keep these few and obvious: tenant data belongs in `withTenant`.
 */
export async function withPlatform<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
