/**
 * Payments' part in customers' privacy rights and merges (the module's
 * `customerData`, handed to the customers module at construction).
 *
 * Export: every payment and refund, the saved payment methods (brand, last
 * four digits, expiry; never a card number, which we never hold) and the
 * provider customers that carry them.
 *
 * Erasure: what can still charge the customer goes, at the provider first:
 * each saved method is detached and each provider customer deleted (Stripe:
 * `paymentMethods.detach`, `customers.del`; the sandbox forgets them in its
 * own store), then our records of those tokens are deleted. Open intents are
 * cancelled. Payments and refunds stay as accounting records without anything
 * that links them to a card or a browser (client secret, return and 3-D Secure
 * URLs, method token, provider customer). If the provider cannot be reached the
 * erasure answers 503 and nothing changes, so it can be retried.
 */
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { CustomerDataHolder, ErasureParticipant, PersonalDataContributor } from '../customers/index.ts';
import { ProviderRequestError, ProviderUnavailableError, type PaymentProvider } from './payment-provider.ts';
import { providerKey, type PaymentsContext } from './payments-context.ts';
import { isOpen } from './payment-status.ts';
import './payments.tables.ts';

/** Payments and refunds are accounting records: kept 6 years (commercial and tax law), like the bookings they pay. */
export const PAYMENT_RETENTION_YEARS = 6;

