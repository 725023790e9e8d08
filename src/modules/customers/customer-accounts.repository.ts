import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AccountCodePurpose, CustomerAccountCodeRow, CustomerCredentialRow } from './customer-accounts.tables.ts';
import './customer-accounts.tables.ts';

/** SQL of customer accounts' codes and passwords. Every function takes the tenant and scopes by it. */

export async function insertCode(
  executor: Executor,
  tenantId: string,
  values: {
    id: string;
    purpose: AccountCodePurpose;
    destinationBidx: string;
    customerId: string | null;
    codeHash: string;
    ipHash: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await executor
    .insertInto('customer_account_codes')
    .values({
      tenant_id: tenantId,
      id: values.id,
      purpose: values.purpose,
      destination_bidx: values.destinationBidx,
      customer_id: values.customerId,
      code_hash: values.codeHash,
      ip_hash: values.ipHash,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** The newest unused code of this purpose for the destination (and, for a phone, the customer asking), locked. */
export async function latestOpenCode(
  executor: Executor,
  tenantId: string,
  purpose: AccountCodePurpose,
  destinationBidx: string,
  customerId: string | null,
): Promise<CustomerAccountCodeRow | undefined> {
  return executor
    .selectFrom('customer_account_codes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', purpose)
    .where('destination_bidx', '=', destinationBidx)
    .$if(customerId !== null, (query) => query.where('customer_id', '=', customerId ?? ''))
    .where('used_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function countCodeAttempt(executor: Executor, tenantId: string, id: string): Promise<void> {
  await executor
    .updateTable('customer_account_codes')
    .set({ attempts: sql<number>`attempts + 1` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export async function markCodeUsed(executor: Executor, tenantId: string, id: string): Promise<void> {
  await executor
    .updateTable('customer_account_codes')
    .set({ used_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Codes older than `before` (long past their ten minutes and the hour the IP limit looks back). */
export async function purgeCodesBefore(executor: Executor, tenantId: string, before: Date): Promise<void> {
  await executor.deleteFrom('customer_account_codes').where('tenant_id', '=', tenantId).where('created_at', '<', before).execute();
}

/** Erasure: every code tied to the customer or sent to their email or phone. */
export async function deleteCodesOf(
  executor: Executor,
  tenantId: string,
  customerId: string,
  destinationBidxs: readonly string[],
): Promise<number> {
  const result = await executor
    .deleteFrom('customer_account_codes')
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('customer_id', '=', customerId),
        ...(destinationBidxs.length > 0 ? [eb('destination_bidx', 'in', [...destinationBidxs])] : []),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findCredential(executor: Executor, tenantId: string, customerId: string): Promise<CustomerCredentialRow | undefined> {
  return executor
    .selectFrom('customer_credentials')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
}

export async function upsertCredential(executor: Executor, tenantId: string, customerId: string, passwordHash: string): Promise<void> {
  await executor
    .insertInto('customer_credentials')
    .values({ tenant_id: tenantId, customer_id: customerId, password_hash: passwordHash })
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'customer_id']).doUpdateSet({ password_hash: passwordHash, password_changed_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function deleteCredential(executor: Executor, tenantId: string, customerId: string): Promise<number> {
  const result = await executor
    .deleteFrom('customer_credentials')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
