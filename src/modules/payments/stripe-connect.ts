import Stripe from 'stripe';
import { ProviderRequestError, type ConnectedAccounts, type ProviderAccount } from './payment-provider.ts';
import { rethrow } from './stripe-errors.ts';

/** The metadata key that names our tenant on a connected account. */
export const TENANT_METADATA = 'reservehub_tenant_id';

export function stripeConnect(stripe: Stripe): ConnectedAccounts {
  return {
    async createAccount(input) {
      return accountCall(async () =>
        toAccount(
          await stripe.accounts.create(
            {
              // Express-style: Stripe collects the requirements and hosts a light dashboard; the platform
              // pays Stripe's fees and carries negative balances, as it does anyway for destination charges.
              controller: {
                stripe_dashboard: { type: 'express' },
                requirement_collection: 'stripe',
                fees: { payer: 'application' },
                losses: { payments: 'application' },
              },
              // card_payments lets charges be made on behalf of the business; transfers receives them.
              capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
              ...(input.country ? { country: input.country } : {}),
              metadata: { [TENANT_METADATA]: input.tenantId },
            },
            { idempotencyKey: input.idempotencyKey },
          ),
        ),
      );
    },

    async retrieveAccount(accountId) {
      return accountCall(async () => toAccount(await stripe.accounts.retrieve(accountId)));
    },

    async createOnboardingLink(input) {
      return accountCall(async () => {
        const link = await stripe.accountLinks.create({
          account: input.accountId,
          type: 'account_onboarding',
          return_url: input.returnUrl,
          refresh_url: input.refreshUrl,
        });
        return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
      });
    },
  };
}

export function toAccount(account: Stripe.Account): ProviderAccount {
  return {
    id: account.id,
    chargesEnabled: account.charges_enabled === true,
    payoutsEnabled: account.payouts_enabled === true,
    detailsSubmitted: account.details_submitted === true,
    requirementsDue: [...(account.requirements?.currently_due ?? []), ...(account.requirements?.past_due ?? [])].filter(
      (key, index, all) => all.indexOf(key) === index,
    ),
    disabledReason: account.requirements?.disabled_reason ?? null,
  };
}

/** Account calls: an invalid request (unsupported country, unknown account) is the caller's to fix, not a decline. */
async function accountCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripePermissionError) {
      throw new ProviderRequestError(error.code ?? 'invalid_request', error.message, error.param ?? null);
    }
    return rethrow(error);
  }
}