async function paymentsOfCustomer(executor: Executor, tenantId: string, customerId: string) {
  return executor
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

async function refundsOfCustomer(executor: Executor, tenantId: string, customerId: string) {
  return executor
    .selectFrom('refunds')
    .innerJoin('payments', (join) => join.onRef('payments.tenant_id', '=', 'refunds.tenant_id').onRef('payments.id', '=', 'refunds.payment_id'))
    .select(['refunds.id', 'refunds.payment_id', 'refunds.amount', 'refunds.currency', 'refunds.reason', 'refunds.status', 'refunds.created_at', 'refunds.processed_at'])
    .where('refunds.tenant_id', '=', tenantId)
    .where('payments.customer_id', '=', customerId)
    .orderBy('refunds.created_at')
    .execute();
}

async function methodsOfCustomer(executor: Executor, tenantId: string, customerId: string, lock = false) {
  return executor
    .selectFrom('payment_methods')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .$if(lock, (query) => query.forUpdate())
    .execute();
}

async function providerCustomersOf(executor: Executor, tenantId: string, customerId: string, lock = false) {
  return executor
    .selectFrom('payment_customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .$if(lock, (query) => query.forUpdate())
    .execute();
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function paymentsContributor(): PersonalDataContributor {
  return {
    name: 'payments',
    purposes: ['Collecting deposits, prepayments and no-show fees', 'Refunds under the cancellation policy', 'Accounting'],
    recipients: ['The business the customer booked with', 'The payment provider (Stripe) that processes the card'],
    retention: `${PAYMENT_RETENTION_YEARS} years after the payment (commercial and tax law)`,
    async collect(trx, tenantId, customerId) {
      const refunds = await refundsOfCustomer(trx, tenantId, customerId);
      return (await paymentsOfCustomer(trx, tenantId, customerId)).map((row) => ({
        id: row.id,
        booking_id: row.booking_id,
        type: row.type,
        status: row.status,
        amount: row.amount,
        currency: row.currency,
        provider: row.provider,
        provider_payment_id: row.provider_payment_id,
        description: row.description,
        failure_reason: row.failure_reason,
        created_at: iso(row.created_at),
        processed_at: iso(row.processed_at),
        refunds: refunds
          .filter((refund) => refund.payment_id === row.id)
          .map((refund) => ({
            id: refund.id,
            amount: refund.amount,
            currency: refund.currency,
            reason: refund.reason,
            status: refund.status,
            created_at: iso(refund.created_at),
            processed_at: iso(refund.processed_at),
          })),
      }));
    },
  };
}

export function savedPaymentMethodsContributor(): PersonalDataContributor {
  return {
    name: 'saved_payment_methods',
    purposes: ['Paying later bookings without entering the card again', 'Charging no-show fees the customer agreed to'],
    recipients: ['The payment provider (Stripe), which holds the card itself'],
    retention: 'Until the customer removes the method or is erased',
    async collect(trx, tenantId, customerId) {
      const methods = (await methodsOfCustomer(trx, tenantId, customerId)).map((row) => ({
        kind: 'payment_method',
        id: row.id,
        provider: row.provider,
        provider_payment_method_id: row.provider_payment_method_id,
        brand: row.brand,
        last4: row.last4,
        exp_month: row.exp_month,
        exp_year: row.exp_year,
        created_at: iso(row.created_at),
      }));
      const holders = (await providerCustomersOf(trx, tenantId, customerId)).map((row) => ({
        kind: 'provider_customer',
        provider: row.provider,
        provider_customer_id: row.provider_customer_id,
        created_at: iso(row.created_at),
      }));
      return [...methods, ...holders];
    },
  };
}

/** The provider would not forget the customer: nothing is erased yet, the erasure can be retried. */
function forgetFailed(provider: string, reason: string): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    'The payment provider could not delete the customer\'s saved payment details; nothing was erased, try again later',
    { provider, reason },
    { 'retry-after': '30' },
  );
}

async function atProvider(context: Pick<PaymentsContext, 'providers'>, name: string, work: (provider: PaymentProvider) => Promise<unknown>): Promise<void> {
  // A token saved with a provider this process does not run cannot be forgotten from here: keep it.
  const provider = context.providers.get(name);
  if (!provider) throw forgetFailed(name, 'provider_not_configured');
  try {
    await work(provider);
  } catch (error) {
    if (error instanceof ProviderUnavailableError) throw forgetFailed(name, 'provider_unavailable');
    if (error instanceof ProviderRequestError) throw forgetFailed(name, error.code);
    throw error;
  }
}

export function paymentsErasureParticipant(context: Pick<PaymentsContext, 'providers'>): ErasureParticipant {
  return {
    name: 'payments',
    async erase(trx, tenantId, customerId, erasure) {
      const methods = await methodsOfCustomer(trx, tenantId, customerId, true);
      for (const method of methods) {
        await atProvider(context, method.provider, (provider) =>
          provider.detachPaymentMethod({ paymentMethod: method.provider_payment_method_id, customer: method.provider_customer_id }),
        );
      }
      const holders = await providerCustomersOf(trx, tenantId, customerId, true);
      for (const holder of holders) {
        await atProvider(context, holder.provider, (provider) => provider.deleteCustomer({ customer: holder.provider_customer_id }));
      }
      await trx.deleteFrom('payment_methods').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).execute();
      await trx.deleteFrom('payment_customers').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).execute();

      // Open intents can no longer be paid (best effort at the provider: a late success is refunded as a late one).
      const payments = await paymentsOfCustomer(trx, tenantId, customerId);
      let cancelled = 0;
      for (const payment of payments.filter((row) => isOpen(row.status))) {
        const provider = context.providers.get(payment.provider);
        if (provider && payment.provider_payment_id !== null) {
          await provider.cancelIntent(payment.provider_payment_id, providerKey(tenantId, 'cancel', payment.id)).catch(() => null);
        }
        await trx.updateTable('payments').set({ status: 'cancelled', updated_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', payment.id).execute();
        cancelled += 1;
      }
      const stripped = await trx
        .updateTable('payments')
        .set({ client_secret: null, return_url: null, next_action_url: null, payment_method_id: null, provider_customer_id: null, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('customer_id', '=', customerId)
        .executeTakeFirst();

      const deletion = new Date(erasure.erasedAt);
      deletion.setUTCFullYear(deletion.getUTCFullYear() + PAYMENT_RETENTION_YEARS);
      return {
        deleted: [
          { table: 'payment_methods', count: methods.length, anonymized: false },
          { table: 'payment_customers', count: holders.length, anonymized: false },
          { table: 'payments', count: Number(stripped.numUpdatedRows), anonymized: true },
        ],
        retained: payments.length === 0 ? [] : [
          {
            table: 'payments',
            count: payments.length,
            retention_reason: `Accounting records of money received and refunded, without card or browser details (${cancelled} open intents cancelled)`,
            deletion_scheduled: deletion,
          },
        ],
      };
    },
  };
}

/** Payments' contributors and erasure participant; they run after booking's, whose cancellations refund first. */
export function paymentsCustomerData(context: Pick<PaymentsContext, 'providers'>): CustomerDataHolder {
  return {
    contributors: [paymentsContributor(), savedPaymentMethodsContributor()],
    erasureParticipants: [paymentsErasureParticipant(context)],
  };
}
