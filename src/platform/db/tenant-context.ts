import { sql } from 'kysely';
import { APP_ROLE, sendsStatementBatches, type Db, type Trx } from './database.ts';
import { inTransactionContext } from './transaction-context.ts';

/**
 * Runs a unit of work for one tenant: a transaction in which `app.tenant_id`
 * is set locally and the session role is switched to the application role,
 * so Row-Level Security policies see the tenant and cannot be bypassed even
 * when the connection itself belongs to a superuser (PGlite's default user).
 * Both settings vanish at commit or rollback, so a pooled connection never
 * carries one tenant's context into another's work. The transaction has its
 * context (transaction-context.ts): deferred writes sent before COMMIT, memos,
 * after-commit hooks run before this returns.
 */
export async function withTenant<T>(db: Db, tenantId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  // Tenant ids come from credentials and the tenant directory: anything else is a bug upstream.
  if (!UUID.test(tenantId)) throw new Error('withTenant needs a tenant id (a UUID)');
  if (sendsStatementBatches(db)) return withTenantBatched(db, tenantId, work);
  return inTransactionContext(
    (body) =>
      db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`.execute(trx);
        return body(trx);
      }),
    work,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `withTenant` on PostgreSQL in one round trip fewer: BEGIN and the two settings go as one
 * simple-protocol batch. Parameters cannot travel in a batch, so the tenant id is written
 * into it, which is safe only because `withTenant` checked that it is a UUID (and the role is
 * a constant). The work runs on that one connection; COMMIT or ROLLBACK ends it as
 * Kysely's own transaction would.
 */
async function withTenantBatched<T>(db: Db, tenantId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  const transaction = (body: (trx: Trx) => Promise<T>): Promise<T> =>
    db.connection().execute(async (connection) => {
      await sql
        .raw(`begin; select set_config('app.tenant_id', '${tenantId.toLowerCase()}', true), set_config('role', '${APP_ROLE}', true)`)
        .execute(connection);
      try {
        // A connection-bound handle inside BEGIN … COMMIT is what a Transaction is; the
        // type differs only in refusing nested transactions, which no work here starts.
        const result = await body(connection as unknown as Trx);
        await sql.raw('commit').execute(connection);
        return result;
      } catch (error) {
        await sql.raw('rollback').execute(connection).catch(() => undefined);
        throw error;
      }
    });
  return inTransactionContext(transaction, work);
}

/**
 * Runs platform work that legitimately spans tenants (sign-up before a tenant
 * exists, job pick-up, platform administration) as the connection's own role.
 * Keep these few and obvious: tenant data belongs in `withTenant`.
 */
export async function withPlatform<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return inTransactionContext((body) => db.transaction().execute(body), work);
}
