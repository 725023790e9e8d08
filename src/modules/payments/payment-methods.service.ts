import { withTenant } from '../../platform/db/tenant-context.ts';
import { validationError } from '../../platform/http/errors.ts';
import { providerKey, type PaymentsContext } from './payments-context.ts';
import { providerCustomerFor, providerFailure } from './charges.service.ts';
import type { ProviderPaymentMethod } from './payment-provider.ts';
import { NotATestCardError } from './sandbox-provider.ts';
import { assertMayAttachToCustomer, type PayerCredentials } from './payment-access.ts';
import * as repo from './payments.repository.ts';
import type { PaymentMethodRow } from './payments.repository.ts';
import type { PaymentMethodCreateBody, PaymentMethodView } from './payments.schemas.ts';

export function cardExpired(expMonth: number, expYear: number, now: Date): boolean {
  return expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1);
}

/**
 * Registers a payment method for later use by id. In live mode only the
 * provider's token is accepted (the card element in the browser talks to the
 * provider; card numbers never reach us). The sandbox also tokenises its own
 * test card numbers — and nothing else; neither number nor CVC is stored or logged.
 * Saving it for a customer needs the customer or the business (`payment-access.ts`).
 */
export async function createPaymentMethod(
  context: PaymentsContext,
  tenantId: string,
  body: PaymentMethodCreateBody,
  caller: PayerCredentials,
): Promise<PaymentMethodRow> {
  if (body.customer_id !== undefined) {
    const customerId = body.customer_id;
    await withTenant(context.db, tenantId, (trx) => assertMayAttachToCustomer(context, trx, tenantId, caller, customerId));
  }
  let method: ProviderPaymentMethod;
  if (body.card) {
    const tokenize = context.provider.tokenizeTestCard?.bind(context.provider);
    if (!tokenize) {
      throw validationError(
        [{ field: 'card', message: 'card numbers are not accepted; send provider_payment_method_id from the card element' }],
        'Card numbers are accepted only by the sandbox',
      );
    }
    if (cardExpired(body.card.exp_month, body.card.exp_year, new Date())) {
      throw validationError([{ field: 'card.exp_year', message: 'the card has expired' }]);
    }
    try {
      method = tokenize({ number: body.card.number, expMonth: body.card.exp_month, expYear: body.card.exp_year, cvc: body.card.cvc });
    } catch (error) {
      if (error instanceof NotATestCardError) throw validationError([{ field: 'card.number', message: error.message }]);
      throw error;
    }
  } else if (body.provider_payment_method_id) {
    method = { id: body.provider_payment_method_id, brand: null, last4: null, expMonth: null, expYear: null };
  } else {
    throw validationError([{ field: 'provider_payment_method_id', message: 'send card (sandbox) or provider_payment_method_id' }]);
  }

  return withTenant(context.db, tenantId, async (trx) => {
    let providerCustomerId: string | null = null;
    if (body.customer_id) {
      providerCustomerId = await providerCustomerFor(context, trx, tenantId, body.customer_id);
      const attached = await context.provider
        .attachPaymentMethod({
          paymentMethod: method.id,
          customer: providerCustomerId,
          idempotencyKey: providerKey(tenantId, 'attach', `${method.id}:${providerCustomerId}`),
        })
        .catch(providerFailure);
      method = { ...attached, brand: method.brand ?? attached.brand, last4: method.last4 ?? attached.last4 };
    }
    return repo.upsertPaymentMethod(trx, {
      tenant_id: tenantId,
      customer_id: body.customer_id ?? null,
      provider: context.provider.name,
      provider_payment_method_id: method.id,
      provider_customer_id: providerCustomerId,
      brand: method.brand,
      last4: method.last4,
      exp_month: method.expMonth,
      exp_year: method.expYear,
    });
  });
}

export const toPaymentMethodView = (row: PaymentMethodRow): PaymentMethodView => ({
  id: row.id,
  provider: row.provider,
  provider_payment_method_id: row.provider_payment_method_id,
  customer_id: row.customer_id,
  brand: row.brand,
  last4: row.last4,
  exp_month: row.exp_month,
  exp_year: row.exp_year,
});
