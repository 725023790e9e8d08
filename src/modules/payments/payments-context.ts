import { createHash } from 'node:crypto';
import type { Db, Executor } from '../../platform/db/database.ts';
import type { Money } from '../../platform/money.ts';
import type { PaymentProvider } from './payment-provider.ts';
import type { TransactionFeeRule } from './platform-fee.ts';

/** The plan's transaction fee of a tenant (tenancy owns plans; the composition root wires the lookup). */
export type FeeRuleLookup = (executor: Executor, tenantId: string) => Promise<TransactionFeeRule>;

/** What the intent endpoint needs to know about a booking to validate an amount (booking owns bookings). */
export interface BookingPaymentFacts {
  bookingId: string;
  customerId: string;
  /** The booking's resource: staff may pay only bookings they may change. */
  resourceId: string;
  /** Only bookings awaiting payment may start one (`pending_payment`). */
  awaitingPayment: boolean;
  amountDue: Money;
  /**
   * The booking's status and whole price, which the front desk needs to collect the balance
   * (booking's `bookingPaymentFacts` gives both; a lookup without them takes no desk payments).
   */
  status?: string;
  totalPrice?: Money;
  type: 'deposit' | 'full_payment';
  description: string;
}

/**
 * `lock` holds the booking's row until the transaction ends, so a state change (a cancellation and
 * its refund) cannot pass between reading the booking and recording money against it.
 */
export type BookingLookup = (executor: Executor, tenantId: string, bookingId: string, options?: { lock?: boolean }) => Promise<BookingPaymentFacts | null>;

/** Everything the payments services share, built once by `createPaymentsModule`. */
export interface PaymentsContext {
  db: Db;
  /** The provider new payments go to (Stripe when configured, else the sandbox). */
  provider: PaymentProvider;
  /** Every provider by name: webhooks, refunds and reconciliation follow the payment's own provider. */
  providers: ReadonlyMap<string, PaymentProvider>;
  feeRuleOf: FeeRuleLookup;
  /**
   * Charges need the tenant's connected account, able to take charges: without
   * one they are refused (409 `PAYMENTS_NOT_CONFIGURED`) rather than collected
   * on the platform's account. True with Stripe; the sandbox charges the
   * platform when a tenant has no (simulated) account.
   */
  connectRequired: boolean;
  bookingLookup: BookingLookup | null;
  /** Minutes a payment may stay `processing` before reconciliation asks the provider. */
  reconcileAfterMinutes: number;
  /** Base URL customers and businesses reach (payment pages, onboarding return URLs). */
  publicUrl: string;
  /** Signs payment page links (`/pay/{token}`). */
  pageKey: Buffer;
  /** Stripe's publishable key for the payment page's Payment Element; null with the sandbox. */
  publishableKey: string | null;
  /** The tenant and booking a manage token names (booking's self-service links), or null; null when not wired. */
  verifyManageToken: ManageTokenVerifier | null;
  /** Origins besides `publicUrl` that return URLs may point at (custom domain, the business's allowed origins). */
  allowedReturnOrigins: AllowedOriginsLookup;
  /** Told each charge the provider settled, after its transaction commits (the `payment_attempts_total` counter). */
  onAttempt?: (status: 'success' | 'failed') => void;
}

export type ManageTokenVerifier = (token: string) => { tenantId: string; bookingId: string } | null;
export type AllowedOriginsLookup = (executor: Executor, tenantId: string) => Promise<string[]>;

/** The provider that holds a payment. */
export function providerOf(context: PaymentsContext, name: string): PaymentProvider {
  const provider = context.providers.get(name);
  if (!provider) throw new Error(`payment provider "${name}" is not configured in this process`);
  return provider;
}

/**
 * The key sent to the provider for one of our operations: scoped by tenant and
 * purpose (two tenants may use the same client key) and hashed to fit every
 * provider's limit. Deterministic, so a retry sends the same key.
 */
export function providerKey(tenantId: string, purpose: string, key: string): string {
  return `rh_${createHash('sha256').update(`${tenantId}\n${purpose}\n${key}`).digest('hex')}`;
}
