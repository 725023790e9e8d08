import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import { ProviderRequestError, ProviderUnavailableError } from './payment-provider.ts';
import type { PaymentsContext } from './payments-context.ts';
import type { SavedPaymentMethod, SavedPaymentMethodsPort } from '../customers/index.ts';
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

/** One of the customer's methods, locked until the removal commits or rolls back. */
async function lockMethodOfCustomer(executor: Executor, tenantId: string, customerId: string, id: string) {
  return executor
    .selectFrom('payment_methods')
    .select(['id', 'provider', 'provider_payment_method_id', 'provider_customer_id'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

async function deleteMethodOfCustomer(executor: Executor, tenantId: string, customerId: string, id: string): Promise<void> {
  await executor
    .deleteFrom('payment_methods')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .execute();
}

/** The provider could not detach the method: nothing was removed, the customer may try again. */
function detachFailed(provider: string, reason: string): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    'The payment provider could not remove this payment method; it is still saved, try again later',
    { provider, reason },
    { 'retry-after': '30' },
  );
}

/**
 * The customer's account view of their saved methods. Removing one detaches
 * it at the provider first (Stripe: `paymentMethods.detach`, after which it
 * can never be charged again, off-session no-show fees included), then deletes
 * our record of the token. When the provider cannot detach it the record stays
 * and the removal answers 503, so the customer can retry; detaching twice is
 * harmless (the provider contract makes it idempotent).
 */
export function createSavedPaymentMethodsPort(context: Pick<PaymentsContext, 'providers'>): SavedPaymentMethodsPort {
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

    async removeForCustomer(trx, tenantId, customerId, paymentMethodId): Promise<boolean> {
      const method = await lockMethodOfCustomer(trx, tenantId, customerId, paymentMethodId);
      if (!method) return false;
      // A method saved with a provider this process does not run (the deployment changed provider)
      // cannot be detached from here: keep it rather than forget a token that can still be charged.
      const provider = context.providers.get(method.provider);
      if (!provider) throw detachFailed(method.provider, 'provider_not_configured');
      try {
        await provider.detachPaymentMethod({ paymentMethod: method.provider_payment_method_id, customer: method.provider_customer_id });
      } catch (error) {
        if (error instanceof ProviderUnavailableError) throw detachFailed(method.provider, 'provider_unavailable');
        if (error instanceof ProviderRequestError) throw detachFailed(method.provider, error.code);
        throw error;
      }
      await deleteMethodOfCustomer(trx, tenantId, customerId, method.id);
      return true;
    },
  };
}
