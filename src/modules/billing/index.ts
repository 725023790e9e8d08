/**
 * Billing of tenants (RF1.8–RF1.10): the platform charges each business for its plan. Billing owns
 * the subscription's lifecycle (tenancy keeps the subscriptions table and hands over the functions
 * that change it), the platform's invoices and credit notes with their gapless numbers, the
 * business's billing details and payment method, and the cycle job that renews and dunns.
 */
import type { Config } from '../../platform/config.ts';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { AuthContext } from '../../platform/http/access.ts';
import { actorOf } from '../audit/index.ts';
import type { JobDefinition } from '../../platform/jobs/job-definition.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { findLiveSubscription, type ActiveUserCounter } from '../tenancy/index.ts';
import { createSandboxBillingProvider, type BillingProvider } from './billing-provider.ts';
import { createBillingCycleJob, runBillingCycle, scheduleBillingCycle } from './billing-cycle.job.ts';
import { registerBillingRoutes } from './billing.routes.ts';
import { registerBillingPortalRoutes } from './billing-portal.routes.ts';
import { registerBillingWebhookRoutes } from './billing-webhooks.routes.ts';
import type { Seller } from './invoices.ts';
import { createStripeBillingProvider } from './stripe-billing-provider.ts';
import { SubscriptionLifecycle, type BillingMessagesPort } from './subscription-lifecycle.ts';
import type { TransactionFeesPort } from './transaction-fees.ts';

export { SANDBOX_PAYMENT_METHODS, type BillingProvider } from './billing-provider.ts';
export { RETRY_SCHEDULE_DAYS, UNPAID_SUSPENSION_REASON, type BillingMessagesPort, type BillingNotice } from './subscription-lifecycle.ts';
export type { InvoiceRow } from './invoices.ts';
export type { TransactionFeesPort } from './transaction-fees.ts';

export interface BillingModuleDeps {
  db: Db;
  config: Pick<Config, 'NODE_ENV' | 'PAYMENTS_SANDBOX' | 'BILLING_SELLER_NAME' | 'BILLING_SELLER_TAX_ID' | 'BILLING_SELLER_ADDRESS' | 'BILLING_SELLER_EMAIL' | 'BILLING_SELLER_COUNTRY'>;
  countActiveUsers: ActiveUserCounter;
  /** The sandbox when absent (`billingProviderFrom` picks Stripe from the configuration). */
  provider?: BillingProvider | undefined;
  messages?: BillingMessagesPort | undefined;
  /** The product's public address (the e-mails link to the dashboard's billing screen). */
  publicUrl?: string | undefined;
  /** Payments' fee figures for the invoices' transaction-fee statement (left out without it). */
  transactionFees?: TransactionFeesPort | undefined;
}

export interface BillingModule {
  lifecycle: SubscriptionLifecycle;
  registerRoutes(api: ApiRouter): void;
  jobs: JobDefinition[];
  /** Renews and retries what is due at `now` (the cycle job's work), for every business or one. */
  runCycle(now?: Date, tenantId?: string | null): Promise<Record<string, number>>;
  /** Tenancy's `POST /tenants/{id}/upgrade`: a plan change on the current interval (its PlanChangePort). */
  changePlanKeepingInterval(trx: Trx, tenantId: string, planId: string, auth: AuthContext): Promise<void>;
  scheduleRecurringJobs(): Promise<void>;
}

export function sellerFrom(config: BillingModuleDeps['config']): Seller {
  return {
    name: config.BILLING_SELLER_NAME,
    taxId: config.BILLING_SELLER_TAX_ID,
    address: config.BILLING_SELLER_ADDRESS.split('|').map((line) => line.trim()).filter(Boolean),
    email: config.BILLING_SELLER_EMAIL,
    country: config.BILLING_SELLER_COUNTRY,
  };
}

/**
 * Stripe when STRIPE_SECRET_KEY is set and PAYMENTS_SANDBOX is not (the same account as customers' payments, with
 * its own webhook endpoint and secret); otherwise undefined, and billing runs on the sandbox.
 */
export function billingProviderFrom(config: Pick<Config, 'PAYMENTS_SANDBOX' | 'STRIPE_SECRET_KEY' | 'STRIPE_BILLING_WEBHOOK_SECRET' | 'STRIPE_API_BASE'>): BillingProvider | undefined {
  if (config.STRIPE_SECRET_KEY === undefined || config.PAYMENTS_SANDBOX) return undefined;
  return createStripeBillingProvider({ secretKey: config.STRIPE_SECRET_KEY, webhookSecret: config.STRIPE_BILLING_WEBHOOK_SECRET, apiBase: config.STRIPE_API_BASE });
}

/**
 * Whether billing charges businesses and dunns them: with a provider (Stripe, see `billingProviderFrom`), or where
 * the sandbox is allowed (outside production, or with PAYMENTS_SANDBOX). Production with neither does not start
 * (config.ts); without a provider here it keeps plans as they were before billing (changes at once, nothing charged).
 */
export function billingCharges(config: Pick<Config, 'NODE_ENV' | 'PAYMENTS_SANDBOX'>, provider?: BillingProvider): boolean {
  return provider !== undefined || config.NODE_ENV !== 'production' || config.PAYMENTS_SANDBOX;
}

export function createBillingModule(deps: BillingModuleDeps): BillingModule {
  const charges = billingCharges(deps.config, deps.provider);
  const provider = deps.provider ?? createSandboxBillingProvider();
  const seller = sellerFrom(deps.config);
  const billingUrl = `${deps.publicUrl ?? ''}/admin/settings/billing`;
  const lifecycle = new SubscriptionLifecycle({ provider, seller, countUsers: deps.countActiveUsers, messages: deps.messages ?? null, billingUrl });
  return {
    lifecycle,
    registerRoutes: (api) => {
      registerBillingRoutes(api, { db: deps.db, lifecycle, provider, seller, transactionFees: deps.transactionFees });
      registerBillingPortalRoutes(api, { db: deps.db, provider, billingUrl });
      registerBillingWebhookRoutes(api, { db: deps.db, lifecycle, provider });
    },
    jobs: charges ? [createBillingCycleJob({ lifecycle })] : [],
    runCycle: async (now, tenantId) => (charges ? runBillingCycle(deps.db, lifecycle, now, tenantId ?? null) : {}),
    async changePlanKeepingInterval(trx, tenantId, planId, auth) {
      const subscription = await findLiveSubscription(trx, tenantId);
      await lifecycle.changePlan(trx, tenantId, { planId, interval: subscription?.billing_interval ?? 'month' }, actorOf(auth));
    },
    scheduleRecurringJobs: async () => {
      if (charges) await scheduleBillingCycle(deps.db);
    },
  };
}
