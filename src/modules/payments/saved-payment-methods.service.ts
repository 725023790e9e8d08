import type { Executor } from '../../platform/db/database.ts';
import type { SavedPaymentMethod, SavedPaymentMethodsPort } from './payments-port.ts';
import './payments.tables.ts';

/** SQL of a customer's saved methods (tenant-scoped; RLS checks the tenant again). */
async function methodsOfCustomer(executor: Executor, tenantId: string, customerId: string) {
  return executor
    .selectFrom('payment_methods')
    .select(['id', 'provider', 'brand', 'last4', 'exp_month', 'exp_year', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

async function deleteMethodOfCustomer(executor: Executor, tenantId: string, customerId: string, id: string): Promise<boolean> {
  const row = await executor
    .deleteFrom('payment_methods')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The customer's account view of their saved methods. Removing one deletes our record of the
 * provider's token, so it is never charged again (no-show fees included); the token itself stays
 * with the provider, detached from nothing (payments keep no card data to remove).
 */
export function createSavedPaymentMethodsPort(): SavedPaymentMethodsPort {
  return {
    async listForCustomer(trx, tenantId, customerId): Promise<SavedPaymentMethod[]> {
      const rows = await methodsOfCustomer(trx, tenantId, customerId);
      return rows.map((row) => ({
        id: row.id,
        provider: row.provider,
        brand: row.brand,
        last4: row.last4,
        exp_month: row.exp_month,
        exp_year: row.exp_year,
        created_at: new Date(row.created_at).toISOString(),
      }));
    },
    removeForCustomer: (trx, tenantId, customerId, paymentMethodId) => deleteMethodOfCustomer(trx, tenantId, customerId, paymentMethodId),
  };
}
